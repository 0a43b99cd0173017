#ifndef CASEREVIEW_LIB_FAULT_H
#define CASEREVIEW_LIB_FAULT_H
/*
 * Test-only fault injection (after sqlite's sqlite3FaultSim): the
 * environment variable CASEREVIEW_FAULT="write:5" makes the 5th write in
 * the store fail with ENOSPC, "fsync:1" the first fsync, "commit:2" the
 * second catalogue commit, "index-commit:1" the first index commit, and so
 * on; several go comma-separated. Unset, fault_hit() is one branch on a
 * cached flag and always 0.
 */

enum fault_site {
    FAULT_WRITE = 0,    /* "write": store blob writes */
    FAULT_FSYNC,        /* "fsync": store fsyncs */
    FAULT_ALLOC,        /* "alloc": reserved for allocation failures in tests */
    FAULT_COMMIT,       /* "commit": catalogue commits (catalog_commit) */
    FAULT_INDEX_COMMIT, /* "index-commit": index commits (xdb_commit) */
    FAULT_SITES
};

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the current call at this site is the one to fail. */
int fault_hit(enum fault_site site);

#ifdef __cplusplus
}
#endif

#endif
