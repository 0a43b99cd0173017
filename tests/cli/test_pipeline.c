/*
 * End-to-end tests of the core pipeline through the casereview program:
 * add, index, search, remove, doctor, on generated fixture PDFs with known
 * text on known pages, and on bad inputs.
 */

#include "tests/helpers.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ixschema.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "lib/xdb.h"

struct fx {
    char *dir;
    char *home;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->dir = th_tmpdir();
    f->home = xasprintf("%s/home", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    th_rm_rf(f->dir);
    free(f->dir);
    free(f->home);
    free(f);
    return 0;
}

/* Runs a command and asserts its exit status, printing its output when wrong. */
static struct th_result run_ok(struct fx *f, int want, const char *const *env, ...)
{
    const char *argv[32];
    struct th_result r;
    size_t n = 0;
    va_list ap;

    va_start(ap, env);
    while (n < 31 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    r = th_runv(f->home, env, argv);
    if (r.status != want) {
        print_error("'%s' exited %d (wanted %d)\nstdout: %s\nstderr: %s\n", argv[0], r.status,
                    want, r.out, r.err);
        fail();
    }
    return r;
}

/* A single value from the catalogue, as text ("" when no row). New string. */
static char *sql(struct fx *f, const char *query)
{
    char *path = xasprintf("%s/catalog.sqlite", f->home), *out = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", query, sqlite3_errmsg(db));
        fail();
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return out ? out : xstrdup("");
}

static void add_fixtures(struct fx *f, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        char *p = th_fixture(names[i]);
        struct th_result r = run_ok(f, 0, NULL, "add", p, NULL);
        th_result_release(&r);
        free(p);
    }
}

static void add_and_index_abc(struct fx *f)
{
    static const char *const abc[] = {"report-a.pdf", "report-b.pdf", "report-c.pdf", NULL};
    struct th_result r;

    add_fixtures(f, abc);
    r = run_ok(f, 0, NULL, "index", "-j", "2", NULL);
    th_assert_contains(r.out, "indexed 3 reports");
    th_result_release(&r);
}

static void test_pipeline_search_lands_on_report_and_page(void **state)
{
    struct fx *f = *state;
    struct th_result r;

    add_and_index_abc(f);
    r = run_ok(f, 0, NULL, "search", "--json", "\"disguised compliance\"", NULL);
    th_assert_contains(r.out, "\"title\":\"Serious Case Review: Child T\"");
    th_assert_contains(r.out, "\"best_page\":3");
    th_assert_contains(r.out, "**disguised compliance**");
    th_assert_not_contains(r.out, "Baby R");
    th_result_release(&r);

    r = run_ok(f, 0, NULL, "search", "--json", "\"domestic abuse\" AND police", NULL);
    th_assert_contains(r.out, "Child Practice Review: Baby R");
    th_assert_contains(r.out, "\"best_page\":2");
    th_assert_not_contains(r.out, "Child T");
    th_result_release(&r);

    r = run_ok(f, 0, NULL, "search", "title:jacob", NULL);
    th_assert_contains(r.out, "1 report matches");
    th_assert_contains(r.out, "Jacob: 7 minute briefing");
    th_result_release(&r);
}

static void test_pipeline_stemming_and_boolean(void **state)
{
    struct fx *f = *state;
    struct th_result r;

    add_and_index_abc(f);
    /* "neglect" also finds "neglected" (report c) */
    r = run_ok(f, 0, NULL, "search", "--json", "neglect", NULL);
    th_assert_contains(r.out, "Child T");
    th_assert_contains(r.out, "Jacob");
    th_assert_not_contains(r.out, "Baby R");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "search", "--json", "neglected", NULL);
    th_assert_contains(r.out, "Child T");
    th_assert_contains(r.out, "Jacob");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "search", "--json", "neglect NOT (county OR lines)", NULL);
    th_assert_contains(r.out, "Child T");
    th_assert_not_contains(r.out, "Jacob");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "search", "--json", "escalation OR exploitation", NULL);
    th_assert_contains(r.out, "Baby R");
    th_assert_contains(r.out, "Jacob");
    th_result_release(&r);
}

