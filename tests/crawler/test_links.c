/*
 * Tests of crawler/links.c: pages shaped like real partnership pages
 * (fictional names), each row a link expected with its anchor, context and
 * heading; then hostile pages (garbage, deep nesting, too many links,
 * other charsets).
 */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/links.h"
#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/xalloc.h"

#define PAGE "https://www.northshire-scp.example/reviews/published-reviews/"

static const char page[] =
    "<!DOCTYPE html><html><head><title>Published reviews</title>"
    "<script>var a = '<a href=\"/script.pdf\">no</a>';</script></head><body>"
    "<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about/\">About us</a></li>"
    "<li><a href=\"mailto:board@northshire-scp.example\">Email us</a></li>"
    "<li><a href=\"javascript:window.print()\">Print</a></li></ul></nav>"
    "<h1>Published reviews</h1>"
    "<p>These reviews are fictional test pages.</p>"
    "<h2>Child Safeguarding Practice Reviews</h2>"
    "<ul>"
    "<li><a href=\"/media/1234/child-f1-scr.pdf\">Child F1 SCR</a>: Learning event held April "
    "2018; full report published 15.05.2018</li>"
    "<li>Jacob SCR 7 minute briefing: <a href=\"../docs/Jacob%207MB.pdf#page=2\">Published "
    "1st November 2022</a> [319kb]</li>"
    "<li><a href=\"/media/1234/child-f1-scr.pdf\">Child F1 SCR (again)</a></li>"
    "<li><a href=\"https://files.northshire.example/dl/thematic-appendix-2.docx\">Thematic "
    "Literature Review &ndash; Appendix 2 &ndash; published January 2023</a></li>"
    "</ul>"
    "<h3>Older reviews</h3>"
    "<table><tr><th>Review</th><th>Published</th><th>Report</th></tr>"
    "<tr><td>Baby Z</td><td>Date added: 15/10/19</td><td><a href=\"baby-z.pdf\"><img "
    "src=\"pdf.png\" alt=\"Download Baby Z overview report\"></a></td></tr>"
    "<tr><td>Family U</td><td>(Published July 2022)</td><td><a href=\"family-u.odt\" "
    "title=\"Family U learning brief\"></a></td></tr></table>"
    "<div class=\"file\"><a href=\"/media/99/child-pp.doc\">Child PP</a> - One page learning "
    "summary (Dec&nbsp;2024)</div>"
    "<p>See also <a href=\"/reviews/archive/\">the archive</a> and <a href=\"#top\">back to "
    "top</a>.</p>"
    "<p><a href=\"/media/1234/child-f1-scr.pdf#page=4\">Child F1</a> again with a fragment.</p>"
    "</body></html>";

struct want {
    const char *url;
    const char *anchor;
    const char *context;
    const char *heading; /* NULL: none */
    const char *doc;     /* NULL: not a document by extension */
};

static const struct want wants[] = {
    {"https://www.northshire-scp.example/", "Home", "Home", NULL, NULL},
    {"https://www.northshire-scp.example/about/", "About us", "About us", NULL, NULL},
    {"https://www.northshire-scp.example/media/1234/child-f1-scr.pdf", "Child F1 SCR",
     "Child F1 SCR: Learning event held April 2018; full report published 15.05.2018",
     "Child Safeguarding Practice Reviews", "pdf"},
    {"https://www.northshire-scp.example/reviews/docs/Jacob%207MB.pdf",
     "Published 1st November 2022", "Jacob SCR 7 minute briefing: Published 1st November 2022 [319kb]",
     "Child Safeguarding Practice Reviews", "pdf"},
    {"https://files.northshire.example/dl/thematic-appendix-2.docx",
     "Thematic Literature Review \xE2\x80\x93 Appendix 2 \xE2\x80\x93 published January 2023",
     "Thematic Literature Review \xE2\x80\x93 Appendix 2 \xE2\x80\x93 published January 2023",
     "Child Safeguarding Practice Reviews", "docx"},
    {"https://www.northshire-scp.example/reviews/published-reviews/baby-z.pdf",
     "Download Baby Z overview report", "Baby Z Date added: 15/10/19", "Older reviews", "pdf"},
    {"https://www.northshire-scp.example/reviews/published-reviews/family-u.odt",
     "Family U learning brief", "Family U (Published July 2022)", "Older reviews", "odt"},
    {"https://www.northshire-scp.example/media/99/child-pp.doc", "Child PP",
     "Child PP - One page learning summary (Dec 2024)", "Older reviews", "doc"},
    {"https://www.northshire-scp.example/reviews/archive/", "the archive",
     "See also the archive and back to top.", "Older reviews", NULL},
};

