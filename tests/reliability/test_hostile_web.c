/*
 * The crawler against hostile web content, on a loopback server written
 * here (raw sockets, a thread per connection, so that it can misbehave as
 * tests/site.h will not): pages with half a million links, nesting without
 * end, invalid UTF-8 and charsets, attributes of megabytes, links with
 * javascript:, data:, file: and other schemes, URLs that try to climb out of
 * the repository; servers that drip bytes, send bodies without end, lie
 * about lengths, or gzip a gigabyte. The crawl must end in bounded time and
 * memory, record each of them, store only the good documents, and write no
 * file outside the repository (and none whose path comes from a URL).
 */

#include "tests/helpers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

#define ESCAPE_MARK "casereview-escape-7f3a"

struct server {
    int fd;                   /* listening socket */
    int port;
    pthread_t thread;
    volatile int stop;
    pthread_mutex_t lock;
    struct buf log;           /* "PATH\n" per request */
    char *gz;                 /* bomb.gz (mkhostile); owned */
    size_t gz_len;
};

struct conn {
    struct server *s;
    int fd;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* A small valid PDF saying it is fictional, with text naming what. New; *len set. */
static char *good_pdf(const char *what, size_t *len)
{
    struct buf b = BUF_INIT, content = BUF_INIT;
    size_t off[6];

    buf_addf(&content, "BT /F1 11 Tf 56 760 Td (Fictional test fixture: %s, a review that "
                       "never happened.) Tj ET", what);
    buf_addstr(&b, "%PDF-1.4\n");
    off[1] = b.len;
    buf_addstr(&b, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = b.len;
    buf_addstr(&b, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[3] = b.len;
    buf_addstr(&b, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                   "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n");
    off[4] = b.len;
    buf_addf(&b, "4 0 obj << /Length %zu >> stream\n%s\nendstream endobj\n", content.len,
             content.data);
    off[5] = b.len;
    buf_addstr(&b, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
    {
        size_t x = b.len;
        buf_addstr(&b, "xref\n0 6\n0000000000 65535 f \n");
        for (int i = 1; i <= 5; i++)
            buf_addf(&b, "%010zu 00000 n \n", off[i]);
        buf_addf(&b, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
    }
    buf_release(&content);
    *len = b.len;
    return buf_take(&b);
}

static void reply(int fd, const char *status, const char *type, const char *extra,
                  const char *body, size_t len)
{
    struct buf h = BUF_INIT;

    buf_addf(&h, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: "
                 "close\r\n\r\n", status, type, len, extra ? extra : "");
    if (th_send_all(fd, h.data, h.len) == 0 && len)
        (void)th_send_all(fd, body, len);
    buf_release(&h);
}

static void html(int fd, struct buf *b)
{
    reply(fd, "200 OK", "text/html; charset=utf-8", NULL, b->data, b->len);
    buf_release(b);
}

/* The seed page: links to every hostile page and document. */
static void seed(int fd)
{
    static const char *const pages[] = {"/million", "/huge", "/deep", "/utf8", "/charset",
                                        "/attrs", "/schemes", "/escape", NULL};
    static const char *const docs[] = {"/d/good.pdf", "/d/drip.pdf", "/d/slow-head.pdf",
                                       "/d/endless.pdf", "/d/short.pdf", "/d/long.pdf",
                                       "/d/huge-length.pdf", "/d/gzip-bomb.pdf", NULL};
    struct buf b = BUF_INIT;

    buf_addstr(&b, "<html><body><p>FICTIONAL TEST SITE: every review on it is invented.</p><ul>");
    for (int i = 0; pages[i]; i++)
        buf_addf(&b, "<li><a href=\"%s\">page %d</a></li>", pages[i], i);
    for (int i = 0; docs[i]; i++)
        buf_addf(&b, "<li><a href=\"%s\">Child %c review</a> (published May 2019)</li>", docs[i],
                 'A' + i);
    buf_addstr(&b, "</ul></body></html>");
    html(fd, &b);
}

static void page(int fd, const char *path)
{
    struct buf b = BUF_INIT;

    buf_addstr(&b, "<html><body><p>FICTIONAL TEST SITE.</p>");
    if (!strcmp(path, "/million")) {
        /* 400,000 links to pages of other sites (never followed), just under CR_MAX_HTML */
        buf_addstr(&b, "<a href=/d/million-ok.pdf>Child M review</a><ul>");
        for (int i = 0; i < 400000; i++)
            buf_addf(&b, "<a href=//x%d.invalid/>%d</a>", i % 1000, i);
        buf_addstr(&b, "</ul>");
    } else if (!strcmp(path, "/huge")) {
        for (int i = 0; i < 20 << 20; i += 64)
            buf_addstr(&b, "<p>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</p>");
    } else if (!strcmp(path, "/deep")) {
        buf_addstr(&b, "<a href=/d/deep-ok.pdf>Child D review</a>");
        for (int i = 0; i < 200000; i++)
            buf_addstr(&b, "<div><span><table><tr><td>");
        buf_addstr(&b, "<a href=/d/deep-late.pdf>Child E review</a>");
    } else if (!strcmp(path, "/utf8")) {
        /* bytes that are not UTF-8, in a page that says it is */
        static const char body[] =
            "<html><head><meta charset=\"utf-8\"></head><body>"
            "\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xf8\xa1\xa1\xa1\xa1 "
            "<a href=\"/d/utf8-ok.pdf\">Child \xed\xa0\x80 U \xc0\xaf review</a> "
            "<a href=\"/d/\xff\xfe\x00x.pdf\">bad</a></body></html>";
        reply(fd, "200 OK", "text/html; charset=utf-8", NULL, body, sizeof(body) - 1);
        buf_release(&b);
        return;
    } else if (!strcmp(path, "/charset")) {
        /* charsets that do not exist, and UTF-7 that would hide a script */
        static const char body[] =
            "<html><head><meta charset=\"utf-7\"><meta charset=\"\xff\xfe\"></head><body>"
            "+ADw-script+AD4-alert(1)+ADw-/script+AD4- "
            "<a href=\"/d/charset-ok.pdf\">Child C review</a></body></html>";
        reply(fd, "200 OK", "text/html; charset=x-no-such-charset", NULL, body, sizeof(body) - 1);
        buf_release(&b);
        return;
    } else if (!strcmp(path, "/attrs")) {
        buf_addstr(&b, "<p title=\"");
        for (int i = 0; i < 8 << 20; i += 16)
            buf_addstr(&b, "aaaaaaaaaaaaaaaa");
        buf_addstr(&b, "\">x</p><a href=\"/d/");
        for (int i = 0; i < 1 << 20; i += 16)
            buf_addstr(&b, "bbbbbbbbbbbbbbbb");
        buf_addstr(&b, ".pdf\">long href</a><a href=/d/attrs-ok.pdf>");
        for (int i = 0; i < 1 << 20; i += 16)
            buf_addstr(&b, "Child A review. ");
        buf_addstr(&b, "</a>");
    } else if (!strcmp(path, "/schemes")) {
        buf_addstr(&b, "<a href=\"javascript:fetch('/d/js.pdf')\">a</a>"
                       "<a href=\"data:application/pdf;base64,JVBERi0xLjQ=\">b</a>"
                       "<a href=\"file:///etc/passwd\">c</a><a href=\"file:///tmp/x.pdf\">c2</a>"
                       "<a href=\"ftp://127.0.0.1/x.pdf\">d</a><a href=\"mailto:a@b.c\">e</a>"
                       "<a href=\"vbscript:msgbox\">f</a><a href=\"about:blank\">g</a>"
                       "<a href=\"jar:file:///x.jar!/a.pdf\">h</a>"
                       "<a href=\"view-source:http://127.0.0.1/\">i</a>"
                       "<a href=\"  JaVaScRiPt:alert(1)\">j</a>"
                       "<a href=\"java&#10;script:alert(1)\">k</a>");
    } else if (!strcmp(path, "/escape")) {
        buf_addstr(&b, "<a href=\"/../../../../tmp/" ESCAPE_MARK "-1.pdf\">1</a>"
                       "<a href=\"/d/%2e%2e/%2e%2e/%2e%2e/tmp/" ESCAPE_MARK "-2.pdf\">2</a>"
                       "<a href=\"/d/..%2f..%2f..%2ftmp%2f" ESCAPE_MARK "-3.pdf\">3</a>"
                       "<a href=\"/d/..%5c..%5c" ESCAPE_MARK "-4.pdf\">4</a>"
                       "<a href=\"/d/" ESCAPE_MARK "%00.sh%00.pdf\">5</a>"
                       "<a href=\"/d/~/.bashrc/" ESCAPE_MARK "-6.pdf\">6</a>"
                       "<a href=\"/d/%252e%252e%252f" ESCAPE_MARK "-7.pdf\">7</a>");
    }
    buf_addstr(&b, "</body></html>");
    html(fd, &b);
}

/* The misbehaving documents. */
static void document(struct server *s, int fd, const char *path)
{
    size_t len;
    char *pdf = good_pdf(path, &len);

    if (!strcmp(path, "/d/drip.pdf")) {
        /* one byte every 200 ms: a download that never finishes in time */
        char h[256];
        int n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                       "Content-Length: %zu\r\nConnection: close\r\n\r\n", len);
        if (th_send_all(fd, h, (size_t)n) == 0)
            for (size_t i = 0; i < len && !s->stop && th_send_all(fd, pdf + i, 1) == 0; i++)
                sleep_ms(200);
    } else if (!strcmp(path, "/d/slow-head.pdf")) {
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                "Connection: close\r\nX-A: b\r\n";
        for (size_t i = 0; i < sizeof(h) - 1 && !s->stop && th_send_all(fd, h + i, 1) == 0; i++)
            sleep_ms(300);
    } else if (!strcmp(path, "/d/endless.pdf")) {
        /* a PDF's first bytes, then zeros for ever, with no length */
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                "Connection: close\r\n\r\n%PDF-1.4\n";
        char zeros[65536];
        memset(zeros, 0, sizeof(zeros));
        if (th_send_all(fd, h, sizeof(h) - 1) == 0)
            while (!s->stop && th_send_all(fd, zeros, sizeof(zeros)) == 0)
                ;
    } else if (!strcmp(path, "/d/short.pdf")) {
        /* announces more than it sends, then hangs up */
        char h[256];
        int n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                       "Content-Length: %zu\r\nConnection: close\r\n\r\n", len * 3);
        if (th_send_all(fd, h, (size_t)n) == 0)
            (void)th_send_all(fd, pdf, len / 2);
    } else if (!strcmp(path, "/d/long.pdf")) {
        /* announces less than it sends: what comes after the announced length is not the file */
        char h[256];
        int n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                       "Content-Length: %zu\r\nConnection: close\r\n\r\n", len / 2);
        if (th_send_all(fd, h, (size_t)n) == 0)
            (void)th_send_all(fd, pdf, len);
    } else if (!strcmp(path, "/d/huge-length.pdf")) {
        /* announces a terabyte */
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                                "Content-Length: 999999999999\r\nConnection: close\r\n\r\n%PDF-1.4\n";
        (void)th_send_all(fd, h, sizeof(h) - 1);
    } else if (!strcmp(path, "/d/gzip-bomb.pdf")) {
        reply(fd, "200 OK", "application/pdf", "Content-Encoding: gzip\r\n", s->gz, s->gz_len);
    } else {
        /* good.pdf, the *-ok.pdf ones and the escapes: a whole, valid, small PDF */
        reply(fd, "200 OK", "application/pdf", NULL, pdf, len);
    }
    free(pdf);
}

static void *serve_conn(void *arg)
{
    struct conn *c = arg;
    char req[8192], path[4096] = "";
    size_t n = 0;

    while (n < sizeof(req) - 1) {
        ssize_t r = recv(c->fd, req + n, sizeof(req) - 1 - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[n] = '\0';
    if (sscanf(req, "%*s %4095s", path) == 1) {
        pthread_mutex_lock(&c->s->lock);
        buf_addf(&c->s->log, "%s\n", path);
        pthread_mutex_unlock(&c->s->lock);
        if (!strcmp(path, "/robots.txt"))
            reply(c->fd, "404 Not Found", "text/plain", NULL, "none", 4);
        else if (!strcmp(path, "/reviews/"))
            seed(c->fd);
        else if (!strncmp(path, "/d/", 3))
            document(c->s, c->fd, path);
        else
            page(c->fd, path);
    }
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg)
{
    struct server *s = arg;

    while (!s->stop) {
        struct conn *c;
        pthread_t t;
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            continue;
        c = xcalloc(1, sizeof(*c));
        c->s = s;
        c->fd = fd;
        if (pthread_create(&t, NULL, serve_conn, c) != 0) {
            close(fd);
            free(c);
            continue;
        }
        pthread_detach(t);
    }
    return NULL;
}

static struct server *server_start(void)
{
    struct server *s = xcalloc(1, sizeof(*s));
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    char *gz_path;
    const char *h = getenv("CASEREVIEW_HOSTILE");
    int one = 1;

    gz_path = xasprintf("%s/bomb.gz", h && *h ? h : "build/hostile");
    s->gz = th_read(gz_path, &s->gz_len);
    assert_non_null(s->gz);
    free(gz_path);
    pthread_mutex_init(&s->lock, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s->fd >= 0);
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s->fd, 64), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &sl), 0);
    s->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, accept_loop, s), 0);
    return s;
}

