#ifndef CASEREVIEW_LIB_FAULT_H
#define CASEREVIEW_LIB_FAULT_H
/*
 * Test-only fault injection (after sqlite's sqlite3FaultSim): the
 * environment variable CASEREVIEW_FAULT="write:5" makes the 5th write in
 * the store fail with ENOSPC, "fsync:1" the first fsync, and so on. Unset,
 * fault_hit() is one branch on a cached flag and always 0.
 */

enum fault_site {
    FAULT_WRITE = 0, /* store blob writes */
    FAULT_FSYNC,     /* store fsyncs */
    FAULT_ALLOC,     /* reserved for allocation failures in tests */
    FAULT_SITES
};

/* 1 when the current call at this site is the one to fail. */
int fault_hit(enum fault_site site);

#endif
