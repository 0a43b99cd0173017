/*
 * The search commands end to end, through the casereview program, on the
 * generated fixture repository (tests/search/fixture.h) with the shipped
 * taxonomy: every output format parsed back (JSON with jansson, CSV with a
 * small RFC 4180 reader, RIS tag by tag), facet, compare and stats counts
 * against the catalogue's, the export pack against the store, saved
 * searches and news, exit statuses and messages.
 */

#include "tests/helpers.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/result.h"
#include "tests/search/fixture.h"

static struct fx_repo repo;

static int group_setup(void **state)
{
    (void)state;
    fx_repo_build(&repo);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    fx_repo_free(&repo);
    return 0;
}

static struct th_result run(int want, const char *const *env, ...)
{
    const char *argv[40];
    struct th_result r;
    size_t n = 0;
    va_list ap;

    va_start(ap, env);
    while (n < 39 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    r = th_runv(repo.home, env, argv);
    if (r.status != want) {
        print_error("'%s %s' exited %d (wanted %d)\nstdout: %s\nstderr: %s\n", argv[0],
                    n > 1 ? argv[1] : "", r.status, want, r.out, r.err);
        fail();
    }
    return r;
}

/* One integer from the fixture's catalogue. */
static long sql_long(const char *sql)
{
    char *path = xasprintf("%s/catalog.sqlite", repo.home);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", sql, sqlite3_errmsg(db));
        fail();
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return v;
}

/* JSON lines into an array (each line must parse). */
static json_t *json_lines(const char *out)
{
    json_t *arr = json_array();
    const char *p = out;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_error_t e;
        json_t *o = json_loadb(p, len, 0, &e);
        if (!o) {
            print_error("bad JSON line '%.*s': %s\n", (int)len, p, e.text);
            fail();
        }
        json_array_append_new(arr, o);
        p += len + (nl ? 1 : 0);
    }
    return arr;
}

static void test_cli_json_records_have_the_issue_fields(void **state)
{
    struct th_result r = run(0, NULL, "search", "--format", "json", "--limit", "100", NULL);
    json_t *arr = json_lines(r.out), *o;
    size_t i;

    (void)state;
    assert_int_equal(json_array_size(arr), FX_REPORTS);
    json_array_foreach(arr, i, o) {
        const char *key;
        json_t *v;
        size_t k = 0;
        json_object_foreach(o, key, v) {
            assert_true(k < RESULT_NFIELDS);
            assert_string_equal(key, result_fields[k]);
            k++;
        }
        assert_int_equal(k, RESULT_NFIELDS);
        assert_true(json_is_integer(json_object_get(o, "id")));
        assert_int_equal(strlen(json_string_value(json_object_get(o, "sha256"))), 64);
        assert_true(json_is_array(json_object_get(o, "themes")));
        assert_true(json_is_boolean(json_object_get(o, "online")));
    }
    json_decref(arr);
    th_result_release(&r);
}

/* A small RFC 4180 reader: rows of fields; CRLF or LF ends a row outside quotes. */
static size_t csv_parse(const char *s, char ***cells, size_t *ncols)
{
    struct buf f = BUF_INIT;
    size_t rows = 0, n = 0, alloc = 0, cols = 0;
    int q = 0;
    char **out = NULL;

    *ncols = 0;
    for (const char *p = s;; p++) {
        int end_field = 0, end_row = 0;
        if (q) {
            if (*p == '"' && p[1] == '"') {
                buf_addch(&f, '"');
                p++;
            } else if (*p == '"') {
                q = 0;
            } else {
                assert_true(*p != '\0'); /* an unclosed quote */
                buf_addch(&f, *p);
            }
            continue;
        }
        if (*p == '"')
            q = 1;
        else if (*p == ',')
            end_field = 1;
        else if (*p == '\r' && p[1] == '\n')
            continue;
        else if (*p == '\n' || !*p)
            end_field = end_row = 1;
        else
            buf_addch(&f, *p);
        if (end_field && !(!*p && !f.len && !cols)) {
            out = xgrow(out, sizeof(*out), n + 1, &alloc);
            out[n++] = xstrdup(buf_str(&f));
            buf_reset(&f);
            cols++;
        }
        if (end_row && cols) {
            if (!*ncols)
                *ncols = cols;
            assert_int_equal(cols, *ncols);
            rows++;
            cols = 0;
        }
        if (!*p)
            break;
    }
    buf_release(&f);
    *cells = out;
    return rows;
}

