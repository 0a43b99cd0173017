/* Tests of search/query.c: the validator's table of good and bad queries. */

#include "tests/helpers.h"

#include <string.h>

#include "search/query.h"

static void test_query_validate_table(void **state)
{
    static const struct {
        const char *q;
        int ok;
        const char *msg;
    } rows[] = {
        {"neglect", 1, NULL},
        {"", 1, NULL},
        {"\"disguised compliance\"", 1, NULL},
        {"neglect AND (bruising OR \"head injury\")", 1, NULL},
        {"NOT neglect", 1, NULL},
        {"neglect NOT bruising", 1, NULL},
        {"title:neglect", 1, NULL},
        {"was not brought", 1, NULL},
        {"and or not", 1, NULL},
        {"\"unclosed phrase", 0, "never closed"},
        {"(neglect", 0, "'(' at character 1 is never closed"},
        {"neglect)", 0, "closes nothing"},
        {"()", 0, "empty parentheses"},
        {"neglect AND", 0, "'AND' at character 9 has nothing after it"},
        {"OR neglect", 0, "'OR' at character 1 has nothing before it"},
        {"neglect AND OR bruising", 0, "has nothing before it"},
        {"neglect NOT", 0, "nothing after it"},
        {"(neglect AND)", 0, "nothing after it"},
        {"a\"b", 0, "never closed"},
        {"neglect*", 1, NULL},
        {"theme:neglect topic:voice-of-the-child", 1, NULL},
        {"partnership:northshire nation:england type:scr kind:full-report", 1, NULL},
        {"child:\"Child T\" year:2019", 1, NULL},
        {"rec:audit title:\"child t\"", 1, NULL},
        {"published:2019..2021", 1, NULL},
        {"published:2020-06..", 1, NULL},
        {"published:..2020-06-30", 1, NULL},
        {"year:2019..2020", 1, NULL},
        {"-theme:neglect +bruising", 1, NULL},
        {"see https://example.org/a", 1, NULL},
        {"NOT (theme:neglect OR theme:sudi)", 1, NULL},
        {"them:neglect", 0, "unknown field 'them:' at character 1; did you mean 'theme:'?"},
        {"Theme:neglect", 1, NULL},
        {"Note:neglect", 1, NULL},
        {"title:", 0, "needs a value"},
        {"title:(a b)", 0, "needs a value right after the colon"},
        {"published:2019..2018", 0, "ends before it starts"},
        {"published:2019-13", 0, "bad month"},
        {"published:2019-02-32", 0, "bad day"},
        {"published:..", 0, "no bounds"},
        {"published:yesterday", 0, "bad date 'yesterday'"},
        {"year:20x9", 0, "a year is four digits"},
        {"theme:\"open", 0, "never closed"},
        {"((((neglect))))", 1, NULL},
        {"\x01\x02", 1, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct cr_err err;
        int rc;
        cr_err_clear(&err);
        rc = query_validate(rows[i].q, &err);
        if ((rc == 0) != rows[i].ok) {
            print_error("'%s': rc %d (%s)\n", rows[i].q, rc, err.msg);
            fail();
        }
        if (!rows[i].ok) {
            assert_int_equal(rc, CR_EQUERY);
            th_assert_contains(err.msg, rows[i].msg);
        }
    }
}

static void test_query_validate_length_cap(void **state)
{
    char big[5000];
    struct cr_err err;

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(query_validate(big, &err), CR_EQUERY);
    th_assert_contains(err.msg, "longer than");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_query_validate_table),
    cmocka_unit_test(test_query_validate_length_cap),
};

TH_MAIN(tests)
