/*
 * HTTP-level tests of the web server: a repository is built from generated
 * fixture PDFs (one with a hostile title), the server is started in-process
 * on an ephemeral loopback port, and libcurl (or a raw socket, where curl
 * would tidy the request up) asks it for every page, for files by sha256,
 * for paths that try to escape the store, and for requests over the limits.
 */

#include "tests/helpers.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/home.h"
#include "lib/store.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"
#include "search/filter.h"
#include "tests/site.h"
#include "web/web.h"

#include <zip.h>

#define HOSTILE "<script>alert(1)</script>"

struct fx {
    char *dir;
    char *home_dir;
    char *big;             /* a 12 MB PDF (report-b with bytes after %%EOF) */
    char sha_a[65];        /* report-a.pdf */
    char sha_big[65];
    struct home home;
    struct filter_vocab *vocab;
    struct web *w;
};

static struct fx *F; /* the one server every test asks */

/* ---- building the repository ---- */

static void run_ok(const char *home, ...)
{
    const char *argv[16];
    struct th_result r;
    size_t n = 0;
    va_list ap;

    va_start(ap, home);
    while (n < 15 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    r = th_runv(home, NULL, argv);
    if (r.status != 0) {
        print_error("'%s' exited %d\nstdout: %s\nstderr: %s\n", argv[0], r.status, r.out, r.err);
        fail();
    }
    th_result_release(&r);
}

/* A fixture PDF with a title that is markup, and markup in its text. */
static char *hostile_pdf(const char *dir)
{
    static const char text[] =
        "# Hostile fixture written by tests/web/test_web_http.c (fictional).\n"
        "@title " HOSTILE "\n"
        "@small FICTIONAL TEST DOCUMENT. Everything in it is invented; it describes no real "
        "child, family or partnership.\n"
        "@heading " HOSTILE "\n"
        "@subheading Northshire Safeguarding Children Partnership\n"
        "Markup in the text of a report: <img src=x onerror=alert(2)> and \"quotes\" & "
        "ampersands beside the word quixotry.\n";
    char *txt = xasprintf("%s/hostile.txt", dir), *pdf = xasprintf("%s/hostile.pdf", dir);

    th_write(txt, text, sizeof(text) - 1);
    assert_int_equal(th_sh("'%s' '%s' '%s'", getenv("CASEREVIEW_MKPDF"), txt, pdf), 0);
    free(txt);
    return pdf;
}

/* report-b.pdf with 12 MB after its end: still a PDF, big enough to cut off mid-send. */
static char *big_pdf(const char *dir)
{
    char *src = th_fixture("report-b.pdf"), *big = xasprintf("%s/big.pdf", dir);
    size_t len;
    char *data = th_read(src, &len);
    FILE *f = fopen(big, "wb");
    char block[65536];

    assert_non_null(data);
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    memset(block, '%', sizeof(block));
    for (int i = 0; i < 192; i++)
        assert_int_equal(fwrite(block, 1, sizeof(block), f), sizeof(block));
    assert_int_equal(fclose(f), 0);
    free(data);
    free(src);
    return big;
}

/* The shipped taxonomy's names, as `casereview serve` gives the server. */
static struct filter_vocab *test_vocab(void)
{
    struct filter_vocab *v = filter_vocab_new();
    struct taxonomy *t = NULL;
    struct cr_err err;

    filter_vocab_add_nations(v);
    if (!getenv("CASEREVIEW_DATA")) {
        /* data/ is found beside a program up to three levels up: not from build/asan/tests/web */
        char *data = th_src("data");
        setenv("CASEREVIEW_DATA", data, 1);
        free(data);
    }
    if (taxonomy_load_default(&t, &err) < 0) {
        print_error("taxonomy: %s\n", err.msg);
        fail();
    }
    filter_vocab_from_taxonomy(v, t);
    taxonomy_free(t);
    return v;
}

static int group_setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    char *a = th_fixture("report-a.pdf"), *hostile;
    struct web_opts o;
    struct cr_err err;
    uint64_t bytes;

    f->dir = th_tmpdir();
    f->home_dir = xasprintf("%s/home", f->dir);
    hostile = hostile_pdf(f->dir);
    f->big = big_pdf(f->dir);
    run_ok(f->home_dir, "add", "--quiet", a, hostile, f->big, NULL);
    run_ok(f->home_dir, "index", NULL);
    assert_int_equal(store_hash_file(a, f->sha_a, &bytes, NULL), 0);
    assert_int_equal(store_hash_file(f->big, f->sha_big, &bytes, NULL), 0);
    assert_int_equal(home_open(&f->home, f->home_dir, 0, NULL), 0);
    f->vocab = test_vocab();
    memset(&o, 0, sizeof(o));
    o.home = &f->home;
    o.vocab = f->vocab;
    o.port = 0;
    o.threads = 2;
    o.timeout_s = 2;
    cr_err_clear(&err);
    if (web_start(&f->w, &o, &err) < 0) {
        print_error("web_start: %s\n", err.msg);
        return -1;
    }
    free(a);
    free(hostile);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    F = f;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    struct fx *f = *state;

    web_stop(f->w);
    filter_vocab_free(f->vocab);
    home_release(&f->home);
    th_rm_rf(f->dir);
    free(f->dir);
    free(f->home_dir);
    free(f->big);
    free(f);
    curl_global_cleanup();
    return 0;
}

/* ---- asking it ---- */

struct resp {
    long status;
    struct buf body;
    struct buf head;       /* the response headers as received */
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    buf_add(ctx, p, size * n);
    return size * n;
}

/*
 * GET (or method) path from the server on port, with extra "Name: value"
 * headers (NULL-terminated, may be NULL).
 */
