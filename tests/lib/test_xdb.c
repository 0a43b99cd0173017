/* Tests of lib/xdb.cc: the Xapian wrapper, its searches and its error paths. */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "lib/xdb.h"

struct fx {
    char *dir;
    char *path;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->dir = th_tmpdir();
    f->path = xasprintf("%s/index", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    th_rm_rf(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

/* Adds a page document: key (collapse value), page, text, date, facet list. */
static void add(struct xdb *db, const char *key, int page, const char *text, const char *date,
                const char *themes)
{
    struct xdb_doc *d = xdb_doc_new(db);
    struct cr_err err;
    char uniq[64], data[512], p[8];

    snprintf(uniq, sizeof(uniq), "Q%s:%d", key, page);
    snprintf(data, sizeof(data), "{\"key\":\"%s\",\"page\":%d}\n%s", key, page, text);
    snprintf(p, sizeof(p), "%05d", page);
    xdb_doc_set_data(d, data, strlen(data));
    xdb_doc_index_text(d, text, strlen(text), "", 1);
    xdb_doc_add_value(d, 0, key, strlen(key));
    xdb_doc_add_value(d, 1, p, strlen(p));
    xdb_doc_add_value(d, 2, date, strlen(date));
    xdb_doc_add_value(d, 9, themes, strlen(themes));
    xdb_doc_add_term(d, key[0] == 'a' ? "XNengland" : "XNwales");
    assert_int_equal(xdb_replace(db, uniq, d, &err), 0);
    xdb_doc_free(d);
}

static void build(const char *path)
{
    struct xdb *db = NULL;
    struct cr_err err;

    assert_int_equal(xdb_open(&db, path, XDB_WRITE | XDB_CREATE, &err), 0);
    add(db, "a", 1, "the health visitor saw neglect at home", "20190515", "neglect\x1f" "dv");
    add(db, "a", 2, "more neglect and bruising & other <harm>", "20190515", "neglect\x1f" "dv");
    add(db, "b", 1, "disguised compliance by the mother", "20210600", "dv");
    add(db, "c", 1, "the boy was neglected by his carers", "20220000", "neglect");
    assert_int_equal(xdb_commit(db, &err), 0);
    xdb_close(db);
}

static struct xdb_result *search(const char *path, struct xdb_query *q)
{
    static const struct xdb_range ranges[] = {{"published", 2, XDB_RANGE_DATE}};
    struct xdb *db = NULL;
    struct xdb_result *r = NULL;
    struct cr_err err;

    q->ranges = ranges;
    q->nranges = 1;
    q->collapse_slot = 0;
    q->collapse_max = 1;
    if (!q->sort_slot)
        q->sort_slot = -1;
    if (!q->limit)
        q->limit = 10;
    assert_int_equal(xdb_open(&db, path, 0, &err), 0);
    if (xdb_search(db, q, &r, &err) < 0) {
        print_error("search: %s\n", err.msg);
        fail();
    }
    xdb_close(db);
    return r;
}

static void test_xdb_open_missing_is_error(void **state)
{
    struct fx *f = *state;
    struct xdb *db = NULL;
    struct cr_err err;

    assert_int_equal(xdb_open(&db, f->path, 0, &err), CR_ENOTFOUND);
    assert_null(db);
    th_assert_contains(err.msg, f->path);
}

static void test_xdb_corrupt_index_is_error(void **state)
{
    struct fx *f = *state;
    struct xdb *db = NULL;
    struct xdb_result *r = NULL;
    struct xdb_query q;
    struct cr_err err;
    int rc;

    build(f->path);
    assert_int_equal(th_sh("for t in '%s'/*.glass; do head -c 8192 /dev/urandom > \"$t\"; done",
                           f->path), 0);
    memset(&q, 0, sizeof(q));
    q.text = "neglect";
    q.sort_slot = -1;
    q.collapse_slot = -1;
    q.limit = 10;
    rc = xdb_open(&db, f->path, 0, &err);
    if (rc == 0) {
        rc = xdb_search(db, &q, &r, &err);
        xdb_close(db);
    }
    assert_true(rc < 0);
    assert_null(r);
    assert_true(strlen(err.msg) > 0);
}

static void test_xdb_close_without_commit_discards(void **state)
{
    struct fx *f = *state;
    struct xdb *db = NULL;
    struct cr_err err;
    uint32_t n = 99;

    build(f->path);
    assert_int_equal(xdb_open(&db, f->path, XDB_WRITE, &err), 0);
    add(db, "z", 1, "uncommitted words", "20200101", "");
    xdb_close(db);
    assert_int_equal(xdb_open(&db, f->path, 0, &err), 0);
    assert_int_equal(xdb_doc_count(db, &n, &err), 0);
    assert_int_equal(n, 4);
    xdb_close(db);
}

static void test_xdb_stemming_phrase_boolean(void **state)
{
    struct fx *f = *state;
    struct xdb_query q;
    struct xdb_result *r;

    build(f->path);
    memset(&q, 0, sizeof(q));
    q.text = "neglect";
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 2); /* a (collapsed) and c (neglected) */
    xdb_result_free(r);

    memset(&q, 0, sizeof(q));
    q.text = "\"compliance disguised\"";
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 0);
    xdb_result_free(r);
    q.text = "\"disguised compliance\"";
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 1);
    xdb_result_free(r);