static void test_cli_csv_reads_back(void **state)
{
    struct th_result j = run(0, NULL, "search", "--format", "json", "--limit", "100",
                             "safeguarding", NULL);
    struct th_result r = run(0, NULL, "search", "--format", "csv", "--limit", "100",
                             "safeguarding", NULL);
    json_t *arr = json_lines(j.out);
    char **cells;
    size_t ncols, rows = csv_parse(r.out, &cells, &ncols);

    (void)state;
    assert_int_equal(ncols, RESULT_NFIELDS);
    assert_int_equal(rows, json_array_size(arr) + 1);
    for (size_t k = 0; k < ncols; k++)
        assert_string_equal(cells[k], result_fields[k]);
    for (size_t row = 1; row < rows; row++) {
        json_t *o = json_array_get(arr, row - 1);
        for (size_t k = 0; k < ncols; k++) {
            char *want = result_text(o, result_fields[k], "; ");
            assert_string_equal(cells[row * ncols + k], want);
            free(want);
        }
    }
    th_assert_contains(r.out, "\r\n");
    for (size_t k = 0; k < rows * ncols; k++)
        free(cells[k]);
    free(cells);
    json_decref(arr);
    th_result_release(&j);
    th_result_release(&r);
}

static void test_cli_ris_fields(void **state)
{
    struct th_result j = run(0, NULL, "search", "--format", "json", "theme:sudi", NULL);
    struct th_result r = run(0, NULL, "search", "--format", "ris", "theme:sudi", NULL);
    json_t *arr = json_lines(j.out);
    size_t records = 0, kws = 0;
    char *copy = xstrdup(r.out), *save = NULL;

    (void)state;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(line);
        assert_true(len >= 6 && line[len - 1] == '\r'); /* CRLF line ends */
        assert_true(line[0] >= 'A' && line[0] <= 'Z' && !memcmp(line + 2, "  - ", 4));
        if (!strncmp(line, "TY  - ", 6)) {
            assert_string_equal(line + 6, "RPRT\r");
            records++;
        } else if (!strncmp(line, "TI  - ", 6)) {
            json_t *o = json_array_get(arr, records - 1);
            const char *t = json_string_value(json_object_get(o, "title"));
            assert_int_equal(strncmp(line + 6, t, strlen(t)), 0);
        } else if (!strncmp(line, "DA  - ", 6)) {
            assert_true(line[10] == '/'); /* YYYY/MM/DD/ */
        } else if (!strncmp(line, "KW  - ", 6)) {
            kws++;
        }
    }
    assert_int_equal(records, json_array_size(arr));
    assert_true(records > 0);
    th_assert_contains(r.out, "KW  - Sudden unexpected death in infancy\r\n");
    th_assert_contains(r.out, "PB  - Northshire Safeguarding Children Partnership\r\n");
    th_assert_contains(r.out, "ER  - \r\n");
    assert_true(kws >= records);
    free(copy);
    json_decref(arr);
    th_result_release(&j);
    th_result_release(&r);
}

static void test_cli_text_fits_width_without_colour(void **state)
{
    static const char *const env[] = {"COLUMNS=60", NULL};
    struct th_result r = run(0, env, "search", "--limit", "30", "--pages", "safeguarding", NULL);
    struct th_result md = run(0, NULL, "search", "--format", "md", "neglect", NULL);
    const char *p = r.out;

    (void)state;
    th_assert_not_contains(r.out, "\033");
    th_assert_contains(r.out, "p.1 ");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p), cols = 0;
        for (size_t i = 0; i < len; i++)
            cols += ((unsigned char)p[i] & 0xC0) != 0x80;
        if (cols > 60) {
            print_error("line wider than 60: '%.*s'\n", (int)len, p);
            fail();
        }
        p += len + (nl ? 1 : 0);
    }
    th_assert_contains(md.out, "# Reading list");
    th_assert_contains(md.out, "1. **");
    th_assert_contains(md.out, "**neglect**");
    th_result_release(&r);
    th_result_release(&md);
}

