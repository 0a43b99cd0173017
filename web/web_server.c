#include "web/web.h"

/*
 * The HTTP side of `casereview serve`: binds the socket, runs
 * libmicrohttpd's thread pool, bounds every request, routes it to a page
 * and sends what the page made. The pages themselves live in web_*.c.
 *
 * Why it is built this way:
 *  - We bind the listening socket ourselves so that "address in use" and
 *    "permission denied" reach the user with the reason; libmicrohttpd only
 *    says that it failed.
 *  - A thread pool of epoll loops (MHD_OPTION_THREAD_POOL_SIZE): each thread
 *    serves many connections, so a slow or idle client costs one socket, not
 *    a thread, until the connection timeout closes it.
 *  - Each pool thread keeps its own Xapian and SQLite handles (a pthread key
 *    whose destructor closes them when the thread ends): neither library's
 *    handles may be shared between threads without locks.
 *  - The request object is made in the URI-log callback, which sees the raw
 *    request target, so its length can be checked before anything parses it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "web/web_int.h"

#define LISTEN_BACKLOG 256

int web_bind_is_loopback(const char *bind)
{
    struct in_addr a4;
    struct in6_addr a6;

    if (!bind || !strcmp(bind, "localhost"))
        return 1;
    if (inet_pton(AF_INET, bind, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, bind, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return 0;
}

/* ---- per-thread handles ---- */

static void thread_free(void *p)
{
    struct web_thread *t = p;

    if (!t)
        return;
    xdb_close(t->db);
    catalog_close(t->cat);
    free(t);
}

/*
 * Opens what is missing and moves the index to its latest commit. The stamp
 * tells whether anything committed since this thread last looked: when not,
 * nothing is touched; when so, the handle is opened afresh, which also
 * covers `index --rebuild` overwriting the database and a compaction
 * swapping in another directory.
 */
static void thread_refresh(struct web *w, struct web_thread *t)
{
    const char *path = w->o.home->index;
    uint64_t stamp = xdb_stamp(path);
    struct cr_err err;

    cr_err_clear(&err);
    if (t->db && stamp != t->index_stamp) {
        xdb_close(t->db);
        t->db = NULL;
    }
    if (!t->db && stamp && xdb_open(&t->db, path, 0, &err) < 0) {
        log_debug("serve: %s", err.msg);
        t->db = NULL; /* no index yet, or caught mid-rebuild: pages say so */
    }
    t->index_stamp = t->db ? stamp : 0;
    if (!t->cat && catalog_open(&t->cat, w->o.home->catalog, CATALOG_READONLY, &err) < 0) {
        t->cat = NULL;
        snprintf(t->cat_error, sizeof(t->cat_error), "%s", err.msg);
    }
}

struct web_thread *web_thread_get(struct web_req *r)
{
    struct web_thread *t = r->t;

    if (t)
        return t;
    t = pthread_getspecific(r->w->key);
    if (!t) {
        t = xcalloc(1, sizeof(*t));
        if (pthread_setspecific(r->w->key, t) != 0)
            CR_BUG("pthread_setspecific failed");
    }
    thread_refresh(r->w, t);
    r->t = t;
    return t;
}

/* ---- requests ---- */

/* 1 if the path part of a raw request target holds "%00". */
static int has_nul_escape(const char *uri)
{
    size_t path_len = strcspn(uri, "?");

    for (const char *p = uri; (p = strchr(p, '%')) && (size_t)(p - uri) < path_len; p++)
        if (p[1] == '0' && p[2] == '0')
            return 1;
    return 0;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct web_req *r = xcalloc(1, sizeof(*r));

    r->w = cls;
    r->conn = conn;
    r->uri_len = strlen(uri);
    r->path_nul = has_nul_escape(uri);
    r->status = 200;
    r->fd = -1;
    r->ctype = "text/html; charset=utf-8";
    buf_init(&r->form, WEB_MAX_BODY);
    return r;
}

static void req_free(struct web_req *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->params[i].key);
        free(r->params[i].val);
    }
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i][0]);
        free(r->headers[i][1]);
    }
    if (r->fd >= 0)
        close(r->fd);
    buf_release(&r->form);
    buf_release(&r->body);
    free(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why; /* a client that went away mid-response needs nothing more than this */
    req_free(*con_cls);
    *con_cls = NULL;
}

static enum MHD_Result take_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    struct web_req *r = cls;

    (void)kind;
    if (r->nparams >= WEB_MAX_PARAMS || memchr(key, 0, key_size) ||
        (value && memchr(value, 0, value_size))) {
        r->params_bad = 1;
        return MHD_NO;
    }
    r->params[r->nparams].key = xstrndup(key, key_size);
    r->params[r->nparams].val = value ? xstrndup(value, value_size) : xstrdup("");
    r->nparams++;
    return MHD_YES;
}

void web_header(struct web_req *r, const char *name, const char *value)
{
    if (r->nheaders >= sizeof(r->headers) / sizeof(r->headers[0]))
        CR_BUG("too many response headers");
    r->headers[r->nheaders][0] = xstrdup(name);
    r->headers[r->nheaders][1] = xstrdup(value);
    r->nheaders++;
}

