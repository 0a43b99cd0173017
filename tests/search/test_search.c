/*
 * Tests of search/query.c's query_run on the generated fixture repository:
 * every field prefix and filter flag and their combinations, date ranges at
 * their edges, names and synonyms, abbreviations, spelling, sorting,
 * paging, collapsing by review, matching pages, and facet counts checked
 * against counts the catalogue gives by SQL.
 */

#include "tests/helpers.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"
#include "search/query.h"
#include "tests/search/fixture.h"

struct st {
    struct fx_repo repo;
    struct xdb *db;
    struct filter_vocab *vocab;
    sqlite3 *cat;
};

static int setup(void **state)
{
    struct st *s = xcalloc(1, sizeof(*s));
    struct cr_err err;
    char *path;

    fx_repo_build(&s->repo);
    path = xasprintf("%s/index", s->repo.home);
    assert_int_equal(xdb_open(&s->db, path, 0, &err), 0);
    free(path);
    path = xasprintf("%s/catalog.sqlite", s->repo.home);
    assert_int_equal(sqlite3_open_v2(path, &s->cat, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    free(path);
    s->vocab = fx_vocab();
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    struct st *s = *state;

    xdb_close(s->db);
    sqlite3_close(s->cat);
    filter_vocab_free(s->vocab);
    fx_repo_free(&s->repo);
    free(s);
    return 0;
}

/* The ids an SQL query returns, sorted, as "1,2,5". New string. */
static char *sql_ids(struct st *s, const char *sql)
{
    char *full = xasprintf("SELECT DISTINCT id FROM (%s) ORDER BY id", sql);
    struct buf b = BUF_INIT;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(s->cat, full, -1, &st, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", full, sqlite3_errmsg(s->cat));
        fail();
    }
    buf_addstr(&b, "");
    while (sqlite3_step(st) == SQLITE_ROW)
        buf_addf(&b, "%s%d", b.len ? "," : "", sqlite3_column_int(st, 0));
    sqlite3_finalize(st);
    free(full);
    return buf_take(&b);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Runs o (limit raised to all) and returns the ids found, sorted, as "1,2,5". */
static char *run_ids(struct st *s, struct query_opts *o, struct query_results *keep)
{
    struct query_results r;
    struct cr_err err;
    struct buf b = BUF_INIT;
    int ids[200];

    o->vocab = s->vocab;
    if (!o->limit)
        o->limit = 200;
    o->exact = 1;
    if (query_run(s->db, o, &r, &err) != 0) {
        print_error("query '%s': %s\n", o->text ? o->text : "", err.msg);
        fail();
    }
    assert_true(r.n < 200);
    for (size_t i = 0; i < r.n; i++)
        ids[i] = (int)json_integer_value(json_object_get(r.hits[i].record, "id"));
    qsort(ids, r.n, sizeof(ids[0]), cmp_int);
    buf_addstr(&b, "");
    for (size_t i = 0; i < r.n; i++)
        buf_addf(&b, "%s%d", i ? "," : "", ids[i]);
    assert_int_equal(r.total, r.n + o->offset);
    if (keep)
        *keep = r;
    else
        query_results_release(&r);
    return buf_take(&b);
}

static char *text_ids(struct st *s, const char *text)
{
    struct query_opts o;

    memset(&o, 0, sizeof(o));
    o.text = text;
    return run_ids(s, &o, NULL);
}

#define META(field, cond) \
    "SELECT report_id AS id FROM fixture_meta WHERE field = '" field "' AND " cond

static void expect(struct st *s, const char *query, const char *sql)
{
    char *got = text_ids(s, query), *want = sql_ids(s, sql);

    if (strcmp(got, want)) {
        print_error("query '%s'\n  found    %s\n  expected %s\n", query, got, want);
        fail();
    }
    assert_true(*want); /* every row of the table must find something */
    free(got);
    free(want);
}

static void test_search_prefixes_match_catalogue(void **state)
{
    static const struct {
        const char *q, *sql;
    } rows[] = {
        {"theme:neglect", META("theme", "value = 'neglect'")},
        {"topic:professional-curiosity", META("topic", "value = 'professional-curiosity'")},
        {"partnership:westmere", META("partnership", "value = 'westmere'")},
        {"nation:wales", META("nation", "value = 'wales'")},
        {"type:scr", META("review_type", "value = 'scr'")},
        {"kind:7-minute-briefing", META("document_kind", "value = '7-minute-briefing'")},
        {"child:\"Child C\"", META("child", "value = 'Child C'")},
        {"year:2019", META("published", "value LIKE '2019%'")},
        {"year:2019..2020", META("published", "substr(value, 1, 4) BETWEEN '2019' AND '2020'")},
        {"title:\"minute briefing\"", META("document_kind", "value = '7-minute-briefing'")},
        {"rec:audit", "SELECT report_id AS id FROM fixture_meta WHERE report_id % 3 = 1"},
        /* Xapian's rule, as the flags': one field's filters side by side mean either */
        {"theme:neglect theme:sudi", META("theme", "value IN ('neglect', 'sudi')")},
        {"theme:neglect AND theme:sudi", META("theme", "value = 'neglect'") " INTERSECT "
                                          META("theme", "value = 'sudi'")},
        {"theme:neglect OR theme:sudi", META("theme", "value IN ('neglect', 'sudi')")},
        {"theme:neglect NOT nation:england", META("theme", "value = 'neglect'") " INTERSECT "
                                             META("nation", "value = 'wales'")},
        {"type:cspr AND (kind:full-report OR kind:learning-brief)",
         META("review_type", "value = 'cspr'") " INTERSECT "
         META("document_kind", "value IN ('full-report', 'learning-brief')")},
        {"neglect partnership:northshire", META("theme", "value = 'neglect'") " INTERSECT "
                                           META("partnership", "value = 'northshire'")},
        {"\"professional curiosity\" published:2020..",
         META("topic", "value = 'professional-curiosity'") " INTERSECT "
         META("published", "value >= '2020'")},
        {"neglect*", META("theme", "value = 'neglect'")},
    };
    struct st *s = *state;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        expect(s, rows[i].q, rows[i].sql);
}

/* rec: finds words of recommendations only: report i % 3 == 1 says "audit" in its text. */
static void test_search_rec_prefix_is_not_body(void **state)
{
    struct st *s = *state;
    char *all = text_ids(s, "audit"), *rec = text_ids(s, "rec:audit");

    assert_string_not_equal(all, rec);
    th_assert_contains(all, "2,"); /* report 2 = index 1: body only */
    free(all);
    free(rec);
}

static void test_search_date_edges(void **state)
{
    static const struct {
        const char *q;
        const char *sql;
    } rows[] = {
        /* report 2 is 2019-01-01, report 3 2021-12-31, 4 "2020-06", 5 2020-06-30, 6 2020-07-01 */
        {"published:2019..2019", META("published", "value LIKE '2019%'")},
        {"published:2021..2021", META("published", "value LIKE '2021%'")},
        {"published:2020-06..2020-06", META("published", "value LIKE '2020-06%'")},
        {"published:..2020-06", META("published", "value < '2020-07'")},
        {"published:2020-07..", META("published", "value >= '2020-07'")},
        {"published:2019-01-01..2019-01-01", META("published", "value = '2019-01-01'")},
        {"published:2021-12-31..", META("published", "value >= '2021-12-31'")},
        {"published:2018", META("published", "value LIKE '2018%'")},
    };
    struct st *s = *state;
    char *edge;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        expect(s, rows[i].q, rows[i].sql);
    edge = text_ids(s, "published:2019..2019");
    th_assert_contains(edge, "2");
    free(edge);
    edge = text_ids(s, "published:2020-06..2020-06");
    th_assert_contains(edge, "4,5");
    th_assert_not_contains(edge, ",6");
    free(edge);
}

static char *flag_ids(struct st *s, const struct query_filter *f, size_t n, const char *from,
                      const char *to)
{
    struct query_opts o;

    memset(&o, 0, sizeof(o));
    o.filters = f;
    o.nfilters = n;
    o.from = from;
    o.to = to;
    return run_ids(s, &o, NULL);
}

static void test_search_flags_or_within_and_across(void **state)
{
    struct st *s = *state;
    struct query_filter f[] = {{FILTER_THEME, "neglect"},
                               {FILTER_THEME, "sudi"},
                               {FILTER_NATION, "england"}};
    char *got = flag_ids(s, f, 3, NULL, NULL);
    char *want = sql_ids(s, META("theme", "value IN ('neglect', 'sudi')") " INTERSECT "
                            META("nation", "value = 'england'"));

    assert_string_equal(got, want);
    free(got);
    free(want);
    got = flag_ids(s, f, 1, "2020-06", "2021");
    want = sql_ids(s, META("theme", "value = 'neglect'") " INTERSECT "
                      META("published", "value >= '2020-06' AND value < '2022'"));
    assert_string_equal(got, want);
    free(got);
    free(want);
}

static void test_search_names_and_synonyms(void **state)
{
    static const char *const names[] = {"domestic-abuse", "domestic violence", "DA",
                                        "Domestic Abuse", "domestic_abuse"};
    struct st *s = *state;
    char *want = sql_ids(s, META("theme", "value = 'domestic-abuse'"));

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct query_filter f = {FILTER_THEME, names[i]};
        char *got = flag_ids(s, &f, 1, NULL, NULL);
        char *q = xasprintf("theme:\"%s\"", names[i]);
        char *got2 = text_ids(s, q);
        assert_string_equal(got, want);
        assert_string_equal(got2, want);
        free(got);
        free(got2);
        free(q);
    }
    free(want);
    {
        struct query_filter f[] = {{FILTER_TYPE, "SCR"}, {FILTER_PARTNERSHIP,
                                   "Northshire Safeguarding Children Partnership"}};
        char *got = flag_ids(s, f, 2, NULL, NULL);
        want = sql_ids(s, META("review_type", "value = 'scr'") " INTERSECT "
                          META("partnership", "value = 'northshire'"));
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
}

static void test_search_abbreviation_expands(void **state)
{
    struct st *s = *state;
    char *want = sql_ids(s, META("theme", "value = 'sudi'"));
    char *a = text_ids(s, "SUDI"), *b = text_ids(s, "sudi"),
         *c = text_ids(s, "\"sudden unexpected death in infancy\"");

    /* written out in even reports, abbreviated in odd ones: both found every way */
    assert_string_equal(a, want);
    assert_string_equal(b, want);
    assert_string_equal(c, want);
    free(a);
    free(b);
    free(c);
    free(want);
}

static void test_search_rewrite_table(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"SUDI", "(SUDI OR \"sudden unexpected death in infancy\")"},
        {"title:SUDI", "(title:SUDI OR title:\"sudden unexpected death in infancy\")"},
        {"\"domestic abuse\"", "(\"domestic abuse\" OR DA)"},
        {"da", "da"},
        {"theme:DA", "theme:domestic-abuse"},
        {"-theme:\"domestic violence\" neglect", "-theme:domestic-abuse neglect"},
        {"year:2019..2020", "published:2019..2020"},
        {"published:2020", "published:2020..2020"},
        {"child:\"Child T\"", "child:child-t"},
        {"partnership:northshire", "partnership:northshire"},
        {"Theme:Neglect", "theme:neglect"},
        {"see http://example.org", "see http://example.org"},
    };
    struct st *s = *state;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct cr_err err;
        char *out = NULL;
        if (query_rewrite(rows[i].in, s->vocab, s->db, &out, &err) != 0) {
            print_error("'%s': %s\n", rows[i].in, err.msg);
            fail();
        }
        assert_string_equal(out, rows[i].out);
        free(out);
    }
}