static void test_pipeline_no_result_and_bad_query(void **state)
{
    struct fx *f = *state;
    struct th_result r;

    add_and_index_abc(f);
    r = run_ok(f, 1, NULL, "search", "xylophone", NULL);
    th_assert_contains(r.out, "no reports match 'xylophone'");
    th_result_release(&r);
    r = run_ok(f, 2, NULL, "search", "(neglect OR bruising", NULL);
    th_assert_contains(r.err, "'(' at character 1 is never closed");
    th_result_release(&r);
    r = run_ok(f, 1, NULL, "search", "negleckt", NULL);
    th_assert_contains(r.out, "did you mean: neglect");
    th_result_release(&r);
}

static void test_pipeline_duplicate_add_is_one_report(void **state)
{
    struct fx *f = *state;
    char *a = th_fixture("report-a.pdf"), *copy = xasprintf("%s/another name.pdf", f->dir);
    struct th_result r;
    char *n;

    th_copy(a, copy);
    r = run_ok(f, 0, NULL, "add", a, NULL);
    th_assert_contains(r.out, "1 new, 0 already present, 0 refused");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "add", copy, NULL);
    th_assert_contains(r.out, "0 new, 1 already present, 0 refused");
    th_result_release(&r);
    n = sql(f, "SELECT count(*) FROM reports");
    assert_string_equal(n, "1");
    free(n);
    n = sql(f, "SELECT count(*) FROM report_names");
    assert_string_equal(n, "2");
    free(n);
    free(a);
    free(copy);
}

static void test_pipeline_add_folder_recursively(void **state)
{
    struct fx *f = *state;
    char *src = xasprintf("%s/in/sub/deeper", f->dir), *in = xasprintf("%s/in", f->dir);
    char *a = th_fixture("report-a.pdf"), *b = th_fixture("report-b.pdf");
    struct th_result r;

    assert_int_equal(th_sh("mkdir -p '%s' && cp '%s' '%s/in/' && cp '%s' '%s/' && "
                           "echo hello > '%s/notes.txt'",
                           src, a, f->dir, b, src, src),
                     0);
    r = run_ok(f, 0, NULL, "add", in, NULL);
    th_assert_contains(r.out, "2 new, 0 already present, 1 refused");
    th_assert_contains(r.err, "notes.txt': not a PDF (it looks like a text file)");
    th_result_release(&r);
    free(src), free(in), free(a), free(b);
}

static void test_pipeline_reindex_is_noop(void **state)
{
    struct fx *f = *state;
    struct th_result r;
    char *before, *after;

    add_and_index_abc(f);
    before = sql(f, "SELECT group_concat(indexed_at) FROM reports");
    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.out, "nothing to index: the index is up to date");
    th_result_release(&r);
    after = sql(f, "SELECT group_concat(indexed_at) FROM reports");
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_pipeline_removed_report_leaves_index(void **state)
{
    struct fx *f = *state;
    struct th_result r;

    add_and_index_abc(f);
    r = run_ok(f, 0, NULL, "remove", "3", NULL);
    th_assert_contains(r.out, "removed #3");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.out, "removed 1 from the index");
    th_result_release(&r);
    r = run_ok(f, 1, NULL, "search", "county", NULL);
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "doctor", NULL);
    th_assert_contains(r.out, "no problems found: 2 reports");
    th_result_release(&r);
}

static void test_pipeline_rebuild_gives_same_results(void **state)
{
    static const char *const queries[] = {"neglect", "\"professional curiosity\"", "title:review",
                                          "health OR police", NULL};
    struct fx *f = *state;
    struct th_result r;
    char *before[8];

    add_and_index_abc(f);
    for (size_t i = 0; queries[i]; i++) {
        r = run_ok(f, 0, NULL, "search", "--json", queries[i], NULL);
        before[i] = xstrdup(r.out);
        th_result_release(&r);
    }
    r = run_ok(f, 0, NULL, "index", "--rebuild", NULL);
    th_assert_contains(r.out, "rebuilt the index: 3 reports");
    th_result_release(&r);
    for (size_t i = 0; queries[i]; i++) {
        r = run_ok(f, 0, NULL, "search", "--json", queries[i], NULL);
        assert_string_equal(before[i], r.out);
        th_result_release(&r);
        free(before[i]);
    }
    /* the index deleted by hand is rebuilt by a plain index run */
    assert_int_equal(th_sh("rm -rf '%s/index'", f->home), 0);
    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.err, "the index is missing or was replaced");
    th_assert_contains(r.out, "indexed 3 reports");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "doctor", NULL);
    th_result_release(&r);
}

