/*
 * Tests of lib/hints.c on link texts as partnership pages write them (the
 * shapes quoted in issues #3 and #4, ../shared/FIELD.md, and public listing
 * pages), and on garbage.
 */

#include "tests/helpers.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hints.h"

static struct taxonomy *tx;

static int setup(void **state)
{
    char *dir = th_src("data/taxonomy");
    struct cr_err err;

    (void)state;
    if (taxonomy_load(&tx, dir, &err) < 0)
        fail_msg("%s", err.msg);
    free(dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    taxonomy_free(tx);
    return 0;
}

/* {anchor, context, heading} -> {child, type, kind, published, event}; NULL = none */
static const struct {
    const char *anchor, *context, *heading;
    const char *child, *type, *kind, *published, *event;
} rows[] = {
    {"Child F1 SCR: Learning event held April 2018; full report published 15.05.2018", NULL,
     NULL, "Child F1", "scr", "full-report", "2018-05-15", "2018-04"},
    {"Jacob SCR 7 minute briefing: Published 1st November 2022", NULL, NULL, "Jacob", "scr",
     "7-minute-briefing", "2022-11-01", NULL},
    {"Thematic Literature Review \xe2\x80\x93 Appendix 2 \xe2\x80\x93 published January 2023",
     NULL, NULL, NULL, "thematic-review", "appendix", "2023-01", NULL},
    {"Child PP - One page learning summary (Dec 2024)", NULL, NULL, "Child PP", NULL,
     "learning-brief", "2024-12", NULL},
    {"CSPR Peer on Peer Abuse",
     "The HSCP published CSPR Peer on Peer Abuse on 21 February, 2022", NULL, NULL, "cspr",
     NULL, "2022-02-21", NULL},
    {"Executive summary [319kb]", "Child D - Executive summary [319kb] Date added: 15/10/19",
     "Serious Case Reviews", "Child D", "scr", "executive-summary", "2019-10-15", NULL},
    {"Overview report (Published July 2022)", NULL, "Local Child Safeguarding Practice Reviews",
     NULL, "cspr", "full-report", "2022-07", NULL},
    {"Children N, B and YK - learning brief", NULL, NULL, "Children N, B and YK", NULL,
     "learning-brief", NULL, NULL},
    {"Baby R Serious Case Review Overview Report", NULL, NULL, "Baby R", "scr", "full-report",
     NULL, NULL},
    {"Young Person F - 7MB", NULL, NULL, "Young Person F", NULL, "7-minute-briefing", NULL,
     NULL},
    {"Overview Report Family U", NULL, "Date of publication: 18th February 2015", "Family U",
     NULL, "full-report", "2015-02-18", NULL},
    /* a table row: the anchor is only the date, the row says the rest */
    {"Published 12 January 2017",
     "Child LB Delayed in publication** Published 12 January 2017", "Serious Case Reviews (SCRs)",
     "Child LB", "scr", NULL, "2017-01-12", NULL},
    {"Published 14 June 2017", "Child G Published 14 June 2017 Published 15 October 2015",
     "Serious Case Reviews (SCRs)", "Child G", "scr", NULL, "2017-06-14", NULL},
    {"Young  Person\tA", NULL, NULL, "Young Person A", NULL, NULL, NULL, NULL},
    {"Overview Report Child I and Child M", NULL, NULL, "Child I and Child M", NULL,
     "full-report", NULL, NULL},
    {"LSCB media statement child K", NULL, NULL, "Child K", NULL, "response", NULL, NULL},
    {"Online Safety/Self-Harm \xe2\x80\x93 Full Report (2017)", NULL,
     "Thematic Partnership Reviews", NULL, "thematic-review", "full-report", "2017", NULL},
    {"7 Minute Briefing CYSUR 4 2019", "View the Child Practice Review Report", NULL, NULL, "cpr",
     "7-minute-briefing", "2019", NULL},
    {"CPR CTMSB 06-2021 Executive Summary", NULL, NULL, NULL, "cpr", "executive-summary", NULL,
     NULL},
    {"Extended Child Practice Review CYSUR 2/2018 - Report", NULL, NULL, NULL, "cpr",
     "full-report", NULL, NULL},
    {"Learning Review - Child C executive summary", NULL, "Learning Reviews", "Child C",
     "learning-review", "executive-summary", NULL, NULL},
    {"Significant Case Review - Child A (published 2018)", NULL, NULL, "Child A",
     "significant-case-review", NULL, "2018", NULL},
    {"Case Management Review: Child 'Q' Executive Summary", NULL, NULL, "Child Q", "cmr",
     "executive-summary", NULL, NULL},
    {"National review into the murders of Arthur and Star", NULL, NULL, NULL, "national-review",
     NULL, NULL, NULL},
    {"Rapid Review Child T action plan", NULL, NULL, "Child T", "rapid-review", "action-plan",
     NULL, NULL},
    {"Terms of Reference - LCSPR Child S", NULL, NULL, "Child S", "cspr", "terms-of-reference",
     NULL, NULL},
    {"SCR \xe2\x80\x93 Ellie", NULL, NULL, "Ellie", "scr", NULL, NULL, NULL},
    {"Serious Case Review: Child D (executive summary)", NULL, NULL, "Child D", "scr",
     "executive-summary", NULL, NULL},
    {"Learning presentation", "Child W LCSPR: learning presentation (webinar) uploaded 3 May 2023",
     NULL, "Child W", "cspr", "presentation", "2023-05-03", NULL},
    {"Download", "SCR Child H1 and H2 \xe2\x80\x93 learning event held 12/03/2019, report "
     "published 2 Sept 2019", NULL, "Child H1 and H2", "scr", "full-report", "2019-09-02",
     "2019-03-12"},
    {"Annual report 2019/20", NULL, NULL, NULL, NULL, "annual-report", "2019", NULL},
    {"Multi-agency learning review: Child Z", NULL, "Reviews published in 2021", "Child Z",
     "local-learning-review", NULL, "2021", NULL},
    /* names that are not children */
    {"Oxfordshire SCR executive summary", NULL, NULL, NULL, "scr", "executive-summary", NULL,
     NULL},
    {"Thematic SCR", NULL, NULL, NULL, "thematic-review", NULL, NULL, NULL},
    {"The SCR into neglect", NULL, NULL, NULL, "scr", NULL, NULL, NULL},
    {"Child Protection Procedures", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"Child Death Overview Panel annual report", NULL, NULL, NULL, NULL, "annual-report", NULL,
     NULL},
    {"Child CSE briefing", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"the child I saw", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    /* garbage */
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"", "", "", NULL, NULL, NULL, NULL, NULL},
    {"[319kb]", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"click here", "Read more >>", "Home", NULL, NULL, NULL, NULL, NULL},
    {"\xff\xfe\xfd", "\xc2\xa0\xc2\xa0", "...", NULL, NULL, NULL, NULL, NULL},
    {"PDF 1.2MB", NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"31/02/2019 report", NULL, NULL, NULL, NULL, "full-report", NULL, NULL},
};

static int errors;

static void check(size_t i, const char *field, const char *want, const char *got)
{
    if (want ? !got || strcmp(want, got) : got != NULL)
        errors++, print_error("row %zu '%s': %s: expected %s, got %s", i,
                 rows[i].anchor ? rows[i].anchor : "(null)", field, want ? want : "none",
                 got ? got : "none");
}


static void test_hints_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct hints h;
        int n = hints_parse(tx, rows[i].anchor, rows[i].context, rows[i].heading, &h);

        check(i, "child", rows[i].child, h.child);
        check(i, "review type", rows[i].type, h.review_type);
        check(i, "document kind", rows[i].kind, h.document_kind);
        check(i, "published", rows[i].published, h.published);
        check(i, "event", rows[i].event, h.event);
        assert_int_equal(n, !!h.child + !!h.review_type + !!h.document_kind + !!h.published +
                                !!h.event);
        hints_release(&h);
        assert_null(h.child);
    }
    if (errors)
        fail_msg("%d fields differ", errors);
}

