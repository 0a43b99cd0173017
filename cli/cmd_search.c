/*
 * casereview search [QUERY] [filters]: finds reports and prints one row per
 * report (title, partnership, type, kind, date, best page, snippet), as
 * text that fits the terminal, JSON lines, CSV, RIS or a Markdown reading
 * list; with --facets, counts of the results by theme, topic and so on;
 * with --save, remembers the search for 'casereview news'.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "lib/xdb.h"
#include "search/result.h"
#include "search/saved.h"
#include "search/snippet.h"

static const char usage[] =
    "usage: casereview search [--theme NAME] [--topic NAME] [--partnership NAME]\n"
    "                         [--nation NAME] [--type NAME] [--kind NAME] [--from DATE]\n"
    "                         [--to DATE] [--sort relevance|date|-date] [--limit N]\n"
    "                         [--offset N] [--pages] [--by-review] [--facets]\n"
    "                         [--format text|json|csv|ris|md] [--save NAME] [QUERY...]\n"
    "\n"
    "Finds reports whose text matches QUERY and prints, for each report, its\n"
    "title, partnership, review type, document kind, date, the page that\n"
    "matches best and a snippet of that page.\n"
    "\n"
    "The query language: words (\"neglected\" also finds \"neglect\"), \"quoted\n"
    "phrases\", AND, OR, NOT in capitals, parentheses, wildcards (neglect*), the\n"
    "fields title: rec: partnership: nation: type: kind: child: theme: topic:\n"
    "year: and date ranges (published:2019..2021, published:2020-06..).\n"
    "Abbreviations of the field expand: SUDI also finds \"sudden unexpected death\n"
    "in infancy\".\n"
    "\n"
    "      --theme NAME       reports with this theme (id, label or synonym: DA)\n"
    "      --topic NAME       reports with this learning topic\n"
    "      --partnership NAME, --nation NAME, --type NAME, --kind NAME\n"
    "                         the same for the other fields; a repeated flag\n"
    "                         means either, different flags mean both\n"
    "      --from DATE        published on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)\n"
    "      --to DATE          published on or before DATE\n"
    "      --sort ORDER       relevance (default), date (oldest first), -date\n"
    "  -n, --limit N          show N results (default 10)\n"
    "      --offset N         skip the first N results\n"
    "      --pages            list every matching page of each report\n"
    "      --by-review        one row per review instead of per document\n"
    "      --facets           count the results by theme, topic, partnership,\n"
    "                         nation, type, kind and year (text and json)\n"
    "      --format FORMAT    text (default), json (JSON lines), csv, ris, md\n"
    "      --json             the same as --format json\n"
    "      --save NAME        save the search (see 'casereview saved' and 'news')\n"
    "\n"
    "Exit status: 0 results found, 1 none, 2 the query is malformed, 3 failure.\n"
    "\n"
    "example: casereview search --theme neglect --from 2019 '\"professional curiosity\"'\n";

enum format { F_TEXT, F_JSON, F_CSV, F_RIS, F_MD };

enum { O_SORT = CLI_OPT_FIRST_FREE, O_OFFSET, O_PAGES, O_BY_REVIEW, O_FACETS, O_FORMAT, O_JSON,
       O_SAVE };

struct search_args {
    struct cli_query q;
    enum format format;
    const char *save;
};

/* ---- Text ---- */

/* "partnership · review type · kind · date" (what is known of it). New string. */
static char *meta_line(const json_t *rec, const struct filter_vocab *v)
{
    static const enum filter_field order[] = {FILTER_PARTNERSHIP, FILTER_TYPE, FILTER_KIND};
    const char *published = json_string_value(json_object_get(rec, "published"));
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const char *id = json_string_value(json_object_get(rec, filter_field(order[i])->json));
        if (!id || !*id)
            continue;
        buf_addstr(&b, b.len ? " · " : "");
        buf_addstr(&b, filter_vocab_label(v, order[i], id));
    }
    if (published && *published)
        buf_addf(&b, "%s%s", b.len ? " · " : "", published);
    return buf_take(&b);
}

