/* Tests of lib/catalog.c: schema, reports, index bookkeeping. */

#include "tests/helpers.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/catalog.h"
#include "lib/xalloc.h"

#define SHA_A "aaaa0000000000000000000000000000000000000000000000000000000000a1"
#define SHA_B "aaaa0000000000000000000000000000000000000000000000000000000000b2"

struct fx {
    char *dir;
    struct catalog *c;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    char *path;
    struct cr_err err;

    f->dir = th_tmpdir();
    path = xasprintf("%s/catalog.sqlite", f->dir);
    assert_int_equal(catalog_open(&f->c, path, 0, &err), 0);
    free(path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    catalog_close(f->c);
    th_rm_rf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void test_catalog_add_same_sha_is_one_report(void **state)
{
    struct fx *f = *state;
    struct cr_err err;
    int64_t id1, id2, n;
    int was_new;

    assert_int_equal(catalog_report_add(f->c, SHA_A, "pdf", 10, "a.pdf", &id1, &was_new, &err), 0);
    assert_int_equal(was_new, 1);
    assert_int_equal(catalog_report_add(f->c, SHA_A, "pdf", 10, "copy.pdf", &id2, &was_new, &err),
                     0);
    assert_int_equal(was_new, 0);
    assert_int_equal(id1, id2);
    assert_int_equal(catalog_query_int64(f->c, "SELECT count(*) FROM report_names", &n, &err), 0);
    assert_int_equal(n, 2);
}

static void test_catalog_find_by_id_and_prefix(void **state)
{
    struct fx *f = *state;
    struct catalog_report r;
    struct cr_err err;
    int64_t id;
    int was_new, found;

    assert_int_equal(catalog_report_add(f->c, SHA_A, "pdf", 1, "a.pdf", &id, &was_new, &err), 0);
    assert_int_equal(catalog_report_add(f->c, SHA_B, "pdf", 1, "b.pdf", &id, &was_new, &err), 0);
    assert_int_equal(catalog_report_find(f->c, "2", &r, &found, &err), 0);
    assert_true(found);
    assert_string_equal(r.sha256, SHA_B);
    catalog_report_release(&r);
    assert_int_equal(catalog_report_find(f->c, SHA_A, &r, &found, &err), 0);
    assert_true(found);
    assert_int_equal(r.id, 1);
    catalog_report_release(&r);
    assert_int_equal(catalog_report_find(f->c, "aaaa00", &r, &found, &err), CR_EINVAL);
    th_assert_contains(err.msg, "more than one report");
    assert_int_equal(catalog_report_find(f->c, "bbbbbb", &r, &found, &err), 0);
    assert_false(found);
    assert_int_equal(catalog_report_find(f->c, "99", &r, &found, &err), 0);
    assert_false(found);
}

static int count_cb(const struct catalog_report *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static void test_catalog_pending_and_marks(void **state)
{
    struct fx *f = *state;
    struct catalog_report r;
    struct cr_err err;
    int64_t id, pend, rem;
    int was_new, found, n = 0;

    assert_int_equal(catalog_report_add(f->c, SHA_A, "pdf", 1, "a.pdf", &id, &was_new, &err), 0);
    assert_int_equal(catalog_reports_pending(f->c, count_cb, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(catalog_report_mark_indexed(f->c, id, 1, 7, "Title", &err), 0);
    assert_int_equal(catalog_count_pending(f->c, &pend, &rem, &err), 0);
    assert_int_equal(pend, 0);
    assert_int_equal(catalog_report_get(f->c, id, &r, &found, &err), 0);
    assert_string_equal(r.state, "indexed");
    assert_int_equal(r.pages, 7);
    catalog_report_release(&r);
    assert_int_equal(catalog_report_touch(f->c, id, &err), 0);
    assert_int_equal(catalog_count_pending(f->c, &pend, &rem, &err), 0);
    assert_int_equal(pend, 1);
    assert_int_equal(catalog_report_mark_failed(f->c, id, 2, "damaged", "bad xref", &err), 0);
    assert_int_equal(catalog_report_get(f->c, id, &r, &found, &err), 0);
    assert_string_equal(r.state, "failed");
    assert_string_equal(r.fail_reason, "damaged");
    catalog_report_release(&r);
    assert_int_equal(catalog_reports_invalidate(f->c, 1, &err), 0);
    assert_int_equal(catalog_count_pending(f->c, &pend, &rem, &err), 0);
    assert_int_equal(pend, 1);
}

static int collect_sha(const char *sha, void *ctx)
{
    snprintf(ctx, 65, "%s", sha);
    return 0;
}

static void test_catalog_remove_queues_index_removal(void **state)
{
    struct fx *f = *state;
    struct cr_err err;
    char got[65] = "";
    int64_t id, pend, rem;
    int was_new;

    assert_int_equal(catalog_report_add(f->c, SHA_A, "pdf", 1, "a.pdf", &id, &was_new, &err), 0);
    assert_int_equal(catalog_report_remove(f->c, id, &err), 0);
    assert_int_equal(catalog_removals(f->c, collect_sha, got, &err), 0);
    assert_string_equal(got, SHA_A);
    /* added again: the queued removal is cancelled, the report is pending */
    assert_int_equal(catalog_report_add(f->c, SHA_A, "pdf", 1, "a.pdf", &id, &was_new, &err), 0);
    assert_int_equal(catalog_count_pending(f->c, &pend, &rem, &err), 0);
    assert_int_equal(rem, 0);
    assert_int_equal(pend, 1);
}

static void test_catalog_meta_and_check(void **state)
{
    struct fx *f = *state;
    struct cr_err err;
    char *v = NULL, *problem = NULL;
    int ok = 0;

    assert_int_equal(catalog_meta_get(f->c, "x", &v, &err), 0);
    assert_null(v);
    assert_int_equal(catalog_meta_set(f->c, "x", "1", &err), 0);
    assert_int_equal(catalog_meta_get(f->c, "x", &v, &err), 0);
    assert_string_equal(v, "1");
    free(v);
    assert_int_equal(catalog_check(f->c, &ok, &problem, &err), 0);
    assert_true(ok);
    assert_null(problem);
}

static void test_catalog_reopen_keeps_schema(void **state)
{
    struct fx *f = *state;
    struct catalog *c2 = NULL;
    struct cr_err err;
    char *path = xasprintf("%s/catalog.sqlite", f->dir);
    int64_t n;

    assert_int_equal(catalog_open(&c2, path, CATALOG_READONLY, &err), 0);
    assert_int_equal(catalog_query_int64(c2, "SELECT version FROM schema_version "
                                             "WHERE module = 'core'", &n, &err), 0);
    assert_true(n >= 1);
    catalog_close(c2);
    free(path);
}

static void test_catalog_open_garbage_file_is_an_error(void **state)
{
    struct fx *f = *state;
    struct catalog *c2 = NULL;
    struct cr_err err;
    char *path = xasprintf("%s/junk.sqlite", f->dir);

    th_write(path, "this is not a database at all, just text padding it out", 56);
    assert_int_equal(catalog_open(&c2, path, 0, &err), CR_EDB);
    th_assert_contains(err.msg, "junk.sqlite");
    assert_null(c2);
    free(path);
}

static void test_catalog_prepare_cached_reuses_and_resets(void **state)
{
    struct fx *f = *state;
    struct cr_err err;
    sqlite3_stmt *a = NULL, *b = NULL, *once = NULL;
    char sql[] = "SELECT ?1 || 'x'";
    char *copy = xstrdup(sql);

    assert_int_equal(catalog_prepare_cached(f->c, sql, &a, &err), 0);
    sqlite3_bind_text(a, 1, "one", -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(a), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(a, 0), "onex");
    catalog_stmt_done(f->c, a);
    /* the same text, even from another buffer, is the same statement, reset, unbound */
    sql[0] = 's';
    assert_int_equal(catalog_prepare_cached(f->c, copy, &b, &err), 0);
    assert_ptr_equal(a, b);
    assert_int_equal(sqlite3_step(b), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
    catalog_stmt_done(f->c, b);
    /* a statement from catalog_prepare is finalized (ASan sees a leak otherwise) */
    assert_int_equal(catalog_prepare(f->c, "SELECT 1", &once, &err), 0);
    catalog_stmt_done(f->c, once);
    catalog_stmt_done(f->c, NULL);
    /* bad SQL is an error, and nothing is cached for it */
    assert_int_equal(catalog_prepare_cached(f->c, "SELEKT", &a, &err), CR_EDB);
    assert_null(a);
    th_assert_contains(err.msg, "prepare");
    free(copy);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_catalog_add_same_sha_is_one_report),
    T(test_catalog_find_by_id_and_prefix),
    T(test_catalog_pending_and_marks),
    T(test_catalog_remove_queues_index_removal),
    T(test_catalog_meta_and_check),
    T(test_catalog_reopen_keeps_schema),
    T(test_catalog_open_garbage_file_is_an_error),
    T(test_catalog_prepare_cached_reuses_and_resets),
};

TH_MAIN(tests)
