/*
 * /compare: how an analyst sees which themes recur where and when. The
 * reports a search selects (the same URL state as /search) counted by rows
 * (partnership, nation, year, review type or document kind) against columns
 * (themes or learning topics), as a shaded table (a heat map), and the
 * reports per year as a bar chart, both drawn here: HTML and inline SVG, no
 * script, no image from anywhere. Every cell and every bar links to the
 * search whose results it counts.
 *
 * The counts are search/facet.h's facet_matrix, the same as `casereview
 * compare`: exact, each report once per cell however many of its pages
 * match.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "search/facet.h"
#include "search/query.h"
#include "web/web_int.h"

#define MAX_ROWS 60       /* rows drawn (by total, largest first) */
#define MAX_COLS 40       /* columns drawn */
#define HEAT_LEVELS 7     /* shades .h1 … .h7; .h0 for none */

#define CHART_W 720
#define CHART_H 240
#define CHART_LEFT 40
#define CHART_BOTTOM 30
#define CHART_TOP 20

static const struct axis {
    const char *param;         /* in the URL: rows=partnership */
    const char *label;         /* for people */
    enum filter_field field;
    int web_field;             /* the search page's filter (-1: year, a date range) */
} row_axes[] = {
    {"partnership", "Partnership", FILTER_PARTNERSHIP, WEB_F_PARTNERSHIP},
    {"nation", "Nation", FILTER_NATION, WEB_F_NATION},
    {"year", "Year", FILTER_YEAR, -1},
    {"type", "Review type", FILTER_TYPE, WEB_F_TYPE},
    {"kind", "Document", FILTER_KIND, WEB_F_KIND},
}, col_axes[] = {
    {"theme", "Theme", FILTER_THEME, WEB_F_THEME},
    {"topic", "Learning topic", FILTER_TOPIC, WEB_F_TOPIC},
};

#define NROWS_AXES (sizeof(row_axes) / sizeof(row_axes[0]))
#define NCOLS_AXES (sizeof(col_axes) / sizeof(col_axes[0]))

static const struct axis *axis_by(const struct axis *axes, size_t n, const char *param)
{
    if (!param || !*param)
        return &axes[0];
    for (size_t i = 0; i < n; i++)
        if (!strcmp(axes[i].param, param))
            return &axes[i];
    return NULL;
}

/* A value of an axis, for people. */
static void axis_label(struct buf *b, const struct web *w, const struct axis *a, const char *id)
{
    if (a->field == FILTER_YEAR)
        web_esc(b, id);
    else
        web_label(b, w, a->field, id);
}

/*
 * The search that a cell (row value, column value) counts, as an escaped
 * href: the page's own state plus the row's and the column's filters. A
 * year is the date range of that year.
 */
static void cell_href(struct buf *b, const struct web_search *s, const struct axis *row,
                      const char *rv, const struct axis *col, const char *cv)
{
    struct web_search t = *s;
    struct web_edit e = WEB_EDIT_NONE;

    e.keep_page = 0;
    /* (values in force OR'ed) AND the cell's value = the cell's value alone */
    if (col && cv) {
        t.nvals[col->web_field] = 1;
        t.vals[col->web_field][0] = cv;
    }
    if (row->web_field >= 0) {
        t.nvals[row->web_field] = 1;
        t.vals[row->web_field][0] = rv;
    } else {
        e.set_from = e.set_to = rv;
    }
    web_search_href(b, "/search", &t, &e);
}

static void select_axis(struct buf *b, const char *name, const char *label,
                        const struct axis *axes, size_t n, const struct axis *cur)
{
    buf_addf(b, "<div><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", name, label,
             name, name);
    for (size_t i = 0; i < n; i++)
        buf_addf(b, "<option value=\"%s\"%s>%s</option>", axes[i].param,
                 &axes[i] == cur ? " selected" : "", axes[i].label);
    buf_addstr(b, "</select></div>\n");
}