/*
 * Appends s wrapped at width columns (counting characters, not bytes or
 * markers): first before the first line, indent before the others, at most
 * max_lines lines.
 */
static void wrap(struct buf *out, const char *s, unsigned width, const char *first,
                 const char *indent, unsigned max_lines, int tty)
{
    unsigned lines = 1, ind = (unsigned)strlen(indent), col = (unsigned)strlen(first);
    const char *p = s;
    int start = 1;

    buf_addstr(out, first);
    while (*p) {
        const char *w;
        unsigned wl = 0;
        while (*p == ' ')
            p++;
        w = p;
        while (*p && *p != ' ') {
            if ((unsigned char)*p >= 0x20 && ((unsigned char)*p & 0xC0) != 0x80)
                wl++;
            if (!tty && (*p == QUERY_HI_START[0] || *p == QUERY_HI_END[0]))
                wl += 2;
            p++;
        }
        if (p == w)
            break;
        /* the last line keeps room for the " …" that says there is more */
        if (!start && col + 1 + wl + (lines == max_lines ? 2 : 0) > width) {
            if (++lines > max_lines) {
                buf_addstr(out, " …");
                break;
            }
            buf_addch(out, '\n');
            buf_addstr(out, indent);
            col = ind;
            start = 1;
        }
        if (!start) {
            buf_addch(out, ' ');
            col++;
        }
        char *word = xstrndup(w, (size_t)(p - w));
        char *r = snippet_render(word, tty ? SNIPPET_ANSI : SNIPPET_STARS);
        buf_addstr(out, r);
        free(r);
        free(word);
        col += wl;
        start = 0;
    }
    buf_addch(out, '\n');
}

static void print_hit(struct buf *out, const struct query_hit *h, size_t number,
                      const struct filter_vocab *v, unsigned width, int tty)
{
    const char *title = json_string_value(json_object_get(h->record, "title"));
    char num[32], *meta = meta_line(h->record, v);

    snprintf(num, sizeof(num), "%zu. ", number);
    buf_addf(out, "\n%s", tty ? "\033[1m" : "");
    wrap(out, title && *title ? title : "(untitled)", width, num, "   ", 3, 0);
    if (tty)
        buf_addstr(out, "\033[0m");
    if (*meta)
        wrap(out, meta, width, "   ", "   ", 3, 0);
    free(meta);
    buf_addf(out, "   #%lld, page %d of %lld\n",
             (long long)json_integer_value(json_object_get(h->record, "id")), h->best_page,
             (long long)json_integer_value(json_object_get(h->record, "pages")));
    if (h->snippet && *h->snippet && !h->npages)
        wrap(out, h->snippet, width, "   ", "   ", 3, tty);
    for (size_t i = 0; i < h->npages; i++) {
        char ind[32];
        snprintf(ind, sizeof(ind), "   p.%-4d ", h->pages[i].page);
        wrap(out, h->pages[i].snippet, width, ind, "         ", 1, tty);
    }
}

static void print_facets(struct buf *out, const struct query_results *r,
                         const struct filter_vocab *v, unsigned width, int tty)
{
    for (int i = 0; i < QUERY_NFACETS; i++) {
        const struct query_facet_result *f = &r->facets[i];
        struct buf line = BUF_INIT;
        if (!f->n)
            continue;
        for (size_t j = 0; j < f->n; j++)
            buf_addf(&line, "%s%s (%u)", j ? " · " : "",
                     filter_vocab_label(v, f->field, f->values[j].value), f->values[j].count);
        buf_addf(out, "\n%s%s%s:\n", tty ? "\033[1m" : "", filter_field(f->field)->label,
                 tty ? "\033[0m" : "");
        wrap(out, line.data, width, "   ", "   ", 1000, 0);
        buf_release(&line);
    }
}