static struct resp request_at(unsigned port, const char *method, const char *path,
                              const char *const *headers)
{
    struct resp r = {0, BUF_INIT, BUF_INIT};
    struct curl_slist *hl = NULL;
    char *url = xasprintf("http://127.0.0.1:%u%s", port, path);
    CURL *c = curl_easy_init();
    CURLcode rc;

    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* send ../ as written */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.head);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET"))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        print_error("%s %s: %s\n", method, path, curl_easy_strerror(rc));
        fail();
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hl);
    free(url);
    buf_addstr(&r.body, ""); /* never NULL */
    buf_addstr(&r.head, "");
    return r;
}

static struct resp request(const char *method, const char *path, const char *const *headers)
{
    return request_at(web_port(F->w), method, path, headers);
}

static struct resp get(const char *path)
{
    return request("GET", path, NULL);
}

static void resp_release(struct resp *r)
{
    buf_release(&r->body);
    buf_release(&r->head);
}

static void expect_status(const struct resp *r, const char *path, long want)
{
    if (r->status != want) {
        print_error("GET %s: status %ld, wanted %ld\n%s\n", path, r->status, want, r->body.data);
        fail();
    }
}

/* GETs path, asserts the status and that the body holds each needle (NULL-terminated). */
static void expect_page(const char *path, long status, ...)
{
    struct resp r = get(path);
    const char *needle;
    va_list ap;

    expect_status(&r, path, status);
    va_start(ap, status);
    while ((needle = va_arg(ap, const char *))) {
        if (!strstr(r.body.data, needle)) {
            const char *main_at = strstr(r.body.data, "<main");
            print_error("GET %s: no '%s' in\n%.1500s\n", path, needle,
                        main_at ? main_at : r.body.data);
            fail();
        }
    }
    va_end(ap);
    resp_release(&r);
}

/* The first href="…" after marker in html, with &amp; undone. New string or NULL. */
static char *href_after(const char *html, const char *marker)
{
    const char *p = strstr(html, marker), *end;
    struct buf b = BUF_INIT;

    if (!p || !(p = strstr(p, "href=\"")))
        return NULL;
    p += 6;
    end = strchr(p, '"');
    for (; p < end; p++) {
        if (!strncmp(p, "&amp;", 5)) {
            buf_addch(&b, '&');
            p += 4;
        } else {
            buf_addch(&b, *p);
        }
    }
    return buf_take(&b);
}

/* A raw connection to the server (for requests curl would not send as they are). */
static int connect_raw(void)
{
    struct sockaddr_in sa;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(s >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)web_port(F->w));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return s;
}

/* Sends req on a new connection and returns what came back (until close or 5 s). */
static char *raw(const char *req, size_t len)
{
    struct buf b = BUF_INIT;
    int s = connect_raw();
    char chunk[4096];
    ssize_t n;
    struct timeval tv = {5, 0};

    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (len && send(s, req, len, MSG_NOSIGNAL) < 0) {
        /* the server may close before reading everything: what it said still counts */
    }
    while ((n = recv(s, chunk, sizeof(chunk), 0)) > 0)
        buf_add(&b, chunk, (size_t)n);
    close(s);
    return buf_take(&b);
}

/* ---- the pages ---- */

static void test_web_home_and_style(void **state)
{
    struct resp r;

    (void)state;
    expect_page("/", 200, "<h1>Search the case reviews</h1>", "<label for=\"q\">",
                "describe what happened to them", "href=\"/static/style.css\"", NULL);
    r = get("/static/style.css");
    expect_status(&r, "/static/style.css", 200);
    th_assert_contains(r.head.data, "text/css");
    th_assert_contains(r.body.data, ":focus-visible");
    resp_release(&r);
    /* no asset from outside the machine, no script */
    r = get("/search?q=neglect");
    th_assert_not_contains(r.body.data, "http://");
    th_assert_not_contains(r.body.data, "https://");
    th_assert_not_contains(r.body.data, "<script");
    th_assert_contains(r.head.data, "Content-Security-Policy: default-src 'none'");
    resp_release(&r);
}

static void test_web_search_results(void **state)
{
    char *file_link = xasprintf("/file/%s#page=", F->sha_a);

    (void)state;
    expect_page("/search?q=neglect", 200, "report", "<mark>neglect</mark>",
                "Serious Case Review: Child T", "href=\"/report/", file_link, NULL);
    expect_page("/search?q=%22disguised+compliance%22", 200,
                "<mark>disguised compliance</mark>", NULL);
    expect_page("/search?q=zzzyzzy", 200, "No reports match", NULL);
    /* every report when nothing is asked */
    expect_page("/search", 200, "3 reports match", NULL);
    free(file_link);
}

static void test_web_did_you_mean(void **state)
{
    struct resp r = get("/search?q=neglekt&nation=england");
    char *link;

    (void)state;
    expect_status(&r, "/search?q=neglekt", 200);
    th_assert_contains(r.body.data, "No reports match");
    th_assert_contains(r.body.data, "Did you mean <a href=\"/search?q=neglect&amp;nation=england\">"
                                    "neglect</a>?");
    link = href_after(r.body.data, "Did you mean");
    resp_release(&r);
    r = get(link);
    th_assert_contains(r.body.data, "<mark>neglect</mark>");
    resp_release(&r);
    free(link);
}

static void test_web_search_paging(void **state)
{
    struct resp r;

    (void)state;
    r = get("/search?page=2");
    expect_status(&r, "/search?page=2", 200);
    th_assert_contains(r.body.data, "this page is past the last");
    resp_release(&r);
    expect_page("/search?page=0", 400, "&#39;page&#39; must be a number", NULL);
    expect_page("/search?page=501", 400, "&#39;page&#39; must be a number", NULL);
    expect_page("/search?page=abc", 400, "&#39;page&#39; must be a number", NULL);
}

