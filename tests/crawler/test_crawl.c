/*
 * End-to-end tests of `casereview crawl` and `casereview sources` against a
 * loopback fixture site (tests/site.h) shaped like a real partnership's
 * page of published reviews: headings, lists, a table, relative and absolute
 * links, fragments, duplicates, the same PDF under two URLs, documents on
 * another host, a robots.txt with Disallow and Crawl-delay, redirects and a
 * redirect loop, 404, 500-then-200, 429 with Retry-After, a response slower
 * than the timeout, a truncated body, an HTML page served as a PDF, files
 * over the size limit; then a recrawl where a document changed, one
 * vanished and the rest answer 304; redirects to a document host with its
 * own robots.txt and Crawl-delay, relative, looping, too long, to ftp: and
 * without a Location; and crawls killed mid-run, and between the hops of
 * their redirect chains, then resumed.
 * Every name on the site is fictional and the site says so.
 */

#include "tests/helpers.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "tests/site.h"

#define NOW2 "1893456000" /* 2030-01-01T00:00:00Z: the date of the recrawl */

struct fx {
    char *dir, *home;
    struct site *a, *b;   /* the partnership's site; a host that keeps documents */
    int version;          /* 1, then 2 for the recrawl */
    int many;             /* documents on the big page of the kill test */
    int fast;             /* 1: those documents answer at once */
};

static struct fx *F;

/* ---- the fixture site ---- */