static void server_stop(struct server *s)
{
    s->stop = 1;
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
    sleep_ms(300); /* connection threads see stop and end */
    buf_release(&s->log);
    free(s->gz);
    free(s);
}

struct fx {
    char *dir, *home, *cwd;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->dir = th_tmpdir();
    f->home = xasprintf("%s/home", f->dir);
    f->cwd = xasprintf("%s/cwd", f->dir);
    assert_int_equal(th_sh("mkdir -p '%s'", f->cwd), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    th_rm_rf(f->dir);
    free(f->dir), free(f->home), free(f->cwd);
    free(f);
    return 0;
}

static char *queue_state(struct fx *f, const char *path, int port)
{
    char *q = xasprintf("SELECT state || ':' || ifnull(error, '') FROM crawl_queue WHERE url = "
                        "'http://127.0.0.1:%d%s' ORDER BY run_id DESC LIMIT 1", port, path);
    char *s = th_sql(f->home, q, 0);

    free(q);
    return s;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hostile_web_crawl_is_bounded_and_recorded(void **state)
{
    static const char *const bad_docs[] = {"/d/drip.pdf", "/d/slow-head.pdf", "/d/endless.pdf",
                                           "/d/short.pdf", "/d/huge-length.pdf",
                                           "/d/gzip-bomb.pdf", NULL};
    /* found on hostile pages, before or despite what makes them hostile */
    static const char *const good_docs[] = {"/d/good.pdf", "/d/million-ok.pdf", "/d/deep-ok.pdf",
                                            "/d/utf8-ok.pdf", "/d/attrs-ok.pdf", NULL};
    struct fx *f = *state;
    struct server *srv = server_start();
    char *url = xasprintf("http://127.0.0.1:%d/reviews/", srv->port), *s, *before, *after;
    const char *argv[] = {"crawl",   "--delay",           "0",       "--timeout", "4",
                          "--connect-timeout", "2",       "--retries", "0",       "--max-size",
                          "32M",     "--depth",           "1",       url,         NULL};
    char *old = getcwd(NULL, 0);
    struct th_result r;
    struct rusage ru;
    double t0;

    before = xasprintf("%s/before.txt", f->dir);
    after = xasprintf("%s/after.txt", f->dir);
    assert_int_equal(th_sh("cd '%s' && find . -path ./home -prune -o ! -name '*.txt' -print | "
                           "sort > before.txt", f->dir), 0);
    assert_int_equal(chdir(f->cwd), 0);
    t0 = now();
    r = th_runv(f->home, NULL, argv);
    assert_int_equal(chdir(old), 0);
    getrusage(RUSAGE_CHILDREN, &ru);
    print_message("hostile web: crawl took %.1f s, exit %d, peak RSS %ld MB\n", now() - t0,
                  r.status, ru.ru_maxrss >> 10);
    if (r.status != 0 && r.status != 3) {
        print_error("crawl ended with %d\nstdout: %s\nstderr: %s\n", r.status, r.out, r.err);
        fail();
    }
    assert_true(now() - t0 < 120);
    /* under make asan the figure includes ASan's shadow and quarantine */
    if (!getenv("CASEREVIEW_SANITIZED"))
        assert_true(ru.ru_maxrss < 400 << 10);

    /* the good documents, and only them, are in the repository */
    s = th_sql(f->home, "SELECT count(*) || ': ' || group_concat(name, ' ') FROM reports", 0);
    print_message("hostile web: reports stored %s\n", s);
    free(s);
    s = th_sql(f->home, "SELECT group_concat(substr(url, instr(url, '/d/')) || ' ' || state || ' ' || ifnull(error, ''), "
                        "'; ') FROM crawl_queue", 0);
    print_message("hostile web: documents %s\n", s);
    free(s);
    for (size_t i = 0; good_docs[i]; i++) {
        s = queue_state(f, good_docs[i], srv->port);
        if (strcmp(s, "done:")) {
            print_error("'%s' is recorded as '%s', not as done\n", good_docs[i], s);
            fail();
        }
        free(s);
    }
    /* a page over CR_MAX_HTML is refused, and says so */
    s = queue_state(f, "/huge", srv->port);
    th_assert_contains(s, "failed:page larger than");
    free(s);
    for (size_t i = 0; bad_docs[i]; i++) {
        s = queue_state(f, bad_docs[i], srv->port);
        if (strncmp(s, "failed:", 7) || strlen(s) < 10) {
            print_error("'%s' is recorded as '%s', not as failed with its reason\n%s\n",
                        bad_docs[i], s, r.out);
            fail();
        }
        print_message("hostile web: %-20s %s\n", bad_docs[i], s);
        free(s);
    }
    /* nothing but http(s) was ever queued, and no page held the crawl */
    s = th_sql(f->home, "SELECT count(*) FROM crawl_queue WHERE url NOT LIKE 'http://%' AND "
                        "url NOT LIKE 'https://%'", 0);
    assert_string_equal(s, "0");
    free(s);
    s = th_sql(f->home, "SELECT count(*) FROM crawl_queue WHERE state = 'pending'", 0);
    assert_string_equal(s, "0");
    free(s);
    pthread_mutex_lock(&srv->lock);
    th_assert_not_contains(srv->log.data, "/d/js.pdf");
    pthread_mutex_unlock(&srv->lock);
    th_result_release(&r);

    /* no file outside the repository, none named after a URL, none left half-written */
    assert_int_equal(th_sh("cd '%s' && find . -path ./home -prune -o ! -name '*.txt' -print | "
                           "sort > after.txt", f->dir), 0);
    if (th_sh("diff '%s' '%s' >&2", before, after) != 0) {
        print_error("the crawl wrote outside the repository\n");
        fail();
    }
    assert_int_equal(th_sh("find '%s' /tmp -maxdepth 4 -name '*" ESCAPE_MARK "*' 2>/dev/null | "
                           "grep -q .", f->dir), 1);
    assert_int_equal(th_sh("find '%s' -name '*.pdf' ! -path '*/store/?" "?/*' | grep -q .", f->home),
                     1);
    assert_int_equal(th_sh("test -z \"$(ls -A '%s/store/tmp')\"", f->home), 0);
    r = th_run(f->home, NULL, "doctor", NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    free(before), free(after), free(url), free(old);
    server_stop(srv);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_hostile_web_crawl_is_bounded_and_recorded),
};

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