static void test_web_search_bad_query(void **state)
{
    (void)state;
    expect_page("/search?q=%22unclosed", 400, "role=\"alert\"", "never closed",
                "value=\"&quot;unclosed\"", NULL);
    expect_page("/search?q=neglect+AND", 400, "nothing after it", NULL);
    expect_page("/search?q=neglect&from=20x9", 400, "&#39;from&#39; must be a year", NULL);
    expect_page("/search?q=neglect&to=2019-13", 400, "&#39;to&#39; must be a year", NULL);
    expect_page("/search?q=neglect&sort=sideways", 400, "&#39;sort&#39; must be", NULL);
}

static void test_web_unknown_params_ignored(void **state)
{
    (void)state;
    expect_page("/search?q=neglect&utm_source=mail&foo=%3Cb%3E&=x&bare", 200,
                "<mark>neglect</mark>", NULL);
}

static void test_web_hostile_title_escaped(void **state)
{
    const char *paths[] = {"/search?q=quixotry", "/search?q=alert", "/search", "/report/2",
                           "/report/2?q=quixotry"};

    (void)state;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct resp r = get(paths[i]);
        expect_status(&r, paths[i], 200);
        th_assert_contains(r.body.data, "&lt;script&gt;alert(1)&lt;/script&gt;");
        th_assert_not_contains(r.body.data, HOSTILE);
        th_assert_not_contains(r.body.data, "<img");
        th_assert_not_contains(r.body.data, "<script");
        resp_release(&r);
    }
    expect_page("/search?q=quixotry", 200, "&lt;img src=x onerror=alert(2)&gt;", NULL);
    /* what a user typed comes back escaped too */
    expect_page("/search?q=%22%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E%22", 200,
                "value=\"&quot;&gt;&lt;script&gt;alert(3)", NULL);
}

static void test_web_report_page(void **state)
{
    char *file_link = xasprintf("href=\"/file/%s\"", F->sha_a);
    char *page_link = xasprintf("href=\"/file/%s#page=4\"", F->sha_a);

    (void)state;
    expect_page("/report/1", 200, "<h1>Serious Case Review: Child T</h1>", "About this report",
                "<dt>Pages</dt><dd>4</dd>", file_link, F->sha_a, NULL);
    expect_page("/report/1?q=neglect", 200, "Pages that match", page_link,
                "<mark>neglect</mark>", NULL);
    expect_page("/report/999", 404, "No such report", NULL);
    expect_page("/report/abc", 404, "No such report", NULL);
    expect_page("/report/", 404, NULL);
    expect_page("/report/1/../2", 404, NULL);
    expect_page("/report/99999999999999999999", 404, NULL);
    expect_page("/report/1?q=%22open", 200, "never closed", NULL);
    free(file_link);
    free(page_link);
}


/* ---- filters, facets, dates, order ---- */

static void test_web_filters(void **state)
{
    (void)state;
    expect_page("/search?theme=bruising-non-mobile", 200, "1 report matches",
                "Serious Case Review: Child T", "Theme: Bruising in non-mobile babies", NULL);
    /* a theme by its label, a nation by its name */
    expect_page("/search?theme=Bruising+in+non-mobile+babies&nation=England", 200,
                "1 report matches", NULL);
    /* one field's values OR, different fields AND */
    expect_page("/search?nation=england&nation=wales", 200, "3 reports match", NULL);
    expect_page("/search?theme=bruising-non-mobile&nation=wales", 200, "No reports match",
                NULL);
    expect_page("/search?theme=no-such-theme", 400, "unknown theme", "closest known", NULL);
    expect_page("/search?type=cpr", 200, "1 report matches", "Baby R", NULL);
}

static void test_web_facets_narrow(void **state)
{
    struct resp r = get("/search");
    char *link;

    (void)state;
    expect_status(&r, "/search", 200);
    th_assert_contains(r.body.data, "<h2 id=\"facets-h\">Narrow the results</h2>");
    th_assert_contains(r.body.data, "<h3>Nations</h3>");
    /* a facet value links to the same search narrowed by it, with its count */
    th_assert_contains(r.body.data, "href=\"/search?nation=wales\">Wales</a> <span "
                                    "class=\"count\">1<");
    link = href_after(r.body.data, "<h3>Years</h3>");
    assert_non_null(link);
    assert_true(strstr(link, "from=") && strstr(link, "to="));
    resp_release(&r);
    /* following it narrows, and the value shows as in force, with a link that removes it */
    r = get("/search?nation=wales");
    th_assert_contains(r.body.data, "1 report matches");
    th_assert_contains(r.body.data, "aria-current=\"true\"");
    th_assert_contains(r.body.data, "<span class=\"visually-hidden\">Remove </span>Nation: Wales");
    resp_release(&r);
    r = get(link);
    expect_status(&r, link, 200);
    th_assert_contains(r.body.data, "1 report matches");
    resp_release(&r);
    free(link);
}

static void test_web_dates_and_order(void **state)
{
    struct resp r;
    const char *a, *b;

    (void)state;
    expect_page("/search?from=2019&to=2019", 200, "1 report matches", "Child T", NULL);
    expect_page("/search?from=2020-01", 200, "2 reports match", "Baby R", NULL);
    expect_page("/search?from=2020-02-01", 200, "1 report matches", "Baby R", NULL);
    expect_page("/search?from=2021&to=2019", 400, "after", NULL);
    r = get("/search?nation=england&nation=wales&sort=-date");
    a = strstr(r.body.data, "Baby R");
    b = strstr(r.body.data, "Child T");
    assert_true(a && b && a < b); /* 2021 before 2019 */
    th_assert_contains(r.body.data, "<option value=\"-date\" selected>");
    resp_release(&r);
    r = get("/search?nation=england&nation=wales&sort=date");
    a = strstr(r.body.data, "Baby R");
    b = strstr(r.body.data, "Child T");
    assert_true(a && b && b < a);
    resp_release(&r);
}

/* ---- compare ---- */

