#ifndef CASEREVIEW_CRAWLER_FRONTIER_H
#define CASEREVIEW_CRAWLER_FRONTIER_H
/*
 * The frontier: a crawl run and its queue of URLs, kept in the catalogue
 * (tables crawl_runs and crawl_queue, lib/schema_crawl.c) so that a crawl
 * killed at any moment resumes where it stopped.
 *
 * A run is identified by its seeds (a key over the source URLs). Starting
 * a crawl resumes the unfinished run with the same seeds, else abandons any
 * other unfinished run and begins a new one. A queued URL is 'pending' until
 * its fetch's results commit, in the same transaction, with its new state
 * ('done', 'failed' or 'skipped'), or with the next hop of its redirect
 * chain: so a kill loses no committed work and repeats none of it, not
 * even a hop. Each URL is queued once per run.
 *
 * The caller owns transactions: every function here runs inside whatever
 * transaction is open on the catalogue.
 */

#include <stdint.h>

#include "lib/catalog.h"
#include "lib/cr_err.h"

enum frontier_kind {
    FRONTIER_PAGE = 0,     /* a web page: its links are read */
    FRONTIER_DOCUMENT = 1, /* a document link (PDF, Word, OpenDocument) */
};

struct frontier;

/* A queued URL as loaded back. Strings owned by the frontier callback's caller: borrowed. */
struct frontier_item {
    const char *url;         /* canonical */
    int64_t source_id;       /* crawl_sources.id that led here first */
    enum frontier_kind kind;
    int depth;               /* pages followed from the source page to reach it */
    int attempts;            /* fetches tried so far (retries) */
    const char *hop_url;     /* where its redirect chain has got to: the URL to fetch next;
                                NULL = url itself */
    const char *chain;       /* the URLs fetched before hop_url, one a line; NULL when none */
    int hops;                /* redirects followed so far */
};

/* What to queue. Strings borrowed. */
struct frontier_push {
    const char *url;         /* canonical (crawler/crawl_url.h) */
    int64_t source_id;
    enum frontier_kind kind;
    int depth;
    const char *referrer;    /* the page it was found on; NULL for a seed */
    const char *anchor;      /* link context, may be NULL */
    const char *context;
    const char *heading;
};

/* The link context a queued URL was found with. Strings new (frontier_context_release). */
struct frontier_context {
    char *referrer, *anchor, *context, *heading;
};

/*
 * Resumes the unfinished run with seeds_key, or starts a new one (options is
 * recorded for the record). *out is new (frontier_free); *resumed = 1 when
 * an unfinished run was taken up. Opens and commits its own transaction.
 */
int frontier_open(struct frontier **out, struct catalog *c, const char *seeds_key,
                  const char *options, int *resumed, struct cr_err *err) CR_MUST_CHECK;
void frontier_free(struct frontier *f);
int64_t frontier_run_id(const struct frontier *f);

/* Queues a URL unless this run has it already (*added = 0 then). */
int frontier_push(struct frontier *f, const struct frontier_push *p, int *added,
                  struct cr_err *err) CR_MUST_CHECK;

/*
 * Queues, as documents of depth 0, every document URL a past crawl found
 * for source_id, so that a recrawl rechecks them (a 304 costs no body) and
 * learns which have gone. *n gets how many were queued.
 */
int frontier_push_known(struct frontier *f, int64_t source_id, int64_t *n,
                        struct cr_err *err) CR_MUST_CHECK;

typedef int frontier_item_fn(const struct frontier_item *it, void *ctx);
/* Calls fn for each pending URL of the run, in queue order; non-zero from fn stops. */
int frontier_pending(struct frontier *f, frontier_item_fn *fn, void *ctx,
                     struct cr_err *err) CR_MUST_CHECK;

/* Sets a queued URL's state ("pending", "done", "failed", "skipped"), attempts and error. */
int frontier_set(struct frontier *f, const char *url, const char *state, int attempts,
                 const char *error, struct cr_err *err) CR_MUST_CHECK;

/*
 * Moves a queued URL's redirect chain on: hop_url is fetched next, after
 * the URLs of chain (one a line), hops redirects from url. It stays pending.
 */
int frontier_hop(struct frontier *f, const char *url, const char *hop_url, const char *chain,
                 int hops, struct cr_err *err) CR_MUST_CHECK;

/* The link context url was queued with (all NULL for a seed). */
int frontier_context(struct frontier *f, const char *url, struct frontier_context *out,
                     struct cr_err *err) CR_MUST_CHECK;
void frontier_context_release(struct frontier_context *fc);

/* Marks the run finished (nothing pending is left). */
int frontier_finish(struct frontier *f, struct cr_err *err) CR_MUST_CHECK;

#endif