/* Writes the first half of report-a.pdf to path. */
static void truncated_pdf(const char *path)
{
    char *a = th_fixture("report-a.pdf");
    size_t len;
    char *data = th_read(a, &len);

    assert_non_null(data);
    th_write(path, data, len / 2);
    free(data);
    free(a);
}

static char *state_of(struct fx *f, const char *name)
{
    char *q = xasprintf("SELECT state || ':' || ifnull(fail_reason, '') || ':' || "
                        "ifnull(fail_detail, '') FROM reports WHERE name = '%s'", name);
    char *s = sql(f, q);

    free(q);
    return s;
}

static void test_pipeline_bad_inputs(void **state)
{
    struct fx *f = *state;
    char *empty = xasprintf("%s/empty.pdf", f->dir), *trunc = xasprintf("%s/truncated.pdf", f->dir);
    char *text = xasprintf("%s/letter.pdf", f->dir), *enc = th_fixture("encrypted.pdf");
    char *scan = th_fixture("scan.pdf"), *a = th_fixture("report-a.pdf"), *s;
    struct th_result r;

    th_write(empty, "", 0);
    truncated_pdf(trunc);
    th_write(text, "Dear colleague,\nthis is a letter, not a report.\n", 48);
    r = run_ok(f, 0, NULL, "add", empty, text, trunc, enc, scan, a, NULL);
    th_assert_contains(r.err, "empty.pdf': not a PDF (it looks like an empty file)");
    th_assert_contains(r.err, "letter.pdf': not a PDF (it looks like a text file)");
    th_assert_contains(r.out, "4 new, 0 already present, 2 refused");
    th_result_release(&r);
    s = sql(f, "SELECT count(*) FROM reports WHERE name IN ('empty.pdf', 'letter.pdf')");
    assert_string_equal(s, "0");
    free(s);

    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.out, "indexed 1 report");
    th_assert_contains(r.out, "3 failed");
    th_assert_contains(r.out, "'encrypted.pdf': encrypted: the PDF is encrypted");
    th_assert_contains(r.out, "'scan.pdf': no-text: the PDF has no text layer");
    th_result_release(&r);
    s = state_of(f, "encrypted.pdf");
    th_assert_contains(s, "failed:encrypted:the PDF is encrypted and needs a password");
    free(s);
    s = state_of(f, "scan.pdf");
    th_assert_contains(s, "failed:no-text:");
    free(s);
    /* poppler may repair a truncated file or refuse it: either way nothing is lost */
    s = state_of(f, "truncated.pdf");
    if (strncmp(s, "indexed::", 9))
        th_assert_contains(s, "failed:damaged:");
    free(s);
    s = state_of(f, "report-a.pdf");
    assert_string_equal(s, "indexed::");
    free(s);
    r = run_ok(f, 0, NULL, "search", "--json", "\"disguised compliance\"", NULL);
    th_assert_contains(r.out, "Child T");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.out, "nothing to index");
    th_assert_contains(r.out, "failed earlier");
    th_result_release(&r);
    free(empty), free(trunc), free(text), free(enc), free(scan), free(a);
}

static char *sha_of(const char *path)
{
    char sha[STORE_SHA_HEX];
    struct cr_err err;

    assert_int_equal(store_hash_file(path, sha, NULL, &err), 0);
    return xstrdup(sha);
}

static void test_pipeline_worker_crash_and_hang(void **state)
{
    struct fx *f = *state;
    char *b = th_fixture("report-b.pdf"), *c = th_fixture("report-c.pdf");
    char *sb = sha_of(b), *sc = sha_of(c), *crash = xasprintf("CASEREVIEW_WORKER_FAULT=crash:%s", sb);
    char *hang = xasprintf("CASEREVIEW_WORKER_FAULT=hang:%s", sc), *s;
    const char *env_crash[] = {crash, NULL}, *env_hang[] = {hang, NULL};
    struct th_result r;

    add_and_index_abc(f);
    /* make b and c pending again, then extract them with a misbehaving worker */
    r = run_ok(f, 0, env_crash, "index", "--rebuild", NULL);
    th_assert_contains(r.out, "1 failed");
    th_assert_contains(r.out, "crashed: the extraction worker crashed (signal 11");
    th_result_release(&r);
    s = state_of(f, "report-b.pdf");
    th_assert_contains(s, "failed:crashed:");
    free(s);
    s = state_of(f, "report-c.pdf");
    assert_string_equal(s, "indexed::");
    free(s);

    r = run_ok(f, 0, env_hang, "index", "--rebuild", "--timeout", "2", "-j", "1", NULL);
    th_assert_contains(r.out, "rebuilt the index: 2 reports");
    th_assert_contains(r.out, "timeout: extraction took longer than 2 seconds");
    th_result_release(&r);
    s = state_of(f, "report-c.pdf");
    th_assert_contains(s, "failed:timeout:");
    free(s);
    r = run_ok(f, 0, NULL, "index", "--retry-failed", NULL);
    th_assert_contains(r.out, "indexed 1 report");
    th_result_release(&r);
    free(b), free(c), free(sb), free(sc), free(crash), free(hang);
}