static void hidden(struct buf *b, const char *name, const char *value)
{
    buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    web_esc(b, value);
    buf_addstr(b, "\">\n");
}

static void render_form(struct buf *b, const struct web_search *s, const struct axis *row,
                        const struct axis *col, int share)
{
    buf_addstr(b, "<form class=\"search\" action=\"/compare\" method=\"get\">\n"
                  "<label for=\"q\">Reports whose text matches (empty: every report)</label>\n"
                  "<div class=\"box\"><input id=\"q\" name=\"q\" type=\"search\" value=\"");
    web_esc(b, s->q);
    buf_addstr(b, "\" maxlength=\"4096\"><button type=\"submit\">Compare</button></div>\n"
                  "<div class=\"filters\">\n");
    select_axis(b, "rows", "Rows", row_axes, NROWS_AXES, row);
    select_axis(b, "cols", "Columns", col_axes, NCOLS_AXES, col);
    buf_addf(b, "<div class=\"check\"><input id=\"share\" name=\"share\" type=\"checkbox\" "
                "value=\"1\"%s><label for=\"share\">Percent of each row's reports</label></div>\n",
             share ? " checked" : "");
    buf_addstr(b, "</div>\n");
    for (int f = 0; f < WEB_F_COUNT; f++)
        for (size_t i = 0; i < s->nvals[f]; i++)
            hidden(b, web_fields[f].param, s->vals[f][i]);
    if (s->from)
        hidden(b, "from", s->from);
    if (s->to)
        hidden(b, "to", s->to);
    buf_addstr(b, "</form>\n");
}

static unsigned level(uint32_t v, uint32_t max)
{
    if (!v || !max)
        return 0;
    return 1 + (unsigned)(((uint64_t)v * (HEAT_LEVELS - 1)) / max);
}

static void render_cell(struct buf *b, const struct web *w, const struct web_search *s,
                        const struct axis *row, const char *rv, const struct axis *col,
                        const char *cv, uint32_t v, uint32_t row_total, uint32_t max, int share)
{
    uint32_t shown = share && row_total ? (uint32_t)((v * 100u + row_total / 2) / row_total) : v;

    buf_addf(b, "<td class=\"h%u\">", level(share ? shown : v, share ? 100 : max));
    if (!v) {
        buf_addstr(b, "<span aria-hidden=\"true\">·</span><span class=\"visually-hidden\">"
                      "none</span></td>");
        return;
    }
    buf_addstr(b, "<a href=\"");
    cell_href(b, s, row, rv, col, cv);
    buf_addf(b, "\">%u%s<span class=\"visually-hidden\"> report%s: ", shown, share ? "%" : "",
             !share && v == 1 ? "" : "s");
    axis_label(b, w, row, rv);
    buf_addstr(b, ", ");
    axis_label(b, w, col, cv);
    buf_addstr(b, "</span></a></td>");
}

