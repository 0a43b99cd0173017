#ifndef CASEREVIEW_SEARCH_QUERY_H
#define CASEREVIEW_SEARCH_QUERY_H
/*
 * The query front end: checks what a user typed, rewrites it for the index
 * (lib/xdb.h) over the layout of lib/ixschema.h, and returns one result per
 * report (pages collapse onto their report; the best page is kept), or per
 * review with by_review.
 *
 * The query language: words (English stemming: "neglected" finds
 * "neglect"), "quoted phrases", AND, OR, NOT (upper case), parentheses,
 * wildcards (neglect*), field prefixes (title: rec: partnership: nation:
 * type: kind: child: theme: topic: year: review: outcome: age: model:) and
 * date ranges (published:2019..2021, published:2020-06.., year:2019..2021).
 * Values of the filter fields are names the vocabulary resolves
 * (theme:"domestic violence" → theme:domestic-abuse). Abbreviations of the
 * field expand in free text: SUDI → (SUDI OR "sudden unexpected death in
 * infancy"), and a phrase that is an expansion also finds its abbreviation.
 *
 * Counting (exact totals, facets, query_count) reads one report document
 * per report (lib/ixschema.h) when the query allows: words ORed, alone or
 * with filters and dates. Words ANDed or excluded, phrases and NEAR count
 * the matching pages, folded into reports (slower, same counts).
 *
 * A malformed query (an unclosed quote or parenthesis, an operator with
 * nothing to act on, an unknown field or value, a bad date) is refused with
 * a message naming the bad part, before the index is asked: Xapian's own
 * parser would silently reread it as plain words.
 *
 * Snippets mark matched words with QUERY_HI_START / QUERY_HI_END, two control
 * characters that never occur in indexed text; search/snippet.h turns them
 * into bold, ** markers or <mark> as the output needs.
 */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"
#include "lib/xdb.h"
#include "search/filter.h"

#define QUERY_HI_START "\x02"
#define QUERY_HI_END "\x03"
#define QUERY_DEFAULT_LIMIT 10
#define QUERY_SNIPPET_CHARS 220
#define QUERY_MAX_PAGES 1000    /* pages listed per report with opts.pages */

enum query_sort {
    QUERY_SORT_RELEVANCE = 0,
    QUERY_SORT_DATE,            /* oldest first */
    QUERY_SORT_DATE_DESC        /* newest first */
};

/* One filter as typed: field = value ("theme", "DA"). Repeats of a field OR. */
struct query_filter {
    enum filter_field field;
    const char *value;          /* borrowed */
};

struct query_opts {
    const char *text;           /* what the user typed; NULL or "" = every report */
    const struct query_filter *filters; /* borrowed; nfilters of them */
    size_t nfilters;
    const char *from;           /* published on or after (YYYY[-MM[-DD]]), or NULL */
    const char *to;             /* published on or before, or NULL */
    const char *added_after;    /* only reports added after this ISO 8601 time, or NULL */
    const char *sha256;         /* only this report (64 hex digits), or NULL */
    const struct filter_vocab *vocab; /* names of field values; borrowed, may be NULL */
    enum query_sort sort;
    int by_review;              /* 1: one row per review (IX_SLOT_REVIEW) */
    int pages;                  /* 1: list every matching page of each result */
    int facets;                 /* 1: count results by theme, topic, partnership… */
    unsigned offset;            /* results to skip */
    unsigned limit;             /* results to return; 0 = QUERY_DEFAULT_LIMIT */
    int exact;                  /* 1: count every matching report exactly */
    unsigned snippet_chars;     /* 0 = QUERY_SNIPPET_CHARS */
    int no_snippets;            /* 1: skip snippets (exports, counts) */
    int count_pages;            /* 1: count pages even where report documents could (the
                                   tests and benchmarks compare both) */
};

/* A matching page of a result (with opts.pages). */
struct query_page {
    int page;
    char *snippet;              /* owned, with the markers */
};

struct query_hit {
    json_t *record;             /* owned: the display record, plus best_page and snippet */
    int best_page;              /* the best-ranked page of the report */
    const char *snippet;        /* borrowed from record ("snippet"), with the markers */
    double weight;              /* BM25 weight of the best page */
    struct query_page *pages;   /* owned, by page number; with opts.pages */
    size_t npages;
};

/* The facets query_run counts, in this order. */
enum query_facet {
    QUERY_FACET_THEME = 0,
    QUERY_FACET_TOPIC,
    QUERY_FACET_PARTNERSHIP,
    QUERY_FACET_NATION,
    QUERY_FACET_TYPE,
    QUERY_FACET_KIND,
    QUERY_FACET_YEAR,
    QUERY_NFACETS
};

struct query_facet_count {
    char *value;                /* owned: the id the index holds */
    uint32_t count;             /* matching reports with this value */
};

struct query_facet_result {
    enum filter_field field;
    struct query_facet_count *values; /* owned; by count descending, then value */
    size_t n;
};

struct query_results {
    struct query_hit *hits;     /* owned */
    size_t n;
    uint32_t total;             /* reports matching (exact when opts.exact or facets) */
    int total_exact;            /* 1 when total is exact */
    char *corrected;            /* owned "did you mean" query, or NULL */
    char *rewritten;            /* owned: the query as given to the index */
    struct query_facet_result facets[QUERY_NFACETS]; /* with opts.facets */
    int has_facets;
    int counted_reports;        /* 1: total and facets came from report documents */
};

/* 0 if text is a well-formed query (fields known), else CR_EQUERY naming the problem. */
int query_validate(const char *text, struct cr_err *err) CR_MUST_CHECK;

/*
 * Rewrites text for the index: field values resolved through vocab (and the
 * ids db holds; db may be NULL), abbreviations expanded, year ranges as
 * published ranges. *out is new. Errors as query_validate, plus unknown
 * values (CR_EQUERY with the closest known names).
 */
int query_rewrite(const char *text, const struct filter_vocab *vocab, struct xdb *db,
                  char **out, struct cr_err *err) CR_MUST_CHECK;

/*
 * "Did you mean": text with each word that the index does not hold replaced
 * by the index's closest word (lib/xdb.h xdb_suggest). *out is new, or NULL
 * when nothing would change. query_run asks it when nothing matched.
 */
int query_spelling(struct xdb *db, const char *text, char **out,
                   struct cr_err *err) CR_MUST_CHECK;

/* Runs o against db into r (release with query_results_release). */
int query_run(struct xdb *db, const struct query_opts *o, struct query_results *r,
              struct cr_err *err) CR_MUST_CHECK;
void query_results_release(struct query_results *r);

/*
 * Runs o for counting only: every matching report (or review, with
 * by_review) counted once into the facets f (lib/xdb.h; paired facets
 * cross-tabulate), pages too with docs. No hits. *out is new
 * (xdb_result_free); (*out)->groups is the number of matching reports,
 * (*out)->docs with docs the number of matching pages.
 */
int query_count(struct xdb *db, const struct query_opts *o, const struct xdb_facet *f, size_t n,
                int docs, struct xdb_result **out, struct cr_err *err) CR_MUST_CHECK;

/* The facet's field (QUERY_FACET_THEME → FILTER_THEME). */
enum filter_field query_facet_field(enum query_facet f);

#endif
