/* Tests of crawler/crawl_url.c: resolution and canonical form, as tables. */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_url.h"

#define BASE "http://Www.Northshire-SCP.example:80/reviews/published/index.html?page=2#top"

struct row {
    const char *base; /* NULL: href is absolute */
    const char *href;
    const char *want; /* NULL: refused */
};

static const struct row rows[] = {
    {BASE, "child-a.pdf", "http://www.northshire-scp.example/reviews/published/child-a.pdf"},
    {BASE, "../child-a.pdf", "http://www.northshire-scp.example/reviews/child-a.pdf"},
    {BASE, "/docs/Child%20B.pdf", "http://www.northshire-scp.example/docs/Child%20B.pdf"},
    {BASE, "/docs/Child B.pdf", "http://www.northshire-scp.example/docs/Child%20B.pdf"},
    {BASE, "  \n child-c.pdf \t", "http://www.northshire-scp.example/reviews/published/child-c.pdf"},
    {BASE, "child-a.pdf#page=3", "http://www.northshire-scp.example/reviews/published/child-a.pdf"},
    {BASE, "?page=3", "http://www.northshire-scp.example/reviews/published/index.html?page=3"},
    {BASE, "//cdn.Example.org/f/x.pdf", "http://cdn.example.org/f/x.pdf"},
    {BASE, "HTTPS://Files.Example.org:443/a.pdf", "https://files.example.org/a.pdf"},
    {BASE, "https://files.example.org:8443/a.pdf", "https://files.example.org:8443/a.pdf"},
    {BASE, "http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"},
    {BASE, "/a/./b/../c.pdf", "http://www.northshire-scp.example/a/c.pdf"},
    {NULL, "https://example.org", "https://example.org/"},
    {NULL, "http://example.org/r\xC3\xA9view.pdf", "http://example.org/r%c3%a9view.pdf"},
    /* refused */
    {BASE, "#top", NULL},
    {BASE, "", NULL},
    {BASE, "   ", NULL},
    {BASE, "mailto:board@example.org", NULL},
    {BASE, "javascript:void(0)", NULL},
    {BASE, "JavaScript:alert(1)", NULL},
    {BASE, "data:text/html,<h1>x</h1>", NULL},
    {BASE, "file:///etc/passwd", NULL},
    {BASE, "ftp://example.org/a.pdf", NULL},
    {BASE, "tel:01234567890", NULL},
    {BASE, "http://[::1", NULL},
    {BASE, "http://", NULL},
    {NULL, "reviews/a.pdf", NULL},
    {NULL, "not a url", NULL},
    {"garbage", "a.pdf", NULL},
};

static void test_crawl_url_resolve_table(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *got = NULL;
        struct cr_err err;
        int rc = crawl_url_resolve(rows[i].base, rows[i].href, &got, &err);
        if ((rows[i].want && (rc != 0 || strcmp(got, rows[i].want))) ||
            (!rows[i].want && rc == 0)) {
            fprintf(stderr, "row %zu: '%s': got '%s' (%s), want '%s'\n", i, rows[i].href,
                    got ? got : "(refused)", rc ? err.msg : "ok",
                    rows[i].want ? rows[i].want : "(refused)");
            bad++;
        }
        if (!rows[i].want && rc != CR_EINVAL)
            bad++;
        free(got);
    }
    assert_int_equal(bad, 0);
}

static void test_crawl_url_long_is_refused(void **state)
{
    char *href = test_malloc(6000), *got = NULL;
    struct cr_err err;

    (void)state;
    memset(href, 'a', 5999);
    href[5999] = '\0';
    assert_int_equal(crawl_url_resolve(BASE, href, &got, &err), CR_EINVAL);
    th_assert_contains(err.msg, "longer than");
    assert_null(got);
    test_free(href);
}

struct part_row {
    const char *url;
    const char *origin, *site, *path, *doc, *name;
    int not_page;
};

static const struct part_row parts[] = {
    {"http://www.northshire-scp.example/reviews/Child%20A%20SCR.PDF", "http://www.northshire-scp.example",
     "northshire-scp.example", "/reviews/Child%20A%20SCR.PDF", "pdf", "Child A SCR.PDF", 0},
    {"https://files.example.org:8443/a/b.docx?v=2", "https://files.example.org:8443",
     "files.example.org", "/a/b.docx?v=2", "docx", "b.docx", 0},
    {"http://127.0.0.1:5000/", "http://127.0.0.1:5000", "127.0.0.1", "/", NULL, "127.0.0.1", 0},
    {"http://example.org/brief.odt", "http://example.org", "example.org", "/brief.odt", "odt",
     "brief.odt", 0},
    {"http://example.org/old.doc", "http://example.org", "example.org", "/old.doc", "doc",
     "old.doc", 0},
    {"http://example.org/logo.PNG", "http://example.org", "example.org", "/logo.PNG", NULL,
     "logo.PNG", 1},
    {"http://example.org/a.pdf/", "http://example.org", "example.org", "/a.pdf/", NULL,
     "example.org", 0},
    {"http://example.org/x%2F..%2Fetc%2Fpasswd", "http://example.org", "example.org",
     "/x%2F..%2Fetc%2Fpasswd", NULL, "x_.._etc_passwd", 0},
    {"http://example.org/a%00b.pdf", "http://example.org", "example.org", "/a%00b.pdf", "pdf",
     "a", 0},
    {"http://example.org/a.pdfx", "http://example.org", "example.org", "/a.pdfx", NULL,
     "a.pdfx", 0},
};

static void test_crawl_url_parts_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const struct part_row *r = &parts[i];
        char *o = crawl_url_origin(r->url), *s = crawl_url_site(r->url);
        char *p = crawl_url_path(r->url), *n = crawl_url_name(r->url);
        const char *d = crawl_url_doc_ext(r->url);
        fprintf(stderr, "row %zu: %s | %s | %s | %s | %s\n", i, o, s, p, d ? d : "-", n);
        assert_string_equal(o, r->origin);
        assert_string_equal(s, r->site);
        assert_string_equal(p, r->path);
        assert_true((d == NULL) == (r->doc == NULL));
        if (d)
            assert_string_equal(d, r->doc);
        assert_string_equal(n, r->name);
        assert_int_equal(crawl_url_not_page(r->url), r->not_page);
        free(o);
        free(s);
        free(p);
        free(n);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crawl_url_resolve_table),
        cmocka_unit_test(test_crawl_url_long_is_refused),
        cmocka_unit_test(test_crawl_url_parts_table),
    };

    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
