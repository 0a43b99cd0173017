#ifndef CASEREVIEW_CRAWLER_CRAWL_DB_H
#define CASEREVIEW_CRAWLER_CRAWL_DB_H
/*
 * What the crawler writes to and reads from its catalogue tables besides the
 * queue (lib/schema_crawl.c documents them): sources, fetches, per-URL
 * validators, which report each URL served and whether it is still online,
 * link context, and cached robots.txt files.
 *
 * The caller owns transactions: each function runs inside whatever
 * transaction is open. Strings passed in are borrowed.
 */

#include <stdint.h>

#include "crawler/links.h"
#include "lib/catalog.h"
#include "lib/hints.h"
#include "lib/cr_err.h"

/* One fetch, as recorded in crawl_fetches. */
struct crawl_db_fetch {
    int64_t run_id;
    const char *url, *final_url;
    long http_status;           /* 0 when no answer */
    const char *content_type;
    int64_t bytes;              /* body bytes received */
    const char *sha256;         /* of what was stored, or NULL */
    const char *etag, *last_modified;
    const char *location;       /* where a redirect pointed (absolute), or NULL */
    const char *error;          /* NULL on success */
    const char *outcome;        /* new, same, changed, not-modified, not-a-document, gone,
                                   failed, retry, too-big, page, robots, skipped,
                                   redirect */
    int attempt;
    long redirects;             /* hops of the chain before this request */
    long elapsed_ms;
};

/* The state kept per URL for conditional requests. Strings new (crawl_db_url_release). */
struct crawl_db_url {
    char *etag, *last_modified, *sha256, *format;
};

/* A source row (for `casereview sources`). Strings new (crawl_db_source_release). */
struct crawl_db_source {
    int64_t id;
    char *url, *name, *nation, *origin;
    char *last_crawled_at, *last_status, *last_error;
    int64_t pages, documents, new_documents, gone, failed;
    int64_t total_documents;    /* documents ever found through this source */
};

/* Adds or updates a source by URL (name and nation only replace NULLs); *id gets its id. */
int crawl_db_source_put(struct catalog *c, const char *url, const char *name, const char *nation,
                        const char *origin, int64_t *id, struct cr_err *err) CR_MUST_CHECK;

/*
 * Records the end of a source's crawl in run: status "ok", "partial",
 * "failed" or "interrupted", its last error, and counts taken from the
 * run's queue and fetches. *out (may be NULL) gets the row as stored.
 */
int crawl_db_source_finish(struct catalog *c, int64_t source_id, int64_t run_id,
                           int interrupted, struct crawl_db_source *out,
                           struct cr_err *err) CR_MUST_CHECK;

typedef int crawl_db_source_fn(const struct crawl_db_source *s, void *ctx);
/* Calls fn for every source, by id. */
int crawl_db_sources(struct catalog *c, crawl_db_source_fn *fn, void *ctx,
                     struct cr_err *err) CR_MUST_CHECK;
void crawl_db_source_release(struct crawl_db_source *s);

/* Appends a fetch record; *id gets its id. */
int crawl_db_fetch_add(struct catalog *c, const struct crawl_db_fetch *f, int64_t *id,
                       struct cr_err *err) CR_MUST_CHECK;

/* The validators kept for url; *found = 0 when it was never fetched whole. */
int crawl_db_url_get(struct catalog *c, const char *url, struct crawl_db_url *out, int *found,
                     struct cr_err *err) CR_MUST_CHECK;
void crawl_db_url_release(struct crawl_db_url *u);

/*
 * Records what a fetch of url said. When ok (a whole 200 or 304), the
 * validators, sha256 and format replace the kept ones (a 304 passes NULLs
 * and keeps them) and last_seen moves; otherwise only status and error.
 */
int crawl_db_url_put(struct catalog *c, const char *url, const char *kind, const char *final_url,
                     long status, const char *error, int64_t fetch_id, int ok, const char *etag,
                     const char *last_modified, const char *sha256, const char *format,
                     struct cr_err *err) CR_MUST_CHECK;

/*
 * url now serves report_id: it is online there (again), last seen now; any
 * other report url served before is marked gone since now (*changed = 1).
 */
int crawl_db_url_serves(struct catalog *c, const char *url, int64_t report_id, int *changed,
                        struct cr_err *err) CR_MUST_CHECK;
/* url still serves what it served (a 304): last seen now, online. */
int crawl_db_url_unchanged(struct catalog *c, const char *url, struct cr_err *err) CR_MUST_CHECK;
/* url no longer serves its report(s): marked gone since now. *n gets how many went. */
int crawl_db_url_gone(struct catalog *c, const char *url, int64_t *n,
                      struct cr_err *err) CR_MUST_CHECK;

/*
 * Records the context of a document link seen on page_url for source_id
 * (first seen once, last seen now, texts replaced by the latest) and the
 * hints derived from it (h may be NULL: none derived, hints_version 0).
 */
int crawl_db_link_put(struct catalog *c, int64_t source_id, const char *page_url,
                      const char *url, const char *anchor, const char *context,
                      const char *heading, const struct hints *h,
                      struct cr_err *err) CR_MUST_CHECK;

/* A cached robots.txt younger than max_age_s: *found, *status, *body (new). */
int crawl_db_robots_get(struct catalog *c, const char *origin, long max_age_s, int *found,
                        long *status, char **body, struct cr_err *err) CR_MUST_CHECK;
int crawl_db_robots_put(struct catalog *c, const char *origin, long status, const char *body,
                        struct cr_err *err) CR_MUST_CHECK;

#endif
