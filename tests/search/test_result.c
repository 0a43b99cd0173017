/*
 * Tests of search/result.c and search/snippet.c: CSV quoting, RIS records,
 * readable file names and snippet rendering, as tables of {input, expected}
 * with hostile rows.
 */

#include "tests/helpers.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "search/result.h"
#include "search/snippet.h"

static void test_result_csv_field_table(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\rhere", "\"cr\rhere\""},
        {"\"", "\"\"\"\""},
        {"Northshire Safeguarding Children Partnership", "Northshire Safeguarding Children Partnership"},
        {"=SUM(A1)", "=SUM(A1)"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct buf b = BUF_INIT;
        result_csv_field(&b, rows[i].in);
        assert_string_equal(buf_str(&b), rows[i].out);
        buf_release(&b);
    }
}

static void test_result_ris_record(void **state)
{
    json_t *rec = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:[s,s],s:[],s:s,s:s}", "id", 7,
                            "sha256", "ab", "title", "Child T:\nreview", "partnership",
                            "Northshire Safeguarding Children Partnership", "review_type", "scr",
                            "document_kind", "full-report", "published", "2019-05", "themes",
                            "neglect", "domestic-abuse", "topics", "child", "Child T",
                            "fetched", "2024-03-01T10:00:00Z");
    struct filter_vocab *v = filter_vocab_new();
    struct buf b = BUF_INIT;

    (void)state;
    filter_vocab_add(v, FILTER_THEME, "neglect", "Neglect", NULL);
    filter_vocab_add(v, FILTER_TYPE, "scr", "Serious case review", NULL);
    result_ris(&b, rec, v, "2019-05 Northshire - Child T.pdf");
    assert_string_equal(buf_str(&b),
                        "TY  - RPRT\r\n"
                        "TI  - Child T: review\r\n"
                        "AU  - Northshire Safeguarding Children Partnership\r\n"
                        "PB  - Northshire Safeguarding Children Partnership\r\n"
                        "PY  - 2019\r\n"
                        "DA  - 2019/05//\r\n"
                        "M3  - Serious case review: full-report\r\n"
                        "KW  - Neglect\r\n"
                        "KW  - domestic-abuse\r\n"
                        "Y2  - 2024/03/01/\r\n"
                        "N1  - casereview report 7, sha256 ab; child: Child T\r\n"
                        "L1  - 2019-05 Northshire - Child T.pdf\r\n"
                        "ER  - \r\n");
    buf_release(&b);
    filter_vocab_free(v);
    json_decref(rec);
}

static void test_result_file_name_table(void **state)
{
    static const struct {
        const char *json, *name;
    } rows[] = {
        {"{\"published\":\"2022-05-01\",\"partnership\":\"Manchester Safeguarding Partnership\","
         "\"child\":\"Jacob\",\"review_type\":\"scr\",\"document_kind\":\"full-report\"}",
         "2022-05 Manchester - Jacob - SCR full report.pdf"},
        {"{\"published\":\"2019\",\"review_type\":\"cpr\",\"format\":\"docx\"}",
         "2019 - cpr.docx"},
        {"{}", "undated.pdf"},
        {"{\"published\":\"2020-01\",\"partnership\":\"../../etc/passwd\","
         "\"child\":\"a/b\\\\c:d*e?f\\\"g<h>i|j\\u0001k\"}",
         "2020-01 .. .. etc passwd - a b c d e f g h i j k.pdf"},
    };
    struct filter_vocab *v = filter_vocab_new();

    (void)state;
    filter_vocab_add(v, FILTER_TYPE, "scr", "Serious case review", NULL);
    filter_vocab_add(v, FILTER_KIND, "full-report", "Full report", NULL);
    filter_vocab_add_abbrev(v, "SCR", "serious case review");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *rec = json_loads(rows[i].json, 0, NULL);
        char *name;
        assert_non_null(rec);
        name = result_file_name(rec, v);
        assert_string_equal(name, rows[i].name);
        assert_null(strchr(name, '/'));
        free(name);
        json_decref(rec);
    }
    filter_vocab_free(v);
}

static void test_result_snippet_styles(void **state)
{
    static const char s[] = "a \x02" "b&c\x03 <d>\nnext\x01";
    static const struct {
        enum snippet_style style;
        const char *out;
    } rows[] = {
        {SNIPPET_PLAIN, "a b&c <d> next"},
        {SNIPPET_STARS, "a **b&c** <d> next"},
        {SNIPPET_ANSI, "a \033[1mb&c\033[0m <d> next"},
        {SNIPPET_HTML, "a <mark>b&amp;c</mark> &lt;d&gt; next"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *r = snippet_render(s, rows[i].style);
        assert_string_equal(r, rows[i].out);
        free(r);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_result_csv_field_table),
    cmocka_unit_test(test_result_ris_record),
    cmocka_unit_test(test_result_file_name_table),
    cmocka_unit_test(test_result_snippet_styles),
};

TH_MAIN(tests)
