#ifndef CASEREVIEW_TESTS_SITE_H
#define CASEREVIEW_TESTS_SITE_H
/*
 * A loopback web site for the crawler's tests and benchmark, served by
 * libmicrohttpd on 127.0.0.1 and an ephemeral port, a thread per
 * connection, keeping connections alive between requests as a real server
 * does. The test supplies a route function that fills a response for
 * each request; the site answers conditional requests itself (a response
 * with an ETag or Last-Modified matching the request's If-None-Match /
 * If-Modified-Since becomes a 304 without a body), and keeps a log of every
 * request (path, arrival time, conditional or not, status and body bytes
 * sent, User-Agent) for the test to assert on.
 *
 * The pages it serves are fictional and say so.
 */

#include <stddef.h>

struct site;

struct site_req {
    const char *path;              /* borrowed, with its query */
    const char *if_none_match;     /* borrowed or NULL */
    const char *if_modified_since; /* borrowed or NULL */
    int hit;                       /* 1 for the first request of this path, 2 for the next… */
};

struct site_resp {
    int status;               /* default 200 */
    const char *content_type; /* borrowed (static); default text/html */
    char *body;               /* new (malloc), taken by the site; may be NULL */
    size_t len;               /* bytes of body */
    const char *location;     /* borrowed; a Location header */
    const char *etag;         /* borrowed; an ETag header (with its quotes) */
    const char *last_modified;/* borrowed; a Last-Modified header */
    const char *retry_after;  /* borrowed; a Retry-After header */
    size_t truncate_at;       /* > 0: announce len bytes, send this many, drop the connection */
    int chunked;              /* 1: no Content-Length */
    double delay_s;           /* wait this long before answering */
};

typedef void site_route_fn(const struct site_req *req, struct site_resp *resp, void *ctx);

struct site_log_entry {
    char path[512];     /* truncated if longer */
    double t;           /* arrival, CLOCK_MONOTONIC seconds */
    int conditional;    /* the request carried If-None-Match or If-Modified-Since */
    int status;         /* status sent */
    size_t body;        /* body bytes the response carried (0 for 304) */
    char agent[128];    /* User-Agent */
};

/* Starts a site; route(ctx) answers. Aborts the test on failure. */
struct site *site_start(site_route_fn *route, void *ctx);
void site_stop(struct site *s);
int site_port(const struct site *s);
/* "http://127.0.0.1:PORT" + path; new string. */
char *site_url(const struct site *s, const char *path);

/* A copy of the log (free()), *n entries. */
struct site_log_entry *site_log(struct site *s, size_t *n);
/* Requests of path seen so far (exact match). */
size_t site_hits(struct site *s, const char *path);
/* Empties the log (hit counts per path go on). */
void site_log_clear(struct site *s);
/* Total body bytes sent since the last clear. */
size_t site_bytes(struct site *s);

/* TCP connections the site accepted since it started (a client that reuses one counts once). */
size_t site_connections(struct site *s);

/* A small valid PDF naming text on its page, marked fictional. New (malloc); *len set. */
char *site_pdf(const char *text, size_t pad, size_t *len);

#endif
