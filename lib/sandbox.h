#ifndef CASEREVIEW_LIB_SANDBOX_H
#define CASEREVIEW_LIB_SANDBOX_H
/*
 * Confines a process that reads untrusted files (the PDF extraction workers)
 * so that, whatever a file makes its parser do, the process can read but not
 * change the machine:
 *
 *  - no file grows (RLIMIT_FSIZE 0; SIGXFSZ is ignored, so a write fails
 *    with EFBIG instead of killing the process);
 *  - with Landlock (Linux 5.13 and later), no file or folder is created,
 *    written, truncated, renamed or removed, no program is executed, and
 *    (Linux 6.7 and later) no TCP connection is made or accepted;
 *  - no new privileges (PR_SET_NO_NEW_PRIVS). That the process dies with
 *    its parent is the parent's part (PR_SET_PDEATHSIG before exec).
 *
 * What it deliberately is not: a full sandbox. Reads stay open (a worker
 * must read the store, its libraries and their data files), and pipes and
 * terminals inherited from the parent still work.
 */

#include "lib/cr_err.h"

/*
 * SANDBOX_ASAN is 1 in an AddressSanitizer build (make asan). ASan reserves
 * terabytes of address space for its shadow at start, so RLIMIT_AS cannot
 * cap such a process: its memory is capped by ASan's own hard_rss_limit_mb
 * instead (see sandbox_asan_options).
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif
#ifndef SANDBOX_ASAN
#define SANDBOX_ASAN 0
#endif

enum sandbox_level {
    SANDBOX_NONE = 0,     /* nothing could be applied */
    SANDBOX_LIMITS = 1,   /* rlimits only: the kernel has no Landlock */
    SANDBOX_LANDLOCK = 2, /* rlimits and Landlock */
};

/*
 * Applies the confinement to the calling process, for good (it cannot be
 * lifted). *level (may be NULL) says how much applied. Returns 0, or CR_EIO
 * when a step the kernel supports failed (err names it).
 */
int sandbox_no_writes(enum sandbox_level *level, struct cr_err *err) CR_MUST_CHECK;

/*
 * Caps the address space of the calling process at mem_mb megabytes
 * (RLIMIT_AS); in an ASan build, does nothing (the parent passes
 * sandbox_asan_options instead). Returns 0 or CR_EIO.
 */
int sandbox_limit_memory(unsigned mem_mb, struct cr_err *err) CR_MUST_CHECK;

/*
 * In an ASan build, sets ASAN_OPTIONS for a child about to exec so that it
 * dies ("hard rss limit exhausted") past mem_mb megabytes of resident
 * memory, and lets a crash end it by its signal (handle_segv=0); elsewhere
 * does nothing. Call between fork and exec.
 */
void sandbox_asan_options(unsigned mem_mb);

#endif