static char *page_v(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *page_v(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

static void html(struct site_resp *r, char *body, const char *etag)
{
    r->body = body;
    r->len = strlen(body);
    r->etag = etag;
}

static void pdf(struct site_resp *r, const char *text, size_t pad, const char *etag)
{
    r->body = site_pdf(text, pad, &r->len);
    r->content_type = "application/pdf";
    r->etag = etag;
    r->last_modified = "Tue, 15 May 2018 10:00:00 GMT";
}

static char *source_page(void)
{
    char *b = site_url(F->b, "");
    char *p = page_v(
        "<!DOCTYPE html><html><head><title>Published reviews - Northshire Safeguarding Children "
        "Partnership</title></head><body>"
        "<p>FICTIONAL TEST SITE: every name and review on it is invented.</p>"
        "<h1>Published reviews</h1><h2>Child Safeguarding Practice Reviews</h2><ul>"
        "<li><a href=\"/docs/child-a.pdf\">Child F1 SCR</a>: Learning event held April 2018; full "
        "report published 15.05.2018</li>"
        "<li><a href=\"../docs/child-a.pdf#page=2\">Child F1 SCR</a> (the same report, page 2)</li>"
        "<li><a href=\"/media/123/child-a-copy.pdf\">Child F1 SCR (copy)</a></li>"
        "%s"
        "<li><a href=\"%s/files/thematic.pdf\">Thematic Literature Review - Appendix 2 - published "
        "January 2023</a></li>"
        "<li><a href=\"%s/files/appendix.docx\">Appendix (Word version)</a></li></ul>"
        "<h2>Other documents</h2><table>"
        "<tr><td>Baby Z</td><td><a href=\"/missing.pdf\">Overview report</a></td>"
        "<td>Date added: 15/10/19</td></tr>"
        "<tr><td>Child K</td><td><a href=\"/flaky.pdf\">Executive summary</a></td></tr>"
        "<tr><td>Child L</td><td><a href=\"/busy.pdf\">Learning brief</a></td></tr>"
        "<tr><td>Child M</td><td><a href=\"/slow.pdf\">Overview report</a></td></tr>"
        "<tr><td>Child N</td><td><a href=\"/truncated.pdf\">Overview report</a></td></tr>"
        "<tr><td>Child P</td><td><a href=\"/error-page.pdf\">Overview report</a></td></tr>"
        "<tr><td>Child Q</td><td><a href=\"/huge.pdf\">Full report</a></td></tr>"
        "<tr><td>Child R</td><td><a href=\"/huge-stream.pdf\">Full report</a></td></tr>"
        "<tr><td>Child S</td><td><a href=\"/loop/a.pdf\">Full report</a></td></tr>"
        "<tr><td>Child U</td><td><a href=\"/private/secret.pdf\">Restricted</a></td></tr>"
        "</table><p>See <a href=\"/reviews/older/\">older reviews</a>. "
        "<a href=\"mailto:board@northshire.invalid\">Email us</a> "
        "<a href=\"javascript:window.print()\">Print</a> <a href=\"#top\">Top</a></p>"
        "</body></html>",
        F->version == 1 ? "<li>Jacob SCR 7 minute briefing: <a href=\"/redirect/child-b\">Published "
                          "1st November 2022</a></li>"
                        : "",
        b, b);
    free(b);
    return p;
}

static void route_a(const struct site_req *q, struct site_resp *r, void *ctx)
{
    const char *p = q->path;

    (void)ctx;
    if (!strcmp(p, "/robots.txt")) {
        r->content_type = "text/plain";
        html(r, xstrdup("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.05\n"), NULL);
    } else if (!strcmp(p, "/reviews/")) {
        html(r, source_page(), F->version == 1 ? "\"page-v1\"" : "\"page-v2\"");
    } else if (!strcmp(p, "/reviews/older/")) {
        html(r, xstrdup("<html><body><p>FICTIONAL TEST SITE.</p><h2>Older reviews</h2><ul>"
                        "<li><a href=\"/docs/child-c.pdf\">Child C overview report</a> (2017)</li>"
                        "<li><a href=\"/download/77\">Child D learning brief</a> (published June "
                        "2021)</li></ul><p><a href=\"deeper/\">Even older</a></p></body></html>"),
             "\"older\"");
    } else if (!strcmp(p, "/reviews/older/deeper/")) {
        html(r, xstrdup("<html><body><p>FICTIONAL TEST SITE.</p><p><a href=\"/docs/deep.pdf\">"
                        "Child E executive summary</a></p><p><a href=\"deepest/\">Archive</a></p>"
                        "</body></html>"),
             "\"deeper\"");
    } else if (!strcmp(p, "/reviews/older/deeper/deepest/")) {
        html(r, xstrdup("<html><body><a href=\"/docs/too-deep.pdf\">Too deep</a></body></html>"),
             NULL);
    } else if (!strcmp(p, "/docs/child-a.pdf")) {
        if (F->version == 1)
            pdf(r, "Serious case review: Child F1", 2000, "\"a1\"");
        else
            pdf(r, "Serious case review: Child F1, revised", 2000, "\"a2\"");
    } else if (!strcmp(p, "/media/123/child-a-copy.pdf")) {
        pdf(r, "Serious case review: Child F1", 2000, "\"a1\"");
    } else if (!strcmp(p, "/redirect/child-b")) {
        r->status = 302;
        r->location = "/docs/child-b.pdf";
    } else if (!strcmp(p, "/docs/child-b.pdf") && F->version == 1) {
        pdf(r, "Jacob: 7 minute briefing", 1000, "\"b\"");
    } else if (!strcmp(p, "/docs/child-c.pdf")) {
        pdf(r, "Child C overview report", 1000, "\"c\"");
    } else if (!strcmp(p, "/download/77")) {
        pdf(r, "Child D learning brief", 1000, "\"d\"");
        r->content_type = "application/octet-stream";
    } else if (!strcmp(p, "/docs/deep.pdf")) {
        pdf(r, "Child E executive summary", 1000, "\"e\"");
    } else if (!strcmp(p, "/loop/a.pdf") || !strcmp(p, "/loop/b.pdf")) {
        r->status = 302;
        r->location = !strcmp(p, "/loop/a.pdf") ? "/loop/b.pdf" : "/loop/a.pdf";
    } else if (!strcmp(p, "/flaky.pdf") && q->hit > 1) {
        pdf(r, "Child K executive summary", 1000, "\"k\"");
    } else if (!strcmp(p, "/flaky.pdf")) {
        r->status = 500;
        html(r, xstrdup("<html><body>Internal error</body></html>"), NULL);
    } else if (!strcmp(p, "/busy.pdf") && q->hit > 1) {
        pdf(r, "Child L learning brief", 1000, "\"l\"");
    } else if (!strcmp(p, "/busy.pdf")) {
        r->status = 429;
        r->retry_after = "1";
    } else if (!strcmp(p, "/slow.pdf")) {
        pdf(r, "Child M overview report", 1000, NULL);
        r->delay_s = 1.5;
    } else if (!strcmp(p, "/truncated.pdf")) {
        pdf(r, "Child N overview report", 50000, NULL);
        r->truncate_at = 20000;
    } else if (!strcmp(p, "/error-page.pdf")) {
        html(r, xstrdup("<!DOCTYPE html><html><head><title>Not found</title></head><body>"
                        "<h1>Sorry, this page has moved</h1></body></html>"),
             NULL);
        r->content_type = "application/pdf";
    } else if (!strcmp(p, "/huge.pdf") || !strcmp(p, "/huge-stream.pdf")) {
        pdf(r, "Child Q full report", 300000, NULL);
        r->chunked = !strcmp(p, "/huge-stream.pdf");
    } else {
        r->status = 404;
        html(r, xstrdup("<html><body>Not found</body></html>"), NULL);
    }
}

static void route_b(const struct site_req *q, struct site_resp *r, void *ctx)
{
    (void)ctx;
    if (!strcmp(q->path, "/files/thematic.pdf")) {
        pdf(r, "Thematic literature review: appendix 2", 1500, "\"t\"");
    } else if (!strcmp(q->path, "/files/appendix.docx")) {
        /* the bytes a Word file starts with; the crawler only sniffs and stores them */
        static const char docx[] = "PK\003\004\024\000\006\000[Content_Types].xml FICTIONAL";
        r->body = xmalloc(sizeof(docx));
        memcpy(r->body, docx, sizeof(docx));
        r->len = sizeof(docx);
        r->content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        r->etag = "\"w\"";
    } else {
        r->status = 404;
        html(r, xstrdup("not found"), NULL);
    }
}

/* The kill test's site: one page listing F->many PDFs, each a little slow. */
static void route_many(const struct site_req *q, struct site_resp *r, void *ctx)
{
    int n;

    (void)ctx;
    if (!strcmp(q->path, "/robots.txt")) {
        r->status = 404;
    } else if (!strcmp(q->path, "/reviews/")) {
        struct buf b = BUF_INIT;
        buf_addstr(&b, "<html><body><p>FICTIONAL TEST SITE.</p><h2>Reviews</h2><ul>");
        for (int i = 0; i < F->many; i++)
            buf_addf(&b, "<li><a href=\"/r/%d.pdf\">Child %d review</a></li>", i, i);
        buf_addstr(&b, "</ul></body></html>");
        html(r, buf_take(&b), "\"many\"");
    } else if (sscanf(q->path, "/r/%d.pdf", &n) == 1) {
        char text[64];
        snprintf(text, sizeof(text), "Review number %d", n);
        pdf(r, text, 4000, NULL);
        r->delay_s = F->fast ? 0 : 0.06;
    } else {
        r->status = 404;
    }
}

/* ---- helpers ---- */

static int setup(void **state)
{
    (void)state;
    F = xcalloc(1, sizeof(*F));
    F->dir = th_tmpdir();
    F->home = xasprintf("%s/home", F->dir);
    F->version = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    site_stop(F->a);
    site_stop(F->b);
    th_rm_rf(F->dir);
    free(F->dir);
    free(F->home);
    free(F);
    F = NULL;
    return 0;
}

static struct th_result crawl(int want, const char *const *env, const char *const *args)
{
    const char *argv[32];
    struct th_result r;
    size_t n = 0;

    argv[n++] = "crawl";
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    r = th_runv(F->home, env, argv);
    if (r.status != want) {
        print_error("crawl exited %d (wanted %d)\nstdout: %s\nstderr: %s\n", r.status, want, r.out,
                    r.err);
        fail();
    }
    return r;
}

/* The first value of a catalogue query, as text ("" when no row). New string. */
static char *sql(const char *query)
{
    char *path = xasprintf("%s/catalog.sqlite", F->home), *out = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", query, sqlite3_errmsg(db));
        fail();
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return out ? out : xstrdup("");
}

/* sql() for a catalogue another process is writing: -1 when it cannot be read yet. */
static long sql_long_try(const char *query)
{
    char *path = xasprintf("%s/catalog.sqlite", F->home);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, query, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return v;
}

static long sql_long(const char *query)
{
    char *s = sql(query);
    long v = atol(s);

    free(s);
    return v;
}

/* Asserts a catalogue query's first value, printing both when it differs. */
#define assert_sql(query, want) assert_sql_at(query, want, __LINE__)
static void assert_sql_at(const char *query, const char *want, int line)
{
    char *got = sql(query);

    if (strcmp(got, want)) {
        print_error("line %d: %s\n  got '%s'\n  want '%s'\n", line, query, got, want);
        fail();
    }
    free(got);
}

/* A query about one URL of site a: "%U" in fmt stands for its full URL. */
static char *q_url(const char *fmt, const char *path)
{
    char *url = site_url(F->a, path), *q;
    struct buf b = BUF_INIT;

    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 'U') {
            buf_addstr(&b, url);
            p++;
        } else {
            buf_addch(&b, *p);
        }
    }
    q = buf_take(&b);
    free(url);
    return q;
}

