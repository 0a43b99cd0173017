/* Tests of indexer/meta.c: choosing a report's title from its first page. */

#include "tests/helpers.h"

#include <stdlib.h>
#include <string.h>

#include "indexer/meta.h"

static void test_meta_title_largest_run(void **state)
{
    struct idx_line lines[] = {
        {1, 8, (char *)"FICTIONAL TEST DOCUMENT"},
        {1, 24, (char *)"Serious Case Review:"},
        {1, 24, (char *)"Child T"},
        {1, 15, (char *)"Northshire Safeguarding Children Partnership"},
        {2, 30, (char *)"A bigger line on page two"},
    };
    char *t = meta_title_from_lines(lines, 5);

    (void)state;
    assert_string_equal(t, "Serious Case Review: Child T");
    free(t);
}

static void test_meta_title_skips_logo_letters(void **state)
{
    struct idx_line lines[] = {
        {1, 60, (char *)"N"},
        {1, 20, (char *)"  Child Practice   Review:  Baby R "},
        {1, 11, (char *)"body text"},
    };
    char *t = meta_title_from_lines(lines, 3);

    (void)state;
    assert_string_equal(t, "Child Practice Review: Baby R");
    free(t);
}

static void test_meta_title_none(void **state)
{
    struct idx_line lines[] = {{1, 12, (char *)"42"}, {2, 30, (char *)"page two only"}};

    (void)state;
    assert_null(meta_title_from_lines(lines, 2));
    assert_null(meta_title_from_lines(NULL, 0));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_meta_title_largest_run),
    cmocka_unit_test(test_meta_title_skips_logo_letters),
    cmocka_unit_test(test_meta_title_none),
};

TH_MAIN(tests)