static void test_cli_facets_json_match_catalogue(void **state)
{
    struct th_result r = run(0, NULL, "search", "--facets", "--format", "json", "--limit", "1",
                             NULL);
    json_t *arr = json_lines(r.out), *facets, *last;
    const char *key;
    json_t *v;

    (void)state;
    last = json_array_get(arr, json_array_size(arr) - 1);
    facets = json_object_get(last, "facets");
    assert_non_null(facets);
    assert_int_equal(json_integer_value(json_object_get(last, "total")), FX_REPORTS);
    json_object_foreach(json_object_get(facets, "theme"), key, v) {
        char *sql = xasprintf("SELECT count(DISTINCT report_id) FROM fixture_meta WHERE "
                              "field = 'theme' AND value = '%s'", key);
        assert_int_equal(json_integer_value(v), sql_long(sql));
        free(sql);
    }
    json_object_foreach(json_object_get(facets, "year"), key, v) {
        char *sql = xasprintf("SELECT count(DISTINCT report_id) FROM fixture_meta WHERE "
                              "field = 'published' AND value LIKE '%s%%'", key);
        assert_int_equal(json_integer_value(v), sql_long(sql));
        free(sql);
    }
    json_decref(arr);
    th_result_release(&r);
}

static void test_cli_names_errors_and_statuses(void **state)
{
    struct th_result a = run(0, NULL, "search", "--format", "json", "--limit", "100", "--theme",
                             "domestic violence", NULL);
    struct th_result b = run(0, NULL, "search", "--format", "json", "--limit", "100", "--theme",
                             "domestic-abuse", NULL);
    struct th_result r;

    (void)state;
    assert_string_equal(a.out, b.out);
    th_result_release(&a);
    th_result_release(&b);
    r = run(2, NULL, "search", "--theme", "domestc abuse", NULL);
    th_assert_contains(r.err, "unknown theme 'domestc abuse'; closest known: domestic-abuse");
    th_result_release(&r);
    r = run(2, NULL, "search", "--partnership", "northshir", NULL);
    th_assert_contains(r.err, "closest known: northshire");
    th_result_release(&r);
    r = run(2, NULL, "search", "them:neglect", NULL);
    th_assert_contains(r.err, "unknown field 'them:'");
    th_result_release(&r);
    r = run(1, NULL, "search", "safegaurding", NULL);
    th_assert_contains(r.out, "did you mean: safeguarding");
    th_result_release(&r);
    r = run(2, NULL, "search", "--sort", "sideways", NULL);
    th_result_release(&r);
    r = run(2, NULL, "search", "--facets", "--format", "csv", NULL);
    th_result_release(&r);
}

static void test_cli_compare_matches_catalogue(void **state)
{
    struct th_result r = run(0, NULL, "compare", "--rows", "partnership", "--cols", "theme",
                             "--format", "json", NULL);
    struct th_result t = run(0, NULL, "compare", "--rows", "nation", "--cols", "topic",
                             "--share", NULL);
    json_t *doc = json_loads(r.out, 0, NULL), *row;
    size_t i;

    (void)state;
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "reports")), FX_REPORTS);
    json_array_foreach(json_object_get(doc, "matrix"), i, row) {
        const char *p = json_string_value(json_object_get(row, "id")), *theme;
        json_t *n;
        char *sql = xasprintf("SELECT count(*) FROM fixture_meta WHERE field = 'partnership' "
                              "AND value = '%s'", p);
        assert_int_equal(json_integer_value(json_object_get(row, "reports")), sql_long(sql));
        free(sql);
        json_object_foreach(json_object_get(row, "cells"), theme, n) {
            sql = xasprintf("SELECT count(*) FROM fixture_meta a JOIN fixture_meta b "
                            "USING (report_id) WHERE a.field = 'partnership' AND a.value = '%s' "
                            "AND b.field = 'theme' AND b.value = '%s'", p, theme);
            assert_int_equal(json_integer_value(n), sql_long(sql));
            free(sql);
        }
    }
    th_assert_contains(t.out, "England");
    th_assert_contains(t.out, "percentages");
    json_decref(doc);
    th_result_release(&r);
    th_result_release(&t);
}