static void test_hints_child_without_taxonomy(void **state)
{
    char *c = hints_child(NULL, "Serious Case Review: Child T");

    (void)state;
    assert_string_equal(c, "Child T");
    free(c);
    assert_null(hints_child(NULL, "Jacob SCR"));
    assert_null(hints_child(NULL, NULL));
    hints_release(NULL);
}

/*
 * A pseudonym that ends the text, at every length around the sizes the
 * squashed copy grows to (64, 128 bytes): nothing past its NUL may be read.
 */
static void test_hints_child_at_end_of_text(void **state)
{
    static const char *const ends[] = {" Child T", " \"Child T\"", " Children N and B",
                                       " Child T\xe2\x80"};
    static const char *const want[] = {"Child T", "Child T", "Children N and B", "Child T"};

    (void)state;
    for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++)
        for (size_t len = 56; len <= 132; len++) {
            size_t n = strlen(ends[e]);
            char text[256], *c;
            if (len < n)
                continue;
            memset(text, 'a', len - n);
            memcpy(text + len - n, ends[e], n + 1);
            c = hints_child(NULL, text);
            if (!c || strcmp(c, want[e]))
                fail_msg("'%s': expected '%s', got '%s'", text, want[e], c ? c : "");
            free(c);
        }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hints_table),
    cmocka_unit_test(test_hints_child_without_taxonomy),
    cmocka_unit_test(test_hints_child_at_end_of_text),
};

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, setup, teardown);
}