static void expect_url(const char *fmt, const char *path, const char *want)
{
    char *q = q_url(fmt, path);

    assert_sql(q, want);
    free(q);
}

static void expect_url_contains(const char *fmt, const char *path, const char *needle)
{
    char *q = q_url(fmt, path), *got = sql(q);

    th_assert_contains(got, needle);
    free(got);
    free(q);
}

/* Number of files in the store whose name ends with ext. */
static long store_count(const char *ext)
{
    char *cmd = xasprintf("find '%s/store' -name '*.%s' -not -path '*/store/tmp/*' | wc -l > '%s/n'",
                          F->home, ext, F->dir);
    char *path = xasprintf("%s/n", F->dir), *s;
    long n;

    assert_int_equal(th_sh("%s", cmd), 0);
    s = th_read(path, NULL);
    n = atol(s);
    free(s);
    free(path);
    free(cmd);
    return n;
}

static const char *const *args_v(const char *source)
{
    static const char *a[16];

    a[0] = "--delay";
    a[1] = "0.01";
    a[2] = "--timeout";
    a[3] = "0.5";
    a[4] = "--retries";
    a[5] = "1";
    a[6] = "--max-size";
    a[7] = "200k";
    a[8] = source;
    a[9] = NULL;
    return a;
}

/* ---- the first crawl ---- */

static void check_first_crawl(const struct th_result *r)
{
    th_assert_contains(r->out, "partial");
    th_assert_contains(r->out, "9 new");
    /* one report per distinct file: the same bytes at two URLs are one */
    assert_sql("SELECT count(*) FROM reports", "9");
    assert_sql("SELECT count(*) FROM reports WHERE format = 'pdf'", "8");
    assert_sql("SELECT count(*) FROM reports WHERE format = 'docx'", "1");
    expect_url("SELECT count(DISTINCT report_id) FROM crawl_url_reports WHERE url IN "
               "('%U', replace('%U', 'docs/child-a.pdf', 'media/123/child-a-copy.pdf'))",
               "/docs/child-a.pdf", "1");
    assert_sql("SELECT count(*) FROM report_names WHERE name IN ('child-a.pdf', "
               "'child-a-copy.pdf')", "2");
    assert_int_equal(store_count("pdf"), 8);
    assert_int_equal(store_count("docx"), 1);
    assert_int_equal(store_count("html"), 3); /* the three pages read */
    /* every fetch recorded, with what it said */
    expect_url("SELECT http_status || ' ' || outcome || ' ' || content_type FROM crawl_fetches "
               "WHERE url = '%U'", "/docs/child-a.pdf", "200 new application/pdf");
    expect_url("SELECT etag || ' ' || last_modified FROM crawl_fetches WHERE url = '%U'",
               "/docs/child-a.pdf", "\"a1\" Tue, 15 May 2018 10:00:00 GMT");
    expect_url("SELECT length(sha256) FROM crawl_fetches WHERE url = '%U'", "/docs/child-a.pdf",
               "64");
    expect_url("SELECT f.bytes = r.bytes FROM crawl_fetches f JOIN reports r "
               "ON r.sha256 = f.sha256 WHERE f.url = '%U'", "/docs/child-a.pdf", "1");
    /* the redirect: the hop recorded with its Location, then the final URL of the chain */
    expect_url("SELECT count(*) FROM crawl_fetches WHERE url = '%U'", "/redirect/child-b", "2");
    expect_url_contains("SELECT http_status || ' ' || outcome || ' ' || location "
                        "FROM crawl_fetches WHERE url = '%U' ORDER BY id LIMIT 1",
                        "/redirect/child-b", "302 redirect http://127.0.0.1:");
    expect_url_contains("SELECT location FROM crawl_fetches WHERE url = '%U' ORDER BY id LIMIT 1",
                        "/redirect/child-b", "/docs/child-b.pdf");
    expect_url_contains("SELECT http_status || ' ' || final_url || ' ' || redirects "
                        "FROM crawl_fetches WHERE url = '%U' ORDER BY id DESC LIMIT 1",
                        "/redirect/child-b", "/docs/child-b.pdf 1");
    expect_url_contains("SELECT final_url FROM crawl_urls WHERE url = '%U'", "/redirect/child-b",
                        "/docs/child-b.pdf");
    expect_url("SELECT state || ' ' || hops FROM crawl_queue WHERE url = '%U'",
               "/redirect/child-b", "done 1");
    /* 404 */
    expect_url("SELECT http_status || ' ' || error FROM crawl_fetches WHERE url = '%U'",
               "/missing.pdf", "404 HTTP 404");
    expect_url("SELECT state FROM crawl_queue WHERE url = '%U'", "/missing.pdf", "failed");
    /* 500 then 200: retried, then stored */
    expect_url("SELECT group_concat(http_status || ':' || outcome, ' ') FROM "
               "(SELECT * FROM crawl_fetches WHERE url = '%U' ORDER BY id)",
               "/flaky.pdf", "500:retry 200:new");
    /* 429 with Retry-After: waited, then stored */
    expect_url("SELECT group_concat(http_status || ':' || outcome, ' ') FROM "
               "(SELECT * FROM crawl_fetches WHERE url = '%U' ORDER BY id)",
               "/busy.pdf", "429:retry 200:new");
    /* slower than the timeout: tried twice, then failed */
    expect_url("SELECT count(*) FROM crawl_fetches WHERE url = '%U'", "/slow.pdf", "2");
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/slow.pdf",
                        "timed out");
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/slow.pdf",
                        "gave up after 2 attempts");
    /* truncated body: nothing stored */
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/truncated.pdf",
                        "the body ended early");
    expect_url("SELECT count(*) FROM crawl_fetches WHERE url = '%U' AND sha256 IS NOT NULL",
               "/truncated.pdf", "0");
    /* an HTML page served as application/pdf: detected by its bytes */
    expect_url_contains("SELECT error FROM crawl_fetches WHERE url = '%U'", "/error-page.pdf",
                        "not a PDF or Word document: the server sent an HTML page (as "
                        "'application/pdf')");
    expect_url("SELECT outcome FROM crawl_fetches WHERE url = '%U'", "/error-page.pdf",
               "not-a-document");
    /* over --max-size, with and without Content-Length */
    expect_url_contains("SELECT outcome || ' ' || error FROM crawl_fetches WHERE url = '%U'",
                        "/huge.pdf", "too-big larger than the limit of 204800 bytes");
    expect_url_contains("SELECT outcome || ' ' || error FROM crawl_fetches WHERE url = '%U'",
                        "/huge-stream.pdf", "too-big larger than the limit of 204800 bytes");
    /* the redirect loop stops when a URL comes back, each URL fetched once */
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/loop/a.pdf",
                        "redirect loop: 'http://127.0.0.1:");
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/loop/a.pdf",
                        "/loop/a.pdf' comes back after 2 redirects");
    assert_int_equal(site_hits(F->a, "/loop/a.pdf"), 1);
    assert_int_equal(site_hits(F->a, "/loop/b.pdf"), 1);
    /* robots.txt: disallowed, never fetched */
    expect_url("SELECT state || ' ' || error FROM crawl_queue WHERE url = '%U'",
               "/private/secret.pdf", "skipped disallowed by robots.txt");
    assert_int_equal(site_hits(F->a, "/private/secret.pdf"), 0);
    /* depth 2: the third level is not read */
    assert_int_equal(site_hits(F->a, "/reviews/older/deeper/"), 1);
    assert_int_equal(site_hits(F->a, "/reviews/older/deeper/deepest/"), 0);
    /* link context and hints */
    expect_url("SELECT anchor || ' | ' || context || ' | ' || heading FROM crawl_links "
               "WHERE url = '%U'", "/docs/child-a.pdf",
               "Child F1 SCR | Child F1 SCR: Learning event held April 2018; full report "
               "published 15.05.2018 | Child Safeguarding Practice Reviews");
    expect_url("SELECT hint_child || ' ' || hint_review_type || ' ' || hint_published "
               "FROM crawl_links WHERE url = '%U'", "/docs/child-a.pdf", "Child F1 scr 2018-05-15");
    expect_url("SELECT context FROM crawl_links WHERE url = '%U'", "/missing.pdf",
               "Baby Z Overview report Date added: 15/10/19");
    /* a page link that answered with a PDF keeps the context it was found with */
    expect_url("SELECT anchor || ' | ' || heading FROM crawl_links WHERE url = '%U'",
               "/download/77", "Child D learning brief | Older reviews");
    assert_sql("SELECT count(*) FROM crawl_report_links WHERE partnership IS NULL", "10");
    assert_sql("SELECT count(*) FROM crawl_report_status WHERE online = 1", "9");
}