const char *web_req_header(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/*
 * On loopback, only a Host naming loopback is served: a page elsewhere on
 * the web that resolves its own name to 127.0.0.1 (DNS rebinding) cannot
 * read ours. An HTTP/1.0 request without Host is fine.
 */
static int host_ok(struct web_req *r)
{
    const char *h = web_req_header(r, MHD_HTTP_HEADER_HOST);
    size_t n;

    if (!r->w->loopback || !h)
        return 1;
    if (h[0] == '[') {
        const char *end = strchr(h, ']');
        return end && (size_t)(end - h) == 4 && !strncmp(h, "[::1]", 5) &&
               (end[1] == '\0' || end[1] == ':');
    }
    n = strcspn(h, ":");
    if (n == 9 && !strncmp(h, "localhost", 9))
        return 1;
    return n == 9 && !strncmp(h, "127.0.0.1", 9);
}

static void security_headers(struct MHD_Response *resp, int html)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* "same-origin": nothing leaks to the partnership sites we link to, and a form
     * posted to ourselves keeps its Origin (with "no-referrer" it would be "null") */
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (!html)
        return;
    /* nothing but our own stylesheet and forms: no script, no outside asset */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self'; "
                            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
}

static enum MHD_Result send_response(struct web_req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    int html = !strncmp(r->ctype, "text/html", 9);

    if (r->fd >= 0) {
        resp = MHD_create_response_from_fd64(r->fd_size, r->fd);
        if (resp)
            r->fd = -1; /* the response owns it now */
    } else {
        size_t len = r->body.len;
        char *data = buf_take(&r->body);
        resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(data);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    security_headers(resp, html);
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
    ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    if (r->w->o.verbose)
        log_info("serve: %s %s %d", r->method, r->path, r->status);
    return ret;
}

static void route_get(struct web_req *r)
{
    const char *p = r->path;

    if (!strcmp(p, "/"))
        web_page_home(r);
    else if (!strcmp(p, "/search"))
        web_page_search(r);
    else if (!strncmp(p, "/report/", 8))
        web_page_report(r, p + 8);
    else if (!strncmp(p, "/file/", 6))
        web_page_file(r, p + 6);
    else if (!strcmp(p, "/compare"))
        web_page_compare(r);
    else if (!strcmp(p, "/pack"))
        web_page_pack(r);
    else if (!strcmp(p, "/citations.ris"))
        web_page_citations(r);
    else if (!strcmp(p, "/saved"))
        web_page_saved(r);
    else if (!strcmp(p, "/static/style.css"))
        web_page_style(r);
    else if (!strcmp(p, "/static/icon.svg") || !strcmp(p, "/favicon.ico"))
        web_page_icon(r);
    else
        web_error_page(r, 404, "Page not found",
                       "There is no page at this address. Try the search page.");
}

static int is_post_route(const char *p)
{
    return !strcmp(p, "/saved") || !strcmp(p, "/saved/seen") || !strcmp(p, "/saved/remove");
}

/*
 * A form posted from another site's page (cross-site request forgery) must
 * not change what this user saved: browsers name the page's origin in
 * Origin and say where a request comes from in Sec-Fetch-Site. A client that
 * sends neither (curl, a script of the user's own) is let through.
 */
static int post_allowed(struct web_req *r)
{
    const char *origin = web_req_header(r, "Origin");
    const char *site = web_req_header(r, "Sec-Fetch-Site");
    const char *host = web_req_header(r, MHD_HTTP_HEADER_HOST);

    if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
        return 0;
    if (origin) {
        if (!host || strncmp(origin, "http://", 7) || strcmp(origin + 7, host))
            return 0;
    }
    return 1;
}

static void dispatch(struct web_req *r)
{
    int is_get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    int is_post = !strcmp(r->method, "POST") && is_post_route(r->path);

    if (!host_ok(r)) {
        web_error_page(r, 421, "Wrong address",
                       "This server answers only to requests for 127.0.0.1 or localhost.");
        return;
    }
    if (r->uri_len > WEB_MAX_URI) {
        web_error_page(r, 414, "Address too long",
                       "The address of this request is too long. Shorten the search.");
        return;
    }
    if (!is_get && !is_post) {
        web_header(r, MHD_HTTP_HEADER_ALLOW, is_post_route(r->path) ? "GET, HEAD, POST"
                                                                    : "GET, HEAD");
        web_error_page(r, 405, "Not allowed", "This page can only be read.");
        return;
    }
    if (is_post && r->form_over) {
        web_error_page(r, 413, "Too much", "The form sent more than this server accepts.");
        return;
    }
    if (is_post && !post_allowed(r)) {
        web_error_page(r, 403, "Refused", "A page from another site cannot change your saved "
                                          "searches.");
        return;
    }
    if (is_post)
        web_form_parse(r, r->form.data ? r->form.data : "", r->form.len);
    if (r->params_bad || r->path_nul) {
        web_error_page(r, 400, "Bad request",
                       "The address has too many parameters, or holds a NUL byte.");
        return;
    }
    if (is_post)
        web_post_saved(r, r->path + strlen("/saved"));
    else
        route_get(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct web_req *r = *con_cls;

    (void)version;
    if (!r) {
        r = on_uri(cls, url, conn);
        *con_cls = r;
    }
    r->conn = conn;
    r->method = method;
    r->path = url;
    if (!r->started) {
        r->started = 1;
        if (!strcmp(method, "POST")) {
            const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (cl && strtoull(cl, NULL, 10) > WEB_MAX_BODY)
                r->form_over = 1; /* answered now, before the body is read */
            else
                return MHD_YES;  /* the body comes in the next calls */
        }
    }
    if (*upload_size) {
        /* a body: kept up to the cap for a form, dropped otherwise */
        if (!r->form_over && buf_append(&r->form, upload_data, *upload_size, NULL) < 0)
            r->form_over = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    (void)MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, take_param, r);
    dispatch(r);
    return send_response(r);
}

static void on_log(void *cls, const char *fmt, va_list ap) CR_PRINTF(2, 0);
static void on_log(void *cls, const char *fmt, va_list ap)
{
    struct web *w = cls;
    char msg[512];

    if (!w->o.verbose)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_info("serve: %s", msg);
}

/* ---- life cycle ---- */

/* Binds and listens on addr:port; *fd on success. */
static int listen_on(const char *addr, unsigned port, int *fd, struct cr_err *err)
{
    struct addrinfo hints, *ai = NULL;
    const char *host = strcmp(addr, "localhost") ? addr : "127.0.0.1";
    char portstr[16];
    int s, one = 1, rc, saved;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST | AI_PASSIVE;
    snprintf(portstr, sizeof(portstr), "%u", port);
    rc = getaddrinfo(host, portstr, &hints, &ai);
    if (rc != 0)
        return cr_error(err, CR_EUSAGE, "cannot listen on '%s': not a numeric IP address (%s)",
                        addr, gai_strerror(rc));
    s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (s < 0) {
        saved = errno;
        freeaddrinfo(ai);
        return cr_error(err, CR_EIO, "cannot make a socket: %s", strerror(saved));
    }
    /* a restarted server may take the port back from its own closing connections */
    (void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(s, ai->ai_addr, ai->ai_addrlen) < 0 || listen(s, LISTEN_BACKLOG) < 0) {
        saved = errno;
        close(s);
        freeaddrinfo(ai);
        return cr_error(err, CR_EIO, "cannot listen on '%s' port %u: %s", addr, port,
                        strerror(saved));
    }
    freeaddrinfo(ai);
    *fd = s;
    return 0;
}

static unsigned bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int web_start(struct web **out, const struct web_opts *o, struct cr_err *err)
{
    struct web *w;
    const char *addr = o->bind && *o->bind ? o->bind : WEB_DEFAULT_BIND;
    int fd = -1, rc;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD;

    *out = NULL;
    if (!o->home)
        CR_BUG("web_start without a repository");
    if (!web_bind_is_loopback(addr) && !o->allow_remote)
        return cr_error(err, CR_EUSAGE,
                        "'%s' is not a loopback address: other machines could read the "
                        "repository (add --allow-remote if that is what you want)", addr);
    rc = listen_on(addr, o->port, &fd, err);
    if (rc < 0)
        return rc;
    w = xcalloc(1, sizeof(*w));
    w->o = *o;
    w->bind = xstrdup(addr);
    w->o.bind = w->bind;
    w->loopback = web_bind_is_loopback(addr);
    w->port = bound_port(fd);
    w->url = xasprintf(strchr(addr, ':') ? "http://[%s]:%u/" : "http://%s:%u/",
                       strcmp(addr, "localhost") ? addr : "127.0.0.1", w->port);
    if (pthread_key_create(&w->key, thread_free) != 0)
        CR_BUG("pthread_key_create failed");
    w->key_made = 1;
    pthread_mutex_init(&w->pack_lock, NULL);
    if (o->verbose)
        flags |= MHD_USE_ERROR_LOG;
    w->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, w,
        MHD_OPTION_EXTERNAL_LOGGER, on_log, w,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : WEB_DEFAULT_THREADS),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->timeout_s ? o->timeout_s : WEB_TIMEOUT_S),
        MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(o->max_connections ? o->max_connections : WEB_MAX_CONNECTIONS),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_MAX_HEADERS,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, w,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
        MHD_OPTION_END);
    if (!w->d) {
        close(fd);
        web_stop(w);
        return cr_error(err, CR_EIO, "cannot start the web server on '%s' (libmicrohttpd "
                        "refused its settings)", addr);
    }
    *out = w;
    return 0;
}

unsigned web_port(const struct web *w)
{
    return w->port;
}

const char *web_url(const struct web *w)
{
    return w->url;
}

void web_stop(struct web *w)
{
    if (!w)
        return;
    if (w->d)
        MHD_stop_daemon(w->d); /* joins the pool: each thread's handles close as it ends */
    if (w->key_made) {
        pthread_key_delete(w->key);
        pthread_mutex_destroy(&w->pack_lock);
    }
    free(w->bind);
    free(w->url);
    free(w);
}
