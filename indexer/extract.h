#ifndef CASEREVIEW_INDEXER_EXTRACT_H
#define CASEREVIEW_INDEXER_EXTRACT_H
/*
 * Text extraction, in worker processes.
 *
 * One narrow interface between the indexer and the PDF library: a worker
 * program (casereview-extract, built from extract_poppler.c, the only file
 * that calls Poppler) reads file paths on its stdin, one per line, and for
 * each writes framed events on its stdout: document metadata, the first
 * pages' lines with their font sizes, each page's text, then "done" or an
 * error with its reason. A new format is one new worker file.
 *
 * The parent side (extract_pool_*) runs N workers, feeds them jobs, reads
 * their events with poll(), and enforces the limits: address space and CPU
 * time through setrlimit in the worker, wall-clock time by killing it. A
 * worker that crashes, hangs or exceeds a limit costs one report (reported
 * as failed with its reason), never the run. Workers are recycled every
 * few files, which keeps Poppler's caches from growing.
 *
 * Frame: 1 byte type, 4 bytes little-endian payload length, payload.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"

enum extract_frame {
    EXTRACT_META = 'M',   /* "key\0value": pages, title, author, subject, keywords,
                             creator, producer, created, modified (ISO 8601) */
    EXTRACT_LINE = 'L',   /* 4-byte page, 4-byte font size ×100, UTF-8 line (first pages only) */
    EXTRACT_PAGE = 'P',   /* 4-byte page number (1-based), then the page's UTF-8 text */
    EXTRACT_DONE = 'D',   /* 4-byte page count: the job succeeded */
    EXTRACT_ERROR = 'E',  /* "reason\0message": the job failed */
};

/* Failure reasons, as stored in the catalogue's reports.fail_reason. */
#define EXTRACT_R_ENCRYPTED "encrypted"
#define EXTRACT_R_DAMAGED "damaged"
#define EXTRACT_R_NOTEXT "no-text"
#define EXTRACT_R_TIMEOUT "timeout"
#define EXTRACT_R_CRASHED "crashed"
#define EXTRACT_R_TOOBIG "too-big"
#define EXTRACT_R_UNSUPPORTED "unsupported"
#define EXTRACT_R_MISSING "missing"

/* Lines of how many leading pages are sent with their font sizes. */
#define EXTRACT_LAYOUT_PAGES 2

/* Writes one frame to fd; 0 or -1 (errno set). Used by workers. */
int extract_write_frame(int fd, int type, const void *payload, size_t len);

struct extract_pool;

struct extract_pool_opts {
    const char *worker;   /* path of the casereview-extract program; borrowed */
    unsigned workers;     /* processes, >= 1 */
    unsigned mem_mb;      /* address-space limit per worker (0 = CR_WORKER_MEM_MB) */
    unsigned cpu_s;       /* CPU seconds per file (0 = CR_WORKER_CPU_S) */
    unsigned wall_s;      /* wall-clock seconds per file (0 = CR_WORKER_WALL_S) */
    unsigned recycle;     /* files per worker before it is replaced (0 = 25) */
};

/* What a job reports, called from extract_pool_run(). job is the caller's pointer. */
struct extract_events {
    void (*meta)(void *job, const char *key, const char *value);
    void (*line)(void *job, int page, double font_size, const char *text, size_t len);
    void (*page)(void *job, int page, const char *text, size_t len);
    /* the job is over: reason NULL on success, else a reason code and message */
    void (*finished)(void *job, int pages, const char *reason, const char *detail);
};

struct extract_job {
    const char *path;     /* file to extract; borrowed until finished() */
    void *job;            /* the caller's context, passed to every event */
};

int extract_pool_new(struct extract_pool **out, const struct extract_pool_opts *opts,
                     struct cr_err *err) CR_MUST_CHECK;
/* Stops (kills) every worker and frees. Accepts NULL. */
void extract_pool_free(struct extract_pool *p);

/*
 * Runs the jobs to completion: every job gets exactly one finished() call.
 * Returns 0, CR_EINTR when *stop became non-zero (the remaining jobs are not
 * started and get no event; jobs under way are abandoned), or an error when
 * workers cannot be started at all.
 */
int extract_pool_run(struct extract_pool *p, const struct extract_job *jobs, size_t n,
                     const struct extract_events *ev, volatile int *stop,
                     struct cr_err *err) CR_MUST_CHECK;

/*
 * Where the worker program is: $CASEREVIEW_EXTRACT, else casereview-extract
 * beside the running program (/proc/self/exe). New string.
 */
char *extract_worker_path(void);

#endif