static void render_matrix(struct buf *b, const struct web *w, const struct web_search *s,
                          const struct facet_matrix *m, const struct axis *row,
                          const struct axis *col, int share)
{
    size_t nr = m->nrows < MAX_ROWS ? m->nrows : MAX_ROWS;
    size_t nc = m->ncols < MAX_COLS ? m->ncols : MAX_COLS;
    uint32_t max = 0;

    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++)
            if (facet_matrix_at(m, i, j) > max)
                max = facet_matrix_at(m, i, j);
    buf_addf(b, "<h2 id=\"matrix-h\">%s by %s</h2>\n", row->label, col->label);
    if (!nr || !nc) {
        buf_addf(b, "<p>None of these reports has a %s yet.</p>\n",
                 !nr ? row->label : col->label);
        return;
    }
    if (m->nrows > nr || m->ncols > nc)
        buf_addf(b, "<p class=\"help\">The %zu rows and %zu columns with most reports of %zu "
                    "and %zu.</p>\n", nr, nc, m->nrows, m->ncols);
    buf_addstr(b, "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"matrix-h\" "
                  "tabindex=\"0\">\n<table class=\"heat\">\n");
    buf_addf(b, "<caption class=\"visually-hidden\">Reports by %s and %s%s; each number links "
                "to the reports it counts</caption>\n<thead><tr><th scope=\"col\">%s</th>",
             row->label, col->label, share ? " (percent of the row's reports)" : "",
             row->label);
    for (size_t j = 0; j < nc; j++) {
        buf_addstr(b, "<th scope=\"col\">");
        axis_label(b, w, col, m->col_ids[j]);
        buf_addstr(b, "</th>");
    }
    buf_addstr(b, "<th scope=\"col\">Reports</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < nr; i++) {
        buf_addstr(b, "<tr><th scope=\"row\">");
        axis_label(b, w, row, m->row_ids[i]);
        buf_addstr(b, "</th>");
        for (size_t j = 0; j < nc; j++)
            render_cell(b, w, s, row, m->row_ids[i], col, m->col_ids[j],
                        facet_matrix_at(m, i, j), m->row_totals[i], max, share);
        buf_addstr(b, "<td class=\"total\"><a href=\"");
        cell_href(b, s, row, m->row_ids[i], NULL, NULL);
        buf_addf(b, "\">%u</a></td></tr>\n", m->row_totals[i]);
    }
    buf_addstr(b, "</tbody>\n</table>\n</div>\n");
}

static int by_year(const void *a, const void *b)
{
    const struct query_facet_count *x = a, *y = b;

    return strcmp(x->value, y->value);
}

/* Reports per year as bars, each a link to that year's reports. */
static void render_chart(struct buf *b, const struct web_search *s,
                         const struct query_facet_result *years)
{
    static const struct axis year_axis = {"year", "Year", FILTER_YEAR, -1};
    struct query_facet_count *v;
    size_t n = 0;
    uint32_t max = 1;
    int first, last;
    double slot, bar;

    for (size_t i = 0; i < years->n; i++)
        if (strlen(years->values[i].value) == 4)
            n++;
    buf_addstr(b, "<h2 id=\"chart-h\">Reports per year</h2>\n");
    if (!n) {
        buf_addstr(b, "<p>No publication year is known for these reports.</p>\n");
        return;
    }
    v = xcalloc(n, sizeof(*v));
    n = 0;
    for (size_t i = 0; i < years->n; i++)
        if (strlen(years->values[i].value) == 4)
            v[n++] = years->values[i];
    qsort(v, n, sizeof(*v), by_year);
    first = atoi(v[0].value);
    last = atoi(v[n - 1].value);
    if (last - first > 60)
        first = last - 60; /* a wide span shows its last sixty years */
    for (size_t i = 0; i < n; i++)
        if (v[i].count > max)
            max = v[i].count;
    slot = (double)(CHART_W - CHART_LEFT - 10) / (last - first + 1);
    bar = slot * 0.7 < 48 ? slot * 0.7 : 48;
    buf_addf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                "role=\"group\" aria-labelledby=\"chart-h\">\n",
             CHART_W, CHART_H, CHART_W, CHART_H);
    buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"currentColor\"/>\n",
             CHART_LEFT, CHART_H - CHART_BOTTOM, CHART_W - 10, CHART_H - CHART_BOTTOM);
    buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u</text>\n", CHART_LEFT - 6,
             CHART_TOP + 4, max);
    buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", CHART_LEFT - 6,
             CHART_H - CHART_BOTTOM + 4);
    for (size_t i = 0; i < n; i++) {
        int y = atoi(v[i].value);
        double h = (double)(CHART_H - CHART_BOTTOM - CHART_TOP) * v[i].count / max;
        double x = CHART_LEFT + (y - first) * slot + (slot - bar) / 2;
        if (y < first)
            continue;
        buf_addstr(b, "<a href=\"");
        cell_href(b, s, &year_axis, v[i].value, NULL, NULL);
        buf_addf(b, "\" aria-label=\"%s: %u report%s\">", v[i].value, v[i].count,
                 v[i].count == 1 ? "" : "s");
        buf_addf(b, "<title>%s: %u report%s</title>", v[i].value, v[i].count,
                 v[i].count == 1 ? "" : "s");
        buf_addf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                 x, CHART_H - CHART_BOTTOM - h, bar, h);
        buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%u</text></a>\n",
                 x + bar / 2, CHART_H - CHART_BOTTOM - h - 4, v[i].count);
    }
    /* year labels under the axis, thinned so that they never overlap */
    for (int y = first, step = slot < 34 ? (int)(34 / slot) + 1 : 1; y <= last; y += step)
        buf_addf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                 CHART_LEFT + (y - first) * slot + slot / 2, CHART_H - CHART_BOTTOM + 18, y);
    buf_addstr(b, "</svg>\n");
    free(v);
}

