/*
 * Unit tests of the web pages' building blocks: HTML escaping (with the
 * invalid UTF-8 and control characters a PDF may hold), snippets with the
 * search's highlight markers, URL encoding, labels, dates, and reading and
 * writing the search state of a URL. Tables of {input, expected}, garbage
 * included.
 */

#include "tests/helpers.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "search/query.h"
#include "web/web_int.h"

typedef void fmt_fn(struct buf *b, const char *s);

struct row {
    const char *in;
    const char *want;
};

static void check_rows(const char *what, fmt_fn *fn, const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct buf b = BUF_INIT;
        fn(&b, rows[i].in);
        if (strcmp(buf_str(&b), rows[i].want) != 0) {
            print_error("%s(\"%s\") = \"%s\", wanted \"%s\"\n", what, rows[i].in, buf_str(&b),
                        rows[i].want);
            fail();
        }
        buf_release(&b);
    }
}

static void test_web_esc_table(void **state)
{
    static const struct row rows[] = {
        {"plain words", "plain words"},
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
        {"Tom & Jerry's", "Tom &amp; Jerry&#39;s"},
        {"&amp;", "&amp;amp;"},
        {"line\nbreak\ttab\rcr", "line break tab cr"},
        {"bell\x07" "esc\x1b[1m del\x7f", "bellesc[1m del"},
        {"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80"},
        {"bad \xff byte", "bad \xef\xbf\xbd byte"},
        {"cut \xe2\x80", "cut \xef\xbf\xbd\xef\xbf\xbd"},
        {"overlong \xc0\xbc", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
        {"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"too big \xf4\x90\x80\x80", "too big \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"", ""},
    };

    (void)state;
    check_rows("web_esc", web_esc, rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_web_snippet_table(void **state)
{
    static const struct row rows[] = {
        {"the " QUERY_HI_START "neglect" QUERY_HI_END " of", "the <mark>neglect</mark> of"},
        {QUERY_HI_START "<b>" QUERY_HI_END, "<mark>&lt;b&gt;</mark>"},
        {"unclosed " QUERY_HI_START "mark", "unclosed <mark>mark</mark>"},
        {"stray " QUERY_HI_END "end", "stray end"},
        {QUERY_HI_START QUERY_HI_START "twice" QUERY_HI_END QUERY_HI_END, "<mark>twice</mark>"},
        {"no markers & <tags>", "no markers &amp; &lt;tags&gt;"},
        {"", ""},
    };

    (void)state;
    check_rows("web_snippet", web_snippet, rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_web_urlenc_table(void **state)
{
    static const struct row rows[] = {
        {"neglect", "neglect"},
        {"domestic-abuse", "domestic-abuse"},
        {"\"professional curiosity\"", "%22professional+curiosity%22"},
        {"a&b=c?d#e/f", "a%26b%3Dc%3Fd%23e%2Ff"},
        {"<script>", "%3Cscript%3E"},
        {"caf\xc3\xa9", "caf%C3%A9"},
        {"~._-", "~._-"},
        {"", ""},
    };

    (void)state;
    check_rows("web_urlenc", web_urlenc, rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_web_id_label_table(void **state)
{
    static const struct row rows[] = {
        {"domestic-abuse", "Domestic abuse"},
        {"neglect", "Neglect"},
        {"7-minute-briefing", "7 minute briefing"},
        {"1-4", "1\xe2\x80\x93" "4"},
        {"under-1", "Under 1"},
        {"-leading", "-leading"},
        {"trailing-", "Trailing-"},
        {"double--dash", "Double--dash"},
        {"caf\xc3\xa9-au-lait", "Caf\xc3\xa9-au lait"},
        {"<b>", "&lt;b&gt;"},
        {"", ""},
    };

    (void)state;
    check_rows("web_id_label", web_id_label, rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_web_date_table(void **state)
{
    static const struct row rows[] = {
        {"2019-05-15", "15 May 2019"},
        {"2022-11-01", "1 November 2022"},
        {"2019-05", "May 2019"},
        {"2019", "2019"},
        {"2019-13", "2019-13"},
        {"2019-00-10", "2019-00-10"},
        {"<x>", "&lt;x&gt;"},
        {"", ""},
    };

    (void)state;
    check_rows("web_date", web_date, rows, sizeof(rows) / sizeof(rows[0]));
}

/* A request holding the parameters of a query string ("a=1&b=2"; no decoding). */
static void fake_req(struct web_req *r, const char *qs)
{
    char *copy = xstrdup(qs), *save = NULL;

    memset(r, 0, sizeof(*r));
    for (char *kv = strtok_r(copy, "&", &save); kv && r->nparams < WEB_MAX_PARAMS;
         kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        r->params[r->nparams].key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
        r->params[r->nparams].val = xstrdup(eq ? eq + 1 : "");
        r->nparams++;
    }
    free(copy);
}

static void fake_release(struct web_req *r)
{
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->params[i].key);
        free(r->params[i].val);
    }
}

static void test_web_search_parse_table(void **state)
{
    static const struct {
        const char *qs;
        int ok;
        const char *href; /* the state written back, as web_search_href makes it */
    } rows[] = {
        {"", 1, "/search"},
        {"q=neglect", 1, "/search?q=neglect"},
        {"q=neglect&theme=domestic-abuse&from=2019", 1,
         "/search?q=neglect&amp;theme=domestic-abuse&amp;from=2019"},
        {"theme=a&theme=b&theme=a&topic=c", 1, "/search?theme=a&amp;theme=b&amp;topic=c"},
        {"nation=wales&type=cpr&kind=full-report&partnership=x", 1,
         "/search?partnership=x&amp;nation=wales&amp;type=cpr&amp;kind=full-report"},
        {"from=2019-06&to=2021-03-31&sort=-date&page=3", 1,
         "/search?from=2019-06&amp;to=2021-03-31&amp;sort=-date&amp;page=3"},
        {"sort=relevance&page=1", 1, "/search"},
        {"unknown=1&utm_source=x&q=a", 1, "/search?q=a"},
        {"theme=", 1, "/search"},
        {"from=", 1, "/search"},
        {"from=19", 0, NULL},
        {"from=2019-1", 0, NULL},
        {"from=2019-13", 0, NULL},
        {"to=2019-02-32", 0, NULL},
        {"to=1800", 0, NULL},
        {"to=20x9", 0, NULL},
        {"page=0", 0, NULL},
        {"page=-1", 0, NULL},
        {"page=501", 0, NULL},
        {"page=1e3", 0, NULL},
        {"page=99999999999999999999", 0, NULL},
        {"sort=up", 0, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct web_req r;
        struct web_search s;
        struct web_edit e = WEB_EDIT_NONE;
        struct buf b = BUF_INIT;
        int rc;

        fake_req(&r, rows[i].qs);
        rc = web_search_parse(&r, &s, NULL);
        if ((rc == 0) != rows[i].ok) {
            print_error("web_search_parse(\"%s\") = %d\n", rows[i].qs, rc);
            fail();
        }
        if (rows[i].href) {
            web_search_href(&b, "/search", &s, &e);
            if (strcmp(buf_str(&b), rows[i].href) != 0) {
                print_error("href(\"%s\") = \"%s\", wanted \"%s\"\n", rows[i].qs, buf_str(&b),
                            rows[i].href);
                fail();
            }
        }
        buf_release(&b);
        fake_release(&r);
    }
}

static void test_web_search_href_edits(void **state)
{
    struct web_req r;
    struct web_search s;
    struct buf b = BUF_INIT;
    struct web_edit add = WEB_EDIT_NONE, drop = WEB_EDIT_NONE, next = WEB_EDIT_NONE;
    struct web_edit newq = WEB_EDIT_NONE;

    (void)state;
    fake_req(&r, "q=neglect&theme=neglect&page=2&from=2019");
    assert_int_equal(web_search_parse(&r, &s, NULL), 0);
    add.field = WEB_F_NATION;
    add.value = "wales";
    add.keep_page = 0;
    web_search_href(&b, "/search", &s, &add);
    assert_string_equal(buf_str(&b), "/search?q=neglect&amp;theme=neglect&amp;nation=wales&amp;"
                                     "from=2019");
    buf_reset(&b);
    drop.field = WEB_F_THEME;
    drop.value = "neglect";
    drop.remove = 1;
    web_search_href(&b, "/search", &s, &drop);
    assert_string_equal(buf_str(&b), "/search?q=neglect&amp;from=2019&amp;page=2");
    buf_reset(&b);
    next.keep_page = 0;
    next.page = 3;
    next.drop_dates = 1;
    web_search_href(&b, "/search", &s, &next);
    assert_string_equal(buf_str(&b), "/search?q=neglect&amp;theme=neglect&amp;page=3");
    buf_reset(&b);
    newq.q = "\"a&b\" <x>";
    newq.keep_page = 0;
    web_search_href(&b, "/search", &s, &newq);
    assert_string_equal(buf_str(&b), "/search?q=%22a%26b%22+%3Cx%3E&amp;theme=neglect&amp;"
                                     "from=2019");
    buf_release(&b);
    fake_release(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_esc_table),
        cmocka_unit_test(test_web_snippet_table),
        cmocka_unit_test(test_web_urlenc_table),
        cmocka_unit_test(test_web_id_label_table),
        cmocka_unit_test(test_web_date_table),
        cmocka_unit_test(test_web_search_parse_table),
        cmocka_unit_test(test_web_search_href_edits),
    };

    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
