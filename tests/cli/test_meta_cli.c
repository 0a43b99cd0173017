/*
 * Tests of `casereview show`, `casereview edit` and `casereview index
 * --retag` on the generated fixtures, through the real program.
 */

#include "tests/helpers.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static char *home;

static int setup(void **state)
{
    char *a = th_fixture("report-a.pdf"), *c = th_fixture("report-c.pdf");
    struct th_result r;

    (void)state;
    home = th_tmpdir();
    r = th_run(home, NULL, "add", a, c, NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    r = th_run(home, NULL, "index", "-j", "1", NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    free(a);
    free(c);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    th_rm_rf(home);
    free(home);
    return 0;
}

static void test_meta_cli_show_fields_and_evidence(void **state)
{
    struct th_result r = th_run(home, NULL, "show", "1", NULL);

    (void)state;
    assert_int_equal(r.status, 0);
    th_assert_contains(r.out, "title             Serious Case Review: Child T  [layout]");
    th_assert_contains(r.out, "partnership       northshire  [text]");
    th_assert_contains(r.out, "review_type       scr  [text]");
    th_assert_contains(r.out, "child             Child T");
    th_assert_contains(r.out, "published         2019-05-15  [text]");
    th_assert_contains(r.out, "bruising-non-mobile");
    th_assert_contains(r.out, "1 (page 4): The partnership should review its guidance");
    th_assert_contains(r.out, "2 (page 4): Agencies should check the history");
    th_result_release(&r);
}

static void test_meta_cli_show_unknown_report(void **state)
{
    struct th_result r = th_run(home, NULL, "show", "999", NULL);

    (void)state;
    assert_int_equal(r.status, 1);
    th_assert_contains(r.err, "no report '999'");
    th_result_release(&r);
    r = th_run(home, NULL, "show", NULL);
    assert_int_equal(r.status, 2);
    th_result_release(&r);
}

static void test_meta_cli_edit_survives_retag(void **state)
{
    struct th_result r;

    (void)state;
    r = th_run(home, NULL, "edit", "2", "--set", "review_type=cspr", "--set", "child=Jacob",
               "--set", "published=1st November 2022", "--set", "themes=county lines,neglect",
               NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    r = th_run(home, NULL, "index", "--retag", NULL);
    assert_int_equal(r.status, 0);
    th_assert_contains(r.out, "re-tagged 2");
    th_result_release(&r);
    r = th_run(home, NULL, "show", "2", NULL);
    th_assert_contains(r.out, "review_type       cspr  [user]");
    th_assert_contains(r.out, "child             Jacob  [user]");
    th_assert_contains(r.out, "published         2022-11-01  [user]");
    th_assert_contains(r.out, "criminal-exploitation          set by a user");
    th_assert_contains(r.out, "review_id         southmere-cspr-jacob  [derived]");
    th_result_release(&r);
    /* the filters see it */
    r = th_run(home, NULL, "search", "--json", "county", NULL);
    th_assert_contains(r.out, "\"review_type\":\"cspr\"");
    th_result_release(&r);
    r = th_run(home, NULL, "edit", "2", "--unset", "review_type", NULL);
    assert_int_equal(r.status, 0);
    th_result_release(&r);
    r = th_run(home, NULL, "show", "2", NULL);
    th_assert_not_contains(r.out, "review_type       cspr");
    th_result_release(&r);
}

/* {arguments after "edit 1", the message expected on stderr} */
static const struct {
    const char *a, *b;
    const char *error;
} bad_rows[] = {
    {"--set", "review_type=nonsense", "'nonsense' is not a review-type id"},
    {"--set", "document_kind=essay", "'essay' is not a document-kind id"},
    {"--set", "published=31.02.2019", "'31.02.2019' is not a date"},
    {"--set", "nation=france", "'france' is not a value of nation"},
    {"--set", "age_band=old", "'old' is not a value of age_band"},
    {"--set", "themes=neglect,nonsense", "'nonsense' is not a theme"},
    {"--set", "colour=blue", "'colour' is not a field that can be corrected"},
    {"--set", "=x", "--set needs FIELD=VALUE"},
    {"--set", "review_type", "--set needs FIELD=VALUE"},
};

static void test_meta_cli_edit_refuses_bad_values(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        struct th_result r = th_run(home, NULL, "edit", "1", bad_rows[i].a, bad_rows[i].b, NULL);
        if (r.status != 2)
            fail_msg("row %zu: status %d, wanted 2 (%s)", i, r.status, r.err);
        th_assert_contains(r.err, bad_rows[i].error);
        th_result_release(&r);
    }
    /* nothing was changed */
    struct th_result r = th_run(home, NULL, "show", "1", NULL);
    th_assert_contains(r.out, "review_type       scr  [text]");
    th_result_release(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_meta_cli_show_fields_and_evidence),
    cmocka_unit_test(test_meta_cli_show_unknown_report),
    cmocka_unit_test(test_meta_cli_edit_refuses_bad_values),
    cmocka_unit_test(test_meta_cli_edit_survives_retag),
};

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, setup, teardown);
}