static void test_search_unknown_values_suggest(void **state)
{
    static const struct {
        const char *q, *msg, *close;
    } rows[] = {
        {"theme:neglekt", "unknown theme 'neglekt'", "neglect"},
        {"topic:curiosity", "unknown topic 'curiosity'", "professional-curiosity"},
        {"partnership:northshir", "unknown partnership 'northshir'", "northshire"},
        {"nation:walse", "unknown nation 'walse'", "wales"},
        {"kind:briefing7", "unknown document kind", "7-minute-briefing"},
        {"them:neglect", "unknown field 'them:'", "theme:"},
        {"published:2019..2018", "ends before it starts", "2019..2018"},
        {"published:19..20", "bad date '19'", "YYYY"},
        {"year:19", "a year is four digits", "year:19"},
    };
    struct st *s = *state;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct query_opts o;
        struct query_results r;
        struct cr_err err;
        memset(&o, 0, sizeof(o));
        o.text = rows[i].q;
        o.vocab = s->vocab;
        cr_err_clear(&err);
        assert_int_equal(query_run(s->db, &o, &r, &err), CR_EQUERY);
        th_assert_contains(err.msg, rows[i].msg);
        th_assert_contains(err.msg, rows[i].close);
    }
}

static void test_search_spelling_suggests(void **state)
{
    struct st *s = *state;
    struct query_opts o;
    struct query_results r;
    struct cr_err err;

    memset(&o, 0, sizeof(o));
    o.text = "safegaurding negelct";
    o.vocab = s->vocab;
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    assert_int_equal(r.n, 0);
    assert_non_null(r.corrected);
    assert_string_equal(r.corrected, "safeguarding neglect");
    query_results_release(&r);
    o.text = "neglect";
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    assert_null(r.corrected);
    query_results_release(&r);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *facet_sql[QUERY_NFACETS] = {
    "SELECT value, count(DISTINCT report_id) FROM fixture_meta WHERE field = 'theme'",
    "SELECT value, count(DISTINCT report_id) FROM fixture_meta WHERE field = 'topic'",
    "SELECT value, count(DISTINCT report_id) FROM fixture_meta WHERE field = 'partnership'",
    "SELECT value, count(DISTINCT report_id) FROM fixture_meta WHERE field = 'nation'",
    "SELECT value, count(DISTINCT report_id) FROM fixture_meta WHERE field = 'review_type'",
    "SELECT value, count(DISTINCT report_id) FROM fixture_meta WHERE field = 'document_kind'",
    "SELECT substr(value, 1, 4), count(DISTINCT report_id) FROM fixture_meta "
    "WHERE field = 'published'",
};

/* Facet counts of query as "value=n;…" in value order, and the catalogue's for ids. */
static void check_facets(struct st *s, const char *text)
{
    struct query_opts o;
    struct query_results r;
    char *ids;

    memset(&o, 0, sizeof(o));
    o.text = text;
    o.facets = 1;
    ids = run_ids(s, &o, &r);
    assert_true(r.has_facets);
    for (int f = 0; f < QUERY_NFACETS; f++) {
        char *sql = xasprintf("%s AND report_id IN (%s) GROUP BY 1 ORDER BY 1", facet_sql[f],
                              ids);
        struct buf want = BUF_INIT, got = BUF_INIT;
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(s->cat, sql, -1, &st, NULL), SQLITE_OK);
        buf_addstr(&want, "");
        while (sqlite3_step(st) == SQLITE_ROW)
            buf_addf(&want, "%s=%d;", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
        sqlite3_finalize(st);
        /* facet values come by count; the catalogue's by value: compare sorted by value */
        {
            char **pairs = xcalloc(r.facets[f].n + 1, sizeof(*pairs));
            for (size_t j = 0; j < r.facets[f].n; j++)
                pairs[j] = xasprintf("%s=%u;", r.facets[f].values[j].value,
                                     r.facets[f].values[j].count);
            qsort(pairs, r.facets[f].n, sizeof(*pairs), cmp_str);
            buf_addstr(&got, "");
            for (size_t j = 0; j < r.facets[f].n; j++) {
                buf_addstr(&got, pairs[j]);
                free(pairs[j]);
            }
            free(pairs);
        }
        if (strcmp(buf_str(&got), buf_str(&want))) {
            print_error("facet %d of '%s'\n  index     %s\n  catalogue %s\n", f, text,
                        buf_str(&got), buf_str(&want));
            fail();
        }
        buf_release(&want);
        buf_release(&got);
        free(sql);
    }
    query_results_release(&r);
    free(ids);
}

static void test_search_facets_equal_catalogue_counts(void **state)
{
    static const char *const queries[] = {
        "", "neglect", "safeguarding partners", "theme:sudi OR nation:wales", "neglect OR police",
        "cold OR exploited nation:england", "\"domestic abuse\"", "police NOT neglect",
        "rec:audit OR title:briefing", "neg* published:2019..2021",
    };
    struct st *s = *state;

    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
        check_facets(s, queries[i]);
}

/* Total and facets of o as one line ("total;field:value=n,…;…"), and which documents counted. */
static char *counts_line(struct st *s, struct query_opts *o, int *by_reports)
{
    struct query_results r;
    struct cr_err err;
    struct buf b = BUF_INIT;

    o->vocab = s->vocab;
    o->facets = 1;
    o->limit = 5;
    if (query_run(s->db, o, &r, &err) != 0) {
        print_error("query '%s': %s\n", o->text, err.msg);
        fail();
    }
    buf_addf(&b, "%u", r.total);
    for (int f = 0; f < QUERY_NFACETS; f++) {
        buf_addf(&b, ";%d:", f);
        for (size_t j = 0; j < r.facets[f].n; j++)
            buf_addf(&b, "%s=%u,", r.facets[f].values[j].value, r.facets[f].values[j].count);
    }
    *by_reports = r.counted_reports;
    query_results_release(&r);
    return buf_take(&b);
}

/* Counts o both ways; 1 if report documents counted it. Fails when the counts differ. */
static int same_counts(struct st *s, struct query_opts *o)
{
    int reports = 0, pages = 1;
    char *fast, *slow;

    o->count_pages = 0;
    fast = counts_line(s, o, &reports);
    o->count_pages = 1;
    slow = counts_line(s, o, &pages);
    assert_false(pages);
    if (strcmp(fast, slow)) {
        print_error("query '%s' (by review %d): counts differ\n  reports %s\n  pages   %s\n",
                    o->text, o->by_review, fast, slow);
        fail();
    }
    free(fast);
    free(slow);
    return reports;
}

/*
 * Counting on report documents gives exactly what counting pages gives, on
 * queries of every shape: words alone, ORed, ANDed (one page must hold both,
 * which report documents cannot tell: those count pages), excluded, with
 * fields, filters and dates, phrases, and per review. Words are chosen to
 * stand on different pages of one report (neglect on page 1, police on page
 * 2), where a report document would count "neglect police" wrongly.
 */
static void test_search_report_counts_equal_page_counts(void **state)
{
    static const struct {
        const char *q;
        int constant;   /* the same on every page of a report (a field) */
    } words[] = {
        {"neglect", 0}, {"police", 0}, {"cold", 0}, {"baby", 0}, {"curiosity", 0},
        {"audit", 0}, {"partners", 0}, {"exploit*", 0}, {"rec:audit", 0},
        {"title:briefing", 1}, {"theme:neglect", 1}, {"nation:wales", 1},
    };
    static const char *const filters[] = {"", " theme:sudi", " published:2019..2021",
                                          " -nation:england"};
    enum { N = sizeof(words) / sizeof(words[0]) };
    struct st *s = *state;
    struct query_opts o;
    char text[200];
    int fast = 0, slow = 0;

    memset(&o, 0, sizeof(o));
    o.text = text;
    for (size_t f = 0; f < sizeof(filters) / sizeof(filters[0]); f++) {
        for (size_t i = 0; i < N; i++) {
            for (size_t j = i; j < N; j++) {
                int both_words = !words[i].constant && !words[j].constant;
                static const char *const ops[] = {"OR", "AND", "NOT"};
                for (size_t k = 0; k < 3; k++) {
                    int got;
                    if (i == j)
                        snprintf(text, sizeof(text), "%s%s", words[i].q, filters[f]);
                    else
                        snprintf(text, sizeof(text), "(%s %s %s)%s", words[i].q, ops[k],
                                 words[j].q, filters[f]);
                    o.by_review = (int)((i + j + k) % 2);
                    got = same_counts(s, &o);
                    /* the shapes report documents must answer, and those they must not */
                    if ((i == j || k == 0 || (k == 1 && !both_words) ||
                         (k == 2 && words[j].constant)) != got) {
                        print_error("query '%s' counted %s\n", text, got ? "reports" : "pages");
                        fail();
                    }
                    fast += got;
                    slow += !got;
                    if (i == j)
                        break;
                }
            }
        }
    }
    /* phrases need positions, which report documents do not have; so do abbreviations,
       which expand to phrases */
    snprintf(text, sizeof(text), "\"domestic abuse\" OR neglect");
    assert_false(same_counts(s, &o));
    snprintf(text, sizeof(text), "SUDI");
    assert_false(same_counts(s, &o));
    snprintf(text, sizeof(text), "%s", "");
    assert_true(same_counts(s, &o));
    assert_true(fast > 100 && slow > 100);
}

/*
 * Without facets, a results page of a small repository says how many
 * reports match exactly, the same number as exact counting: Xapian's
 * estimate of collapsed pages said "about 4" where 5 reports matched.
 */
static void test_search_small_counts_are_exact(void **state)
{
    static const char *const queries[] = {
        "neglect", "police", "neglect partners", "neglect OR police", "\"domestic abuse\"",
        "curiosity NOT police", "theme:neglect", "nation:wales", "exploit*", "SUDI", "",
    };
    struct st *s = *state;
    struct cr_err err;

    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        for (int by_review = 0; by_review < 2; by_review++) {
            struct query_opts o;
            struct query_results fast, exact;
            memset(&o, 0, sizeof(o));
            o.text = queries[i];
            o.vocab = s->vocab;
            o.by_review = by_review;
            o.limit = 2;
            assert_int_equal(query_run(s->db, &o, &fast, &err), 0);
            o.exact = 1;
            o.facets = 1;
            assert_int_equal(query_run(s->db, &o, &exact, &err), 0);
            if (!fast.total_exact || fast.total != exact.total) {
                print_error("query '%s'%s: %s%u, exact %u\n", queries[i],
                            by_review ? " by review" : "", fast.total_exact ? "" : "about ",
                            fast.total, exact.total);
                fail();
            }
            if (exact.total <= 2) { /* more than one page of results */
                print_error("query '%s'%s: only %u\n", queries[i], by_review ? " by review" : "",
                            exact.total);
                fail();
            }
            query_results_release(&fast);
            query_results_release(&exact);
        }
    }
}

