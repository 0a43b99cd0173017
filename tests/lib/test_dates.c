/* Tests of lib/dates.c: every date shape partnerships use, and garbage. */

#include "tests/helpers.h"

#include <stdio.h>
#include <string.h>

#include "lib/dates.h"

/* {input, expected ISO partial date or NULL when it is not one date} */
static const struct {
    const char *in;
    const char *iso;
} parse_rows[] = {
    {"15.05.2018", "2018-05-15"},
    {"15/10/19", "2019-10-15"},
    {"15-10-2019", "2019-10-15"},
    {"1/2/2020", "2020-02-01"},
    {"25th May 2022", "2022-05-25"},
    {"1st November 2022", "2022-11-01"},
    {"1st of November 2022", "2022-11-01"},
    {"2nd March 2021", "2021-03-02"},
    {"23rd June 2017", "2017-06-23"},
    {"21 February, 2022", "2022-02-21"},
    {"21 Feb 2022", "2022-02-21"},
    {"25 May 22", "2022-05-25"},
    {"May 25, 2022", "2022-05-25"},
    {"November 1st 2022", "2022-11-01"},
    {"May 2018", "2018-05"},
    {"January 2023", "2023-01"},
    {"Dec 2024", "2024-12"},
    {"Sept. 2019", "2019-09"},
    {"Sep 2019", "2019-09"},
    {"May-2018", "2018-05"},
    {"JULY 2022", "2022-07"},
    {"Mehefin 2021", "2021-06"},
    {"Spring 2019", "2019"},
    {"2019/20", "2019"},
    {"2019-20", "2019"},
    {"2019/2020", "2019"},
    {"1999/00", "1999"},
    {"2019", "2019"},
    {"2018-05-15", "2018-05-15"},
    {"2018/05/15", "2018-05-15"},
    {"2018-05", "2018-05"},
    {"06/2021", "2021-06"},
    {"29/02/2020", "2020-02-29"},
    {"31.12.1999", "1999-12-31"},
    {"[15/10/19]", "2019-10-15"},
    {"  15.05.2018 ", "2018-05-15"},
    {"15\xc2\xa0May\xc2\xa0" "2018", "2018-05-15"},
    /* garbage and impossible dates */
    {"", NULL},
    {"   ", NULL},
    {"Date added: 15/10/19", NULL}, /* words around: dates_next's job, not dates_parse's */
    {"31.02.2019", NULL},
    {"29/02/2019", NULL},
    {"15/13/2019", NULL},
    {"0/12/2019", NULL},
    {"32/01/2019", NULL},
    {"05/15/2018", NULL}, /* American order is refused */
    {"15.05", NULL},
    {"10.30", NULL},
    {"2019/21", NULL},
    {"2019-13", NULL},
    {"1969", NULL},
    {"2100", NULL},
    {"12345", NULL},
    {"319", NULL},
    {"[319kb]", NULL},
    {"2019kb", NULL},
    {"1.2.3", NULL},
    {"1.2.2019.4", NULL},
    {"Child F1", NULL},
    {"may 2018", NULL},
    {"Mayday 2018", NULL},
    {"May 18", NULL},
    {"May", NULL},
    {"32nd May 2018", NULL},
    {"Ma 2018", NULL},
    {"v2.1", NULL},
    {"00/00/0000", NULL},
    {"\xff\xfe 2018", "2018"},
    {"2018 2019", NULL},
};

static void test_dates_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
        struct dates_date d;
        char iso[DATES_ISO_LEN];
        int rc = dates_parse(parse_rows[i].in, &d);

        if (!parse_rows[i].iso) {
            if (rc == 0) {
                dates_iso(&d, iso);
                fail_msg("row %zu '%s': expected no date, got %s", i, parse_rows[i].in, iso);
            }
            continue;
        }
        if (rc != 0)
            fail_msg("row %zu '%s': expected %s, got no date", i, parse_rows[i].in,
                     parse_rows[i].iso);
        dates_iso(&d, iso);
        if (strcmp(iso, parse_rows[i].iso))
            fail_msg("row %zu '%s': expected %s, got %s", i, parse_rows[i].in,
                     parse_rows[i].iso, iso);
    }
}

