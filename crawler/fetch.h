#ifndef CASEREVIEW_CRAWLER_FETCH_H
#define CASEREVIEW_CRAWLER_FETCH_H
/*
 * HTTP transfers, several at once, over one libcurl multi handle.
 *
 * Each transfer sends the User-Agent and, when given, If-None-Match and
 * If-Modified-Since, and is bounded by a connect timeout, a total timeout and
 * a size cap. A redirect is not followed unless the request asks for it
 * (max_redirects, http and https only): a 3xx answer comes back with its
 * Location, for the caller to follow as a transfer of its own. The body of
 * a 2xx answer streams into a new blob of the content store (or into
 * memory, for robots.txt), never into a path taken from the URL; other
 * answers' bodies are counted and dropped.
 *
 * What this is not: it knows nothing of politeness, robots.txt, retries or
 * the catalogue. The caller decides what to start and what a result means.
 */

#include <stdint.h>

#include "lib/buf.h"
#include "lib/cr_err.h"

struct store;
struct store_writer;
struct fetch;

struct fetch_opts {
    const char *user_agent;   /* borrowed; "casereview/VERSION" */
    long connect_timeout_ms;  /* per connection attempt */
    long timeout_ms;          /* whole transfer (redirects followed included) */
    uint64_t max_bytes;       /* a 2xx body larger than this is abandoned */
};

enum fetch_fail {
    FETCH_OK = 0,       /* an HTTP answer arrived whole (any status) */
    FETCH_TOO_BIG,      /* the body passed max_bytes (or Content-Length said it would) */
    FETCH_TIMEOUT,      /* connect or total timeout */
    FETCH_REDIRECTS,    /* more than the request's max_redirects: a loop, most often */
    FETCH_PARTIAL,      /* the connection closed before the announced length */
    FETCH_NET,          /* no answer: DNS, refused, reset, TLS, bad scheme in a redirect */
    FETCH_STORE,        /* the body could not be written to the store */
};

struct fetch_req {
    const char *url;           /* borrowed until fetch_start returns */
    const char *etag;          /* borrowed; NULL = none */
    const char *last_modified; /* borrowed; NULL = none */
    int to_memory;             /* 1: keep a 2xx body in result.memory (capped at max_bytes) */
    long max_redirects;        /* redirects libcurl follows; 0: a 3xx answer is the result */
    void *user;                /* handed back in the result */
};

struct fetch_result {
    void *user;                 /* from the request */
    char *url;                  /* owned: as requested */
    char *final_url;            /* owned: after the redirects followed (else = url) */
    long status;                /* HTTP status of the last answer; 0 when none */
    char *content_type;         /* owned or NULL */
    char *etag;                 /* owned or NULL: of the last answer */
    char *last_modified;        /* owned or NULL */
    char *location;             /* owned or NULL: the Location of the last answer, as sent */
    double retry_after;         /* seconds asked by Retry-After, -1 when absent */
    uint64_t body_bytes;        /* body bytes received over every answer */
    long redirects;             /* redirects followed */
    long elapsed_ms;            /* wall-clock time of the transfer */
    enum fetch_fail fail;       /* FETCH_OK when an answer arrived whole */
    char *error;                /* owned: what went wrong, NULL when fail == FETCH_OK */
    struct store_writer *blob;  /* owned: the 2xx body in the store, uncommitted; or NULL */
    struct buf memory;          /* the 2xx body when to_memory */
};

/*
 * A new transfer engine writing bodies into store (borrowed; may be NULL
 * when every request is to_memory). *out is new (fetch_free).
 */
int fetch_new(struct fetch **out, struct store *store, const struct fetch_opts *opts,
              struct cr_err *err) CR_MUST_CHECK;
/* Aborts what is still running (nothing is reported for it) and frees. */
void fetch_free(struct fetch *f);

/* Starts a transfer. Returns 0 or CR_ENET when libcurl refuses it. */
int fetch_start(struct fetch *f, const struct fetch_req *r, struct cr_err *err) CR_MUST_CHECK;

/* Transfers in progress (started, not yet returned by fetch_next). */
unsigned fetch_running(const struct fetch *f);

/*
 * Drives the transfers. Waits at most max_wait_ms for activity, and not at
 * all when a transfer finished meanwhile (fetch_next then has it); with
 * nothing in flight it sleeps max_wait_ms, which the caller may use to wait.
 */
int fetch_poll(struct fetch *f, int max_wait_ms, struct cr_err *err) CR_MUST_CHECK;

/*
 * Takes one finished transfer into *out (release with fetch_result_release).
 * Returns 1 when there was one, 0 when none is finished.
 */
int fetch_next(struct fetch *f, struct fetch_result *out);
void fetch_result_release(struct fetch_result *r);

/* Parses a Retry-After value: seconds, or an HTTP date (relative to now). -1 if neither. */
double fetch_parse_retry_after(const char *value, double now);

#endif
