#include "search/facet.h"

/*
 * The compare matrix is one search with three facets: rows, columns, and
 * the pair (row, column) that the spy cross-tabulates per report; the
 * statistics are one search over everything with page counting on. Both
 * count report documents where the query allows (search/query.c).
 */

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static struct xdb_facet facet_of(enum filter_field f)
{
    const struct filter_field_info *fi = filter_field(f);

    return (struct xdb_facet){(unsigned)fi->slot, fi->sep, 0, 0, 0};
}

static char **take_ids(const struct xdb_facet_result *f, uint32_t **totals)
{
    char **ids = xcalloc(f->n + 1, sizeof(*ids));

    *totals = xcalloc(f->n + 1, sizeof(**totals));
    for (size_t i = 0; i < f->n; i++) {
        ids[i] = xstrdup(f->values[i].value);
        (*totals)[i] = f->values[i].count;
    }
    return ids;
}

static size_t index_of(char **ids, size_t n, const char *id, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(ids[i]) == len && !memcmp(ids[i], id, len))
            return i;
    return (size_t)-1;
}

static void fill_pairs(struct facet_matrix *m, const struct xdb_facet_result *pairs)
{
    for (size_t k = 0; k < pairs->n; k++) {
        const char *v = pairs->values[k].value, *sep = strchr(v, XDB_PAIR_SEP);
        size_t i, j;
        if (!sep)
            continue;
        i = index_of(m->row_ids, m->nrows, v, (size_t)(sep - v));
        j = index_of(m->col_ids, m->ncols, sep + 1, strlen(sep + 1));
        if (i != (size_t)-1 && j != (size_t)-1)
            m->counts[i * m->ncols + j] = pairs->values[k].count;
    }
}

int facet_matrix(struct xdb *db, const struct query_opts *o, enum filter_field rows,
                 enum filter_field cols, struct facet_matrix *m, struct cr_err *err)
{
    struct xdb_facet f[3];
    struct xdb_result *xr = NULL;
    int rc;

    memset(m, 0, sizeof(*m));
    if (filter_field(rows)->slot < 0 || filter_field(cols)->slot < 0)
        return cr_error(err, CR_EUSAGE, "'%s' cannot be counted",
                        filter_field(filter_field(rows)->slot < 0 ? rows : cols)->name);
    f[0] = facet_of(rows);
    f[1] = facet_of(cols);
    f[2] = f[0];
    f[2].paired = 1;
    f[2].slot2 = f[1].slot;
    f[2].sep2 = f[1].sep;
    rc = query_count(db, o, f, 3, 0, &xr, err);
    if (rc < 0)
        return rc;
    m->rows = rows;
    m->cols = cols;
    m->row_ids = take_ids(&xr->facets[0], &m->row_totals);
    m->nrows = xr->facets[0].n;
    m->col_ids = take_ids(&xr->facets[1], &m->col_totals);
    m->ncols = xr->facets[1].n;
    m->counts = xcalloc(m->nrows * m->ncols + 1, sizeof(*m->counts));
    m->total = xr->groups;
    fill_pairs(m, &xr->facets[2]);
    xdb_result_free(xr);
    return 0;
}

uint32_t facet_matrix_at(const struct facet_matrix *m, size_t i, size_t j)
{
    return m->counts[i * m->ncols + j];
}

void facet_matrix_release(struct facet_matrix *m)
{
    for (size_t i = 0; i < m->nrows; i++)
        free(m->row_ids[i]);
    for (size_t j = 0; j < m->ncols; j++)
        free(m->col_ids[j]);
    free(m->row_ids);
    free(m->col_ids);
    free(m->counts);
    free(m->row_totals);
    free(m->col_totals);
    memset(m, 0, sizeof(*m));
}

int facet_stats(struct xdb *db, const enum filter_field *fields, size_t n,
                struct facet_stats *out, uint32_t *reports, uint32_t *pages, struct cr_err *err)
{
    struct xdb_facet *f = xcalloc(n + 1, sizeof(*f));
    struct xdb_result *xr = NULL;
    struct query_opts o;
    int rc;

    memset(&o, 0, sizeof(o));
    for (size_t i = 0; i < n; i++)
        f[i] = facet_of(fields[i]);
    rc = query_count(db, &o, f, n, 1, &xr, err);
    free(f);
    if (rc < 0)
        return rc;
    *reports = xr->groups;
    *pages = xr->docs; /* not the index's document count: it has report documents too */
    for (size_t i = 0; i < n; i++) {
        out[i].field = fields[i];
        out[i].n = xr->facets[i].n;
        out[i].v = xcalloc(out[i].n + 1, sizeof(*out[i].v));
        for (size_t j = 0; j < out[i].n; j++) {
            out[i].v[j].value = xstrdup(xr->facets[i].values[j].value);
            out[i].v[j].reports = xr->facets[i].values[j].count;
            out[i].v[j].pages = xr->facets[i].values[j].docs;
        }
    }
    xdb_result_free(xr);
    return 0;
}

void facet_stats_release(struct facet_stats *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].value);
    free(s->v);
    memset(s, 0, sizeof(*s));
}