/* {text, the dates dates_next finds in it, in order, '|'-separated} */
static const struct {
    const char *text;
    const char *found;
} next_rows[] = {
    {"Child F1 SCR: Learning event held April 2018; full report published 15.05.2018",
     "2018-04|2018-05-15"},
    {"Jacob SCR 7 minute briefing: Published 1st November 2022", "2022-11-01"},
    {"Thematic Literature Review \xe2\x80\x93 Appendix 2 \xe2\x80\x93 published January 2023",
     "2023-01"},
    {"Child PP - One page learning summary (Dec 2024)", "2024-12"},
    {"The HSCP published CSPR Peer on Peer Abuse on 21 February, 2022", "2022-02-21"},
    {"Date added: 15/10/19", "2019-10-15"},
    {"(Published July 2022)", "2022-07"},
    {"Executive summary [319kb]", ""},
    {"Overview report (PDF, 1.2MB)", ""},
    {"CPR CTMSB 06-2021 published 3rd March 2022", "2021-06|2022-03-03"},
    {"Annual report 2019/20 and 2020/21", "2019|2020"},
    {"Children Act 1989, section 47", "1989"},
    {"on 31.02.2019 and 1.3.2019", "2019-03-01"},
    {"version 1.2.2019.4 of the form", ""},
    {"Tuesday, 4 May 2021 at 10.30", "2021-05-04"},
    {"", ""},
};

static void test_dates_next_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(next_rows) / sizeof(next_rows[0]); i++) {
        char got[256] = "", iso[DATES_ISO_LEN];
        size_t from = 0, start, end, n = 0;
        struct dates_date d;

        while (dates_next(next_rows[i].text, from, &d, &start, &end)) {
            dates_iso(&d, iso);
            n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", n ? "|" : "", iso);
            assert_true(end > start);
            from = end;
        }
        if (strcmp(got, next_rows[i].found))
            fail_msg("row %zu '%s': expected '%s', got '%s'", i, next_rows[i].text,
                     next_rows[i].found, got);
    }
}

static void test_dates_flags_and_forms(void **state)
{
    struct dates_date d;
    char key[DATES_KEY_LEN];

    (void)state;
    assert_int_equal(dates_parse("2019/20", &d), 0);
    assert_int_equal(d.financial_year, 1);
    assert_int_equal(d.bare_year, 0);
    assert_int_equal(dates_parse("2019", &d), 0);
    assert_int_equal(d.bare_year, 1);
    assert_int_equal(dates_parse("May 2018", &d), 0);
    dates_key(&d, key);
    assert_string_equal(key, "20180500");
    assert_int_equal(dates_parse("15.05.2018", &d), 0);
    dates_key(&d, key);
    assert_string_equal(key, "20180515");
}

static const struct {
    const char *in;
    int ok;
} iso_rows[] = {
    {"2018-05-15", 1}, {"2018-05", 1},    {"2018", 1},        {"2018-02-30", 0},
    {"2018-5", 0},     {"2018-00", 0},    {"2018-05-00", 0},  {"18-05-15", 0},
    {"", 0},           {"2018-05-15x", 0}, {"abcd", 0},       {"1900", 0},
};

static void test_dates_parse_iso_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(iso_rows) / sizeof(iso_rows[0]); i++) {
        struct dates_date d;
        char iso[DATES_ISO_LEN];
        int rc = dates_parse_iso(iso_rows[i].in, &d);

        if ((rc == 0) != iso_rows[i].ok)
            fail_msg("row %zu '%s': expected %s", i, iso_rows[i].in,
                     iso_rows[i].ok ? "a date" : "no date");
        if (rc == 0) {
            dates_iso(&d, iso);
            assert_string_equal(iso, iso_rows[i].in);
        }
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dates_parse_table),
    cmocka_unit_test(test_dates_next_table),
    cmocka_unit_test(test_dates_flags_and_forms),
    cmocka_unit_test(test_dates_parse_iso_table),
};

TH_MAIN(tests)
