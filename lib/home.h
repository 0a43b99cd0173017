#ifndef CASEREVIEW_LIB_HOME_H
#define CASEREVIEW_LIB_HOME_H
/*
 * The repository directory and where each part lives in it:
 *
 *     $CASEREVIEW_HOME (default $XDG_DATA_HOME/casereview, i.e.
 *     ~/.local/share/casereview), or --home DIR
 *       catalog.sqlite   the catalogue (lib/catalog.h)
 *       store/           blobs by sha256 (lib/store.h)
 *       index/           the Xapian database (lib/xdb.h)
 *       locks/           advisory locks of writers (crawl, add, index)
 *
 * Paths are absolute once resolved, so that worker processes and the web
 * server see the same files whatever their working directory.
 */

#include "lib/cr_err.h"

enum home_flags {
    HOME_CREATE = 1 << 0, /* create the directory tree if missing */
};

struct home {
    char *root;    /* absolute; owned */
    char *catalog; /* root/catalog.sqlite; owned */
    char *store;   /* root/store; owned */
    char *index;   /* root/index; owned */
    char *locks;   /* root/locks; owned */
};

/*
 * Resolves the repository directory (dir if not NULL, else $CASEREVIEW_HOME,
 * else $XDG_DATA_HOME/casereview, else ~/.local/share/casereview) and fills h.
 * With HOME_CREATE, creates the tree; without it, a missing directory is
 * CR_ENOTFOUND with a message that says how to create one.
 */
int home_open(struct home *h, const char *dir, unsigned flags, struct cr_err *err) CR_MUST_CHECK;
void home_release(struct home *h);

/*
 * Takes the exclusive lock `name` (e.g. "index") without waiting. Returns the
 * lock's file descriptor in *fd (close it to release), or CR_EBUSY when
 * another process holds it.
 */
int home_lock(const struct home *h, const char *name, int *fd, struct cr_err *err) CR_MUST_CHECK;

/* rm -rf path (never follows symlinks); missing is not an error. */
int home_remove_tree(const char *path, struct cr_err *err) CR_MUST_CHECK;

/* mkdir -p; 0 or CR_EIO. */
int home_mkdirs(const char *path, struct cr_err *err) CR_MUST_CHECK;

#endif