static int by_arrival(const void *a, const void *b)
{
    const struct site_log_entry *x = a, *y = b;

    return x->t < y->t ? -1 : x->t > y->t;
}

static void check_politeness(void)
{
    size_t n;
    struct site_log_entry *log = site_log(F->a, &n);
    double prev = -1;

    assert_true(n > 10);
    /* entries are logged when answered; a slow answer is logged late */
    qsort(log, n, sizeof(*log), by_arrival);
    assert_string_equal(log[0].path, "/robots.txt");
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(log[i].agent, "casereview/0.1.0");
        /* one request at a time, Crawl-delay (0.05 s) apart, redirects too: start to start */
        if (prev >= 0 && log[i].t - prev < 0.049) {
            print_error("requests %zu and %zu to one site %.3f s apart\n", i - 1, i,
                        log[i].t - prev);
            fail();
        }
        prev = log[i].t;
    }
    free(log);
}

static void check_recrawl(const struct th_result *r)
{
    th_assert_contains(r->out, "1 new");
    /* child-a changed: a new report; the old one stays, online at its copy */
    assert_sql("SELECT count(*) FROM reports", "10");
    expect_url("SELECT outcome FROM crawl_fetches WHERE url = '%U' ORDER BY id DESC LIMIT 1",
               "/docs/child-a.pdf", "new");
    expect_url("SELECT count(*) FROM crawl_url_reports WHERE url = '%U' AND online = 0 AND "
               "gone_since = '2030-01-01T00:00:00Z'", "/docs/child-a.pdf", "1");
    expect_url("SELECT s.online FROM crawl_report_status s JOIN crawl_url_reports u "
               "ON u.report_id = s.report_id WHERE u.url = '%U' AND u.online = 0",
               "/docs/child-a.pdf", "1");
    /* child-b vanished from the page and from the site: kept, marked gone with the date */
    expect_url("SELECT outcome || ' ' || http_status FROM crawl_fetches WHERE url = '%U' "
               "ORDER BY id DESC LIMIT 1", "/redirect/child-b", "gone 404");
    expect_url("SELECT s.online || ' ' || s.gone_since FROM crawl_report_status s "
               "JOIN crawl_url_reports u ON u.report_id = s.report_id WHERE u.url = '%U'",
               "/redirect/child-b", "0 2030-01-01T00:00:00Z");
    assert_int_equal(store_count("pdf"), 9);
    /* what the index shows of a report that went must be rendered again; not of one unchanged */
    expect_url("SELECT r.content_gen FROM reports r JOIN crawl_url_reports u ON u.report_id = r.id "
               "WHERE u.url = '%U'", "/redirect/child-b", "2");
    expect_url("SELECT r.content_gen FROM reports r JOIN crawl_url_reports u ON u.report_id = r.id "
               "WHERE u.url = '%U'", "/docs/child-c.pdf", "1");
    /* the rest answered 304 and cost no body */
    expect_url("SELECT outcome FROM crawl_fetches WHERE url = '%U' ORDER BY id DESC LIMIT 1",
               "/docs/child-c.pdf", "not-modified");
    assert_int_equal(sql_long("SELECT count(*) FROM crawl_fetches WHERE run_id = "
                              "(SELECT max(id) FROM crawl_runs) AND outcome = 'not-modified'"),
                     8);
    {
        size_t n;
        struct site_log_entry *log = site_log(F->a, &n);
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(log[i].path, "/docs/child-c.pdf") || !strcmp(log[i].path, "/download/77") ||
                !strcmp(log[i].path, "/reviews/older/")) {
                assert_true(log[i].conditional);
                assert_int_equal(log[i].status, 304);
                assert_int_equal(log[i].body, 0);
            }
        }
        free(log);
    }
}

