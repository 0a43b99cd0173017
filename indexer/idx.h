#ifndef CASEREVIEW_INDEXER_IDX_H
#define CASEREVIEW_INDEXER_IDX_H
/*
 * An index run: brings the Xapian index in line with the catalogue.
 *
 *  - reports whose indexed_gen < content_gen are extracted (in worker
 *    processes, indexer/extract.h), described (indexer/meta.h) and written
 *    page by page (indexer/idx_doc.h); a report that cannot be read is
 *    marked failed with its reason and the run goes on;
 *  - reports removed from the catalogue are deleted from the index;
 *  - with nothing to do, the run opens almost nothing and says so.
 *
 * Crash safety: the index is committed in batches, and only after a commit
 * does the catalogue record (in one transaction) which reports it made
 * durable. A kill at any moment leaves both consistent; the next run redoes
 * at most the last batch. If the index is missing or was replaced (its UUID
 * differs from the one the catalogue recorded), the run rebuilds it.
 */

#include <stdint.h>

#include "lib/catalog.h"
#include "lib/cr_err.h"
#include "lib/home.h"

struct idx_opts {
    unsigned jobs;          /* extraction workers; 0 = the number of cores */
    int rebuild;            /* recreate the index from the store and catalogue */
    int retry_failed;       /* extract failed reports again */
    int retag;              /* describe and tag every indexed report again from the text
                               the index holds, without extracting its file */
    const char *worker;     /* casereview-extract to run; NULL = extract_worker_path() */
    unsigned wall_s;        /* per-file limits; 0 = lib/caps.h defaults */
    unsigned cpu_s;
    unsigned mem_mb;
    volatile int *stop;     /* becomes non-zero on Ctrl-C; may be NULL */
};

struct idx_failure {
    int64_t id;             /* report id */
    char *name;             /* owned: file name */
    char *reason;           /* owned: reason code (extract.h EXTRACT_R_*) */
    char *detail;           /* owned: message */
};

struct idx_summary {
    int nothing_to_do;      /* 1: the index was already up to date */
    int rebuilt;            /* 1: the index was recreated */
    int64_t indexed;        /* reports written this run */
    int64_t pages;          /* pages written this run */
    int64_t retagged;       /* reports re-described from the index's text (retag) */
    int upgraded;           /* 1: an index of an older layout (lib/ixschema.h) was
                               brought to the current one */
    int64_t upgraded_pages; /* pages rewritten for it (marked as pages) */
    int64_t failed;         /* reports that failed this run */
    int64_t removed;        /* reports deleted from the index this run */
    int64_t left;           /* reports still pending (after an interruption) */
    int64_t failed_before;  /* reports that had failed in earlier runs (not retried) */
    double seconds;         /* wall-clock time of the run */
    struct idx_failure *failures; /* owned, nfailures of them */
    size_t nfailures, failures_alloc;
};

/*
 * Runs an index pass on the repository h whose catalogue c is open for
 * writing. Fills s (release with idx_summary_release) even on error.
 * Returns 0, CR_EINTR when stopped (the work done so far is kept), CR_EBUSY
 * when another index run holds the lock, or another error.
 */
int idx_run(const struct home *h, struct catalog *c, const struct idx_opts *o,
            struct idx_summary *s, struct cr_err *err) CR_MUST_CHECK;
void idx_summary_release(struct idx_summary *s);

#endif