static void test_pipeline_doctor_finds_damage(void **state)
{
    struct fx *f = *state;
    struct th_result r;
    char *sha;

    add_and_index_abc(f);
    sha = sql(f, "SELECT sha256 FROM reports WHERE id = 1");
    assert_int_equal(th_sh("chmod u+w '%s/store/%.2s/%s.pdf' && echo junk >> '%s/store/%.2s/%s.pdf'",
                           f->home, sha, sha, f->home, sha, sha), 0);
    r = run_ok(f, 3, NULL, "doctor", NULL);
    th_assert_contains(r.out, "does not match its sha256");
    th_result_release(&r);
    free(sha);
}

/* Opens the index for writing, deletes every document carrying term, sets the layout version. */
static void strip_index(struct fx *f, const char *term, const char *version)
{
    char *path = xasprintf("%s/index", f->home);
    struct xdb *db = NULL;
    struct cr_err err;

    assert_int_equal(xdb_open(&db, path, XDB_WRITE, &err), 0);
    assert_int_equal(xdb_delete_term(db, term, &err), 0);
    if (version)
        assert_int_equal(xdb_set_metadata(db, IX_META_VERSION, version, &err), 0);
    assert_int_equal(xdb_commit(db, &err), 0);
    xdb_close(db);
    free(path);
}

/* The facets line of a search's JSON output (the counts, not the ranking). New string. */
static char *facets_of(struct fx *f, const char *query)
{
    struct th_result r = run_ok(f, 0, NULL, "search", "--facets", "--json", query, NULL);
    const char *line = strstr(r.out, "{\"facets\"");
    char *out;

    assert_non_null(line);
    out = xstrdup(line);
    th_result_release(&r);
    return out;
}

/*
 * An index of the first layout (pages only) still searches and counts
 * right, and one 'casereview index' adds its report documents; doctor counts
 * pages without them and misses none of them; --retag keeps them.
 */
static void test_pipeline_report_documents(void **state)
{
    struct fx *f = *state;
    struct th_result r;
    char *facets, *again, *sha, *term;

    add_and_index_abc(f);
    facets = facets_of(f, "health OR police");
    th_assert_contains(facets, "\"total\":2");
    r = run_ok(f, 0, NULL, "doctor", "--quick", NULL);
    th_assert_not_contains(r.out, "predates");
    th_result_release(&r);

    strip_index(f, IX_T_REPORT, "1");
    r = run_ok(f, 0, NULL, "doctor", "--quick", NULL);
    th_assert_contains(r.out, "the index predates");
    th_result_release(&r);
    again = facets_of(f, "health OR police");
    assert_string_equal(again, facets);
    free(again);
    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.out, "one more entry per report");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "doctor", "--quick", NULL);
    th_assert_contains(r.out, "no problems found: 3 reports");
    th_assert_not_contains(r.out, "predates");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "index", NULL);
    th_assert_contains(r.out, "nothing to index");
    th_result_release(&r);

    again = facets_of(f, "health OR police");
    assert_string_equal(again, facets);
    free(again);
    r = run_ok(f, 0, NULL, "index", "--retag", NULL);
    th_assert_contains(r.out, "re-tagged 3");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "doctor", "--quick", NULL);
    th_assert_contains(r.out, "no problems found: 3 reports");
    th_result_release(&r);
    r = run_ok(f, 0, NULL, "stats", "--format", "json", NULL);
    sha = sql(f, "SELECT '\"pages\":' || sum(pages) FROM reports"); /* not the documents */
    th_assert_contains(r.out, sha);
    th_assert_contains(r.out, "\"reports\":3");
    th_result_release(&r);
    free(sha);

    sha = sql(f, "SELECT sha256 FROM reports WHERE id = 2");
    term = xasprintf(IX_P_UNIQUE "%.*s", IX_KEY_LEN, sha);
    strip_index(f, term, NULL);
    r = run_ok(f, 3, NULL, "doctor", "--quick", NULL);
    th_assert_contains(r.out, "report #2 has 0 report entries in the index instead of 1");
    th_result_release(&r);
    free(term);
    free(sha);
    free(facets);
}