static void test_cli_stats(void **state)
{
    struct th_result r = run(0, NULL, "stats", "--format", "json", NULL);
    struct th_result t = run(0, NULL, "stats", NULL);
    json_t *doc = json_loads(r.out, 0, NULL);

    (void)state;
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "reports")), FX_REPORTS);
    assert_int_equal(json_integer_value(json_object_get(doc, "pages")),
                     sql_long("SELECT sum(pages) FROM reports"));
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(json_object_get(doc, "by"), "nation"),
                                         "wales"), "reports")),
                     sql_long("SELECT count(*) FROM fixture_meta WHERE field = 'nation' AND "
                              "value = 'wales'"));
    th_assert_contains(t.out, "by nation ");
    th_assert_contains(t.out, "last crawl: never");
    json_decref(doc);
    th_result_release(&r);
    th_result_release(&t);
}

/* Runs one statement on the fixture's catalogue. */
static void sql_exec(const char *sql)
{
    char *path = xasprintf("%s/catalog.sqlite", repo.home);
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", sql, sqlite3_errmsg(db));
        fail();
    }
    sqlite3_close(db);
    free(path);
}

static void test_cli_export_pack_is_exact_and_intact(void **state)
{
    char *out = xasprintf("%s/pack", repo.dir), *ls = xasprintf("%s/ls.txt", repo.dir);
    struct th_result j = run(0, NULL, "search", "--format", "json", "--limit", "100", "--theme",
                             "sudi", NULL);
    struct th_result r;
    json_t *arr = json_lines(j.out), *o;
    char *listing, *index, *index_path = xasprintf("%s/index.md", out), *html;
    char *html_path = xasprintf("%s/index.html", out), *ins;
    size_t i, files = 0;

    (void)state;
    ins = xasprintf("INSERT INTO meta_items VALUES (%ld, 1, 'recommendation', 3, '1', "
                    "'Partners should give safer <sleep> advice at every contact')",
                    sql_long("SELECT min(report_id) FROM fixture_meta WHERE field = 'theme' "
                             "AND value = 'sudi'"));
    sql_exec(ins);
    free(ins);
    r = run(0, NULL, "export", "--theme", "sudi", "--out", out, NULL);
    assert_int_equal(th_sh("ls '%s' > '%s'", out, ls), 0);
    listing = th_read(ls, NULL);
    for (char *p = listing; *p; p++)
        files += *p == '\n';
    assert_int_equal(files, json_array_size(arr) + 3); /* the reports and three indexes */
    index = th_read(index_path, NULL);
    json_array_foreach(arr, i, o) {
        char *cmd = xasprintf("%s/sums.txt", repo.dir);
        const char *sha = json_string_value(json_object_get(o, "sha256"));
        char *sums;
        /* each report is there once, under a name that starts with its date */
        assert_int_equal(th_sh("cd '%s' && sha256sum -- *.pdf > '%s'", out, cmd), 0);
        sums = th_read(cmd, NULL);
        th_assert_contains(sums, sha);
        assert_null(strstr(strstr(sums, sha) + 64, sha));
        th_assert_contains(index, json_string_value(json_object_get(o, "title")));
        free(sums);
        free(cmd);
    }
    th_assert_contains(index, "   - Recommendations:\n     1. Partners should give safer \\<sleep\\> "
                              "advice at every contact (page 3)\n");
    html = th_read(html_path, NULL);
    th_assert_contains(html, "<li>Partners should give safer &lt;sleep&gt; advice at every "
                             "contact (page 3)</li>");
    free(html);
    free(html_path);
    th_assert_contains(listing, "citations.ris");
    th_assert_contains(listing, "index.html");
    th_assert_contains(listing, " - Child ");
    th_assert_contains(r.out, "exported");
    th_result_release(&r);
    r = run(2, NULL, "export", "--theme", "sudi", "--out", out, NULL); /* not empty */
    th_assert_contains(r.err, "is not empty");
    th_result_release(&r);
    th_result_release(&j);
    json_decref(arr);
    free(listing);
    free(index);
    free(index_path);
    free(out);
    free(ls);
}

