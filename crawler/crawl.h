#ifndef CASEREVIEW_CRAWLER_CRAWL_H
#define CASEREVIEW_CRAWLER_CRAWL_H
/*
 * A crawl: from each source page, fetch the documents it links to (PDF,
 * Word, OpenDocument, on any host) and the pages of the same site it links
 * to, up to a depth, and record everything in the catalogue and the store.
 *
 * Guarantees:
 *  - robots.txt (RFC 9309) is obeyed for every origin, Crawl-delay included;
 *    one request at a time per origin, `delay` seconds apart; several
 *    origins at once. Redirects are followed by the crawl, not by libcurl:
 *    each hop is a fetch of its own, recorded, and waits for the robots.txt
 *    and the delay of its own origin.
 *  - every fetch is recorded (crawl_fetches); a document's bytes go into the
 *    store by sha256 and into `reports` (the same bytes at two URLs are one
 *    report); what a file is, is decided by its bytes, never by its
 *    Content-Type or URL.
 *  - a recrawl sends If-None-Match / If-Modified-Since: an unchanged
 *    document or page costs a 304 and no body; a document that answers 404
 *    or 410 (or an HTML page in its place) is kept and marked gone.
 *  - 429, 5xx, timeouts and dropped connections are retried with backoff
 *    (Retry-After honoured up to CRAWL_MAX_RETRY_AFTER seconds), then
 *    recorded as failed; bodies over max_bytes are abandoned; a redirect
 *    chain stops at a URL it has fetched already (a loop), at a Location
 *    that is not http(s), or after CRAWL_MAX_REDIRECTS hops.
 *  - each fetch's results commit in one transaction with its queue entry
 *    (its new state, or the next hop of its redirect chain); transactions
 *    hold up to 100 fetches or half a second of them. A crawl killed at any
 *    moment resumes with nothing committed fetched again, not even a hop,
 *    and nothing stored lost; only the fetches of the last, uncommitted
 *    transaction are made again (crawler/frontier.h).
 */

#include <stdint.h>

#include "crawler/crawl_db.h"
#include "crawler/crawl_sources.h"
#include "lib/catalog.h"
#include "lib/cr_err.h"

struct store;

#define CRAWL_MAX_RETRY_AFTER 120.0 /* seconds: a longer Retry-After gives up at once */
#define CRAWL_ROBOTS_MAX_AGE (24 * 3600) /* seconds a fetched robots.txt is reused */
#define CRAWL_MAX_REDIRECTS 10 /* hops of one redirect chain */

/* Called as each source finishes (s borrowed for the call). */
typedef void crawl_source_fn(const struct crawl_db_source *s, void *ctx);

struct crawl_opts {
    int depth;                  /* pages followed from a source page; 0 = the source page only */
    double delay_s;             /* seconds between two requests to one origin (>= 0) */
    uint64_t max_bytes;         /* a larger body is abandoned */
    long connect_timeout_ms;
    long timeout_ms;            /* one transfer (each hop of a redirect chain is one) */
    int retries;                /* further attempts after a transient failure */
    unsigned parallel;          /* transfers at once (each to a different origin) */
    const char *origin;         /* how the sources came: "shipped", "file" or "url" */
    const char *user_agent;     /* NULL = "casereview/VERSION" */
    volatile int *stop;         /* non-zero: stop soon, keeping what is done; may be NULL */
    crawl_source_fn *on_source; /* may be NULL */
    void *ctx;
};

/* Fills o with the defaults: depth 2, 1 s, CR_MAX_DOWNLOAD, 30 s / 300 s, 3 retries, 8. */
void crawl_opts_init(struct crawl_opts *o);

struct crawl_summary {
    int resumed;            /* an interrupted crawl of the same sources was taken up */
    int64_t run_id;
    int64_t fetches;        /* HTTP requests made (robots.txt included) */
    int64_t pages;          /* pages read */
    int64_t documents;      /* documents fetched or confirmed unchanged */
    int64_t new_documents;  /* reports that entered the repository */
    int64_t not_modified;   /* 304 answers */
    int64_t gone;           /* documents found gone */
    int64_t failed;         /* URLs given up on */
    int64_t skipped;        /* URLs robots.txt keeps us from */
    uint64_t body_bytes;    /* body bytes received */
    double seconds;
    int interrupted;
};

/*
 * Crawls the sources of list (borrowed) into the catalogue c and store s
 * (both open for writing). Fills sum. Returns 0, CR_EINTR when stopped (the
 * run resumes next time), or an error that stopped the crawl (the catalogue
 * or the store failing); failures of single URLs are not errors, they are
 * recorded and counted.
 */
int crawl_run(struct catalog *c, struct store *s, const struct crawl_source_list *list,
              const struct crawl_opts *o, struct crawl_summary *sum,
              struct cr_err *err) CR_MUST_CHECK;

#endif