    q.text = "neglect NOT bruising";
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 2); /* a still matches on page 1 */
    xdb_result_free(r);
    q.text = "(neglect OR compliance) AND mother";
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 1);
    xdb_result_free(r);
}

static void test_xdb_facets_count_reports_not_pages(void **state)
{
    static const struct xdb_facet facets[] = {{9, '\x1f', 0, 0, 0}};
    struct fx *f = *state;
    struct xdb_query q;
    struct xdb_result *r;

    build(f->path);
    memset(&q, 0, sizeof(q));
    q.facets = facets;
    q.nfacets = 1;
    q.exact = 1;
    r = search(f->path, &q);
    assert_int_equal(r->groups, 3);
    assert_int_equal(r->nfacets, 1);
    assert_int_equal(r->facets[0].n, 2);
    assert_string_equal(r->facets[0].values[0].value, "dv");
    assert_int_equal(r->facets[0].values[0].count, 2);
    assert_string_equal(r->facets[0].values[1].value, "neglect");
    assert_int_equal(r->facets[0].values[1].count, 2);
    xdb_result_free(r);
}

/* Paired facets cross-tabulate per report; docs count pages; a misspelling gets a suggestion. */
static void test_xdb_facets_pairs_docs_and_spelling(void **state)
{
    static const struct xdb_facet facets[] = {{9, '\x1f', 0, 0, 0}, {2, 0, 1, 9, '\x1f'}};
    struct fx *f = *state;
    struct xdb_query q;
    struct xdb_result *r;
    struct xdb *db = NULL;
    struct cr_err err;
    char *sugg = NULL;

    build(f->path);
    memset(&q, 0, sizeof(q));
    q.collapse_slot = 0;
    q.collapse_max = 1;
    q.facets = facets;
    q.nfacets = 2;
    q.facet_docs = 1;
    q.exact = 1;
    r = search(f->path, &q);
    assert_string_equal(r->facets[0].values[1].value, "neglect");
    assert_int_equal(r->facets[0].values[1].count, 2);
    assert_int_equal(r->facets[0].values[1].docs, 3); /* a's two pages and c's one */
    assert_int_equal(r->facets[1].n, 4);
    assert_string_equal(r->facets[1].values[0].value, "20190515\x1e" "dv");
    assert_int_equal(r->facets[1].values[0].count, 1);
    xdb_result_free(r);
    /* asked to read a bundle the index does not have, the spy reads each slot */
    q.bundle_n = 8;
    q.bundle_slot = 16;
    q.bundle_first = 2;
    q.bundle_sep = '\x1e';
    r = search(f->path, &q);
    assert_int_equal(r->facets[0].values[1].docs, 3);
    assert_int_equal(r->facets[1].n, 4);
    xdb_result_free(r);
    assert_int_equal(xdb_open(&db, f->path, 0, &err), 0);
    assert_int_equal(xdb_suggest(db, "negelct AND mother", &sugg, &err), 0);
    assert_string_equal(sugg, "neglect AND mother");
    free(sugg);
    xdb_close(db);
}

/*
 * The index of build(), each key with a parent document: "XDparent", its
 * pages' terms (xdb_doc_merge_terms), its key, themes and date, its page
 * count in slot 17. The pages are written through add(), then read back
 * into the parent by their docids (1, 2 for a; 3 for b; 4 for c).
 */
static const char *const const_prefixes[] = {"XN"};
static const struct xdb_parents parents = {"XDparent", 0, 17, const_prefixes, 1, 0, -1};

static void add_parent(struct xdb *db, const char *key, const char *text, int pages,
                       const char *date, const char *themes)
{
    struct xdb_doc *page = xdb_doc_new(db), *d = xdb_doc_new(db);
    struct cr_err err;
    char uniq[64], n[8];

    xdb_doc_index_text(page, text, strlen(text), "", 1);
    xdb_doc_add_term(page, key[0] == 'a' ? "XNengland" : "XNwales");
    xdb_doc_merge_terms(d, page);
    xdb_doc_merge_terms(d, page); /* twice: still each term once */
    xdb_doc_add_term(d, "XDparent");
    xdb_doc_add_value(d, 0, key, strlen(key));
    xdb_doc_add_value(d, 2, date, strlen(date));
    xdb_doc_add_value(d, 9, themes, strlen(themes));
    snprintf(n, sizeof(n), "%d", pages);
    xdb_doc_add_value(d, 17, n, strlen(n));
    snprintf(uniq, sizeof(uniq), "Q%s", key);
    assert_int_equal(xdb_replace(db, uniq, d, &err), 0);
    xdb_doc_free(d);
    xdb_doc_free(page);
}