static void test_links_partnership_page(void **state)
{
    struct links_page p;
    struct cr_err err;
    size_t n = sizeof(wants) / sizeof(wants[0]);

    (void)state;
    assert_int_equal(links_extract(page, strlen(page), PAGE, &p, &err), 0);
    for (size_t i = 0; i < p.n; i++)
        fprintf(stderr, "%zu: %s | %s | %s | %s\n", i, p.links[i].url, p.links[i].anchor,
                p.links[i].context, p.links[i].heading ? p.links[i].heading : "(none)");
    assert_int_equal(p.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(p.links[i].url, wants[i].url);
        assert_string_equal(p.links[i].anchor, wants[i].anchor);
        assert_string_equal(p.links[i].context, wants[i].context);
        if (wants[i].heading)
            assert_string_equal(p.links[i].heading, wants[i].heading);
        else
            assert_null(p.links[i].heading);
        if (wants[i].doc)
            assert_string_equal(p.links[i].doc_ext, wants[i].doc);
        else
            assert_null(p.links[i].doc_ext);
    }
    assert_int_equal(p.refused, 2); /* mailto: and javascript: */
    links_page_release(&p);
}

struct small_row {
    const char *html;
    const char *url;     /* first link expected, NULL: none */
    const char *anchor;
    const char *context;
    const char *heading;
};

static const struct small_row smalls[] = {
    /* <base href> changes resolution */
    {"<html><head><base href=\"https://cdn.example.org/files/\"></head><body>"
     "<p><a href=\"a.pdf\">A</a></p></body></html>",
     "https://cdn.example.org/files/a.pdf", "A", "A", NULL},
    /* a link in a heading: the heading is its own context and heading */
    {"<h2><a href=\"/r.pdf\">Child T review</a></h2>", "https://www.northshire-scp.example/r.pdf",
     "Child T review", "Child T review", "Child T review"},
    /* role=heading and summary (accordions) count as headings */
    {"<div role=\"heading\">2021 reviews</div><div><a href=\"x.pdf\">X</a></div>",
     PAGE "x.pdf", "X", "X", "2021 reviews"},
    {"<details><summary>Learning briefs</summary><p><a href=\"y.pdf\">Y brief</a> (May 2018)</p>"
     "</details>", PAGE "y.pdf", "Y brief", "Y brief (May 2018)", "Learning briefs"},
    /* definition lists */
    {"<dl><dt>Child K</dt><dd><a href=\"k.pdf\">Executive summary</a>, 2019</dd></dl>",
     PAGE "k.pdf", "Executive summary", "Executive summary, 2019", NULL},
    /* whitespace and no-break spaces collapse; inline tags join words */
    {"<li>  Child\n\t<b>F</b>1 \xC2\xA0 <a href=\"f.pdf\"> full\n report </a>  </li>", PAGE "f.pdf",
     "full report", "Child F1 full report", NULL},
    /* unclosed tags and stray closers: the parser recovers */
    {"<p><a href=\"a.pdf\">A</a> text<p><a href=\"b.pdf\">B</ul></p></div></td>", PAGE "a.pdf",
     "A", "A text", NULL},
    /* a latin-1 page declared as such comes out as UTF-8 */
    {"<html><head><meta charset=\"iso-8859-1\"></head><body><p><a href=\"r.pdf\">R\xE9vision</a>"
     "</p></body></html>", PAGE "r.pdf", "R\xC3\xA9vision", "R\xC3\xA9vision", NULL},
    /* an empty href is the page itself; only-fragment too */
    {"<a href=\"\">self</a><a href=\"#x\">frag</a><a>no href</a>", NULL, NULL, NULL, NULL},
    /* non-http schemes never come out */
    {"<a href=\"data:application/pdf;base64,AAAA\">d</a><a href=\"file:///etc/passwd\">f</a>"
     "<a href=\"ftp://x/y.pdf\">ftp</a>", NULL, NULL, NULL, NULL},
    /* garbage */
    {"\x00\x01\x02\xFF\xFE binary junk %PDF-1.4", NULL, NULL, NULL, NULL},
    {"<<<>>><a href=>x</a><a href=\"http://[::1\">bad</a>", NULL, NULL, NULL, NULL},
    {"", NULL, NULL, NULL, NULL},
};