/* The compiled vocabulary the index holds (IX_META_VOCAB). New string. */
static char *kept_vocab(struct fx *f)
{
    char *path = xasprintf("%s/index", f->home), *v = NULL;
    struct xdb *db = NULL;
    struct cr_err err;

    assert_int_equal(xdb_open(&db, path, 0, &err), 0);
    assert_int_equal(xdb_get_metadata(db, IX_META_VOCAB, &v, &err), 0);
    xdb_close(db);
    free(path);
    return v;
}

/*
 * 'index' keeps the vocabulary compiled in the index; searches use it only
 * while data/ is unchanged: a name added to the taxonomy is known at once.
 */
static void test_pipeline_vocabulary_kept_in_index(void **state)
{
    static const char *const abc[] = {"report-a.pdf", "report-b.pdf", "report-c.pdf", NULL};
    struct fx *f = *state;
    char *src = th_src("data"), *data = xasprintf("%s/data", f->dir);
    char *env_data = xasprintf("CASEREVIEW_DATA=%s", data), *before, *after;
    const char *env[] = {env_data, NULL}, *debug[] = {env_data, "CASEREVIEW_DEBUG=1", NULL};
    struct th_result r;

    assert_int_equal(th_sh("cp -r '%s' '%s'", src, data), 0);
    add_fixtures(f, abc);
    r = run_ok(f, 0, env, "index", NULL);
    th_result_release(&r);
    before = kept_vocab(f);
    th_assert_contains(before, "casereview-vocab");
    th_assert_contains(before, "\tdomestic-violence");
    th_assert_not_contains(before, "zebra-crossing");
    r = run_ok(f, 2, env, "search", "--theme", "zebra crossing", NULL);
    th_assert_contains(r.err, "unknown theme 'zebra crossing'");
    th_result_release(&r);
    /* exit 1 (nothing found), not 2 (unknown name): the name was known */
    r = run_ok(f, 1, debug, "search", "--theme", "domestic violence", "qqqqq", NULL);
    th_assert_contains(r.err, "vocabulary: compiled, from the index");
    th_result_release(&r);

    assert_int_equal(th_sh("sed -i 's/^label: Neglect$/label: Neglect\\nsynonym: zebra crossing/' "
                           "'%s/taxonomy/themes.txt'", data), 0);
    r = run_ok(f, 1, debug, "search", "--theme", "zebra crossing", "qqqqq", NULL);
    th_assert_contains(r.err, "vocabulary: from data/");
    th_result_release(&r);
    r = run_ok(f, 0, env, "index", NULL);
    th_result_release(&r);
    after = kept_vocab(f);
    th_assert_contains(after, "zebra-crossing");
    free(after);
    r = run_ok(f, 0, env, "index", NULL); /* current: nothing written */
    th_result_release(&r);
    after = kept_vocab(f);
    th_assert_contains(after, "zebra-crossing");
    free(before);
    free(after);
    free(env_data);
    free(data);
    free(src);
}

static void test_pipeline_missing_repository(void **state)
{
    struct fx *f = *state;
    struct th_result r = run_ok(f, 3, NULL, "search", "neglect", NULL);

    th_assert_contains(r.err, "no repository at");
    th_result_release(&r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_pipeline_search_lands_on_report_and_page),
    T(test_pipeline_stemming_and_boolean),
    T(test_pipeline_no_result_and_bad_query),
    T(test_pipeline_duplicate_add_is_one_report),
    T(test_pipeline_add_folder_recursively),
    T(test_pipeline_reindex_is_noop),
    T(test_pipeline_removed_report_leaves_index),
    T(test_pipeline_rebuild_gives_same_results),
    T(test_pipeline_bad_inputs),
    T(test_pipeline_worker_crash_and_hang),
    T(test_pipeline_doctor_finds_damage),
    T(test_pipeline_report_documents),
    T(test_pipeline_vocabulary_kept_in_index),
    T(test_pipeline_missing_repository),
};

TH_MAIN(tests)
