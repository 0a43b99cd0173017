/*
 * casereview search WORDS…: finds reports and prints one row per report:
 * its title, the best page and a snippet with the matched words marked
 * (bold on a terminal, **like this** when piped), or JSON lines with --json.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "lib/xdb.h"
#include "search/query.h"

static const char usage[] =
    "usage: casereview search [--json] [--limit N] [--offset N] WORDS...\n"
    "\n"
    "Finds reports whose text matches WORDS and prints, for each report, its\n"
    "title, the page that matches best and a snippet of that page.\n"
    "\n"
    "The query language: words (\"neglected\" also finds \"neglect\"), \"quoted\n"
    "phrases\", AND, OR, NOT in capitals, parentheses, and title:WORD.\n"
    "\n"
    "      --json       one JSON object per result (JSON lines)\n"
    "  -n, --limit N    show N results (default 10)\n"
    "      --offset N   skip the first N results\n"
    "\n"
    "Exit status: 0 results found, 1 none, 2 the query is malformed, 3 failure.\n"
    "\n"
    "example: casereview search '\"professional curiosity\" AND (neglect OR bruising)'\n";

/* Replaces the highlight markers with on/off strings. New string. */
static char *mark(const char *s, const char *on, const char *off)
{
    struct buf b = BUF_INIT;

    for (; *s; s++) {
        if (*s == QUERY_HI_START[0])
            buf_addstr(&b, on);
        else if (*s == QUERY_HI_END[0])
            buf_addstr(&b, off);
        else
            buf_addch(&b, *s == '\n' ? ' ' : *s);
    }
    return buf_take(&b);
}

/* Appends s wrapped at width columns (counting characters, not bytes or markers). */
static void wrap(struct buf *out, const char *s, unsigned width, const char *indent,
                 unsigned max_lines, int tty)
{
    unsigned col = 0, lines = 1, ind = (unsigned)strlen(indent);
    const char *on = tty ? "\033[1m" : "**", *off = tty ? "\033[0m" : "**";
    const char *p = s;

    buf_addstr(out, indent);
    while (*p) {
        const char *w = p;
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
        if (col && ind + col + 1 + wl > width) {
            if (++lines > max_lines) {
                buf_addstr(out, " …");
                break;
            }
            buf_addch(out, '\n');
            buf_addstr(out, indent);
            col = 0;
        } else if (col) {
            buf_addch(out, ' ');
            col++;
        }
        for (const char *q = w; q < p; q++) {
            if (*q == QUERY_HI_START[0])
                buf_addstr(out, on);
            else if (*q == QUERY_HI_END[0])
                buf_addstr(out, off);
            else
                buf_addch(out, *q == '\n' ? ' ' : *q);
        }
        col += wl;
    }
    if (tty)
        buf_addstr(out, "\033[0m");
    buf_addch(out, '\n');
}

static void print_text(const struct query_results *r, const struct query_opts *o, int tty)
{
    unsigned width = cli_term_width();
    struct buf out = BUF_INIT;

    printf("%u report%s match%s", r->total, r->total == 1 ? "" : "s", r->total == 1 ? "es" : "");
    if (r->n && (o->offset || r->n < r->total))
        printf(" (showing %u–%zu)", o->offset + 1, o->offset + r->n);
    printf("\n");
    for (size_t i = 0; i < r->n; i++) {
        const struct query_hit *h = &r->hits[i];
        json_t *rec = h->record;
        const char *title = json_string_value(json_object_get(rec, "title"));
        char *flat;

        buf_reset(&out);
        buf_addf(&out, "\n%zu. ", o->offset + i + 1);
        if (tty)
            buf_addstr(&out, "\033[1m");
        buf_addstr(&out, title ? title : "(untitled)");
        if (tty)
            buf_addstr(&out, "\033[0m");
        buf_addf(&out, "\n   #%lld, page %d of %lld\n",
                 (long long)json_integer_value(json_object_get(rec, "id")), h->best_page,
                 (long long)json_integer_value(json_object_get(rec, "pages")));
        flat = mark(h->snippet ? h->snippet : "", QUERY_HI_START, QUERY_HI_END);
        if (*flat)
            wrap(&out, flat, width, "   ", 3, tty);
        free(flat);
        fputs(out.data, stdout);
    }
    buf_release(&out);
}

static void print_json(const struct query_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_t *rec = json_deep_copy(r->hits[i].record);
        char *snip = mark(r->hits[i].snippet ? r->hits[i].snippet : "", "**", "**");
        char *line;

        json_object_set_new(rec, "snippet", json_string(snip));
        line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (line)
            puts(line);
        free(line);
        free(snip);
        json_decref(rec);
    }
}

static char *join(int argc, char **argv)
{
    struct buf b = BUF_INIT;

    for (int i = 0; i < argc; i++) {
        if (i)
            buf_addch(&b, ' ');
        buf_addstr(&b, argv[i]);
    }
    return buf_take(&b);
}

int cmd_search(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'J'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"offset", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct query_opts o;
    struct query_results r;
    struct xdb *db = NULL;
    struct cr_err err;
    char *text = NULL;
    int json = 0, c, rc;
    long v;

    memset(&o, 0, sizeof(o));
    o.exact = 1;
    optind = 0;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'J':
            json = 1;
            break;
        case 'n':
            if ((v = cli_uint(optarg)) < 1 || v > 100000)
                return cli_usage(usage, "--limit needs a number from 1 to 100000");
            o.limit = (unsigned)v;
            break;
        case 'o':
            if ((v = cli_uint(optarg)) < 0 || v > 1000000)
                return cli_usage(usage, "--offset needs a number");
            o.offset = (unsigned)v;
            break;
        case 'h':
            return cli_help(usage);
        default:
            return cli_usage(usage, "unknown option");
        }
    }
    text = join(argc - optind, argv + optind);
    o.text = text;
    cr_err_clear(&err);
    rc = query_validate(text, &err);
    if (rc == 0) {
        rc = xdb_open(&db, ctx->home.index, 0, &err);
        if (rc == CR_ENOTFOUND)
            rc = cr_error(&err, CR_ENOTFOUND, "no index yet in '%s' (run 'casereview index')",
                          ctx->home.root);
    }
    if (rc == 0)
        rc = query_run(db, &o, &r, &err);
    xdb_close(db);
    if (rc < 0) {
        free(text);
        return cli_fail(&err);
    }
    if (r.n == 0 && r.total == 0) {
        fprintf(json ? stderr : stdout, "no reports match '%s'\n", text);
        if (r.corrected)
            fprintf(json ? stderr : stdout, "did you mean: %s\n", r.corrected);
        rc = CLI_NONE;
    } else if (json) {
        print_json(&r);
    } else {
        print_text(&r, &o, ctx->out_tty);
    }
    query_results_release(&r);
    free(text);
    return rc == CLI_NONE ? CLI_NONE : CLI_OK;
}