static void test_links_small_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(smalls) / sizeof(smalls[0]); i++) {
        const struct small_row *r = &smalls[i];
        struct links_page p;
        struct cr_err err;
        size_t len = strlen(r->html);

        if (i == 10)
            len = 26; /* the binary row has a NUL in it */
        assert_int_equal(links_extract(r->html, len, PAGE, &p, &err), 0);
        fprintf(stderr, "row %zu: %zu links; first %s | %s | %s | %s\n", i, p.n,
                p.n ? p.links[0].url : "-", p.n ? p.links[0].anchor : "-",
                p.n ? p.links[0].context : "-", p.n && p.links[0].heading ? p.links[0].heading : "-");
        if (!r->url) {
            assert_int_equal(p.n, 0);
        } else {
            assert_true(p.n >= 1);
            assert_string_equal(p.links[0].url, r->url);
            assert_string_equal(p.links[0].anchor, r->anchor);
            assert_string_equal(p.links[0].context, r->context);
            if (r->heading)
                assert_string_equal(p.links[0].heading, r->heading);
            else
                assert_null(p.links[0].heading);
        }
        links_page_release(&p);
    }
}

static void test_links_hostile_pages(void **state)
{
    struct buf b = BUF_INIT;
    struct links_page p;
    struct cr_err err;

    (void)state;
    /* deep nesting: no recursion to overflow */
    for (int i = 0; i < 100000; i++)
        buf_addstr(&b, "<div>");
    buf_addstr(&b, "<a href=\"deep.pdf\">deep</a>");
    assert_int_equal(links_extract(b.data, b.len, PAGE, &p, &err), 0);
    links_page_release(&p);
    buf_reset(&b);
    /* more links than the cap, all in one paragraph: bounded, counted */
    buf_addstr(&b, "<p>");
    for (int i = 0; i < 20500; i++)
        buf_addf(&b, "<a href=\"/r/%d.pdf\">Report %d</a> ", i, i);
    buf_addstr(&b, "</p>");
    assert_int_equal(links_extract(b.data, b.len, PAGE, &p, &err), 0);
    assert_int_equal(p.n, 20000);
    assert_int_equal(p.dropped, 500);
    assert_true(strlen(p.links[0].context) <= LINKS_MAX_TEXT);
    links_page_release(&p);
    buf_reset(&b);
    /* an enormous anchor: capped, and cut on a character boundary */
    buf_addstr(&b, "<a href=\"big.pdf\">");
    for (int i = 0; i < 5000; i++)
        buf_addstr(&b, "\xC3\xA9");
    buf_addstr(&b, "</a>");
    assert_int_equal(links_extract(b.data, b.len, PAGE, &p, &err), 0);
    assert_int_equal(p.n, 1);
    assert_true(strlen(p.links[0].anchor) <= LINKS_MAX_TEXT);
    assert_int_equal(strlen(p.links[0].anchor) % 2, 0);
    links_page_release(&p);
    buf_release(&b);
}

static void test_links_too_big(void **state)
{
    struct links_page p;
    struct cr_err err;

    (void)state;
    assert_int_equal(links_extract("x", (size_t)CR_MAX_HTML + 1, PAGE, &p, &err), CR_ETOOBIG);
    th_assert_contains(err.msg, "larger than");
    links_page_release(&p);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links_partnership_page),
        cmocka_unit_test(test_links_small_table),
        cmocka_unit_test(test_links_hostile_pages),
        cmocka_unit_test(test_links_too_big),
    };

    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