/* The first cell of the heat map that links to reports: its href (new) and its number. */
static char *first_cell(const char *html, long *n)
{
    for (const char *p = html; (p = strstr(p, "<td class=\"h")); p++) {
        const char *a = strchr(p, '>');
        if (a && !strncmp(a + 1, "<a href=\"", 9)) {
            char *href = href_after(p, "<a href=");
            const char *text = strstr(a + 10, "\">");
            *n = text ? strtol(text + 2, NULL, 10) : -1;
            return href;
        }
    }
    return NULL;
}

static void test_web_compare_cells_link_their_search(void **state)
{
    static const char *const pages[] = {"/compare", "/compare?rows=nation&cols=theme",
                                        "/compare?rows=year&cols=topic",
                                        "/compare?rows=type&cols=theme&q=child"};

    (void)state;
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        struct resp r = get(pages[i]), s;
        char *href, want[64];
        long n = -1;

        expect_status(&r, pages[i], 200);
        th_assert_contains(r.body.data, "<table class=\"heat\">");
        th_assert_contains(r.body.data, "<svg class=\"chart\"");
        th_assert_contains(r.body.data, "<rect class=\"bar\"");
        href = first_cell(r.body.data, &n);
        assert_non_null(href);
        assert_true(n >= 1);
        s = get(href);
        expect_status(&s, href, 200);
        snprintf(want, sizeof(want), "<h2 id=\"results-h\">%ld report", n);
        th_assert_contains(s.body.data, want);
        resp_release(&s);
        resp_release(&r);
        free(href);
    }
    expect_page("/compare?rows=year&cols=topic&share=1", 200, "%", NULL);
    expect_page("/compare?rows=colour", 400, "&#39;rows&#39; must be", NULL);
    expect_page("/compare?cols=partnership", 400, "&#39;cols&#39; must be", NULL);
    expect_page("/compare?theme=no-such-theme", 400, "unknown theme", NULL);
}

/* ---- taking results away ---- */

static void test_web_citations(void **state)
{
    struct resp r = get("/citations.ris?q=neglect");

    (void)state;
    expect_status(&r, "/citations.ris", 200);
    th_assert_contains(r.head.data, "Content-Type: application/x-research-info-systems");
    th_assert_contains(r.head.data, "attachment; filename=\"casereview-citations.ris\"");
    th_assert_contains(r.body.data, "TY  - RPRT\r\n");
    th_assert_contains(r.body.data, "TI  - Serious Case Review: Child T\r\n");
    th_assert_contains(r.body.data, "ER  - ");
    resp_release(&r);
    expect_page("/citations.ris?theme=no-such-theme", 400, NULL);
}

static void test_web_learning_pack(void **state)
{
    struct resp r = get("/pack?type=scr");
    zip_error_t ze;
    zip_source_t *src;
    zip_t *z;
    int pdfs = 0, index = 0, ris = 0;

    (void)state;
    expect_status(&r, "/pack", 200);
    th_assert_contains(r.head.data, "Content-Type: application/zip");
    th_assert_contains(r.head.data, "casereview-learning-pack.zip");
    zip_error_init(&ze);
    src = zip_source_buffer_create(r.body.data, r.body.len, 0, &ze);
    assert_non_null(src);
    z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        zip_stat_t st;
        zip_file_t *f;
        char *data, sha[65];

        assert_int_equal(zip_stat_index(z, (zip_uint64_t)i, 0, &st), 0);
        data = xmalloc(st.size + 1);
        f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        assert_non_null(f);
        assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
        zip_fclose(f);
        data[st.size] = '\0';
        if (strstr(name, ".pdf")) {
            pdfs++;
            store_hash_mem(data, st.size, sha);
            assert_string_equal(sha, F->sha_a); /* the one serious case review, intact */
            th_assert_contains(name, "Child T");
        } else if (strstr(name, "index.html")) {
            index++;
            th_assert_contains(data, "Serious Case Review: Child T");
        } else if (strstr(name, "citations.ris")) {
            ris++;
        }
        free(data);
    }
    assert_int_equal(pdfs, 1);
    assert_int_equal(index, 1);
    assert_int_equal(ris, 1);
    zip_close(z);
    resp_release(&r);
}

/* ---- saved searches ---- */

static struct resp post(const char *path, const char *body, const char *const *headers)
{
    struct resp r = {0, BUF_INIT, BUF_INIT};
    struct curl_slist *hl = NULL;
    char *url = xasprintf("http://127.0.0.1:%u%s", web_port(F->w), path);
    CURL *c = curl_easy_init();

    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.head);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hl);
    free(url);
    buf_addstr(&r.body, "");
    buf_addstr(&r.head, "");
    return r;
}

static void expect_post(const char *path, const char *body, const char *const *headers,
                        long status, const char *needle)
{
    struct resp r = post(path, body, headers);

    expect_status(&r, path, status);
    if (needle)
        th_assert_contains(r.head.data, needle);
    resp_release(&r);
}

