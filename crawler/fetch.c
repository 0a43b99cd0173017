#include "crawler/fetch.h"

/*
 * libcurl multi transfers. Headers are parsed as they arrive so that each
 * answer of a redirect chain starts clean, a Content-Length over the cap
 * stops the transfer before any body, and only a 2xx body reaches the
 * store. Results are queued in completion order for fetch_next().
 */

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/progress.h"
#include "lib/store.h"
#include "lib/xalloc.h"

/*
 * Bytes of one header value kept: more than any URL the crawler takes
 * (CR_MAX_URL), so that a long Location is refused whole, never cut into
 * another URL.
 */
#define HEADER_VALUE_MAX 8192

struct xfer {
    struct fetch *f;           /* borrowed: the engine */
    CURL *easy;                /* owned */
    struct curl_slist *hdrs;   /* owned */
    struct fetch_result res;
    int to_memory;
    long max_redirects;        /* from the request */
    long cur_status;           /* status of the answer being received */
    int too_big;               /* the cap was hit */
    int store_failed;          /* a store write failed */
    char store_msg[CR_ERR_MSG_MAX]; /* its message */
    double start;              /* progress_now() at the start */
    struct xfer *prev, *next;  /* in the engine's list of running transfers */
    char errbuf[CURL_ERROR_SIZE];
};

struct fetch {
    CURLM *multi;               /* owned */
    struct store *store;        /* borrowed */
    struct fetch_opts opts;     /* user_agent borrowed */
    unsigned running;           /* transfers started and not yet taken */
    struct xfer *active;        /* running transfers (owned), a doubly linked list */
    struct xfer **done;         /* finished, waiting for fetch_next; owned */
    size_t ndone, done_alloc, done_head;
};

static int curl_ready;

int fetch_new(struct fetch **out, struct store *store, const struct fetch_opts *opts,
              struct cr_err *err)
{
    struct fetch *f;

    *out = NULL;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return cr_error(err, CR_ENET, "curl_global_init failed");
        curl_ready = 1;
    }
    f = xcalloc(1, sizeof(*f));
    f->multi = curl_multi_init();
    if (!f->multi) {
        free(f);
        return cr_error(err, CR_ENET, "curl_multi_init failed");
    }
    f->store = store;
    f->opts = *opts;
    *out = f;
    return 0;
}

static void result_clear(struct fetch_result *r)
{
    free(r->url);
    free(r->final_url);
    free(r->content_type);
    free(r->etag);
    free(r->last_modified);
    free(r->location);
    free(r->error);
    store_writer_abort(r->blob);
    buf_release(&r->memory);
    memset(r, 0, sizeof(*r));
}

void fetch_result_release(struct fetch_result *r)
{
    if (r)
        result_clear(r);
}

static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy) {
        curl_multi_remove_handle(x->f->multi, x->easy);
        curl_easy_cleanup(x->easy);
    }
    curl_slist_free_all(x->hdrs);
    result_clear(&x->res);
    free(x);
}

static void unlink_active(struct fetch *f, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        f->active = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
}

void fetch_free(struct fetch *f)
{
    if (!f)
        return;
    while (f->active) {
        struct xfer *x = f->active;
        unlink_active(f, x);
        xfer_free(x);
    }
    for (size_t i = f->done_head; i < f->ndone; i++)
        xfer_free(f->done[i]);
    free(f->done);
    curl_multi_cleanup(f->multi);
    free(f);
}

unsigned fetch_running(const struct fetch *f)
{
    return f->running;
}

static void set_header_value(char **slot, const char *v, size_t len)
{
    free(*slot);
    if (len > HEADER_VALUE_MAX)
        len = HEADER_VALUE_MAX;
    *slot = xstrndup(v, len);
}

double fetch_parse_retry_after(const char *value, double now)
{
    char *end;
    long secs;
    time_t t;

    if (!value || !*value)
        return -1;
    secs = strtol(value, &end, 10);
    if (end != value && !*end)
        return secs < 0 ? -1 : (double)secs;
    t = curl_getdate(value, NULL);
    if (t < 0)
        return -1;
    return (double)t > now ? (double)t - now : 0;
}

