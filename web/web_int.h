#ifndef CASEREVIEW_WEB_WEB_INT_H
#define CASEREVIEW_WEB_WEB_INT_H
/*
 * Inside the web module: the server, a request as the page handlers see it,
 * the per-thread repository handles, and the helpers the pages share (HTML
 * escaping, URLs, the page frame). Included by the files of web/ only.
 *
 * A page handler fills req->body (an unbounded buffer: the server composes
 * it) and sets req->status and req->ctype, or hands over a file descriptor
 * (req->fd); web_server.c turns that into the HTTP response. Handlers never
 * see libmicrohttpd's types except through web_header().
 */

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "lib/catalog.h"
#include "lib/xdb.h"
#include "search/filter.h"
#include "search/query.h"
#include "web/web.h"

struct MHD_Daemon;
struct MHD_Connection;

struct web {
    struct MHD_Daemon *d;
    struct web_opts o;        /* o.home borrowed; o.bind points at bind below */
    char *bind;               /* owned: the address bound */
    char *url;                /* owned: "http://host:port/" */
    unsigned port;
    int loopback;             /* 1: only loopback Host headers are accepted */
    pthread_key_t key;        /* each thread's struct web_thread */
    int key_made;
    pthread_mutex_t pack_lock; /* one learning pack is built at a time */
};

/*
 * A thread's own read-only handles. Opened on the thread's first request,
 * reopened when the index has moved on, closed when the thread ends.
 */
struct web_thread {
    struct xdb *db;           /* owned; NULL while there is no index */
    struct catalog *cat;      /* owned; NULL while there is no catalogue */
    char cat_error[CR_ERR_MSG_MAX]; /* why the catalogue could not be opened */
    uint64_t index_stamp;     /* xdb_stamp() of the index when db was opened */
};

#define WEB_MAX_VALUES 16     /* values of one filter field in one request */

struct web_param {
    char *key;                /* owned, decoded */
    char *val;                /* owned, decoded, NUL-free */
};

struct web_req {
    struct web *w;            /* borrowed */
    struct MHD_Connection *conn; /* borrowed for the request */
    struct web_thread *t;     /* this thread's handles */
    const char *method;       /* "GET", "HEAD", "POST" */
    const char *path;         /* decoded path, without the query string */
    size_t uri_len;           /* bytes of the raw request target */
    int path_nul;             /* the raw path holds %00 (the decoded one would stop there) */
    struct web_param params[WEB_MAX_PARAMS];
    size_t nparams;
    int params_bad;           /* a parameter had a NUL byte, or there were too many */
    int started;              /* the handler has seen this request before */
    struct buf form;          /* a POSTed body, capped at WEB_MAX_BODY */
    int form_over;            /* the body passed the cap */

    /* the response */
    int status;               /* HTTP status, 200 unless a handler says otherwise */
    const char *ctype;        /* Content-Type; borrowed static string */
    struct buf body;          /* the response body */
    int fd;                   /* >= 0: send this file instead of body (taken) */
    uint64_t fd_size;
    char *headers[8][2];      /* extra response headers, owned */
    size_t nheaders;
};

/* ---- web_server.c ---- */

/* This thread's handles, the index reopened at its latest commit. Never NULL. */
struct web_thread *web_thread_get(struct web_req *r);
/* Adds a response header (copied). */
void web_header(struct web_req *r, const char *name, const char *value);
/* A request header, or NULL. Borrowed for the request. */
const char *web_req_header(struct web_req *r, const char *name);

/* ---- web_params.c ---- */

/* The first value of parameter key, or NULL. Borrowed for the request. */
const char *web_param(const struct web_req *r, const char *key);
/* Every value of key, in order, into vals (at most max); returns how many. */
size_t web_param_all(const struct web_req *r, const char *key, const char **vals, size_t max);
/*
 * Adds the fields of an application/x-www-form-urlencoded body to r's
 * parameters; a NUL byte, a bad escape or too many fields sets params_bad.
 */
void web_form_parse(struct web_req *r, const char *body, size_t len);

/* The search state a URL carries: /search?q=…&theme=…&from=2019&sort=-date&page=2 */
enum web_field {
    WEB_F_THEME,
    WEB_F_TOPIC,
    WEB_F_PARTNERSHIP,
    WEB_F_NATION,
    WEB_F_TYPE,
    WEB_F_KIND,
    WEB_F_COUNT
};

struct web_field_info {
    const char *param;        /* URL parameter: "theme" */
    const char *label;        /* "Theme" */
    const char *plural;       /* "Themes" */
    enum filter_field field;  /* search/'s field */
};
extern const struct web_field_info web_fields[WEB_F_COUNT];

enum web_sort { WEB_SORT_RELEVANCE, WEB_SORT_NEWEST, WEB_SORT_OLDEST };