static void test_web_saved_searches(void **state)
{
    const char *evil[] = {"Origin: http://casereview.example", NULL};
    const char *cross[] = {"Sec-Fetch-Site: cross-site", NULL};
    const char *same[] = {"Origin: http://127.0.0.1", "Sec-Fetch-Site: same-origin", NULL};
    char origin[64];
    const char *mine[] = {origin, NULL};
    struct buf big = BUF_INIT;

    (void)state;
    snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%u", web_port(F->w));
    expect_page("/saved", 200, "No search is saved yet", NULL);
    expect_post("/saved", "name=Bruising&theme=bruising-non-mobile&from=2019", mine, 303,
                "Location: /saved?done=saved&name=Bruising");
    expect_page("/saved", 200, "<h2>Bruising</h2>", "Theme: Bruising in non-mobile babies",
                "Published from 2019", "Nothing new since", NULL);
    /* forms from other sites, too big, unnamed, unknown names, and other methods */
    expect_post("/saved", "name=Evil&q=x", evil, 403, NULL);
    expect_post("/saved", "name=Evil&q=x", cross, 403, NULL);
    expect_post("/saved", "name=Same&q=x", same, 403, NULL); /* port differs: another origin */
    for (int i = 0; i < WEB_MAX_BODY + 10; i++)
        buf_addch(&big, 'x');
    expect_post("/saved", big.data, NULL, 413, NULL);
    buf_release(&big);
    expect_post("/saved", "q=neglect", NULL, 400, NULL);
    expect_post("/saved", "name=Bad&theme=no-such-theme", NULL, 400, NULL);
    expect_post("/saved", "name=%ZZ", NULL, 400, NULL);
    expect_post("/saved", "name=a%00b", NULL, 400, NULL);
    expect_post("/search", "q=neglect", NULL, 405, "Allow: GET, HEAD");
    expect_page("/saved", 200, NULL);
    {
        struct resp r = get("/saved");
        th_assert_not_contains(r.body.data, "<h2>Evil</h2>");
        th_assert_not_contains(r.body.data, "<h2>Same</h2>");
        th_assert_not_contains(r.body.data, "<h2>Bad</h2>");
        resp_release(&r);
    }
    expect_post("/saved/seen", "name=Bruising", mine, 303, "done=seen");
    expect_post("/saved/remove", "name=Bruising", mine, 303, "done=removed");
    expect_post("/saved/remove", "name=Bruising", mine, 404, NULL);
    expect_page("/saved", 200, "No search is saved yet", NULL);
}

static void test_web_not_found(void **state)
{
    (void)state;
    expect_page("/nowhere", 404, "Page not found", NULL);
    expect_page("/search/", 404, NULL);
}

/* ---- files ---- */

static void test_web_file_served(void **state)
{
    char *path = xasprintf("/file/%s", F->sha_a), *fixture = th_fixture("report-a.pdf");
    char *inm = xasprintf("If-None-Match: \"%s\"", F->sha_a);
    const char *hdrs[] = {inm, NULL};
    char sha[65];
    struct resp r;

    (void)state;
    r = get(path);
    expect_status(&r, path, 200);
    th_assert_contains(r.head.data, "Content-Type: application/pdf");
    th_assert_contains(r.head.data, "Content-Disposition: inline; filename=\"report-a.pdf\"");
    assert_memory_equal(r.body.data, "%PDF-", 5);
    store_hash_mem(r.body.data, r.body.len, sha);
    assert_string_equal(sha, F->sha_a);
    resp_release(&r);
    r = request("GET", path, hdrs);
    expect_status(&r, path, 304);
    assert_int_equal(r.body.len, 0);
    resp_release(&r);
    r = request("HEAD", path, NULL);
    expect_status(&r, path, 200);
    th_assert_contains(r.head.data, "Content-Type: application/pdf");
    resp_release(&r);
    free(path);
    free(fixture);
    free(inm);
}

static void test_web_file_traversal(void **state)
{
    char *upper = xstrdup(F->sha_a), *cases[16];
    size_t n = 0;

    (void)state;
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    cases[n++] = xstrdup("/file/../../../../etc/passwd");
    cases[n++] = xstrdup("/file/..%2f..%2f..%2fetc%2fpasswd");
    cases[n++] = xstrdup("/file/%2e%2e/catalog.sqlite");
    cases[n++] = xstrdup("/file/../catalog.sqlite");
    cases[n++] = xasprintf("/file/%s/../../catalog.sqlite", F->sha_a);
    cases[n++] = xasprintf("/file/%s.pdf", F->sha_a);
    cases[n++] = xasprintf("/file/%s%%00", F->sha_a);
    cases[n++] = xasprintf("/file/%.63s", F->sha_a);
    cases[n++] = xasprintf("/file/%s", upper);
    cases[n++] = xstrdup("/file/");
    cases[n++] = xstrdup("/file/0000000000000000000000000000000000000000000000000000000000000000");
    cases[n++] = xstrdup("/static/../catalog.sqlite");
    cases[n++] = xstrdup("//etc/passwd");
    cases[n++] = xstrdup("/file//etc/passwd");
    for (size_t i = 0; i < n; i++) {
        struct resp r = get(cases[i]);
        if (r.status != 404 && r.status != 400) {
            print_error("GET %s: status %ld\n", cases[i], r.status);
            fail();
        }
        th_assert_not_contains(r.body.data, "SQLite format");
        th_assert_not_contains(r.body.data, "root:");
        th_assert_not_contains(r.head.data, "application/pdf");
        resp_release(&r);
        free(cases[i]);
    }
    free(upper);
}

/* ---- limits and abuse ---- */