/* A new answer begins ("HTTP/1.1 301 Moved"): forget the previous one's headers. */
static void new_answer(struct xfer *x, const char *line, size_t len)
{
    const char *sp = memchr(line, ' ', len);

    x->cur_status = sp ? strtol(sp + 1, NULL, 10) : 0;
    FREE_AND_NULL(x->res.content_type);
    FREE_AND_NULL(x->res.etag);
    FREE_AND_NULL(x->res.last_modified);
    FREE_AND_NULL(x->res.location);
    x->res.retry_after = -1;
}

static int is_2xx(long status)
{
    return status >= 200 && status < 300;
}

static size_t on_header(char *line, size_t size, size_t n, void *data)
{
    struct xfer *x = data;
    size_t len = size * n, klen, vlen;
    const char *colon, *v;

    if (len >= 5 && !strncmp(line, "HTTP/", 5)) {
        new_answer(x, line, len);
        return size * n;
    }
    colon = memchr(line, ':', len);
    if (!colon)
        return size * n;
    klen = (size_t)(colon - line);
    v = colon + 1;
    vlen = len - klen - 1;
    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
#define KEY(k) (klen == sizeof(k) - 1 && !strncasecmp(line, k, klen))
    if (KEY("content-type")) {
        set_header_value(&x->res.content_type, v, vlen);
    } else if (KEY("etag")) {
        set_header_value(&x->res.etag, v, vlen);
    } else if (KEY("last-modified")) {
        set_header_value(&x->res.last_modified, v, vlen);
    } else if (KEY("location")) {
        set_header_value(&x->res.location, v, vlen);
    } else if (KEY("retry-after")) {
        char tmp[128];
        snprintf(tmp, sizeof(tmp), "%.*s", (int)(vlen < 127 ? vlen : 127), v);
        x->res.retry_after = fetch_parse_retry_after(tmp, (double)time(NULL));
    } else if (KEY("content-length") && is_2xx(x->cur_status) && x->f->opts.max_bytes) {
        unsigned long long cl = strtoull(v, NULL, 10);
        if (cl > x->f->opts.max_bytes) {
            x->too_big = 1;
            return 0; /* stop before the body: curl reports a write error */
        }
    }
#undef KEY
    return size * n;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct xfer *x = user;
    size_t len = size * n;
    uint64_t max = x->f->opts.max_bytes;
    struct cr_err err;

    x->res.body_bytes += len;
    if (!is_2xx(x->cur_status)) {
        if (max && x->res.body_bytes > max) {
            x->too_big = 1;
            return 0;
        }
        return len; /* an error page or a redirect's body: counted, dropped */
    }
    if (x->to_memory) {
        if (buf_append(&x->res.memory, data, len, &err) < 0) {
            x->too_big = 1;
            return 0;
        }
        return len;
    }
    if (!x->res.blob && store_writer_new(x->f->store, max, &x->res.blob, &err) < 0) {
        x->store_failed = 1;
        snprintf(x->store_msg, sizeof(x->store_msg), "%s", err.msg);
        return 0;
    }
    if (store_writer_write(x->res.blob, data, len, &err) < 0) {
        if (err.code == CR_ETOOBIG)
            x->too_big = 1;
        else
            x->store_failed = 1;
        snprintf(x->store_msg, sizeof(x->store_msg), "%s", err.msg);
        return 0;
    }
    return len;
}

int fetch_start(struct fetch *f, const struct fetch_req *r, struct cr_err *err)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    CURL *e = curl_easy_init();

    if (!e) {
        free(x);
        return cr_error(err, CR_ENET, "'%s': curl_easy_init failed", r->url);
    }
    x->f = f;
    x->easy = e;
    x->to_memory = r->to_memory;
    x->max_redirects = r->max_redirects;
    x->res.user = r->user;
    x->res.url = xstrdup(r->url);
    x->res.retry_after = -1;
    buf_init(&x->res.memory, f->opts.max_bytes ? (size_t)f->opts.max_bytes : 0);
    x->start = progress_now();
    if (r->etag) {
        char *h = xasprintf("If-None-Match: %s", r->etag);
        x->hdrs = curl_slist_append(x->hdrs, h);
        free(h);
    }
    if (r->last_modified) {
        char *h = xasprintf("If-Modified-Since: %s", r->last_modified);
        x->hdrs = curl_slist_append(x->hdrs, h);
        free(h);
    }
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)x);
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->opts.user_agent);
    /* the crawler follows redirects itself, each hop through robots.txt and the delay */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r->max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, r->max_redirects);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->opts.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->opts.timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
        x->easy = NULL;
        curl_easy_cleanup(e);
        xfer_free(x);
        return cr_error(err, CR_ENET, "'%s': curl_multi_add_handle failed", r->url);
    }
    x->next = f->active;
    if (f->active)
        f->active->prev = x;
    f->active = x;
    f->running++;
    return 0;
}

