/*
 * The loopback fixture web site (see tests/site.h), over libmicrohttpd.
 * Every request goes through the test's route function; conditional
 * requests, truncated bodies and slow answers are handled here so that each
 * test only says what a path serves.
 */

#include "tests/site.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/helpers.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

#define MAX_PATHS 4096

struct site {
    struct MHD_Daemon *d;
    site_route_fn *route;
    void *ctx;
    int port;
    pthread_mutex_t mu;
    struct site_log_entry *log;
    size_t nlog, log_alloc;
    size_t bytes;
    size_t connections;     /* TCP connections accepted since the start */
    char **paths;           /* hit counts per path */
    int *hits;
    size_t npaths;
};

/* A truncated body: sends the first `send` bytes of `len`, then fails the stream. */
struct trunc {
    char *body;
    size_t len, send;
};

static double now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int next_hit(struct site *s, const char *path)
{
    for (size_t i = 0; i < s->npaths; i++)
        if (!strcmp(s->paths[i], path))
            return ++s->hits[i];
    if (s->npaths < MAX_PATHS) {
        s->paths[s->npaths] = xstrdup(path);
        s->hits[s->npaths++] = 1;
    }
    return 1;
}

static ssize_t trunc_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct trunc *t = cls;
    size_t n;

    if (pos >= t->send)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    n = t->send - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(out, t->body + pos, n);
    return (ssize_t)n;
}

static ssize_t chunk_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct trunc *t = cls;
    size_t n;

    if (pos >= t->len)
        return MHD_CONTENT_READER_END_OF_STREAM;
    n = t->len - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(out, t->body + pos, n);
    return (ssize_t)n;
}

static void trunc_free(void *cls)
{
    struct trunc *t = cls;

    free(t->body);
    free(t);
}

static int matches(const char *have, const char *want)
{
    return have && want && !strcmp(have, want);
}

static struct MHD_Response *make_response(struct site_resp *r, int not_modified)
{
    struct MHD_Response *resp;
    struct trunc *t;

