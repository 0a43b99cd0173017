#ifndef CASEREVIEW_WEB_WEB_H
#define CASEREVIEW_WEB_WEB_H
/*
 * The local web page of `casereview serve`: an HTTP server (libmicrohttpd)
 * over the same search code as the command line, for people who would
 * rather click than type.
 *
 * What it promises:
 *  - Read-only: it never changes a report, the index or the store. The only
 *    thing it writes is what a user asks it to remember (a saved search), and
 *    only through search/'s own API.
 *  - Every value shown is HTML-escaped: titles, snippets and names come from
 *    untrusted PDFs and web pages.
 *  - Only files held in the store can be downloaded, named by their sha256;
 *    no path from a request ever reaches the file system.
 *  - Requests are bounded (WEB_MAX_* below); a pool of threads with
 *    per-connection timeouts and a connection limit keeps slow or idle
 *    clients from starving the others; a client that goes away mid-response
 *    costs nothing but its connection.
 *  - Each thread keeps its own read-only index and catalogue handles and
 *    reopens them when a concurrent `casereview index` or `crawl` has
 *    committed, so new reports appear without a restart.
 *  - Bound to loopback unless the caller says otherwise (allow_remote); on
 *    loopback, requests naming another Host are refused (DNS rebinding).
 *
 * What it deliberately is not: a public web site. There are no accounts, no
 * TLS and no rate limits per user; --allow-remote is for a trusted network.
 */

#include "lib/cr_err.h"
#include "lib/home.h"

struct filter_vocab;

#define WEB_DEFAULT_BIND "127.0.0.1"
#define WEB_DEFAULT_PORT 8080
#define WEB_DEFAULT_THREADS 4
#define WEB_MAX_URI 8192          /* bytes of a request target (path and query) */
#define WEB_MAX_HEADERS (32u << 10) /* bytes of the request line and headers */
#define WEB_MAX_BODY 4096         /* bytes of a form posted to the server */
#define WEB_MAX_PARAMS 64         /* query-string parameters in one request */
#define WEB_TIMEOUT_S 15          /* an idle connection is closed after this */
#define WEB_MAX_CONNECTIONS 512   /* connections held at once, over all threads */

struct web;

struct web_opts {
    const struct home *home;  /* the repository; borrowed for the server's life */
    const struct filter_vocab *vocab; /* names of themes, topics…; borrowed; may be NULL */
    const char *bind;         /* numeric IPv4/IPv6 address or "localhost"; NULL = loopback */
    unsigned port;            /* 0 = any free port (see web_port) */
    int allow_remote;         /* 1: an address other than loopback may be bound */
    unsigned threads;         /* 0 = WEB_DEFAULT_THREADS */
    unsigned timeout_s;       /* 0 = WEB_TIMEOUT_S */
    unsigned max_connections; /* 0 = WEB_MAX_CONNECTIONS */
    int verbose;              /* 1: log each request and the HTTP library's notes */
};

/* 1 if bind (NULL = default) names a loopback address: 127.0.0.0/8, ::1 or "localhost". */
int web_bind_is_loopback(const char *bind);

/*
 * Starts serving in background threads. *out is new (web_stop). Errors:
 * CR_EUSAGE for a bad or non-loopback address without allow_remote, CR_EIO
 * when the address cannot be bound (in use, no permission), with the reason.
 */
int web_start(struct web **out, const struct web_opts *o, struct cr_err *err) CR_MUST_CHECK;

/* The port actually bound (useful with port 0). */
unsigned web_port(const struct web *w);

/* The server's address as a URL, "http://127.0.0.1:8080/". Borrowed until web_stop. */
const char *web_url(const struct web *w);

/* Stops accepting, finishes or drops the connections, joins the threads, frees w. NULL ok. */
void web_stop(struct web *w);

#endif