static void test_crawl_fixture_site_then_recrawl(void **state)
{
    const char *env2[] = {"CASEREVIEW_NOW=" NOW2, NULL};
    struct th_result r, s;
    char *source;

    (void)state;
    F->a = site_start(route_a, NULL);
    F->b = site_start(route_b, NULL);
    source = site_url(F->a, "/reviews/");
    r = crawl(0, NULL, args_v(source));
    check_first_crawl(&r);
    check_politeness();
    assert_int_equal(site_hits(F->b, "/robots.txt"), 1);
    th_result_release(&r);

    s = th_run(F->home, NULL, "sources", NULL);
    assert_int_equal(s.status, 0);
    th_assert_contains(s.out, source);
    th_assert_contains(s.out, "(partial): 3 pages, 10 documents, 9 new");
    th_assert_contains(s.out, "last error: '");
    th_result_release(&s);

    F->version = 2;
    site_log_clear(F->a);
    r = crawl(0, env2, args_v(source));
    check_recrawl(&r);
    th_result_release(&r);

    s = th_run(F->home, NULL, "sources", "--json", NULL);
    th_assert_contains(s.out, "\"last_crawled\":\"2030-01-01T00:00:00Z\"");
    th_assert_contains(s.out, "\"gone\":1");
    th_result_release(&s);
    free(source);
}

/* ---- redirects to another host ---- */

/* A Location for this answer: the other site's URL of path (valid until the next call here). */
static const char *at(struct site *s, const char *path)
{
    static _Thread_local char loc[256];

    snprintf(loc, sizeof(loc), "http://127.0.0.1:%d%s", site_port(s), path);
    return loc;
}

/* The partnership's site: its documents redirect to a document host (site b). */
static void route_hop_a(const struct site_req *q, struct site_resp *r, void *ctx)
{
    const char *p = q->path;
    char path[64];
    int n;

    (void)ctx;
    if (!strcmp(p, "/reviews/")) {
        html(r, xstrdup("<html><body><p>FICTIONAL TEST SITE.</p><h2>Reviews</h2><ul>"
                        "<li><a href=\"/go/1.pdf\">Child A1 overview report</a></li>"
                        "<li><a href=\"/go/2.pdf\">Child A2 overview report</a></li>"
                        "<li><a href=\"/go/3.pdf\">Child A3 overview report</a></li>"
                        "<li><a href=\"/go/rel.pdf\">Child A4 learning brief</a></li>"
                        "<li><a href=\"/go/private.pdf\">Child A5 (restricted)</a></li>"
                        "<li><a href=\"/go/ftp.pdf\">Child A6 (old archive)</a></li>"
                        "<li><a href=\"/go/long.pdf\">Child A7 (moved many times)</a></li>"
                        "<li><a href=\"/go/round.pdf\">Child A8 (moved and back)</a></li>"
                        "<li><a href=\"/go/nowhere.pdf\">Child A9 (moved, no address)</a></li>"
                        "</ul></body></html>"),
             "\"hop-page\"");
    } else if (sscanf(p, "/go/%d.pdf", &n) == 1) {
        snprintf(path, sizeof(path), "/files/%d.pdf", n);
        r->status = 302;
        r->location = at(F->b, path);
    } else if (!strcmp(p, "/go/rel.pdf")) {
        r->status = 303;
        r->location = at(F->b, "/a/b/start");
    } else if (!strcmp(p, "/go/private.pdf")) {
        r->status = 301;
        r->location = at(F->b, "/private/x.pdf");
    } else if (!strcmp(p, "/go/ftp.pdf")) {
        r->status = 302;
        r->location = "ftp://127.0.0.1/x.pdf";
    } else if (!strcmp(p, "/go/long.pdf") || sscanf(p, "/hop/%d", &n) == 1) {
        snprintf(path, sizeof(path), "/hop/%d", !strcmp(p, "/go/long.pdf") ? 1 : n + 1);
        r->status = 307;
        r->location = at(F->a, path);
    } else if (!strcmp(p, "/go/round.pdf")) {
        r->status = 302;
        r->location = at(F->b, "/back");
    } else if (!strcmp(p, "/go/nowhere.pdf")) {
        r->status = 302;
    } else {
        r->status = 404; /* robots.txt too: everything allowed */
    }
}

/* The document host: keeps out of /private/ and asks for 0.3 s between requests. */
static void route_hop_b(const struct site_req *q, struct site_resp *r, void *ctx)
{
    const char *p = q->path;
    char text[64];
    int n;

    (void)ctx;
    if (!strcmp(p, "/robots.txt")) {
        r->content_type = "text/plain";
        html(r, xstrdup("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n"), NULL);
    } else if (sscanf(p, "/files/%d.pdf", &n) == 1 || !strcmp(p, "/private/x.pdf")) {
        snprintf(text, sizeof(text), "Child A%d overview report", n);
        pdf(r, text, 1000, n == 1 ? "\"f1\"" : n == 2 ? "\"f2\"" : "\"f3\"");
    } else if (!strcmp(p, "/a/b/start")) {
        r->status = 308;
        r->location = "../c.pdf"; /* relative: resolved against this hop's URL */
    } else if (!strcmp(p, "/a/c.pdf")) {
        pdf(r, "Child A4 learning brief", 1000, "\"c\"");
    } else if (!strcmp(p, "/back")) {
        r->status = 302;
        r->location = at(F->a, "/go/round.pdf");
    } else {
        r->status = 404;
    }
}