    if (not_modified) {
        free(r->body);
        r->body = NULL;
        return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (r->truncate_at || r->chunked) {
        t = xcalloc(1, sizeof(*t));
        t->body = r->body;
        t->len = r->len;
        t->send = r->truncate_at;
        r->body = NULL;
        if (r->chunked)
            return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, chunk_read, t,
                                                     trunc_free);
        return MHD_create_response_from_callback(t->len, 32 * 1024, trunc_read, t, trunc_free);
    }
    resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"",
                                           MHD_RESPMEM_MUST_COPY);
    free(r->body);
    r->body = NULL;
    return resp;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct site *s = cls;
    struct site_req req;
    struct site_resp r;
    struct site_log_entry e;
    struct MHD_Response *resp;
    const char *query, *agent;
    char path[1024];
    int not_modified, status;
    enum MHD_Result ret;

    (void)version;
    (void)upload;
    (void)upload_size;
    (void)method;
    /*
     * The first call comes with the headers alone. A response queued then,
     * before the request is read whole, makes libmicrohttpd discard the
     * rest and close the connection ("Connection: close"), so that no
     * client could ever reuse one: answer on the second call.
     */
    if (!*con_cls) {
        *con_cls = s;
        return MHD_YES;
    }
    query = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    snprintf(path, sizeof(path), "%s%s%s", url, query ? "?q=" : "", query ? query : "");
    memset(&req, 0, sizeof(req));
    memset(&r, 0, sizeof(r));
    memset(&e, 0, sizeof(e));
    req.path = path;
    req.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    req.if_modified_since = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
    agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    e.t = now_mono();
    pthread_mutex_lock(&s->mu);
    req.hit = next_hit(s, path);
    pthread_mutex_unlock(&s->mu);
    r.status = 200;
    r.content_type = "text/html; charset=utf-8";
    s->route(&req, &r, s->ctx);
    if (r.delay_s > 0)
        usleep((useconds_t)(r.delay_s * 1e6));
    not_modified = r.status == 200 && ((r.etag && matches(req.if_none_match, r.etag)) ||
                                       (!req.if_none_match && r.last_modified &&
                                        matches(req.if_modified_since, r.last_modified)));
    status = not_modified ? 304 : r.status;
    snprintf(e.path, sizeof(e.path), "%.511s", path);
    snprintf(e.agent, sizeof(e.agent), "%s", agent ? agent : "");
    e.conditional = req.if_none_match || req.if_modified_since;
    e.status = status;
    e.body = not_modified ? 0 : (r.truncate_at ? r.truncate_at : r.len);
    resp = make_response(&r, not_modified);
    if (r.content_type && !not_modified)
        MHD_add_response_header(resp, "Content-Type", r.content_type);
    if (r.location)
        MHD_add_response_header(resp, "Location", r.location);
    if (r.etag)
        MHD_add_response_header(resp, "ETag", r.etag);
    if (r.last_modified)
        MHD_add_response_header(resp, "Last-Modified", r.last_modified);
    if (r.retry_after)
        MHD_add_response_header(resp, "Retry-After", r.retry_after);
    pthread_mutex_lock(&s->mu);
    s->log = xgrow(s->log, sizeof(*s->log), s->nlog + 1, &s->log_alloc);
    s->log[s->nlog++] = e;
    s->bytes += e.body;
    pthread_mutex_unlock(&s->mu);
    ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode what)
{
    struct site *s = cls;

    (void)c;
    (void)socket_ctx;
    if (what != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    pthread_mutex_lock(&s->mu);
    s->connections++;
    pthread_mutex_unlock(&s->mu);
}

struct site *site_start(site_route_fn *route, void *ctx)
{
    struct site *s = xcalloc(1, sizeof(*s));
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;

    s->route = route;
    s->ctx = ctx;
    s->paths = xcalloc(MAX_PATHS, sizeof(*s->paths));
    s->hits = xcalloc(MAX_PATHS, sizeof(*s->hits));
    pthread_mutex_init(&s->mu, NULL);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                            NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
    assert_non_null(s->d);
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    assert_non_null(info);
    s->port = info->port;
    assert_true(s->port > 0);
    return s;
}

void site_stop(struct site *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    for (size_t i = 0; i < s->npaths; i++)
        free(s->paths[i]);
    free(s->paths);
    free(s->hits);
    free(s->log);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int site_port(const struct site *s)
{
    return s->port;
}

char *site_url(const struct site *s, const char *path)
{
    return xasprintf("http://127.0.0.1:%d%s", s->port, path);
}

struct site_log_entry *site_log(struct site *s, size_t *n)
{
    struct site_log_entry *copy;

    pthread_mutex_lock(&s->mu);
    *n = s->nlog;
    copy = xcalloc(s->nlog + 1, sizeof(*copy));
    if (s->nlog)
        memcpy(copy, s->log, s->nlog * sizeof(*copy));
    pthread_mutex_unlock(&s->mu);
    return copy;
}

size_t site_hits(struct site *s, const char *path)
{
    size_t n = 0;

    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nlog; i++)
        if (!strcmp(s->log[i].path, path))
            n++;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void site_log_clear(struct site *s)
{
    pthread_mutex_lock(&s->mu);
    s->nlog = 0;
    s->bytes = 0;
    pthread_mutex_unlock(&s->mu);
}

size_t site_bytes(struct site *s)
{
    size_t n;

    pthread_mutex_lock(&s->mu);
    n = s->bytes;
    pthread_mutex_unlock(&s->mu);
    return n;
}

size_t site_connections(struct site *s)
{
    size_t n;

    pthread_mutex_lock(&s->mu);
    n = s->connections;
    pthread_mutex_unlock(&s->mu);
    return n;
}

char *site_pdf(const char *text, size_t pad, size_t *len)
{
    struct buf b = BUF_INIT;
    struct buf content = BUF_INIT;
    size_t off[6];

    buf_addf(&content, "BT /F1 12 Tf 72 720 Td (FICTIONAL TEST DOCUMENT: %s) Tj ET\n", text);
    for (size_t i = 0; i < pad; i++)
        buf_addch(&content, (char)('a' + (i * 7 + strlen(text)) % 26));
    buf_addstr(&b, "%PDF-1.4\n");
    off[1] = b.len;
    buf_addstr(&b, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = b.len;
    buf_addstr(&b, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[3] = b.len;
    buf_addstr(&b, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                   "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n");
    off[4] = b.len;
    buf_addf(&b, "4 0 obj << /Length %zu >> stream\n", content.len);
    buf_add(&b, content.data, content.len);
    buf_addstr(&b, "\nendstream endobj\n");
    off[5] = b.len;
    buf_addstr(&b, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
    {
        size_t xref = b.len;
        buf_addstr(&b, "xref\n0 6\n0000000000 65535 f \n");
        for (int i = 1; i < 6; i++)
            buf_addf(&b, "%010zu 00000 n \n", off[i]);
        buf_addf(&b, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    }
    buf_release(&content);
    *len = b.len;
    return buf_take(&b);
}
