/*
 * casereview export [QUERY/filters] --out DIR: a learning pack for a
 * trainer (search/export.h): the selected reports under readable names,
 * index.md, index.html and citations.ris.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "search/export.h"
#include "search/saved.h"

static const char usage[] =
    "usage: casereview export --out DIR [--limit N] [--sort relevance|date|-date]\n"
    "                         [filters] [QUERY...]\n"
    "\n"
    "Copies the reports that match QUERY and the filters (every report when\n"
    "there are none) into DIR under readable names (\"2022-05 Manchester -\n"
    "Jacob - SCR full report.pdf\"), with index.md and index.html listing them\n"
    "with their metadata and themes, and citations.ris for Zotero, EndNote or\n"
    "Mendeley. Each copy is checked against its sha256.\n"
    "\n"
    "      --out DIR          the folder to fill (created; must be empty)\n"
    "  -n, --limit N          at most N reports\n"
    "      --sort ORDER       relevance, date (oldest first, default), -date\n"
    "      --theme, --topic, --partnership, --nation, --type, --kind, --from, --to\n"
    "                         filters, as in 'casereview search'\n"
    "\n"
    "Exit status: 0 ok, 1 no report matches, 2 usage or query error, 3 failure.\n"
    "\n"
    "example: casereview export --theme sudi --from 2019 --out ~/training/sudi\n";

enum { O_OUT = CLI_OPT_FIRST_FREE, O_SORT };

static int parse(struct cli_query *q, const char **out, int argc, char **argv)
{
    static const struct option opts[] = {CLI_QUERY_LONGOPTS,
                                         {"out", required_argument, NULL, O_OUT},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"sort", required_argument, NULL, O_SORT},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, taken;
    long v;

    optind = 0;
    q->o.sort = QUERY_SORT_DATE;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        if ((taken = cli_query_option(q, c, optarg)) != 0) {
            if (taken < 0)
                return cli_usage(usage, "too many filters");
            continue;
        }
        if (c == 'h') {
            cli_help(usage);
            return -1;
        } else if (c == O_OUT) {
            *out = optarg;
        } else if (c == 'n') {
            if ((v = cli_uint(optarg)) < 1 || v > 100000)
                return cli_usage(usage, "--limit needs a number from 1 to 100000");
            q->o.limit = (unsigned)v;
        } else if (c == O_SORT) {
            if (cli_parse_sort(optarg, &q->o.sort) < 0)
                return cli_usage(usage, "--sort is relevance, date or -date, not '%s'", optarg);
        } else {
            return cli_usage(usage, "unknown option");
        }
    }
    if (!*out)
        return cli_usage(usage, "export needs --out DIR");
    cli_query_words(q, argc - optind, argv + optind);
    return 0;
}

int cmd_export(int argc, char **argv, struct cli_ctx *ctx)
{
    struct cli_query q;
    struct result_export_opts e;
    struct xdb *db = NULL;
    struct catalog *cat = NULL;
    struct cr_err err;
    const char *out = NULL;
    char *what = NULL;
    size_t n = 0;
    int rc;

    cli_query_init(&q);
    rc = parse(&q, &out, argc, argv);
    if (rc != 0) {
        cli_query_release(&q);
        return rc < 0 ? CLI_OK : rc;
    }
    cr_err_clear(&err);
    rc = cli_query_open(ctx, &q, &db, &err);
    if (rc == 0 && catalog_open(&cat, ctx->home.catalog, CATALOG_READONLY, NULL) < 0)
        cat = NULL; /* the pack is still made, without recommendations */
    if (rc == 0) {
        what = query_saved_describe(&q.o);
        memset(&e, 0, sizeof(e));
        e.store_dir = ctx->home.store;
        e.out_dir = out;
        e.vocab = q.vocab;
        e.what = what;
        e.cat = cat;
        rc = result_export(db, &q.o, &e, &n, &err);
    }
    catalog_close(cat);
    xdb_close(db);
    free(what);
    cli_query_release(&q);
    if (rc < 0)
        return cli_fail(&err);
    if (!n) {
        printf("no reports match: nothing exported\n");
        return CLI_NONE;
    }
    printf("exported %zu report%s to '%s' (index.md, index.html, citations.ris)\n", n,
           n == 1 ? "" : "s", out);
    return CLI_OK;
}