/* Runs the matrix and the year counts for s. */
static int compute(struct web_req *r, const struct web_search *s, const struct axis *row,
                   const struct axis *col, struct facet_matrix *m, struct query_results *years,
                   struct cr_err *err)
{
    struct web_thread *t = web_thread_get(r);
    struct query_filter filters[WEB_F_COUNT * WEB_MAX_VALUES];
    struct query_opts o;
    int rc;

    if (!t->db)
        return cr_error(err, CR_ENOTFOUND, "there is no index yet: add reports and run "
                                           "'casereview index', then reload this page");
    web_query_opts(r->w, s, &o, filters);
    o.offset = 0;
    o.limit = 1;
    o.sort = QUERY_SORT_RELEVANCE;
    o.facets = 1;
    o.no_snippets = 1;
    rc = query_run(t->db, &o, years, err);
    if (rc == 0)
        rc = facet_matrix(t->db, &o, row->field, col->field, m, err);
    return rc;
}

void web_page_compare(struct web_req *r)
{
    struct web_search s;
    struct facet_matrix m;
    struct query_results years;
    struct buf *b = &r->body;
    struct cr_err err;
    const struct axis *row = axis_by(row_axes, NROWS_AXES, web_param(r, "rows"));
    const struct axis *col = axis_by(col_axes, NCOLS_AXES, web_param(r, "cols"));
    const char *share_p = web_param(r, "share");
    int share = share_p && !strcmp(share_p, "1"), rc;

    cr_err_clear(&err);
    memset(&m, 0, sizeof(m));
    memset(&years, 0, sizeof(years));
    rc = web_search_parse(r, &s, &err);
    if (rc == 0 && (!row || !col)) {
        rc = cr_error(&err, CR_EINVAL, !row ? "'rows' must be partnership, nation, year, type "
                                              "or kind"
                                            : "'cols' must be theme or topic");
        row = row ? row : &row_axes[0];
        col = col ? col : &col_axes[0];
    }
    if (rc == 0)
        rc = compute(r, &s, row, col, &m, &years, &err);
    if (rc < 0)
        r->status = web_status_of(rc);
    web_page_start(b, "Compare", WEB_NAV_COMPARE);
    buf_addstr(b, "<h1>Compare</h1>\n<p>How many reports, among those selected, fall under "
                  "each pair: a darker cell holds more. Every number opens the reports it "
                  "counts.</p>\n");
    render_form(b, &s, row, col, share);
    if (rc < 0) {
        buf_addstr(b, "<p class=\"error\" role=\"alert\">");
        web_esc(b, err.msg);
        buf_addstr(b, "</p>\n");
    } else {
        struct web_edit e = WEB_EDIT_NONE;
        e.keep_page = 0;
        buf_addf(b, "<p>%u report%s selected: <a href=\"", m.total, m.total == 1 ? "" : "s");
        web_search_href(b, "/search", &s, &e);
        buf_addstr(b, "\">see them</a>.</p>\n");
        render_matrix(b, r->w, &s, &m, row, col, share);
        render_chart(b, &s, &years.facets[QUERY_FACET_YEAR]);
    }
    web_page_end(b);
    facet_matrix_release(&m);
    query_results_release(&years);
}