static void print_text(const struct query_results *r, const struct search_args *a, int tty)
{
    unsigned width = cli_term_width();
    const struct query_opts *o = &a->q.o;
    struct buf out = BUF_INIT;

    buf_addf(&out, "%s%u report%s match%s", r->total_exact || r->total <= r->n + o->offset
                                                 ? "" : "about ",
             r->total, r->total == 1 ? "" : "s", r->total == 1 ? "es" : "");
    if (r->n && (o->offset || r->n < r->total))
        buf_addf(&out, " (showing %u–%zu)", o->offset + 1, o->offset + r->n);
    buf_addch(&out, '\n');
    if (r->corrected)
        buf_addf(&out, "did you mean: %s\n", r->corrected);
    for (size_t i = 0; i < r->n; i++)
        print_hit(&out, &r->hits[i], o->offset + i + 1, a->q.vocab, width, tty);
    if (r->has_facets)
        print_facets(&out, r, a->q.vocab, width, tty);
    fputs(out.data, stdout);
    buf_release(&out);
}

/* ---- Machine formats ---- */

static json_t *facets_json(const struct query_results *r)
{
    json_t *all = json_object();

    for (int i = 0; i < QUERY_NFACETS; i++) {
        json_t *f = json_object();
        for (size_t j = 0; j < r->facets[i].n; j++)
            json_object_set_new(f, r->facets[i].values[j].value,
                                json_integer(r->facets[i].values[j].count));
        json_object_set_new(all, filter_field(r->facets[i].field)->name, f);
    }
    return json_pack("{s:o,s:i}", "facets", all, "total", (json_int_t)r->total);
}

static void print_machine(const struct query_results *r, const struct search_args *a)
{
    struct buf out = BUF_INIT;

    if (a->format == F_CSV)
        result_csv_header(&out);
    if (a->format == F_MD)
        result_md_header(&out, r->n, a->q.o.text);
    for (size_t i = 0; i < r->n; i++) {
        json_t *rec = result_record(&r->hits[i], a->q.o.pages);
        if (a->format == F_JSON) {
            result_json(&out, rec);
            buf_addch(&out, '\n');
        } else if (a->format == F_CSV) {
            result_csv_row(&out, rec);
        } else if (a->format == F_RIS) {
            result_ris(&out, rec, a->q.vocab, NULL);
        } else {
            result_md(&out, rec, a->q.o.offset + i + 1, a->q.vocab, NULL);
        }
        json_decref(rec);
    }
    if (a->format == F_JSON && r->has_facets) {
        json_t *f = facets_json(r);
        result_json(&out, f);
        buf_addch(&out, '\n');
        json_decref(f);
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    buf_release(&out);
}

/* ---- Options ---- */

static int parse_format(const char *s, enum format *f)
{
    static const char *const names[] = {"text", "json", "csv", "ris", "md"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(s, names[i])) {
            *f = (enum format)i;
            return 0;
        }
    }
    return -1;
}

static int parse_one(struct search_args *a, int c, const char *arg)
{
    long v;
    int taken = cli_query_option(&a->q, c, arg);

    if (taken)
        return taken < 0 ? cli_usage(usage, "too many filters (at most %d)", CLI_MAX_FILTERS)
                         : 0;
    switch (c) {
    case 'n':
        if ((v = cli_uint(arg)) < 1 || v > 100000)
            return cli_usage(usage, "--limit needs a number from 1 to 100000");
        a->q.o.limit = (unsigned)v;
        return 0;
    case O_OFFSET:
        if ((v = cli_uint(arg)) < 0 || v > 1000000)
            return cli_usage(usage, "--offset needs a number from 0 to 1000000");
        a->q.o.offset = (unsigned)v;
        return 0;
    case O_SORT:
        return cli_parse_sort(arg, &a->q.o.sort) < 0
                   ? cli_usage(usage, "--sort is relevance, date or -date, not '%s'", arg) : 0;
    case O_FORMAT:
        return parse_format(arg, &a->format) < 0
                   ? cli_usage(usage, "--format is text, json, csv, ris or md, not '%s'", arg)
                   : 0;
    case O_JSON:
        a->format = F_JSON;
        return 0;
    case O_PAGES:
        a->q.o.pages = 1;
        return 0;
    case O_BY_REVIEW:
        a->q.o.by_review = 1;
        return 0;
    case O_FACETS:
        a->q.o.facets = 1;
        return 0;
    case O_SAVE:
        a->save = arg;
        return 0;
    default:
        return cli_usage(usage, "unknown option");
    }
}