static void build_parents(const char *path)
{
    struct xdb *db = NULL;
    struct cr_err err;

    build(path);
    assert_int_equal(xdb_open(&db, path, XDB_WRITE, &err), 0);
    add_parent(db, "a", "the health visitor saw neglect at home more neglect and bruising & "
               "other <harm>", 2, "20190515", "neglect\x1f" "dv");
    add_parent(db, "b", "disguised compliance by the mother", 1, "20210600", "dv");
    add_parent(db, "c", "the boy was neglected by his carers", 1, "20220000", "neglect");
    assert_int_equal(xdb_commit(db, &err), 0);
    xdb_close(db);
}

/*
 * Parents count a query when it matches them exactly when it matches one of
 * their children, and only then; hits are never parents; counts are the
 * children's either way.
 */
static void test_xdb_parents_count_when_the_query_allows(void **state)
{
    static const struct {
        const char *q;
        int parents;       /* 1: counted on the parents */
        uint32_t groups;   /* keys matching (as the children say) */
    } rows[] = {
        {"", 1, 3},
        {"neglect", 1, 2},                    /* a word: on some page of a and c */
        {"neglect OR mother", 1, 3},
        {"neglect*", 1, 2},
        {"nation:england", 1, 1},             /* a constant term */
        {"neglect nation:wales", 1, 1},
        {"neglect NOT nation:wales", 1, 1},
        {"(neglect OR mother) published:2021..", 1, 2},
        {"neglect bruising", 0, 1},           /* both on a's page 2 only */
        {"health bruising", 0, 0},            /* a's pages 1 and 2: no page has both */
        {"neglect NOT bruising", 0, 2},       /* a's page 1 has no bruising */
        {"NOT bruising", 0, 3},
        {"\"saw neglect\"", 0, 1},           /* positions */
        {"neglect NEAR home", 0, 1},
        {"neglect OR (health bruising)", 0, 2},
    };
    static const struct xdb_facet facets[] = {{9, '\x1f', 0, 0, 0}};
    static const struct xdb_prefix prefixes[] = {{"nation", "XN", 1}};
    struct fx *f = *state;

    build_parents(f->path);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct xdb_parents only = parents;
        struct xdb_query q;
        struct xdb_result *r, *c;
        memset(&q, 0, sizeof(q));
        q.text = rows[i].q;
        q.flags = XDB_Q_WILDCARD;
        q.prefixes = prefixes;
        q.nprefixes = 1;
        q.parents = &parents;
        q.facets = facets;
        q.nfacets = 1;
        q.exact = 1;
        r = search(f->path, &q);
        only.children_only = 1;
        q.parents = &only;
        c = search(f->path, &q);
        if (r->counted_parents != rows[i].parents || r->groups != rows[i].groups ||
            c->groups != rows[i].groups || c->counted_parents) {
            print_error("'%s': parents %d, %u groups (children: %u)\n", rows[i].q,
                        r->counted_parents, r->groups, c->groups);
            fail();
        }
        assert_int_equal(r->facets[0].n, c->facets[0].n);
        for (size_t j = 0; j < r->facets[0].n; j++) {
            assert_string_equal(r->facets[0].values[j].value, c->facets[0].values[j].value);
            assert_int_equal(r->facets[0].values[j].count, c->facets[0].values[j].count);
        }
        for (size_t j = 0; j < r->nhits; j++)
            assert_non_null(strstr(r->hits[j].data, "\"page\"")); /* a child */
        xdb_result_free(r);
        xdb_result_free(c);
    }
}

