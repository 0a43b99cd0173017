/*
 * casereview compare --rows FIELD --cols FIELD [QUERY/filters]: a matrix of
 * report counts (or, with --share, percentages of each row's reports), as
 * an aligned table, CSV or JSON. An analyst sees which themes recur where
 * and when.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "search/facet.h"
#include "search/result.h"

static const char usage[] =
    "usage: casereview compare --rows partnership|nation|year|type|kind --cols theme|topic\n"
    "                          [--share] [--format text|csv|json] [filters] [QUERY...]\n"
    "\n"
    "Counts the reports that match QUERY and the filters (all reports when\n"
    "there are none) in a matrix: one row per partnership (or nation, year,\n"
    "review type, document kind), one column per theme (or learning topic).\n"
    "A report with several themes counts in each of their columns; the\n"
    "'reports' column counts each report once.\n"
    "\n"
    "      --rows FIELD       partnership, nation, year, type or kind\n"
    "      --cols FIELD       theme or topic\n"
    "      --share            percentages of each row's reports instead of counts\n"
    "      --format FORMAT    text (an aligned table, default), csv, json\n"
    "      --theme, --topic, --partnership, --nation, --type, --kind, --from, --to\n"
    "                         filters, as in 'casereview search'\n"
    "\n"
    "Exit status: 0 ok, 1 no report matches, 2 usage or query error, 3 failure.\n"
    "\n"
    "example: casereview compare --rows nation --cols theme --share --from 2019\n";

enum { O_ROWS = CLI_OPT_FIRST_FREE, O_COLS, O_SHARE, O_FORMAT };
enum format { F_TEXT, F_CSV, F_JSON };

struct compare_args {
    struct cli_query q;
    int rows, cols, share;
    enum format format;
};

static int field_arg(const char *arg, const char *const *allowed, int *out)
{
    for (size_t i = 0; allowed[i]; i++) {
        if (!strcmp(arg, allowed[i])) {
            *out = filter_field_by_name(arg);
            return 0;
        }
    }
    return -1;
}

static int parse(struct compare_args *a, int argc, char **argv)
{
    static const char *const rows[] = {"partnership", "nation", "year", "type", "kind", NULL};
    static const char *const cols[] = {"theme", "topic", NULL};
    static const struct option opts[] = {CLI_QUERY_LONGOPTS,
                                         {"rows", required_argument, NULL, O_ROWS},
                                         {"cols", required_argument, NULL, O_COLS},
                                         {"share", no_argument, NULL, O_SHARE},
                                         {"format", required_argument, NULL, O_FORMAT},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, taken;

    a->rows = a->cols = -1;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((taken = cli_query_option(&a->q, c, optarg)) != 0) {
            if (taken < 0)
                return cli_usage(usage, "too many filters");
            continue;
        }
        if (c == 'h') {
            cli_help(usage);
            return -1;
        } else if (c == O_ROWS && field_arg(optarg, rows, &a->rows) < 0) {
            return cli_usage(usage, "--rows is partnership, nation, year, type or kind, "
                                    "not '%s'", optarg);
        } else if (c == O_COLS && field_arg(optarg, cols, &a->cols) < 0) {
            return cli_usage(usage, "--cols is theme or topic, not '%s'", optarg);
        } else if (c == O_SHARE) {
            a->share = 1;
        } else if (c == O_FORMAT) {
            if (!strcmp(optarg, "text"))
                a->format = F_TEXT;
            else if (!strcmp(optarg, "csv"))
                a->format = F_CSV;
            else if (!strcmp(optarg, "json"))
                a->format = F_JSON;
            else
                return cli_usage(usage, "--format is text, csv or json, not '%s'", optarg);
        } else if (c == '?') {
            return cli_usage(usage, "unknown option");
        }
    }
    if (a->rows < 0 || a->cols < 0)
        return cli_usage(usage, "compare needs --rows and --cols");
    cli_query_words(&a->q, argc - optind, argv + optind);
    return 0;
}

/* A cell as text: the count, or the row share in whole percent. */
static void cell(struct buf *b, const struct facet_matrix *m, size_t i, size_t j, int share)
{
    uint32_t n = facet_matrix_at(m, i, j);

    if (share)
        buf_addf(b, "%.0f", m->row_totals[i] ? 100.0 * n / m->row_totals[i] : 0.0);
    else
        buf_addf(b, "%u", n);
}