static void test_cli_show_page_and_open(void **state)
{
    char *script = xasprintf("%s/viewer.sh", repo.dir), *log = xasprintf("%s/viewer.log", repo.dir);
    char *body = xasprintf("#!/bin/sh\necho \"$@\" > '%s.tmp' && mv '%s.tmp' '%s'\n", log, log,
                           log);
    char *viewer = xasprintf("CASEREVIEW_VIEWER=%s --page=%%p %%f", script);
    const char *env[] = {viewer, NULL};
    struct th_result r;
    char *seen = NULL;

    (void)state;
    /* report 8 (index 7) says "bruising" on its last page, 4 */
    r = run(0, NULL, "show", "--page", "4", "8", NULL);
    th_assert_contains(r.out, "The infant had bruising that was not explained.");
    th_assert_not_contains(r.out, "fictional report"); /* that is page 1 */
    th_result_release(&r);
    r = run(1, NULL, "show", "--page", "9", "8", NULL);
    th_assert_contains(r.err, "has 4 pages, not 9");
    th_result_release(&r);
    r = run(2, NULL, "show", "--page", "x", "8", NULL);
    th_result_release(&r);
    th_write(script, body, strlen(body));
    assert_int_equal(chmod(script, 0755), 0);
    r = run(0, env, "show", "--open", "--page", "3", "8", NULL);
    th_assert_contains(r.out, "at page 3");
    th_result_release(&r);
    for (int i = 0; i < 100 && !seen; i++) { /* the viewer runs detached */
        seen = th_read(log, NULL);
        if (!seen)
            usleep(20000);
    }
    assert_non_null(seen);
    th_assert_contains(seen, "--page=3 ");
    th_assert_contains(seen, fx_sha(7));
    free(seen);
    free(viewer);
    free(body);
    free(script);
    free(log);
}

/* Last: it adds a report to the shared repository. */
static void test_cli_saved_and_news(void **state)
{
    static const char *const t1[] = {"CASEREVIEW_NOW=1700000100", NULL};
    static const char *const t2[] = {"CASEREVIEW_NOW=1700000300", NULL};
    struct th_result r;

    (void)state;
    r = run(0, t1, "search", "--save", "babies", "--theme", "SUDI", "--from", "2017", NULL);
    th_assert_contains(r.err, "saved the search as 'babies'");
    th_result_release(&r);
    r = run(0, NULL, "saved", NULL);
    th_assert_contains(r.out, "babies\n   casereview search --theme SUDI --from 2017");
    th_result_release(&r);
    r = run(1, t2, "news", NULL);
    th_assert_contains(r.out, "babies: 0 new reports");
    th_result_release(&r);
    /* report 24 has the sudi theme; it arrives after the last news */
    fx_repo_add(&repo, 24, 1700000400L);
    r = run(0, NULL, "news", "--peek", "--format", "json", NULL);
    th_assert_contains(r.out, "\"id\":25");
    th_assert_contains(r.out, "\"saved_search\":\"babies\"");
    th_result_release(&r);
    r = run(0, NULL, "news", NULL);
    th_assert_contains(r.out, "babies: 1 new report since");
    th_result_release(&r);
    r = run(1, NULL, "news", "babies", NULL);
    th_result_release(&r);
    r = run(3, NULL, "news", "nothing-of-that-name", NULL);
    th_result_release(&r);
    r = run(0, NULL, "saved", "--remove", "babies", NULL);
    th_result_release(&r);
    r = run(1, NULL, "saved", NULL);
    th_result_release(&r);
}

#define T(name) cmocka_unit_test(name)
static const struct CMUnitTest tests[] = {
    T(test_cli_json_records_have_the_issue_fields),
    T(test_cli_csv_reads_back),
    T(test_cli_ris_fields),
    T(test_cli_text_fits_width_without_colour),
    T(test_cli_facets_json_match_catalogue),
    T(test_cli_names_errors_and_statuses),
    T(test_cli_compare_matches_catalogue),
    T(test_cli_stats),
    T(test_cli_export_pack_is_exact_and_intact),
    T(test_cli_show_page_and_open),
    T(test_cli_saved_and_news),
};

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