static int parse(struct search_args *a, int argc, char **argv)
{
    static const struct option opts[] = {CLI_QUERY_LONGOPTS,
                                         {"limit", required_argument, NULL, 'n'},
                                         {"offset", required_argument, NULL, O_OFFSET},
                                         {"sort", required_argument, NULL, O_SORT},
                                         {"format", required_argument, NULL, O_FORMAT},
                                         {"json", no_argument, NULL, O_JSON},
                                         {"pages", no_argument, NULL, O_PAGES},
                                         {"by-review", no_argument, NULL, O_BY_REVIEW},
                                         {"facets", no_argument, NULL, O_FACETS},
                                         {"save", required_argument, NULL, O_SAVE},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, rc;

    optind = 0;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        if (c == 'h') {
            cli_help(usage);
            return -1;
        }
        if (c == '?')
            return cli_usage(usage, "unknown option");
        if ((rc = parse_one(a, c, optarg)) != 0)
            return rc;
    }
    if (a->q.o.facets && a->format != F_TEXT && a->format != F_JSON)
        return cli_usage(usage, "--facets works with --format text or json");
    cli_query_words(&a->q, argc - optind, argv + optind);
    return 0;
}

static int save(struct cli_ctx *ctx, const struct search_args *a, struct cr_err *err)
{
    struct catalog *cat = NULL;
    int rc = catalog_open(&cat, ctx->home.catalog, 0, err);

    if (rc == 0)
        rc = query_saved_put(cat, a->save, &a->q.o, err);
    catalog_close(cat);
    return rc;
}

int cmd_search(int argc, char **argv, struct cli_ctx *ctx)
{
    struct search_args a;
    struct query_results r;
    struct xdb *db = NULL;
    struct cr_err err;
    int rc;

    memset(&a, 0, sizeof(a));
    cli_query_init(&a.q);
    /* counting every match exactly costs more than finding the best ten:
     * only facets need it; otherwise the total is Xapian's estimate */
    a.q.o.exact = 0;
    rc = parse(&a, argc, argv);
    if (rc != 0) {
        cli_query_release(&a.q);
        return rc < 0 ? CLI_OK : rc;
    }
    cr_err_clear(&err);
    rc = cli_query_open(ctx, &a.q, &db, &err);
    if (rc == 0)
        rc = query_run(db, &a.q.o, &r, &err);
    if (rc == 0 && a.save && (rc = save(ctx, &a, &err)) < 0)
        query_results_release(&r);
    xdb_close(db);
    if (rc < 0) {
        cli_query_release(&a.q);
        return cli_fail(&err);
    }
    if (a.save)
        fprintf(stderr, "saved the search as '%s' ('casereview news' shows what is new)\n",
                a.save);
    if (r.n == 0 && r.total == 0) {
        fprintf(a.format == F_TEXT ? stdout : stderr, "no reports match%s%s%s\n",
                *a.q.text ? " '" : "", a.q.text, *a.q.text ? "'" : "");
        if (r.corrected)
            fprintf(a.format == F_TEXT ? stdout : stderr, "did you mean: %s\n", r.corrected);
        rc = CLI_NONE;
    } else if (a.format == F_TEXT) {
        print_text(&r, &a, ctx->out_tty);
    } else {
        if (r.corrected)
            fprintf(stderr, "did you mean: %s\n", r.corrected);
        print_machine(&r, &a);
    }
    query_results_release(&r);
    cli_query_release(&a.q);
    return rc == CLI_NONE ? CLI_NONE : CLI_OK;
}