static size_t width_of(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(struct buf *b, const char *s, size_t w, int right)
{
    size_t n = width_of(s);

    if (right)
        for (size_t k = n; k < w; k++)
            buf_addch(b, ' ');
    buf_addstr(b, s);
    if (!right)
        for (size_t k = n; k < w; k++)
            buf_addch(b, ' ');
}

static void print_text(const struct facet_matrix *m, const struct compare_args *a,
                       const struct filter_vocab *v)
{
    struct buf out = BUF_INIT, c = BUF_INIT;
    size_t w0 = strlen(filter_field(m->rows)->name), *w = xcalloc(m->ncols + 1, sizeof(*w));

    for (size_t i = 0; i < m->nrows; i++) {
        size_t l = width_of(filter_vocab_label(v, m->rows, m->row_ids[i]));
        w0 = l > w0 ? l : w0;
    }
    w0 = w0 > 40 ? 40 : w0;
    for (size_t j = 0; j < m->ncols; j++)
        w[j] = strlen(m->col_ids[j]) > 4 ? strlen(m->col_ids[j]) : 4;
    pad(&out, filter_field(m->rows)->name, w0, 0);
    for (size_t j = 0; j < m->ncols; j++) {
        buf_addstr(&out, "  ");
        pad(&out, m->col_ids[j], w[j], 1);
    }
    buf_addstr(&out, "  reports\n");
    for (size_t i = 0; i < m->nrows; i++) {
        char *label = xstrndup(filter_vocab_label(v, m->rows, m->row_ids[i]), 120);
        pad(&out, label, w0, 0);
        for (size_t j = 0; j < m->ncols; j++) {
            buf_reset(&c);
            cell(&c, m, i, j, a->share);
            buf_addstr(&out, "  ");
            pad(&out, c.data, w[j], 1);
        }
        buf_addf(&out, "  %7u\n", m->row_totals[i]);
        free(label);
    }
    buf_addf(&out, "\n%u report%s%s\n", m->total, m->total == 1 ? "" : "s",
             a->share ? "; cells are percentages of each row's reports" : "");
    fputs(out.data, stdout);
    buf_release(&out);
    buf_release(&c);
    free(w);
}

static void print_csv(const struct facet_matrix *m, int share)
{
    struct buf out = BUF_INIT;

    result_csv_field(&out, filter_field(m->rows)->name);
    for (size_t j = 0; j < m->ncols; j++) {
        buf_addch(&out, ',');
        result_csv_field(&out, m->col_ids[j]);
    }
    buf_addstr(&out, ",reports\r\n");
    for (size_t i = 0; i < m->nrows; i++) {
        result_csv_field(&out, m->row_ids[i]);
        for (size_t j = 0; j < m->ncols; j++) {
            buf_addch(&out, ',');
            cell(&out, m, i, j, share);
        }
        buf_addf(&out, ",%u\r\n", m->row_totals[i]);
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_release(&out);
}

static void print_json(const struct facet_matrix *m, int share)
{
    json_t *rows = json_array(), *cols = json_array(), *doc;
    char *s;

    for (size_t j = 0; j < m->ncols; j++)
        json_array_append_new(cols, json_string(m->col_ids[j]));
    for (size_t i = 0; i < m->nrows; i++) {
        json_t *cells = json_object();
        for (size_t j = 0; j < m->ncols; j++) {
            uint32_t n = facet_matrix_at(m, i, j);
            json_object_set_new(cells, m->col_ids[j],
                                share ? json_real(m->row_totals[i] ? 100.0 * n / m->row_totals[i]
                                                                   : 0.0)
                                      : json_integer(n));
        }
        json_array_append_new(rows, json_pack("{s:s,s:i,s:o}", "id", m->row_ids[i], "reports",
                                              (json_int_t)m->row_totals[i], "cells", cells));
    }
    doc = json_pack("{s:s,s:s,s:b,s:i,s:o,s:o}", "rows", filter_field(m->rows)->name, "cols",
                    filter_field(m->cols)->name, "share", share, "reports",
                    (json_int_t)m->total, "columns", cols, "matrix", rows);
    s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(doc);
}

int cmd_compare(int argc, char **argv, struct cli_ctx *ctx)
{
    struct compare_args a;
    struct facet_matrix m;
    struct xdb *db = NULL;
    struct cr_err err;
    int rc;

    memset(&a, 0, sizeof(a));
    cli_query_init(&a.q);
    rc = parse(&a, argc, argv);
    if (rc != 0) {
        cli_query_release(&a.q);
        return rc < 0 ? CLI_OK : rc;
    }
    cr_err_clear(&err);
    rc = cli_query_open(ctx, &a.q, &db, &err);
    if (rc == 0)
        rc = facet_matrix(db, &a.q.o, (enum filter_field)a.rows, (enum filter_field)a.cols, &m,
                          &err);
    xdb_close(db);
    if (rc < 0) {
        cli_query_release(&a.q);
        return cli_fail(&err);
    }
    if (a.format == F_CSV)
        print_csv(&m, a.share);
    else if (a.format == F_JSON)
        print_json(&m, a.share);
    else
        print_text(&m, &a, a.q.vocab);
    rc = m.total ? CLI_OK : CLI_NONE;
    facet_matrix_release(&m);
    cli_query_release(&a.q);
    return rc;
}
