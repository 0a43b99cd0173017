#ifndef CASEREVIEW_SEARCH_QUERY_H
#define CASEREVIEW_SEARCH_QUERY_H
/*
 * The query front end: checks what a user typed, turns it into an index
 * query (lib/xdb.h) over the layout of lib/ixschema.h, and returns one result
 * per report (pages collapse onto their report; the best page is kept).
 *
 * The query language: words (English stemming: "neglected" finds
 * "neglect"), "quoted phrases", AND, OR, NOT (upper case), parentheses, and
 * field prefixes such as title:. A malformed query (an unclosed quote or
 * parenthesis, an operator with nothing to act on) is refused with a message
 * naming the bad part, before the index is asked.
 *
 * Snippets mark matched words with QUERY_HI_START / QUERY_HI_END, two control
 * characters that never occur in indexed text; the caller turns them into
 * bold, ** markers or <mark> as its output needs.
 */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"
#include "lib/xdb.h"

#define QUERY_HI_START "\x02"
#define QUERY_HI_END "\x03"
#define QUERY_DEFAULT_LIMIT 10
#define QUERY_SNIPPET_CHARS 220

struct query_opts {
    const char *text;        /* what the user typed; NULL or "" = every report */
    unsigned offset;         /* results to skip */
    unsigned limit;          /* results to return; 0 = QUERY_DEFAULT_LIMIT */
    int exact;               /* 1: count every matching report exactly */
    unsigned snippet_chars;  /* 0 = QUERY_SNIPPET_CHARS */
};

struct query_hit {
    json_t *record;          /* owned: the display record, plus best_page and snippet */
    int best_page;           /* the best-ranked page of the report */
    const char *snippet;     /* borrowed from record ("snippet"), with the markers */
    double weight;           /* BM25 weight of the best page */
};

struct query_results {
    struct query_hit *hits;  /* owned */
    size_t n;
    uint32_t total;          /* reports matching (exact when opts.exact) */
    int total_exact;         /* 1 when total is exact */
    char *corrected;         /* owned "did you mean" query, or NULL */
};

/* 0 if text is a well-formed query, else CR_EQUERY naming the problem. */
int query_validate(const char *text, struct cr_err *err) CR_MUST_CHECK;

/* Runs o against db into r (release with query_results_release). */
int query_run(struct xdb *db, const struct query_opts *o, struct query_results *r,
              struct cr_err *err) CR_MUST_CHECK;
void query_results_release(struct query_results *r);

#endif