static void test_search_sort_and_paging(void **state)
{
    struct st *s = *state;
    struct query_opts o;
    struct query_results r;
    struct cr_err err;
    char prev[16] = "";
    char *all, *paged;
    struct buf b = BUF_INIT;

    memset(&o, 0, sizeof(o));
    o.sort = QUERY_SORT_DATE;
    o.limit = 100;
    o.vocab = s->vocab;
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    assert_int_equal(r.n, FX_REPORTS);
    for (size_t i = 0; i < r.n; i++) {
        const char *d = json_string_value(json_object_get(r.hits[i].record, "published"));
        assert_true(strncmp(prev, d, 4) <= 0);
        snprintf(prev, sizeof(prev), "%s", d);
    }
    query_results_release(&r);
    o.sort = QUERY_SORT_DATE_DESC;
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    snprintf(prev, sizeof(prev), "9999");
    for (size_t i = 0; i < r.n; i++) {
        const char *d = json_string_value(json_object_get(r.hits[i].record, "published"));
        assert_true(strncmp(prev, d, 4) >= 0);
        snprintf(prev, sizeof(prev), "%s", d);
    }
    query_results_release(&r);
    /* pages of 5 cover every report once */
    all = text_ids(s, "");
    {
        int ids[FX_REPORTS + 10], n = 0;
        for (unsigned off = 0; off < FX_REPORTS; off += 5) {
            memset(&o, 0, sizeof(o));
            o.offset = off;
            o.limit = 5;
            o.exact = 1;
            o.vocab = s->vocab;
            assert_int_equal(query_run(s->db, &o, &r, &err), 0);
            assert_int_equal(r.total, FX_REPORTS);
            for (size_t i = 0; i < r.n && n < FX_REPORTS + 10; i++)
                ids[n++] = (int)json_integer_value(json_object_get(r.hits[i].record, "id"));
            query_results_release(&r);
        }
        qsort(ids, (size_t)n, sizeof(ids[0]), cmp_int);
        for (int i = 0; i < n; i++)
            buf_addf(&b, "%s%d", i ? "," : "", ids[i]);
    }
    paged = buf_take(&b);
    assert_string_equal(paged, all);
    free(all);
    free(paged);
}

