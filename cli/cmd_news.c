/*
 * casereview news [NAME…]: for each saved search, the reports that entered
 * the repository since 'news' last reported on it, then it remembers that
 * it has (unless --peek). How a practitioner hears of new reviews on a
 * theme.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/isotime.h"
#include "lib/xalloc.h"
#include "search/result.h"
#include "search/saved.h"

static const char usage[] =
    "usage: casereview news [--peek] [--format text|json] [NAME...]\n"
    "\n"
    "For each saved search (or those named), shows the reports that entered\n"
    "the repository since 'casereview news' last reported on it, then\n"
    "remembers that it has. Save a search with 'casereview search --save NAME'.\n"
    "\n"
    "      --peek             show what is new without marking it as seen\n"
    "      --format FORMAT    text (default) or json (JSON lines: each result\n"
    "                         with \"saved_search\" naming its search)\n"
    "\n"
    "Exit status: 0 something new, 1 nothing new, 2 usage error, 3 failure.\n"
    "\n"
    "example: casereview news neglect-babies\n";

#define NEWS_MAX 1000 /* reports listed per saved search */

struct news_ctx {
    struct cli_ctx *cli;
    struct xdb *db;
    struct filter_vocab *vocab;
    char **names;
    int nnames, json;
    size_t found;
    char **done;          /* names reported, to mark afterwards */
    size_t ndone;
};

static int wanted(const struct news_ctx *n, const char *name)
{
    if (!n->nnames)
        return 1;
    for (int i = 0; i < n->nnames; i++)
        if (!strcmp(n->names[i], name))
            return 1;
    return 0;
}

static void print(const struct news_ctx *n, const struct query_saved *s,
                  const struct query_results *r)
{
    if (!n->json) {
        printf("%s: %zu new report%s since %s\n", s->name, r->n, r->n == 1 ? "" : "s",
               s->asked_at);
        for (size_t i = 0; i < r->n; i++) {
            const json_t *rec = r->hits[i].record;
            const char *t = json_string_value(json_object_get(rec, "title"));
            const char *d = json_string_value(json_object_get(rec, "published"));
            printf("   #%lld %s%s%s%s\n", (long long)json_integer_value(json_object_get(rec, "id")),
                   t ? t : "(untitled)", d ? " (" : "", d ? d : "", d ? ")" : "");
        }
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        json_t *rec = result_record(&r->hits[i], 0);
        struct buf b = BUF_INIT;
        json_object_set_new(rec, "saved_search", json_string(s->name));
        result_json(&b, rec);
        puts(b.data);
        buf_release(&b);
        json_decref(rec);
    }
}

static int one(const struct query_saved *s, void *ctx)
{
    struct news_ctx *n = ctx;
    struct query_opts o = s->opts;
    struct query_results r;
    struct cr_err err;

    if (!wanted(n, s->name))
        return 0;
    o.added_after = s->asked_at;
    o.vocab = n->vocab;
    o.limit = NEWS_MAX;
    o.exact = 1;
    o.sort = QUERY_SORT_DATE_DESC;
    o.no_snippets = 1;
    cr_err_clear(&err);
    if (query_run(n->db, &o, &r, &err) < 0) {
        /* one broken search (a name the taxonomy dropped) does not hide the others */
        cr_err_prefix(&err, "saved search '%s'", s->name);
        cli_fail(&err);
        return 0;
    }
    print(n, s, &r);
    n->found += r.n;
    query_results_release(&r);
    n->done = xrealloc(n->done, (n->ndone + 1) * sizeof(*n->done));
    n->done[n->ndone++] = xstrdup(s->name);
    return 0;
}

static int mark(struct news_ctx *n, const char *now, struct cr_err *err)
{
    struct catalog *cat = NULL;
    int rc = catalog_open(&cat, n->cli->home.catalog, 0, err);

    for (size_t i = 0; rc == 0 && i < n->ndone; i++)
        rc = query_saved_asked(cat, n->done[i], now, err);
    catalog_close(cat);
    return rc;
}

int cmd_news(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"peek", no_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct news_ctx n;
    struct catalog *cat = NULL;
    struct cr_err err;
    char now[ISOTIME_LEN];
    int c, peek = 0, rc;

    memset(&n, 0, sizeof(n));
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help(usage);
        if (c == 'p')
            peek = 1;
        else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "text")))
            n.json = !strcmp(optarg, "json");
        else
            return cli_usage(usage, c == 'f' ? "--format is text or json" : "unknown option");
    }
    n.cli = ctx;
    n.names = argv + optind;
    n.nnames = argc - optind;
    isotime_format(isotime_now(), now); /* before searching: later arrivals are news next time */
    cr_err_clear(&err);
    rc = xdb_open(&n.db, ctx->home.index, 0, &err);
    if (rc == CR_ENOTFOUND)
        rc = cr_error(&err, CR_ENOTFOUND, "no index yet in '%s' (run 'casereview index')",
                      ctx->home.root);
    if (rc == 0)
        rc = catalog_open(&cat, ctx->home.catalog, CATALOG_READONLY, &err);
    n.vocab = rc == 0 ? cli_vocab(n.db) : NULL;
    if (rc == 0)
        rc = query_saved_each(cat, one, &n, &err);
    catalog_close(cat);
    xdb_close(n.db);
    if (rc == 0 && n.nnames && !n.ndone)
        rc = cr_error(&err, CR_ENOTFOUND, "no saved search of that name (see 'casereview saved')");
    if (rc == 0 && !n.nnames && !n.ndone)
        printf("no saved searches (save one with 'casereview search --save NAME …')\n");
    if (rc == 0 && !peek)
        rc = mark(&n, now, &err);
    for (size_t i = 0; i < n.ndone; i++)
        free(n.done[i]);
    free(n.done);
    filter_vocab_free(n.vocab);
    if (rc < 0)
        return cli_fail(&err);
    return n.found ? CLI_OK : CLI_NONE;
}