static void classify(struct xfer *x, CURLcode cc)
{
    struct fetch_result *r = &x->res;
    const char *msg = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);

    if (cc == CURLE_OK) {
        r->fail = FETCH_OK;
    } else if (x->too_big) {
        r->fail = FETCH_TOO_BIG;
        r->error = xasprintf("larger than the limit of %llu bytes",
                             (unsigned long long)x->f->opts.max_bytes);
    } else if (x->store_failed) {
        r->fail = FETCH_STORE;
        r->error = xasprintf("cannot store the body: %s", x->store_msg);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        r->fail = FETCH_TIMEOUT;
        r->error = xasprintf("timed out: %s", msg);
    } else if (cc == CURLE_TOO_MANY_REDIRECTS) {
        r->fail = FETCH_REDIRECTS;
        r->error = xasprintf("more than %ld redirects (a redirect loop?)", x->max_redirects);
    } else if (cc == CURLE_PARTIAL_FILE) {
        r->fail = FETCH_PARTIAL;
        r->error = xasprintf("the body ended early: %s", msg);
    } else {
        r->fail = FETCH_NET;
        r->error = xstrdup(msg);
    }
}

static void finish(struct fetch *f, CURL *e, CURLcode cc)
{
    struct xfer *x = NULL;
    char *eff = NULL;
    long status = 0, redirects = 0;

    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
    unlink_active(f, x);
    curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &redirects);
    x->res.final_url = xstrdup(eff ? eff : x->res.url);
    x->res.status = status;
    x->res.redirects = redirects;
    x->res.elapsed_ms = (long)((progress_now() - x->start) * 1000);
    classify(x, cc);
    if (x->res.fail != FETCH_OK || !is_2xx(status)) {
        store_writer_abort(x->res.blob); /* nothing but a whole 2xx body is kept */
        x->res.blob = NULL;
        buf_release(&x->res.memory);
    }
    curl_multi_remove_handle(f->multi, e);
    curl_easy_cleanup(e);
    x->easy = NULL;
    f->done = xgrow(f->done, sizeof(*f->done), f->ndone + 1, &f->done_alloc);
    f->done[f->ndone++] = x;
}

/* Drives the transfers once and moves those that finished to the done list. */
static CURLMcode perform(struct fetch *f)
{
    int still = 0, left = 0;
    CURLMcode mc = curl_multi_perform(f->multi, &still);
    CURLMsg *m;

    while (mc == CURLM_OK && (m = curl_multi_info_read(f->multi, &left)))
        if (m->msg == CURLMSG_DONE)
            finish(f, m->easy_handle, m->data.result);
    return mc;
}

int fetch_poll(struct fetch *f, int max_wait_ms, struct cr_err *err)
{
    CURLMcode mc = perform(f);

    /*
     * On a reused connection a small answer can arrive within that first
     * perform: the transfer is finished and curl has no socket left to
     * wait on, so curl_multi_poll would sleep the whole max_wait_ms.
     */
    if (mc == CURLM_OK && max_wait_ms > 0 && f->done_head >= f->ndone) {
        mc = curl_multi_poll(f->multi, NULL, 0, max_wait_ms, NULL);
        if (mc == CURLM_OK)
            mc = perform(f);
    }
    if (mc != CURLM_OK)
        return cr_error(err, CR_ENET, "curl: %s", curl_multi_strerror(mc));
    return 0;
}

int fetch_next(struct fetch *f, struct fetch_result *out)
{
    struct xfer *x;

    if (f->done_head >= f->ndone) {
        f->done_head = f->ndone = 0;
        return 0;
    }
    x = f->done[f->done_head++];
    *out = x->res;
    memset(&x->res, 0, sizeof(x->res));
    xfer_free(x);
    f->running--;
    return 1;
}
