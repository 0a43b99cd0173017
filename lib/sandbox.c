#include "lib/sandbox.h"

/*
 * Landlock through its raw system calls (glibc has no wrappers). Debian 12's
 * <linux/landlock.h> knows ABI 1 only, so the later access rights and the
 * attribute's later fields are spelled out here; the kernel says which ABI it
 * speaks and we ask for no more than that.
 */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_landlock_create_ruleset
#include <linux/landlock.h>
#endif

#define LL_FS_EXECUTE (1ull << 0)
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_REMOVE_DIR (1ull << 4)
#define LL_FS_REMOVE_FILE (1ull << 5)
#define LL_FS_MAKE_CHAR (1ull << 6)
#define LL_FS_MAKE_DIR (1ull << 7)
#define LL_FS_MAKE_REG (1ull << 8)
#define LL_FS_MAKE_SOCK (1ull << 9)
#define LL_FS_MAKE_FIFO (1ull << 10)
#define LL_FS_MAKE_BLOCK (1ull << 11)
#define LL_FS_MAKE_SYM (1ull << 12)
#define LL_FS_REFER (1ull << 13)    /* ABI 2 */
#define LL_FS_TRUNCATE (1ull << 14) /* ABI 3 */
#define LL_NET_BIND_TCP (1ull << 0) /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)

/* struct landlock_ruleset_attr as of ABI 4; older kernels get its first 8 bytes. */
struct ll_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
};

static int limits(struct cr_err *err)
{
    struct rlimit rl = {0, 0};

    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
        return cr_error(err, CR_EIO, "cannot limit file sizes: %s", strerror(errno));
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return cr_error(err, CR_EIO, "cannot drop new privileges: %s", strerror(errno));
    return 0;
}

#ifdef SYS_landlock_create_ruleset
/* Returns 1 when Landlock applied, 0 when the kernel has none, or an error. */
static int landlock(struct cr_err *err)
{
    struct ll_attr a;
    size_t size = sizeof(a.handled_access_fs);
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    int fd, rc = 1;

    if (abi < 1)
        return 0; /* ENOSYS or EOPNOTSUPP: built without it, or disabled at boot */
    memset(&a, 0, sizeof(a));
    a.handled_access_fs = LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR |
                          LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG |
                          LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;
    if (abi >= 2)
        a.handled_access_fs |= LL_FS_REFER;
    if (abi >= 3)
        a.handled_access_fs |= LL_FS_TRUNCATE;
    if (abi >= 4) {
        a.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
        size = sizeof(a);
    }
    /* no rule is added: every handled access is denied everywhere */
    fd = (int)syscall(SYS_landlock_create_ruleset, &a, size, 0);
    if (fd < 0)
        return cr_error(err, CR_EIO, "cannot create a Landlock ruleset: %s", strerror(errno));
    if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
        rc = cr_error(err, CR_EIO, "cannot apply the Landlock ruleset: %s", strerror(errno));
    close(fd);
    return rc;
}
#else
static int landlock(struct cr_err *err)
{
    (void)err;
    return 0;
}
#endif

int sandbox_no_writes(enum sandbox_level *level, struct cr_err *err)
{
    int rc;

    if (level)
        *level = SANDBOX_NONE;
    rc = limits(err);
    if (rc < 0)
        return rc;
    if (level)
        *level = SANDBOX_LIMITS;
    rc = landlock(err);
    if (rc < 0)
        return rc;
    if (rc == 1 && level)
        *level = SANDBOX_LANDLOCK;
    return 0;
}

int sandbox_limit_memory(unsigned mem_mb, struct cr_err *err)
{
    struct rlimit rl;

    if (SANDBOX_ASAN || !mem_mb)
        return 0;
    rl.rlim_cur = rl.rlim_max = (rlim_t)mem_mb << 20;
    if (setrlimit(RLIMIT_AS, &rl) < 0)
        return cr_error(err, CR_EIO, "cannot limit memory to %u MB: %s", mem_mb, strerror(errno));
    return 0;
}

void sandbox_asan_options(unsigned mem_mb)
{
    const char *old = getenv("ASAN_OPTIONS");
    char opts[1024];

    if (!SANDBOX_ASAN || !mem_mb)
        return;
    /*
     * handle_segv=0: a crash ends the worker by its signal, as it does outside
     * ASan; a quarantine of an eighth of the limit (ASan's default is 256 MB of
     * freed memory held back) leaves the rest for the PDF.
     */
    snprintf(opts, sizeof(opts), "%s%shard_rss_limit_mb=%u:quarantine_size_mb=%u:handle_segv=0",
             old && *old ? old : "", old && *old ? ":" : "", mem_mb,
             mem_mb / 8 > 16 ? mem_mb / 8 : 16);
    setenv("ASAN_OPTIONS", opts, 1);
}