/* Children counted from the parents' sizes, only when every child matches too. */
static void test_xdb_parents_count_children(void **state)
{
    static const struct xdb_facet facets[] = {{9, '\x1f', 0, 0, 0}};
    struct fx *f = *state;
    struct xdb_query q;
    struct xdb_result *r;
    struct xdb *db = NULL;
    struct cr_err err;
    uint32_t n = 0;

    build_parents(f->path);
    memset(&q, 0, sizeof(q));
    q.parents = &parents;
    q.facets = facets;
    q.nfacets = 1;
    q.facet_docs = 1;
    q.exact = 1;
    r = search(f->path, &q);
    assert_true(r->counted_parents);
    assert_int_equal(r->docs, 4);
    assert_string_equal(r->facets[0].values[1].value, "neglect");
    assert_int_equal(r->facets[0].values[1].docs, 3);
    xdb_result_free(r);
    q.text = "neglect"; /* a's two pages match, c's one: not every child of a parent */
    r = search(f->path, &q);
    assert_false(r->counted_parents);
    assert_int_equal(r->docs, 3);
    xdb_result_free(r);
    assert_int_equal(xdb_open(&db, f->path, 0, &err), 0);
    assert_int_equal(xdb_term_freq_both(db, "Zneglect", "XDparent", &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(xdb_term_freq_both(db, "Zneglect", "XNengland", &n, &err), 0);
    assert_int_equal(n, 3); /* a's two pages and its parent */
    assert_int_equal(xdb_term_freq_both(db, "XDparent", "nosuchterm", &n, &err), 0);
    assert_int_equal(n, 0);
    xdb_close(db);
}

static void test_xdb_date_range_edges(void **state)
{
    static const struct {
        const char *q;
        size_t hits;
    } rows[] = {
        {"published:2019..2019", 1},  {"published:2019-05-15..2019-05-15", 1},
        {"published:2019-05-16..", 2}, {"published:..2021-06", 2},
        {"published:2021..", 2},       {"published:2022..2022", 1},
        {"published:2023..", 0},
    };
    struct fx *f = *state;

    build(f->path);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct xdb_query q;
        struct xdb_result *r;
        memset(&q, 0, sizeof(q));
        q.text = rows[i].q;
        r = search(f->path, &q);
        if (r->nhits != rows[i].hits) {
            print_error("%s: %zu hits, expected %zu\n", rows[i].q, r->nhits, rows[i].hits);
            fail();
        }
        xdb_result_free(r);
    }
}

static void test_xdb_bad_range_is_query_error(void **state)
{
    struct fx *f = *state;
    struct xdb *db = NULL;
    struct xdb_result *r = NULL;
    static const struct xdb_range ranges[] = {{"published", 2, XDB_RANGE_DATE}};
    struct xdb_query q;
    struct cr_err err;

    build(f->path);
    memset(&q, 0, sizeof(q));
    q.text = "published:2021..2019";
    q.ranges = ranges;
    q.nranges = 1;
    q.sort_slot = -1;
    q.collapse_slot = -1;
    q.limit = 10;
    assert_int_equal(xdb_open(&db, f->path, 0, &err), 0);
    assert_int_equal(xdb_search(db, &q, &r, &err), CR_EQUERY);
    th_assert_contains(err.msg, "ends before it starts");
    xdb_close(db);
}

static void test_xdb_snippet_plain_text_with_markers(void **state)
{
    struct fx *f = *state;
    struct xdb_query q;
    struct xdb_result *r;

    build(f->path);
    memset(&q, 0, sizeof(q));
    q.text = "bruising";
    q.snippet_chars = 200;
    q.hi_start = "[";
    q.hi_end = "]";
    q.text_sep = '\n';
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 1);
    th_assert_contains(r->hits[0].snippet, "[bruising] & other <harm>");
    th_assert_contains(r->hits[0].data, "\"page\":2");
    xdb_result_free(r);
}

static void test_xdb_filters_and_sort(void **state)
{
    static const char *const wales[] = {"XNwales"};
    static const struct xdb_filter_group g[] = {{wales, 1, 0}};
    static const struct xdb_filter_group not_wales[] = {{wales, 1, 1}};
    struct fx *f = *state;
    struct xdb_query q;
    struct xdb_result *r;

    build(f->path);
    memset(&q, 0, sizeof(q));
    q.filters = g;
    q.nfilters = 1;
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 2);
    xdb_result_free(r);
    q.filters = not_wales;
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 1);
    xdb_result_free(r);

    memset(&q, 0, sizeof(q));
    q.sort_slot = 2;
    q.sort_descending = 1;
    r = search(f->path, &q);
    assert_int_equal(r->nhits, 3);
    th_assert_contains(r->hits[0].data, "\"key\":\"c\"");
    th_assert_contains(r->hits[2].data, "\"key\":\"a\"");
    xdb_result_free(r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_xdb_open_missing_is_error),
    T(test_xdb_corrupt_index_is_error),
    T(test_xdb_close_without_commit_discards),
    T(test_xdb_stemming_phrase_boolean),
    T(test_xdb_facets_count_reports_not_pages),
    T(test_xdb_date_range_edges),
    T(test_xdb_bad_range_is_query_error),
    T(test_xdb_facets_pairs_docs_and_spelling),
    T(test_xdb_snippet_plain_text_with_markers),
    T(test_xdb_filters_and_sort),
    T(test_xdb_parents_count_when_the_query_allows),
    T(test_xdb_parents_count_children),
};

TH_MAIN(tests)