static void test_search_by_review_and_pages(void **state)
{
    struct st *s = *state;
    struct query_opts o;
    struct query_results r;
    struct cr_err err;
    int found = 0;

    memset(&o, 0, sizeof(o));
    o.by_review = 1;
    o.limit = 100;
    o.exact = 1;
    o.vocab = s->vocab;
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    assert_int_equal(r.total, FX_REPORTS - 3); /* reports 22..24 belong to reviews 1..3 */
    assert_int_equal(r.n, FX_REPORTS - 3);
    query_results_release(&r);

    memset(&o, 0, sizeof(o));
    o.text = "safeguarding";
    o.pages = 1;
    o.limit = 100;
    o.vocab = s->vocab;
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    for (size_t i = 0; i < r.n; i++) {
        json_int_t pages = json_integer_value(json_object_get(r.hits[i].record, "pages"));
        assert_int_equal(r.hits[i].npages, (size_t)pages); /* every page says it */
        for (size_t j = 1; j < r.hits[i].npages; j++)
            assert_true(r.hits[i].pages[j - 1].page < r.hits[i].pages[j].page);
        found += pages == 4;
    }
    assert_true(found > 0);
    query_results_release(&r);
}

static void test_search_snippet_and_best_page(void **state)
{
    struct st *s = *state;
    struct query_opts o;
    struct query_results r;
    struct cr_err err;

    memset(&o, 0, sizeof(o));
    o.text = "bruising";
    o.vocab = s->vocab;
    assert_int_equal(query_run(s->db, &o, &r, &err), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(json_integer_value(json_object_get(r.hits[0].record, "id")), 8);
    assert_int_equal(r.hits[0].best_page, 4);
    th_assert_contains(r.hits[0].snippet, QUERY_HI_START "bruising" QUERY_HI_END);
    query_results_release(&r);
}

static void test_search_added_after(void **state)
{
    struct st *s = *state;
    struct query_opts o;
    char *ids;

    memset(&o, 0, sizeof(o));
    o.added_after = "2023-11-14T22:13:40Z"; /* 1700000020: reports 21.. were added after */
    ids = run_ids(s, &o, NULL);
    assert_string_equal(ids, "22,23,24");
    free(ids);
}

static void test_search_partnership_names_from_tsv(void **state)
{
    static const char tsv[] =
        "# fictional partnerships\n"
        "northshire\tengland\tNorthshire Safeguarding Children Partnership\t"
        "Northshire LSCB; NSCB\n"
        "westmere\tengland\tWestmere Safeguarding Children Partnership\n";
    struct st *s = *state;
    struct filter_vocab *v = filter_vocab_new();
    char *path = xasprintf("%s/p.tsv", s->repo.dir), *id = NULL;
    struct cr_err err;

    th_write(path, tsv, strlen(tsv));
    assert_int_equal(filter_vocab_load_partnerships(v, path, &err), 0);
    assert_int_equal(filter_resolve(v, s->db, FILTER_PARTNERSHIP, "Northshire LSCB", &id, &err), 0);
    assert_string_equal(id, "northshire");
    free(id);
    assert_int_equal(filter_resolve(v, s->db, FILTER_PARTNERSHIP, "nscb", &id, &err), 0);
    assert_string_equal(id, "northshire");
    free(id);
    assert_string_equal(filter_vocab_label(v, FILTER_PARTNERSHIP, "westmere"),
                        "Westmere Safeguarding Children Partnership");
    assert_int_equal(filter_resolve(v, s->db, FILTER_PARTNERSHIP, "Eastvale", &id, &err), 0);
    assert_string_equal(id, "eastvale"); /* the index's own id */
    free(id);
    assert_int_equal(filter_vocab_load_partnerships(v, "/nonexistent/p.tsv", &err), CR_ENOTFOUND);
    filter_vocab_free(v);
    free(path);
}

static int count_hit(const struct taxonomy_hit *hit, void *ctx)
{
    (void)hit;
    (*(unsigned *)ctx)++;
    return 0;
}

/* The shipped taxonomy, loaded without its matcher, names what search needs. */
static void test_search_vocab_from_shipped_taxonomy(void **state)
{
    struct st *s = *state;
    struct filter_vocab *v = filter_vocab_new();
    struct taxonomy *t = NULL;
    struct cr_err err;
    char *id = NULL, *out = NULL;
    size_t n = 0;
    unsigned hits = 0;
    char *data = th_src("data");

    setenv("CASEREVIEW_DATA", data, 1); /* the test program may be built deep in build/ */
    free(data);
    assert_int_equal(taxonomy_load_names(&t, &err), 0);
    filter_vocab_from_taxonomy(v, t);
    assert_int_equal(taxonomy_scan(t, "domestic abuse", 14, TAXONOMY_ALL, count_hit, &hits), 0);
    assert_int_equal(hits, 0); /* no matcher */
    taxonomy_free(t);
    assert_int_equal(filter_resolve(v, s->db, FILTER_THEME, "domestic violence", &id, &err), 0);
    assert_string_equal(id, "domestic-abuse");
    free(id);
    assert_int_equal(filter_resolve(v, s->db, FILTER_THEME, "DA", &id, &err), 0);
    assert_string_equal(id, "domestic-abuse");
    free(id);
    assert_int_equal(filter_resolve(v, s->db, FILTER_TYPE, "SCR", &id, &err), 0);
    assert_string_equal(id, "scr");
    free(id);
    assert_non_null(filter_vocab_abbrev(v, "MASH", &n));
    assert_int_equal(query_rewrite("SUDI", v, s->db, &out, &err), 0);
    assert_string_equal(out, "(SUDI OR \"sudden unexpected death in infancy\")");
    free(out);
    filter_vocab_free(v);
}

/* Resolves each typed name of rows through v: "field:typed=id;…" (or "=?" when unknown). */
static char *resolve_all(struct st *s, const struct filter_vocab *v)
{
    static const struct {
        enum filter_field f;
        const char *typed;
    } rows[] = {
        {FILTER_THEME, "domestic violence"}, {FILTER_THEME, "DA"}, {FILTER_THEME, "Neglect"},
        {FILTER_THEME, "sudden unexpected death in infancy"}, {FILTER_TOPIC, "was not brought"},
        {FILTER_TYPE, "SCR"}, {FILTER_TYPE, "child practice review"}, {FILTER_KIND, "7MB"},
        {FILTER_NATION, "Cymru"}, {FILTER_NATION, "NI"}, {FILTER_MODEL, "SILP"},
        {FILTER_PARTNERSHIP, "northshire"}, {FILTER_THEME, "no such theme"},
    };
    struct buf b = BUF_INIT;
    struct cr_err err;
    const char *const *exp;
    size_t n = 0;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *id = NULL;
        int rc = filter_resolve(v, s->db, rows[i].f, rows[i].typed, &id, &err);
        buf_addf(&b, "%d:%s=%s;", rows[i].f, rows[i].typed, rc == 0 ? id : "?");
        free(id);
    }
    exp = filter_vocab_abbrev(v, "sudi", &n);
    buf_addf(&b, "sudi=%s;", exp ? exp[0] : "?");
    exp = filter_vocab_abbrev_of(v, "domestic abuse", &n);
    buf_addf(&b, "of=%s;", exp ? exp[0] : "?");
    buf_addf(&b, "label=%s;", filter_vocab_label(v, FILTER_TYPE, "cspr"));
    return buf_take(&b);
}

