/*
 * casereview stats: what the repository holds — reports and pages by
 * nation, partnership, review type, document kind and year (from the
 * index), reports that failed to index and why, and the last crawl (from
 * the catalogue).
 */

#include <getopt.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "search/facet.h"

static const char usage[] =
    "usage: casereview stats [--format text|json]\n"
    "\n"
    "Shows what the repository holds: reports and pages by nation,\n"
    "partnership, review type, document kind and year; reports that could\n"
    "not be indexed, by reason; and when the last crawl ran.\n"
    "\n"
    "      --format FORMAT    text (default) or json (one object)\n"
    "\n"
    "Exit status: 0 ok, 3 failure.\n"
    "\n"
    "example: casereview stats\n";

static const enum filter_field fields[] = {FILTER_NATION, FILTER_PARTNERSHIP, FILTER_TYPE,
                                           FILTER_KIND, FILTER_YEAR};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct stats {
    struct facet_stats by[NFIELDS];
    uint32_t reports, pages;
    json_t *failures;     /* {reason: count} */
    int64_t catalogued;   /* reports in the catalogue */
    json_t *crawl;        /* last crawl run or null */
};

static int catalogue_facts(struct cli_ctx *ctx, struct stats *s, struct cr_err *err)
{
    struct catalog *c = NULL;
    sqlite3_stmt *st = NULL;
    int rc = catalog_open(&c, ctx->home.catalog, CATALOG_READONLY, err);

    s->failures = json_object();
    s->crawl = json_null();
    if (rc == 0)
        rc = catalog_query_int64(c, "SELECT count(*) FROM reports", &s->catalogued, err);
    if (rc == 0)
        rc = catalog_prepare(c, "SELECT coalesce(fail_reason, 'unknown'), count(*) FROM reports "
                                "WHERE state = 'failed' GROUP BY 1 ORDER BY 2 DESC", &st, err);
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(s->failures, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && catalog_prepare(c, "SELECT started_at, finished_at, state FROM crawl_runs "
                                      "ORDER BY id DESC LIMIT 1", &st, NULL) == 0 &&
        sqlite3_step(st) == SQLITE_ROW) {
        json_decref(s->crawl);
        s->crawl = json_pack("{s:s,s:s?,s:s}", "started", sqlite3_column_text(st, 0),
                             "finished", sqlite3_column_text(st, 1), "state",
                             sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    catalog_close(c);
    return rc;
}

static void print_text(const struct stats *s, const struct filter_vocab *v)
{
    struct buf out = BUF_INIT;
    const char *key;
    json_t *val;

    buf_addf(&out, "%u report%s indexed, %u page%s (%lld in the catalogue)\n", s->reports,
             s->reports == 1 ? "" : "s", s->pages, s->pages == 1 ? "" : "s",
             (long long)s->catalogued);
    for (size_t i = 0; i < NFIELDS; i++) {
        const struct facet_stats *f = &s->by[i];
        buf_addf(&out, "\nby %-47s %7s %9s\n", filter_field(f->field)->label, "reports",
                 "pages");
        if (!f->n)
            buf_addstr(&out, "  (not known for any report yet)\n");
        for (size_t j = 0; j < f->n; j++) {
            char *label = xstrndup(filter_vocab_label(v, f->field, f->v[j].value), 48);
            buf_addf(&out, "  %-48s %7u %9u\n", label, f->v[j].reports, f->v[j].pages);
            free(label);
        }
    }
    buf_addstr(&out, "\nfailed to index:");
    if (!json_object_size(s->failures))
        buf_addstr(&out, " none");
    buf_addch(&out, '\n');
    json_object_foreach(s->failures, key, val)
        buf_addf(&out, "  %-48s %7lld\n", key, (long long)json_integer_value(val));
    if (json_is_object(s->crawl))
        buf_addf(&out, "\nlast crawl: started %s, %s%s%s\n",
                 json_string_value(json_object_get(s->crawl, "started")),
                 json_string_value(json_object_get(s->crawl, "state")),
                 json_object_get(s->crawl, "finished") ? " " : "",
                 json_string_value(json_object_get(s->crawl, "finished"))
                     ? json_string_value(json_object_get(s->crawl, "finished")) : "");
    else
        buf_addstr(&out, "\nlast crawl: never\n");
    fputs(out.data, stdout);
    buf_release(&out);
}

static void print_json(const struct stats *s)
{
    json_t *by = json_object(), *doc;
    char *line;

    for (size_t i = 0; i < NFIELDS; i++) {
        json_t *f = json_object();
        for (size_t j = 0; j < s->by[i].n; j++)
            json_object_set_new(f, s->by[i].v[j].value,
                                json_pack("{s:i,s:i}", "reports", (json_int_t)s->by[i].v[j].reports,
                                          "pages", (json_int_t)s->by[i].v[j].pages));
        json_object_set_new(by, filter_field(fields[i])->name, f);
    }
    doc = json_pack("{s:i,s:i,s:I,s:o,s:O,s:O}", "reports", (json_int_t)s->reports, "pages",
                    (json_int_t)s->pages, "catalogued", (json_int_t)s->catalogued, "by", by,
                    "failed", s->failures, "last_crawl", s->crawl);
    line = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(line);
    free(line);
    json_decref(doc);
}

int cmd_stats(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct stats s;
    struct xdb *db = NULL;
    struct filter_vocab *v = NULL;
    struct cr_err err;
    int c, json = 0, rc;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help(usage);
        if (c != 'f' || (strcmp(optarg, "json") && strcmp(optarg, "text")))
            return cli_usage(usage, c == 'f' ? "--format is text or json" : "unknown option");
        json = !strcmp(optarg, "json");
    }
    if (optind < argc)
        return cli_usage(usage, "stats takes no arguments");
    memset(&s, 0, sizeof(s));
    cr_err_clear(&err);
    rc = xdb_open(&db, ctx->home.index, 0, &err);
    if (rc == CR_ENOTFOUND)
        rc = cr_error(&err, CR_ENOTFOUND, "no index yet in '%s' (run 'casereview index')",
                      ctx->home.root);
    if (rc == 0)
        rc = facet_stats(db, fields, NFIELDS, s.by, &s.reports, &s.pages, &err);
    xdb_close(db);
    if (rc == 0)
        rc = catalogue_facts(ctx, &s, &err);
    if (rc == 0) {
        v = cli_vocab(NULL);
        if (json)
            print_json(&s);
        else
            print_text(&s, v);
    }
    for (size_t i = 0; i < NFIELDS; i++)
        facet_stats_release(&s.by[i]);
    json_decref(s.failures);
    json_decref(s.crawl);
    filter_vocab_free(v);
    return rc < 0 ? cli_fail(&err) : CLI_OK;
}
