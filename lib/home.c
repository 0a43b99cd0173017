#include "lib/home.h"

/*
 * Locating and creating the repository directory. The lock files are
 * flock(2) locks: the kernel drops them when a process dies, so a killed
 * crawl or index never leaves a stale lock behind.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

int home_mkdirs(const char *path, struct cr_err *err)
{
    char *p = xstrdup(path), *s;
    int rc = 0;

    for (s = p + 1; ; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            rc = cr_error(err, CR_EIO, "cannot create directory '%s': %s", p, strerror(errno));
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    return rc;
}

static char *default_root(void)
{
    const char *e = getenv("CASEREVIEW_HOME");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");

    if (e && *e)
        return xstrdup(e);
    if (xdg && *xdg == '/')
        return xasprintf("%s/casereview", xdg);
    return xasprintf("%s/.local/share/casereview", home && *home ? home : ".");
}

static char *absolute(const char *p)
{
    char cwd[PATH_MAX];

    if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
        return xstrdup(p);
    return xasprintf("%s/%s", cwd, p);
}

int home_open(struct home *h, const char *dir, unsigned flags, struct cr_err *err)
{
    char *raw = dir ? xstrdup(dir) : default_root();
    struct stat st;
    int rc = 0;

    memset(h, 0, sizeof(*h));
    h->root = absolute(raw);
    free(raw);
    while (strlen(h->root) > 1 && h->root[strlen(h->root) - 1] == '/')
        h->root[strlen(h->root) - 1] = '\0';
    h->catalog = xasprintf("%s/catalog.sqlite", h->root);
    h->store = xasprintf("%s/store", h->root);
    h->index = xasprintf("%s/index", h->root);
    h->locks = xasprintf("%s/locks", h->root);
    if (!(flags & HOME_CREATE)) {
        if (stat(h->root, &st) < 0 || !S_ISDIR(st.st_mode))
            rc = cr_error(err, CR_ENOTFOUND,
                          "no repository at '%s' (run 'casereview add' or 'casereview crawl' "
                          "to create one, or pass --home DIR)", h->root);
        return rc;
    }
    if ((rc = home_mkdirs(h->store, err)) < 0)
        return rc;
    return home_mkdirs(h->locks, err);
}

void home_release(struct home *h)
{
    free(h->root);
    free(h->catalog);
    free(h->store);
    free(h->index);
    free(h->locks);
    memset(h, 0, sizeof(*h));
}

int home_lock(const struct home *h, const char *name, int *fd, struct cr_err *err)
{
    char *path = xasprintf("%s/%s.lock", h->locks, name);
    int rc = 0;

    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0) {
        rc = cr_error(err, CR_EIO, "cannot open lock '%s': %s", path, strerror(errno));
        goto out;
    }
    if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(*fd);
        *fd = -1;
        if (e == EWOULDBLOCK)
            rc = cr_error(err, CR_EBUSY, "another 'casereview %s' is running on '%s'", name,
                          h->root);
        else
            rc = cr_error(err, CR_EIO, "cannot lock '%s': %s", path, strerror(e));
    }
out:
    free(path);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st;
    (void)f;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

int home_remove_tree(const char *path, struct cr_err *err)
{
    struct stat st;

    if (lstat(path, &st) < 0 && errno == ENOENT)
        return 0;
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
        return cr_error(err, CR_EIO, "cannot remove '%s': %s", path, strerror(errno));
    return 0;
}