/*
 * The compiled vocabulary answers as the one built from the taxonomy, and
 * whatever is not a whole dump of its format is refused.
 */
static void test_search_vocab_dump_and_parse(void **state)
{
    struct st *s = *state;
    struct filter_vocab *v = filter_vocab_new(), *w;
    struct taxonomy *t = NULL;
    struct cr_err err;
    char *data = th_src("data"), *dump, *again, *want, *got;
    uint64_t stamp = 0x1234abcd5678ef00ull;

    setenv("CASEREVIEW_DATA", data, 1);
    free(data);
    filter_vocab_add_nations(v);
    assert_int_equal(taxonomy_load_names(&t, &err), 0);
    filter_vocab_from_taxonomy(v, t);
    taxonomy_free(t);
    filter_vocab_add(v, FILTER_PARTNERSHIP, "northshire", "Northshire Partnership", "NSCP");
    dump = filter_vocab_dump(v, stamp);
    assert_non_null(dump);
    assert_null(filter_vocab_parse(dump, strlen(dump), stamp + 1)); /* stamped otherwise */
    w = filter_vocab_parse(dump, strlen(dump), stamp);
    assert_non_null(w);
    again = filter_vocab_dump(w, stamp);
    assert_string_equal(again, dump);
    want = resolve_all(s, v);
    got = resolve_all(s, w);
    assert_string_equal(got, want);
    th_assert_contains(want, "0:domestic violence=domestic-abuse;");
    th_assert_contains(want, "sudi=sudden unexpected death in infancy;");
    {
        static const char *const bad[] = {
            "", "casereview-vocab 1 0000000000000001\n", /* no end */
            "casereview-vocab 2 0000000000000001\n.\n", /* another format */
            "casereview-vocab 1 00000000001\n.\n",       /* short stamp */
            "casereview-vocab 1 0000000000000001\nE99\tx\t\tx\n.\n", /* no such field */
            "casereview-vocab 1 0000000000000001\nEx\tx\t\tx\n.\n",
            "casereview-vocab 1 0000000000000001\nE0\tx\n.\n",       /* no label */
            "casereview-vocab 1 0000000000000001\nAsudi\n.\n",        /* nothing it means */
            "casereview-vocab 1 0000000000000001\nZjunk\n.\n",
            "casereview-vocab 1 0000000000000001\nE0\tx\t\tx",        /* cut */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            assert_null(filter_vocab_parse(bad[i], strlen(bad[i]), 1));
        /* a cut dump */
        assert_null(filter_vocab_parse(dump, strlen(dump) / 2, stamp));
        static const char good[] = "casereview-vocab 1 0000000000000002\nE0\tx\t\tx\tthe-x\n.\n";
        filter_vocab_free(w);
        w = filter_vocab_parse(good, strlen(good), 2);
        assert_non_null(w);
        assert_string_equal(filter_vocab_label(w, FILTER_THEME, "x"), "x");
    }
    /* a name with a tab cannot be kept */
    filter_vocab_add(v, FILTER_THEME, "tab", "a\tb", NULL);
    assert_null(filter_vocab_dump(v, 1));
    filter_vocab_free(v);
    filter_vocab_free(w);
    free(dump);
    free(again);
    free(want);
    free(got);
}

#define T(name) cmocka_unit_test(name)
static const struct CMUnitTest tests[] = {
    T(test_search_prefixes_match_catalogue),  T(test_search_rec_prefix_is_not_body),
    T(test_search_date_edges),                T(test_search_flags_or_within_and_across),
    T(test_search_names_and_synonyms),        T(test_search_abbreviation_expands),
    T(test_search_rewrite_table),             T(test_search_unknown_values_suggest),
    T(test_search_spelling_suggests),         T(test_search_facets_equal_catalogue_counts),
    T(test_search_report_counts_equal_page_counts),
    T(test_search_sort_and_paging),           T(test_search_by_review_and_pages),
    T(test_search_snippet_and_best_page),     T(test_search_added_after),
    T(test_search_partnership_names_from_tsv),
    T(test_search_vocab_from_shipped_taxonomy),
    T(test_search_vocab_dump_and_parse),
    T(test_search_small_counts_are_exact),
};

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, setup, teardown);
}