/* The requests site s received, by arrival. New array of *n. */
static struct site_log_entry *log_by_arrival(struct site *s, size_t *n)
{
    struct site_log_entry *log = site_log(s, n);

    qsort(log, *n, sizeof(*log), by_arrival);
    return log;
}

/* first: the first crawl, which asks for robots.txt (a recrawl reuses it) */
static void check_hops_to_b(int first)
{
    size_t n;
    struct site_log_entry *log = log_by_arrival(F->b, &n);
    double prev = -1;

    /* the document host's robots.txt is asked first, once, and obeyed */
    assert_true(n >= 4u + (unsigned)first);
    if (first)
        assert_string_equal(log[0].path, "/robots.txt");
    assert_int_equal(site_hits(F->b, "/robots.txt"), first);
    assert_int_equal(site_hits(F->b, "/private/x.pdf"), 0);
    /* and its Crawl-delay (0.3 s), though the partnership's site asks for none */
    for (size_t i = 0; i < n; i++) {
        if (prev >= 0 && log[i].t - prev < 0.29) {
            print_error("requests to the document host %.3f s apart: '%s' then '%s'\n",
                        log[i].t - prev, log[i - 1].path, log[i].path);
            fail();
        }
        prev = log[i].t;
    }
    free(log);
}

static void check_redirect_crawl(void)
{
    char *b1 = site_url(F->b, "/files/1.pdf"), *q;

    assert_sql("SELECT count(*) FROM reports", "4");
    check_hops_to_b(1);
    /* each hop is a fetch: the first with its status and Location, the last with the outcome */
    expect_url("SELECT group_concat(http_status || ':' || outcome || ':' || redirects, ' ') FROM "
               "(SELECT * FROM crawl_fetches WHERE url = '%U' ORDER BY id)", "/go/1.pdf",
               "302:redirect:0 200:new:1");
    expect_url("SELECT final_url = '%U' FROM crawl_fetches WHERE url = '%U' "
               "AND outcome = 'redirect'", "/go/1.pdf", "1");
    q = xasprintf("SELECT location = '%s' FROM crawl_fetches WHERE url LIKE '%%/go/1.pdf' "
                  "AND outcome = 'redirect'", b1);
    assert_sql(q, "1");
    free(q);
    q = xasprintf("SELECT final_url = '%s' FROM crawl_urls WHERE url LIKE '%%/go/1.pdf'", b1);
    assert_sql(q, "1");
    free(q);
    q = xasprintf("SELECT count(*) FROM crawl_report_links WHERE url LIKE '%%/go/1.pdf' AND "
                  "final_url = '%s'", b1);
    assert_sql(q, "1");
    free(q);
    /* a relative Location is read against the hop that sent it */
    expect_url_contains("SELECT final_url FROM crawl_urls WHERE url = '%U'", "/go/rel.pdf",
                        "/a/c.pdf");
    expect_url("SELECT state || ' ' || hops FROM crawl_queue WHERE url = '%U'", "/go/rel.pdf",
               "done 2");
    /* kept out by the document host's robots.txt */
    expect_url("SELECT state FROM crawl_queue WHERE url = '%U'", "/go/private.pdf", "skipped");
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/go/private.pdf",
                        "/private/x.pdf': disallowed by robots.txt");
    /* a scheme that is not http(s) is refused */
    expect_url_contains("SELECT state || ' ' || error FROM crawl_queue WHERE url = '%U'",
                        "/go/ftp.pdf", "failed HTTP 302: the redirect is not followed: "
                        "'ftp://127.0.0.1/x.pdf': not an http or https URL");
    expect_url("SELECT location FROM crawl_fetches WHERE url = '%U'", "/go/ftp.pdf",
               "ftp://127.0.0.1/x.pdf");
    /* ten hops at most: the URL and ten redirects fetched, the eleventh refused */
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/go/long.pdf",
                        "more than 10 redirects");
    expect_url("SELECT count(*) FROM crawl_fetches WHERE url = '%U'", "/go/long.pdf", "11");
    assert_int_equal(site_hits(F->a, "/hop/10"), 1);
    assert_int_equal(site_hits(F->a, "/hop/11"), 0);
    /* a loop across two hosts stops when the first URL comes back */
    expect_url_contains("SELECT error FROM crawl_queue WHERE url = '%U'", "/go/round.pdf",
                        "/go/round.pdf' comes back after 2 redirects");
    assert_int_equal(site_hits(F->a, "/go/round.pdf"), 1);
    assert_int_equal(site_hits(F->b, "/back"), 1);
    expect_url("SELECT error FROM crawl_queue WHERE url = '%U'", "/go/nowhere.pdf",
               "HTTP 302 without a Location");
    free(b1);
}

static void test_crawl_redirect_to_other_host(void **state)
{
    struct th_result r;
    char *source;

    (void)state;
    F->a = site_start(route_hop_a, NULL);
    F->b = site_start(route_hop_b, NULL);
    source = site_url(F->a, "/reviews/");
    r = crawl(0, NULL, args_v(source));
    th_assert_contains(r.out, "4 new");
    th_result_release(&r);
    check_redirect_crawl();

    /* a recrawl: every hop asked again, the documents answer 304 at the end of their chain */
    site_log_clear(F->a);
    site_log_clear(F->b);
    r = crawl(0, NULL, args_v(source));
    th_result_release(&r);
    expect_url("SELECT group_concat(http_status || ':' || outcome, ' ') FROM (SELECT * FROM "
               "crawl_fetches WHERE url = '%U' ORDER BY id DESC LIMIT 2)", "/go/1.pdf",
               "304:not-modified 302:redirect");
    assert_int_equal(site_bytes(F->b), 0);
    check_hops_to_b(0);
    free(source);
}

/* ---- kill and resume ---- */