static void test_web_oversize_requests(void **state)
{
    struct buf b = BUF_INIT;
    char *out;
    struct resp r;

    (void)state;
    /* a request target over WEB_MAX_URI */
    buf_addstr(&b, "/search?q=");
    for (int i = 0; i < WEB_MAX_URI; i++)
        buf_addch(&b, 'a');
    r = get(b.data);
    expect_status(&r, "/search?q=aaa…", 414);
    resp_release(&r);
    /* a query over the search's own cap, inside the URI limit */
    buf_reset(&b);
    buf_addstr(&b, "/search?q=");
    for (int i = 0; i < 5000; i++)
        buf_addch(&b, i % 7 ? 'a' : '+');
    expect_page(b.data, 400, "longer than", NULL);
    /* too many parameters */
    buf_reset(&b);
    buf_addstr(&b, "/search?q=neglect");
    for (int i = 0; i < 100; i++)
        buf_addf(&b, "&p%d=1", i);
    expect_page(b.data, 400, "too many parameters", NULL);
    /* headers over the connection's memory */
    buf_reset(&b);
    buf_addstr(&b, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
    for (unsigned i = 0; i < WEB_MAX_HEADERS + 1024; i++)
        buf_addch(&b, 'x');
    buf_addstr(&b, "\r\n\r\n");
    out = raw(b.data, b.len);
    if (!strstr(out, " 431 ") && !strstr(out, " 413 ") && !strstr(out, " 414 ")) {
        print_error("oversize headers: got '%.200s'\n", out);
        fail();
    }
    free(out);
    /* a body where none is wanted */
    r = request("POST", "/search", NULL);
    expect_status(&r, "POST /search", 405);
    th_assert_contains(r.head.data, "Allow: GET, HEAD");
    resp_release(&r);
    buf_release(&b);
    /* and the server still serves */
    expect_page("/search?q=neglect", 200, "<mark>neglect</mark>", NULL);
}

static void test_web_garbage_requests(void **state)
{
    static const char *const reqs[] = {
        "garbage\r\n\r\n",
        "GET\r\n\r\n",
        "GET /search?q=%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET /search?q=a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
        "",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
        free(raw(reqs[i], strlen(reqs[i])));
    expect_page("/search?q=a%00b", 400, NULL);
    expect_page("/", 200, "Search the case reviews", NULL);
}

static void test_web_host_checked(void **state)
{
    const char *evil[] = {"Host: casereview.example", NULL};
    const char *local[] = {"Host: localhost:8080", NULL};
    struct resp r;

    (void)state;
    r = request("GET", "/", evil);
    expect_status(&r, "/ (Host: casereview.example)", 421);
    resp_release(&r);
    r = request("GET", "/", local);
    expect_status(&r, "/ (Host: localhost)", 200);
    resp_release(&r);
}

static int wait_readable(int s, int ms)
{
    struct pollfd p = {s, POLLIN, 0};

    return poll(&p, 1, ms);
}

/* Idle and slow connections hold a socket each, not a thread, and time out. */
static void test_web_idle_clients_do_not_starve(void **state)
{
    int idle[40];
    struct timespec t0, t1;
    char c;

    (void)state;
    for (size_t i = 0; i < sizeof(idle) / sizeof(idle[0]); i++) {
        idle[i] = connect_raw();
        (void)send(idle[i], "GET /sea", 8, MSG_NOSIGNAL); /* and never the rest */
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_page("/search?q=neglect", 200, "<mark>neglect</mark>", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 2);
    /* the server's timeout (2 s here) closes them */
    for (size_t i = 0; i < sizeof(idle) / sizeof(idle[0]); i++) {
        assert_true(wait_readable(idle[i], 6000) > 0);
        assert_true(recv(idle[i], &c, 1, 0) <= 0);
        close(idle[i]);
    }
}

/* A client that reads a little of a large file and goes away. */
static void test_web_client_disconnects_mid_response(void **state)
{
    char *req = xasprintf("GET /file/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", F->sha_big);
    char chunk[2048];

    (void)state;
    for (int i = 0; i < 20; i++) {
        int s = connect_raw(), small = 4096;
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        assert_true(send(s, req, strlen(req), MSG_NOSIGNAL) > 0);
        assert_true(wait_readable(s, 5000) > 0);
        assert_true(recv(s, chunk, sizeof(chunk), 0) > 0);
        close(s);
    }
    expect_page("/search?q=neglect", 200, "<mark>neglect</mark>", NULL);
    free(req);
}


/* At most max_connections are held; past them a client waits, and is served once one goes. */
static void test_web_connection_limit(void **state)
{
    struct web_opts o;
    struct web *w = NULL;
    struct web *keep = F->w;
    int idle[8], extra;
    char buf[64];
    struct resp r;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.home = &F->home;
    o.vocab = F->vocab;
    o.threads = 1;
    o.max_connections = 8;
    o.timeout_s = 30;
    assert_int_equal(web_start(&w, &o, NULL), 0);
    F->w = w; /* connect_raw and get ask F->w */
    for (int i = 0; i < 8; i++) {
        idle[i] = connect_raw();
        (void)send(idle[i], "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL); /* and no more */
    }
    usleep(200 * 1000);
    /* the ninth waits in the kernel's queue: the server takes no more than its limit */
    extra = connect_raw();
    (void)send(extra, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 35, MSG_NOSIGNAL);
    assert_int_equal(wait_readable(extra, 1000), 0);
    /* once the others go, it is served */
    for (int i = 0; i < 8; i++)
        close(idle[i]);
    assert_true(wait_readable(extra, 5000) > 0);
    assert_true(recv(extra, buf, sizeof(buf) - 1, 0) > 12);
    buf[12] = '\0';
    assert_string_equal(buf, "HTTP/1.1 200");
    close(extra);
    r = get("/search?q=neglect");
    expect_status(&r, "/search?q=neglect", 200);
    resp_release(&r);
    F->w = keep;
    web_stop(w);
}

/* Reports indexed while the server runs appear without a restart. */
static void test_web_sees_new_reports(void **state)
{
    char *c = th_fixture("report-c.pdf");
    struct resp r;

    (void)state;
    expect_page("/search?q=%22county+lines%22", 200, "No reports match", NULL);
    /* saved a minute ago, so that the report added now is news to it */
    setenv("CASEREVIEW_NOW", "1700000000", 1);
    expect_post("/saved", "name=County+lines&q=%22county+lines%22", NULL, 303, NULL);
    unsetenv("CASEREVIEW_NOW");
    run_ok(F->home_dir, "add", "--quiet", c, NULL);
    run_ok(F->home_dir, "index", NULL);
    expect_page("/saved", 200, "<strong>1 new report</strong>", "Jacob: 7 minute briefing", NULL);
    expect_post("/saved/seen", "name=County+lines", NULL, 303, NULL);
    expect_page("/saved", 200, "Nothing new since", NULL);
    expect_post("/saved/remove", "name=County+lines", NULL, 303, NULL);
    r = get("/search?q=%22county+lines%22");
    expect_status(&r, "/search?q=county lines", 200);
    th_assert_contains(r.body.data, "<mark>county lines</mark>");
    resp_release(&r);
    /* and the same after the index is built again from nothing */
    run_ok(F->home_dir, "index", "--rebuild", NULL);
    for (int i = 0; i < 6; i++) /* every thread of the pool, whichever answers */
        expect_page("/search?q=%22county+lines%22", 200, "<mark>county lines</mark>", NULL);
    free(c);
}



/* ---- many clients at once, while the index changes ---- */

struct client {
    int id;
    int bad;               /* answers that were not 200 with a page */
    char what[256];        /* the first of them */
};

static void *client_run(void *arg)
{
    static const char *const paths[] = {
        "/search?q=neglect",         "/search?q=%22disguised+compliance%22&nation=england",
        "/search",                   "/report/1?q=neglect",
        "/compare?rows=year&cols=topic", "/search?q=neglekt",
        "/citations.ris?q=child",    "/search?theme=bruising-non-mobile&sort=-date",
    };
    struct client *c = arg;

    for (int i = 0; i < 24; i++) {
        const char *p = paths[(size_t)(i + c->id) % (sizeof(paths) / sizeof(paths[0]))];
        /* no cmocka assertion off the main thread: count, and let the main thread fail */
        char *url = xasprintf("http://127.0.0.1:%u%s", web_port(F->w), p);
        struct buf body = BUF_INIT;
        CURL *h = curl_easy_init();
        long status = 0;
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        if (curl_easy_perform(h) == CURLE_OK)
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200 || body.len < 100) {
            if (!c->bad++)
                snprintf(c->what, sizeof(c->what), "%s: %ld", p, status);
        }
        curl_easy_cleanup(h);
        buf_release(&body);
        free(url);
    }
    return NULL;
}

static void test_web_concurrent_clients(void **state)
{
    static const char text[] =
        "# Fixture written by tests/web/test_web_http.c (fictional).\n"
        "@small FICTIONAL TEST DOCUMENT. Everything in it is invented; it describes no real "
        "child, family or partnership.\n"
        "@heading Learning review: Child Q\n"
        "The review found neglect of a child who was not brought to appointments.\n";
    char *txt = xasprintf("%s/child-q.txt", F->dir), *pdf = xasprintf("%s/child-q.pdf", F->dir);
    struct client clients[6];
    pthread_t th[6];

    (void)state;
    th_write(txt, text, sizeof(text) - 1);
    assert_int_equal(th_sh("'%s' '%s' '%s'", getenv("CASEREVIEW_MKPDF"), txt, pdf), 0);
    run_ok(F->home_dir, "add", "--quiet", pdf, NULL);
    memset(clients, 0, sizeof(clients));
    for (int i = 0; i < 6; i++) {
        clients[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, client_run, &clients[i]), 0);
    }
    run_ok(F->home_dir, "index", NULL); /* commits while the clients ask */
    for (int i = 0; i < 6; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        if (clients[i].bad) {
            print_error("client %d: %d bad answers, first %s\n", i, clients[i].bad,
                        clients[i].what);
            fail();
        }
    }
    expect_page("/search?q=%22not+brought%22", 200, "Child Q", NULL);
    free(txt);
    free(pdf);
}

/* ---- a report whose source went ---- */

struct gone_site {
    int gone;              /* 1: the PDF now answers 404 */
};

static void route_gone(const struct site_req *q, struct site_resp *r, void *ctx)
{
    const struct gone_site *g = ctx;
    static const char page[] =
        "<html><body><p>FICTIONAL TEST SITE.</p><h2>Child Safeguarding Practice Reviews</h2>"
        "<ul><li><a href=\"/docs/child-k.pdf\">Child K SCR</a>: full report published "
        "15.05.2018</li></ul></body></html>";

    if (!strcmp(q->path, "/reviews/")) {
        r->body = xstrdup(page);
        r->len = strlen(page);
        r->content_type = "text/html; charset=utf-8";
    } else if (!strcmp(q->path, "/docs/child-k.pdf") && !g->gone) {
        r->body = site_pdf("Serious case review Child K, a fictional report about neglect.", 0,
                           &r->len);
        r->content_type = "application/pdf";
    } else {
        r->status = 404;
        r->body = xstrdup("not found");
        r->len = strlen(r->body);
    }
}

static void test_web_report_no_longer_online(void **state)
{
    struct gone_site g = {0};
    struct site *site = site_start(route_gone, &g);
    char *dir = th_tmpdir(), *home_dir = xasprintf("%s/home", dir);
    char *url = site_url(site, "/reviews/"), *pdf = site_url(site, "/docs/child-k.pdf");
    const char *later[] = {"CASEREVIEW_NOW=1893456000", NULL}; /* 2030-01-01 */
    struct th_result r;
    struct home home;
    struct web_opts o;
    struct web *w = NULL;
    struct resp page;

    (void)state;
    r = th_run(home_dir, NULL, "crawl", "--delay", "0", url, NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    g.gone = 1;
    r = th_run(home_dir, later, "crawl", "--delay", "0", url, NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    run_ok(home_dir, "index", NULL);
    assert_int_equal(home_open(&home, home_dir, 0, NULL), 0);
    memset(&o, 0, sizeof(o));
    o.home = &home;
    o.vocab = F->vocab;
    assert_int_equal(web_start(&w, &o, NULL), 0);
    page = request_at(web_port(w), "GET", "/report/1", NULL);
    expect_status(&page, "/report/1", 200);
    th_assert_contains(page.body.data, "Where it was published");
    th_assert_contains(page.body.data, pdf);
    th_assert_contains(page.body.data, "No longer online since 1 January 2030");
    th_assert_contains(page.body.data, "(from the link to it on the partnership&#39;s site)");
    resp_release(&page);
    web_stop(w);
    home_release(&home);
    site_stop(site);
    th_rm_rf(dir);
    free(dir);
    free(home_dir);
    free(url);
    free(pdf);
}

/* ---- the command ---- */

static pid_t spawn_serve(const char *home, int *out_fd, const char *const *extra)
{
    const char *argv[16];
    size_t n = 0;
    int p[2];
    pid_t pid;

    argv[n++] = getenv("CASEREVIEW_BIN");
    argv[n++] = "--home";
    argv[n++] = home;
    argv[n++] = "serve";
    for (size_t i = 0; extra && extra[i] && n < 15; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* a failed assertion ends the test without stopping the server: it goes too */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(p[1], STDOUT_FILENO);
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        close(p[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    *out_fd = p[0];
    return pid;
}

/* Reads from fd until needle appears (or 10 s); returns what was read. */
static char *read_until(int fd, const char *needle)
{
    struct buf b = BUF_INIT;
    char chunk[512];
    ssize_t n;

    buf_addstr(&b, "");
    for (int i = 0; i < 100 && !strstr(b.data, needle); i++) {
        if (wait_readable(fd, 100) <= 0)
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n <= 0)
            break;
        buf_add(&b, chunk, (size_t)n);
    }
    return buf_take(&b);
}

static void test_web_serve_command(void **state)
{
    const char *extra[] = {"--port", "0", NULL};
    int fd, status;
    pid_t pid = spawn_serve(F->home_dir, &fd, extra);
    char *out = read_until(fd, "(Ctrl-C stops)"), *url, *end, *rest;
    struct resp r;
    unsigned port;

    (void)state;
    th_assert_contains(out, "serving '");
    url = strstr(out, "http://127.0.0.1:");
    assert_non_null(url);
    port = (unsigned)strtoul(url + 17, &end, 10);
    assert_true(port > 0 && *end == '/');
    r = request_at(port, "GET", "/search?q=neglect", NULL); /* the child, not ours */
    expect_status(&r, "/search?q=neglect", 200);
    th_assert_contains(r.body.data, "<mark>neglect</mark>");
    resp_release(&r);
    assert_int_equal(kill(pid, SIGINT), 0);
    rest = read_until(fd, "stopped");
    th_assert_contains(rest, "casereview: stopped");
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(fd);
    free(out);
    free(rest);
}

static void test_web_serve_refuses_remote_without_flag(void **state)
{
    struct th_result r = th_run(F->home_dir, NULL, "serve", "--bind", "0.0.0.0", "--port", "0",
                                NULL);

    (void)state;
    assert_int_equal(r.status, 2);
    th_assert_contains(r.err, "not a loopback address");
    th_assert_contains(r.err, "--allow-remote");
    th_result_release(&r);
    r = th_run(F->home_dir, NULL, "serve", "--bind", "not-an-address", "--port", "0", NULL);
    assert_int_equal(r.status, 2);
    th_result_release(&r);
    r = th_run(F->home_dir, NULL, "serve", "--port", "70000", NULL);
    assert_int_equal(r.status, 2);
    th_assert_contains(r.err, "--port");
    th_result_release(&r);
}

static void test_web_port_in_use(void **state)
{
    char port[16];
    struct th_result r;

    (void)state;
    snprintf(port, sizeof(port), "%u", web_port(F->w));
    r = th_run(F->home_dir, NULL, "serve", "--port", port, NULL);
    assert_int_equal(r.status, 3);
    th_assert_contains(r.err, "Address already in use");
    th_result_release(&r);
}

static void test_web_loopback_addresses(void **state)
{
    static const struct {
        const char *addr;
        int loopback;
    } rows[] = {
        {NULL, 1},         {"127.0.0.1", 1}, {"127.1.2.3", 1},  {"::1", 1},
        {"localhost", 1},  {"0.0.0.0", 0},   {"::", 0},         {"192.168.1.10", 0},
        {"10.0.0.1", 0},   {"128.0.0.1", 0}, {"", 0},           {"127.0.0.1 ", 0},
        {"local host", 0}, {"::ffff:127.0.0.1", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (web_bind_is_loopback(rows[i].addr) != rows[i].loopback) {
            print_error("web_bind_is_loopback('%s') != %d\n",
                        rows[i].addr ? rows[i].addr : "(null)", rows[i].loopback);
            fail();
        }
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_home_and_style),
        cmocka_unit_test(test_web_search_results),
        cmocka_unit_test(test_web_did_you_mean),
        cmocka_unit_test(test_web_search_paging),
        cmocka_unit_test(test_web_search_bad_query),
        cmocka_unit_test(test_web_unknown_params_ignored),
        cmocka_unit_test(test_web_hostile_title_escaped),
        cmocka_unit_test(test_web_report_page),
        cmocka_unit_test(test_web_filters),
        cmocka_unit_test(test_web_facets_narrow),
        cmocka_unit_test(test_web_dates_and_order),
        cmocka_unit_test(test_web_compare_cells_link_their_search),
        cmocka_unit_test(test_web_citations),
        cmocka_unit_test(test_web_learning_pack),
        cmocka_unit_test(test_web_saved_searches),
        cmocka_unit_test(test_web_not_found),
        cmocka_unit_test(test_web_file_served),
        cmocka_unit_test(test_web_file_traversal),
        cmocka_unit_test(test_web_oversize_requests),
        cmocka_unit_test(test_web_garbage_requests),
        cmocka_unit_test(test_web_host_checked),
        cmocka_unit_test(test_web_idle_clients_do_not_starve),
        cmocka_unit_test(test_web_client_disconnects_mid_response),
        cmocka_unit_test(test_web_connection_limit),
        cmocka_unit_test(test_web_sees_new_reports),
        cmocka_unit_test(test_web_concurrent_clients),
        cmocka_unit_test(test_web_report_no_longer_online),
        cmocka_unit_test(test_web_serve_command),
        cmocka_unit_test(test_web_serve_refuses_remote_without_flag),
        cmocka_unit_test(test_web_port_in_use),
        cmocka_unit_test(test_web_loopback_addresses),
    };

    signal(SIGPIPE, SIG_IGN);
    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