struct web_search {
    const char *q;                               /* borrowed; "" for none */
    const char *vals[WEB_F_COUNT][WEB_MAX_VALUES]; /* borrowed filter values */
    size_t nvals[WEB_F_COUNT];
    const char *from, *to;                       /* YYYY, YYYY-MM or YYYY-MM-DD, or NULL */
    enum web_sort sort;
    unsigned page;                               /* 1-based */
    unsigned per_page;
};

#define WEB_PER_PAGE 10      /* results per page, as the command line shows */
#define WEB_MAX_PACK 200      /* reports in one learning pack */
#define WEB_MAX_PACK_S "200"
#define WEB_MAX_PAGE 500      /* deeper paging is refused: refine the search instead */

/*
 * Reads the search state from r's parameters. Unknown parameters are
 * ignored; a bad value (a date that is not one, a page past WEB_MAX_PAGE)
 * is CR_EINVAL naming the parameter, with s filled as far as possible.
 */
int web_search_parse(const struct web_req *r, struct web_search *s, struct cr_err *err);

/* How a link changes the current state. */
struct web_edit {
    int field;                /* -1: none; else a web_field */
    const char *value;        /* with field: the value added (or removed when remove) */
    int remove;
    int drop_field;           /* with field: remove every value of it */
    unsigned page;            /* 0: back to the first page; else that page */
    int keep_page;            /* 1: keep s->page */
    const char *q;            /* non-NULL: replace the query */
    int sort;                 /* -1: keep */
    int drop_dates;
    const char *set_from;     /* non-NULL: these dates instead of s's */
    const char *set_to;
    const char *extra;        /* appended as it is ("rows=partnership&cols=theme"), or NULL */
};
#define WEB_EDIT_NONE {-1, NULL, 0, 0, 0, 1, NULL, -1, 0, NULL, NULL, NULL}

/* Appends the HTML-escaped URL of s changed by e ("/search?q=…") to b. */
void web_search_href(struct buf *b, const char *path, const struct web_search *s,
                     const struct web_edit *e);
/* 1 if value is among s's values of field. */
int web_search_has(const struct web_search *s, int field, const char *value);

/* ---- web_html.c ---- */

/* Appends s HTML-escaped (for text and quoted attributes); bad UTF-8 becomes U+FFFD. */
void web_esc(struct buf *b, const char *s);
void web_esc_n(struct buf *b, const char *s, size_t n);
/* Appends a snippet: escaped, with the search's highlight markers as <mark>. */
void web_snippet(struct buf *b, const char *s);
/* Appends s percent-encoded for a URL query component. */
void web_urlenc(struct buf *b, const char *s);
/* A label for an id the taxonomy does not name: "domestic-abuse" → "Domestic abuse". */
void web_id_label(struct buf *b, const char *id);
/* The taxonomy's label of id in field f (escaped), else web_id_label(id). */
void web_label(struct buf *b, const struct web *w, enum filter_field f, const char *id);

enum web_nav { WEB_NAV_SEARCH, WEB_NAV_COMPARE, WEB_NAV_SAVED, WEB_NAV_NONE };

/* Opens the page: head, site header and navigation, the notice, <main>. */
void web_page_start(struct buf *b, const char *title, enum web_nav nav);
/* Closes <main> and the page. */
void web_page_end(struct buf *b);

/* A whole error page with status (and the message escaped). */
void web_error_page(struct web_req *r, int status, const char *title, const char *msg);

/* ---- web_search.c: shown by several pages ---- */

/* A date as people write it: "2019-05-15" → "15 May 2019", "2019-05" → "May 2019". */
void web_date(struct buf *b, const char *iso);
/* The same for a timestamp ("2026-11-27T06:57:56Z" → "27 November 2026"). */
void web_date_time(struct buf *b, const char *iso);
/* "Partnership · Review type · Document · Date" from a display record (what it has). */
void web_record_meta(struct buf *b, const struct web *w, json_t *rec);
/*
 * Fills o (and filters, at least WEB_F_COUNT * WEB_MAX_VALUES of them) from
 * the search state s, for search/query.h. Strings stay borrowed from s.
 */
void web_query_opts(const struct web *w, const struct web_search *s, struct query_opts *o,
                    struct query_filter *filters);
/* Maps search/'s error codes to an HTTP status (400 for the user's query, 503, 500). */
int web_status_of(int rc);

/* ---- the pages ---- */

void web_page_home(struct web_req *r);
void web_page_search(struct web_req *r);
void web_page_report(struct web_req *r, const char *rest);
void web_page_file(struct web_req *r, const char *rest);
void web_page_compare(struct web_req *r);
void web_page_pack(struct web_req *r);
void web_page_citations(struct web_req *r);
void web_page_saved(struct web_req *r);
void web_post_saved(struct web_req *r, const char *rest);
void web_page_style(struct web_req *r);
void web_page_icon(struct web_req *r);

/* ---- web_assets.c ---- */

extern const char web_style_css[];
extern const size_t web_style_css_len;

#endif
