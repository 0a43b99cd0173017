#ifndef CASEREVIEW_SEARCH_FACET_H
#define CASEREVIEW_SEARCH_FACET_H
/*
 * Counting reports: the compare matrix (rows × columns of two fields, e.g.
 * partnership × theme, over the reports a search matches) and the
 * repository's statistics (reports and pages per value of a field). Counts
 * come from the index's facet spy (lib/xdb.h): exact, each report once
 * however many of its pages match; a report with several themes counts in
 * each of their columns.
 */

#include <stdint.h>

#include "lib/cr_err.h"
#include "lib/xdb.h"
#include "search/filter.h"
#include "search/query.h"

struct facet_matrix {
    enum filter_field rows, cols;
    char **row_ids;          /* owned; nrows of them, by row total descending, then id */
    size_t nrows;
    char **col_ids;          /* owned; ncols, by column total descending, then id */
    size_t ncols;
    uint32_t *counts;        /* owned; nrows * ncols, row-major: reports in (row, col) */
    uint32_t *row_totals;    /* owned; matching reports in each row */
    uint32_t *col_totals;    /* owned; matching reports in each column */
    uint32_t total;          /* matching reports */
};

/*
 * The matrix of reports matching o by rows × cols (fields with a value
 * slot: partnership, nation, year, type, kind, theme, topic…). *m is filled
 * (facet_matrix_release).
 */
int facet_matrix(struct xdb *db, const struct query_opts *o, enum filter_field rows,
                 enum filter_field cols, struct facet_matrix *m, struct cr_err *err) CR_MUST_CHECK;
void facet_matrix_release(struct facet_matrix *m);
/* Count of (row i, column j). */
uint32_t facet_matrix_at(const struct facet_matrix *m, size_t i, size_t j);

struct facet_count {
    char *value;             /* owned: the id the index holds */
    uint32_t reports;
    uint32_t pages;
};

struct facet_stats {
    enum filter_field field;
    struct facet_count *v;   /* owned; by reports descending, then value */
    size_t n;
};

/*
 * Reports and pages per value of each of fields[0..n) over the whole index;
 * out has n elements (facet_stats_release each). *reports and *pages get
 * the totals.
 */
int facet_stats(struct xdb *db, const enum filter_field *fields, size_t n,
                struct facet_stats *out, uint32_t *reports, uint32_t *pages,
                struct cr_err *err) CR_MUST_CHECK;
void facet_stats_release(struct facet_stats *s);

#endif