static pid_t spawn_crawl(const char *source)
{
    const char *bin = getenv("CASEREVIEW_BIN");
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        execl(bin, bin, "--home", F->home, "crawl", "--delay", "0", source, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void test_crawl_killed_then_resumed(void **state)
{
    struct site_log_entry *log;
    struct th_result r;
    char *source, *done;
    size_t n, pdfs = 0;
    int status;
    pid_t pid;

    (void)state;
    F->many = 40;
    F->a = site_start(route_many, NULL);
    source = site_url(F->a, "/reviews/");
    pid = spawn_crawl(source);
    while (site_bytes(F->a) == 0 || (pdfs = site_hits(F->a, "/r/12.pdf")) == 0) {
        usleep(10000);
        assert_int_equal(waitpid(pid, &status, WNOHANG), 0); /* still running */
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));

    /* what the catalogue says was completed must not be fetched again */
    done = sql("SELECT group_concat(url, ' ') FROM crawl_queue WHERE state = 'done'");
    assert_true(strlen(done) > 0);
    site_log_clear(F->a);
    r = crawl(0, NULL, (const char *[]){"--delay", "0", source, NULL});
    th_assert_contains(r.out, "(resumed)");
    log = site_log(F->a, &n);
    for (size_t i = 0; i < n; i++) {
        char *url = site_url(F->a, log[i].path);
        if (strstr(done, url) && (strstr(done, url)[strlen(url)] == ' ' ||
                                  strstr(done, url)[strlen(url)] == '\0')) {
            print_error("'%s' was completed before the kill and fetched again\n", url);
            fail();
        }
        free(url);
    }
    free(log);
    /* nothing lost: every document present once, nothing pending, a sound catalogue */
    assert_sql("SELECT count(*) FROM reports", "40");
    assert_int_equal(store_count("pdf"), 40);
    assert_sql("SELECT count(*) FROM crawl_queue WHERE state = 'pending'", "0");
    assert_sql("SELECT state FROM crawl_runs ORDER BY id DESC LIMIT 1", "finished");
    assert_sql("PRAGMA integrity_check", "ok");
    th_result_release(&r);
    r = th_run(F->home, NULL, "doctor", "--quick", NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    free(done);
    free(source);
}

/* The partnership's page of F->many documents, each redirecting to site b. */
static void route_many_hops(const struct site_req *q, struct site_resp *r, void *ctx)
{
    char path[64];
    int n;

    (void)ctx;
    if (!strcmp(q->path, "/reviews/")) {
        struct buf b = BUF_INIT;
        buf_addstr(&b, "<html><body><p>FICTIONAL TEST SITE.</p><h2>Reviews</h2><ul>");
        for (int i = 0; i < F->many; i++)
            buf_addf(&b, "<li><a href=\"/go/%d.pdf\">Child %d review</a></li>", i, i);
        buf_addstr(&b, "</ul></body></html>");
        html(r, buf_take(&b), "\"many\"");
    } else if (sscanf(q->path, "/go/%d.pdf", &n) == 1) {
        snprintf(path, sizeof(path), "/r/%d.pdf", n);
        r->status = 302;
        r->location = at(F->b, path);
    } else {
        r->status = 404;
    }
}

/* "/go/N.pdf" of every queued URL the query lists (a space-separated list of URLs). New. */
static char *paths_of(const char *urls)
{
    struct buf b = BUF_INIT;
    const char *p = urls;

    while ((p = strstr(p, "/go/"))) {
        size_t n = strcspn(p, " ");
        buf_add(&b, p, n);
        buf_addch(&b, ' ');
        p += n;
    }
    return buf_take(&b);
}

static void test_crawl_killed_between_hops(void **state)
{
    struct site_log_entry *log;
    struct th_result r;
    char *source, *mid, *done;
    size_t n;
    int status;
    pid_t pid;

    (void)state;
    F->many = 30;
    F->a = site_start(route_many_hops, NULL);
    F->b = site_start(route_many, NULL); /* /r/N.pdf, each 0.06 s slow */
    source = site_url(F->a, "/reviews/");
    pid = spawn_crawl(source);
    /*
     * the redirects are quick, the documents slow: kill once a batch with
     * recorded hops has committed, while b still has documents to serve
     */
    while (sql_long_try("SELECT count(*) FROM crawl_queue WHERE state = 'pending' AND "
                        "hop_url IS NOT NULL") <= 0) {
        usleep(5000);
        assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);

    /* chains caught between their hops: the redirect is recorded, the document not yet */
    mid = sql("SELECT group_concat(url, ' ') FROM crawl_queue WHERE state = 'pending' AND "
              "hop_url IS NOT NULL");
    assert_true(strlen(mid) > 0);
    done = sql("SELECT group_concat(url, ' ') FROM crawl_queue WHERE state = 'done' AND "
               "url LIKE '%/go/%'");
    {
        char *a = paths_of(mid), *b = paths_of(done);
        free(mid);
        free(done);
        mid = a;
        done = b;
    }
    site_log_clear(F->a);
    site_log_clear(F->b);
    r = crawl(0, NULL, (const char *[]){"--delay", "0", source, NULL});
    th_assert_contains(r.out, "(resumed)");
    th_result_release(&r);
    /* the resumed chains start at their next hop: their first URL is not asked again */
    log = site_log(F->a, &n);
    for (size_t i = 0; i < n; i++) {
        char key[600];
        snprintf(key, sizeof(key), "%s ", log[i].path);
        if (strstr(mid, key) || strstr(done, key)) {
            print_error("'%s' was redirected before the kill and fetched again\n", log[i].path);
            fail();
        }
    }
    free(log);
    /* nothing lost, nothing pending, each chain recorded to its end */
    assert_sql("SELECT count(*) FROM reports", "30");
    assert_sql("SELECT count(*) FROM crawl_queue WHERE state <> 'done'", "0");
    assert_sql("SELECT count(*) FROM crawl_urls WHERE url LIKE '%/go/%' AND final_url LIKE "
               "'%/r/%' AND last_status = 200", "30");
    assert_sql("SELECT count(*) FROM crawl_fetches WHERE url LIKE '%/go/%' AND "
               "outcome = 'redirect'", "30");
    free(mid);
    free(done);
    free(source);
}

/* ---- a recrawl commits in batches ---- */

static void test_crawl_recrawl_commits_in_batches(void **state)
{
    const char *fault[] = {"CASEREVIEW_FAULT=commit:15", NULL};
    const char *const args[] = {"--delay", "0", NULL, NULL};
    const char *a[4];
    struct th_result r;
    char *source;

    (void)state;
    F->many = 40;
    F->fast = 1;
    F->a = site_start(route_many, NULL);
    source = site_url(F->a, "/reviews/");
    memcpy(a, args, sizeof(a));
    a[2] = source;
    r = crawl(0, NULL, a);
    th_assert_contains(r.out, "40 documents (40 new");
    th_result_release(&r);
    /*
     * forty 304s, and the fifteenth catalogue commit fails: a commit per URL
     * (three to set the run up, then one per answer) never gets to the end
     */
    r = crawl(0, fault, a);
    th_assert_contains(r.out, "40 documents (0 new, 41 unchanged");
    th_result_release(&r);
    assert_sql("SELECT count(*) FROM crawl_fetches WHERE run_id = (SELECT max(id) FROM crawl_runs) "
               "AND outcome = 'not-modified'", "40");
    assert_sql("SELECT state FROM crawl_runs ORDER BY id DESC LIMIT 1", "finished");

    /* the batch's commit fails (the fourth commit: three set the run up): it is lost whole */
    fault[0] = "CASEREVIEW_FAULT=commit:4";
    r = crawl(3, fault, a);
    th_assert_contains(r.err, "No space left on device");
    th_result_release(&r);
    assert_sql("SELECT count(*) FROM crawl_fetches WHERE run_id = (SELECT max(id) FROM crawl_runs)",
               "0");
    assert_sql("SELECT count(*) FROM crawl_queue WHERE run_id = (SELECT max(id) FROM crawl_runs) "
               "AND state = 'pending'", "41");
    /* and fetched again by the next run, which resumes */
    site_log_clear(F->a);
    r = crawl(0, NULL, a);
    th_assert_contains(r.out, "(resumed)");
    th_result_release(&r);
    assert_int_equal(site_hits(F->a, "/r/0.pdf"), 1);
    assert_sql("SELECT count(*) FROM crawl_fetches WHERE run_id = (SELECT max(id) FROM crawl_runs) "
               "AND outcome = 'not-modified'", "40");
    assert_sql("SELECT state FROM crawl_runs ORDER BY id DESC LIMIT 1", "finished");
    assert_sql("SELECT count(*) FROM reports", "40");
    free(source);
}

/* ---- --index ---- */

static void test_crawl_then_index(void **state)
{
    struct th_result r;
    char *source;

    (void)state;
    F->many = 3;
    F->a = site_start(route_many, NULL);
    source = site_url(F->a, "/reviews/");
    r = crawl(0, NULL, (const char *[]){"--delay", "0", "--index", source, NULL});
    th_assert_contains(r.out, "3 documents (3 new");
    th_assert_contains(r.out, "index: 3 reports indexed");
    th_result_release(&r);
    r = th_run(F->home, NULL, "search", "--json", "\"review number 2\"", NULL);
    assert_int_equal(r.status, 0);
    th_assert_contains(r.out, "\"source_url\":\"");
    th_assert_contains(r.out, "/r/2.pdf");
    th_result_release(&r);
    free(source);
}

/* ---- bad input ---- */

static void test_crawl_bad_sources_file(void **state)
{
    char *path = xasprintf("%s/sources.tsv", F->dir);
    struct th_result r;

    (void)state;
    {
        const char *bad = "# test list\nNorthshire SCP\tatlantis\thttp://127.0.0.1:9/reviews/\tx\n";
        th_write(path, bad, strlen(bad));
    }
    r = th_run(F->home, NULL, "crawl", "--sources", path, NULL);
    assert_int_equal(r.status, 2);
    th_assert_contains(r.err, "line 2: unknown nation 'atlantis'");
    th_result_release(&r);
    th_write(path, "ftp://example.invalid/reviews/\n", strlen("ftp://example.invalid/reviews/\n"));
    r = th_run(F->home, NULL, "crawl", "--sources", path, NULL);
    assert_int_equal(r.status, 2);
    th_assert_contains(r.err, "line 1: 'ftp://example.invalid/reviews/': not an http or https URL");
    th_result_release(&r);
    r = th_run(F->home, NULL, "crawl", "--max-size", "lots", "http://127.0.0.1:9/", NULL);
    assert_int_equal(r.status, 2);
    th_assert_contains(r.err, "--max-size needs a size");
    th_result_release(&r);
    /* nothing was crawled, nothing recorded */
    th_write(path, "http://127.0.0.1:9/reviews/\n", strlen("http://127.0.0.1:9/reviews/\n"));
    r = th_run(F->home, NULL, "sources", "--sources", path, NULL);
    th_assert_contains(r.out, "never crawled");
    th_result_release(&r);
    free(path);
}

static void test_crawl_unreachable_source(void **state)
{
    struct th_result r;

    (void)state;
    /* port 9 (discard) on loopback: nothing listens, the connection is refused */
    r = crawl(3, NULL, (const char *[]){"--delay", "0", "--retries", "0",
                                        "http://127.0.0.1:9/reviews/", NULL});
    th_assert_contains(r.out, "failed");
    th_result_release(&r);
    r = th_run(F->home, NULL, "sources", NULL);
    th_assert_contains(r.out, "(failed)");
    th_assert_contains(r.out, "last error: ");
    th_result_release(&r);
    assert_sql("SELECT count(*) FROM reports", "0");
}

static void test_crawl_shipped_list_is_well_formed(void **state)
{
    struct th_result r;

    (void)state;
    r = th_run(NULL, NULL, "sources", "--json", NULL);
    assert_int_equal(r.status, 0);
    {
        int lines = 0;
        for (const char *p = r.out; (p = strchr(p, '\n')); p++)
            lines++;
        assert_true(lines >= 40);
    }
    th_assert_contains(r.out, "\"nation\":\"wales\"");
    th_assert_contains(r.out, "\"nation\":\"scotland\"");
    th_assert_contains(r.out, "\"nation\":\"northern-ireland\"");
    th_assert_not_contains(r.out, "\"found_at\":null");
    th_result_release(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crawl_fixture_site_then_recrawl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_redirect_to_other_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_killed_then_resumed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_killed_between_hops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_recrawl_commits_in_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_then_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_bad_sources_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_unreachable_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crawl_shipped_list_is_well_formed, setup, teardown),
    };

    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
