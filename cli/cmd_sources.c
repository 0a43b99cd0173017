/*
 * casereview sources: the crawler's sources (the shipped list, or --sources
 * FILE, and every other source crawled into this repository), each with
 * when it was last crawled, what that crawl yielded and its last error.
 */

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crawler/crawl_db.h"
#include "crawler/crawl_sources.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static const char usage[] =
    "usage: casereview sources [--sources FILE] [--json]\n"
    "\n"
    "Lists the sources the crawler knows: the shipped list of partnerships (or the\n"
    "list in FILE) and any other source crawled into this repository. For each: its\n"
    "name, nation and URL, when it was last crawled, what that crawl yielded, and\n"
    "its last error.\n"
    "\n"
    "      --sources FILE   list the sources in FILE instead of the shipped list\n"
    "      --json           one JSON object per source (JSON lines)\n"
    "\n"
    "example: casereview sources\n";

struct row {
    const struct crawl_source *def;  /* borrowed, NULL when only in the catalogue */
    struct crawl_db_source db;       /* id 0 when never crawled here */
};

struct listing {
    struct row *rows;
    size_t n, alloc;
};

static int collect(const struct crawl_db_source *s, void *ctx)
{
    struct listing *l = ctx;
    struct row *r = NULL;

    for (size_t i = 0; i < l->n && !r; i++)
        if (l->rows[i].def && !strcmp(l->rows[i].def->url, s->url))
            r = &l->rows[i];
    if (!r) {
        l->rows = xgrow(l->rows, sizeof(*l->rows), l->n + 1, &l->alloc);
        r = &l->rows[l->n++];
        memset(r, 0, sizeof(*r));
    }
    r->db = *s;
    r->db.url = s->url ? xstrdup(s->url) : NULL;
    r->db.name = s->name ? xstrdup(s->name) : NULL;
    r->db.nation = s->nation ? xstrdup(s->nation) : NULL;
    r->db.origin = s->origin ? xstrdup(s->origin) : NULL;
    r->db.last_crawled_at = s->last_crawled_at ? xstrdup(s->last_crawled_at) : NULL;
    r->db.last_status = s->last_status ? xstrdup(s->last_status) : NULL;
    r->db.last_error = s->last_error ? xstrdup(s->last_error) : NULL;
    return 0;
}

/* Reads the catalogue's sources when there is a repository; none is no error. */
static int read_catalogue(struct cli_ctx *ctx, struct listing *l, struct cr_err *err)
{
    struct catalog *cat = NULL;
    int rc = home_open(&ctx->home, ctx->home_dir, 0, err);

    if (rc == CR_ENOTFOUND) {
        cr_err_clear(err);
        return 0;
    }
    if (rc == 0)
        rc = catalog_open(&cat, ctx->home.catalog, CATALOG_READONLY, err);
    if (rc == 0)
        rc = crawl_db_sources(cat, collect, l, err);
    catalog_close(cat);
    return rc;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static void print_text(const struct row *r)
{
    const char *name = r->db.name ? r->db.name : r->def ? r->def->name : NULL;
    const char *nation = r->db.nation ? r->db.nation : r->def ? r->def->nation : NULL;

    printf("%s%s%s%s\n", name ? name : "(no name)", nation ? " (" : "", or_empty(nation),
           nation ? ")" : "");
    printf("  %s\n", r->def ? r->def->url : r->db.url);
    if (!r->db.last_crawled_at) {
        printf("  never crawled\n");
        return;
    }
    printf("  last crawled %s (%s): %lld pages, %lld documents, %lld new", r->db.last_crawled_at,
           or_empty(r->db.last_status), (long long)r->db.pages, (long long)r->db.documents,
           (long long)r->db.new_documents);
    if (r->db.gone)
        printf(", %lld gone", (long long)r->db.gone);
    if (r->db.failed)
        printf(", %lld failed", (long long)r->db.failed);
    printf("; %lld document%s from it in all\n", (long long)r->db.total_documents,
           r->db.total_documents == 1 ? "" : "s");
    if (r->db.last_error)
        printf("  last error: %s\n", r->db.last_error);
}

static void set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v ? json_string(v) : json_null());
}

static void print_json(const struct row *r)
{
    json_t *o = json_object();
    char *line;

    set_str(o, "name", r->db.name ? r->db.name : r->def ? r->def->name : NULL);
    set_str(o, "nation", r->db.nation ? r->db.nation : r->def ? r->def->nation : NULL);
    set_str(o, "url", r->def ? r->def->url : r->db.url);
    set_str(o, "found_at", r->def ? r->def->evidence : NULL);
    set_str(o, "last_crawled", r->db.last_crawled_at);
    set_str(o, "status", r->db.last_status);
    json_object_set_new(o, "pages", json_integer(r->db.pages));
    json_object_set_new(o, "documents", json_integer(r->db.documents));
    json_object_set_new(o, "new", json_integer(r->db.new_documents));
    json_object_set_new(o, "gone", json_integer(r->db.gone));
    json_object_set_new(o, "failed", json_integer(r->db.failed));
    json_object_set_new(o, "documents_in_all", json_integer(r->db.total_documents));
    set_str(o, "last_error", r->db.last_error);
    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (line)
        printf("%s\n", line);
    free(line);
    json_decref(o);
}

int cmd_sources(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"sources", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct crawl_source_list list;
    struct listing l = {NULL, 0, 0};
    const char *file = NULL;
    struct cr_err err;
    char *path;
    int c, json = 0, rc;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 's')
            file = optarg;
        else if (c == 'j')
            json = 1;
        else if (c == 'h')
            return cli_help(usage);
        else
            return cli_usage(usage, "unknown option");
    }
    if (optind < argc)
        return cli_usage(usage, "sources takes no arguments");
    cr_err_clear(&err);
    path = file ? xstrdup(file) : cli_data_path("sources.tsv");
    rc = crawl_sources_load(path, &list, &err);
    free(path);
    if (rc < 0)
        return cli_fail(&err);
    for (size_t i = 0; i < list.n; i++) {
        l.rows = xgrow(l.rows, sizeof(*l.rows), l.n + 1, &l.alloc);
        memset(&l.rows[l.n], 0, sizeof(l.rows[l.n]));
        l.rows[l.n++].def = &list.v[i];
    }
    rc = read_catalogue(ctx, &l, &err);
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        json ? print_json(&l.rows[i]) : print_text(&l.rows[i]);
    for (size_t i = 0; i < l.n; i++)
        crawl_db_source_release(&l.rows[i].db);
    free(l.rows);
    crawl_sources_release(&list);
    return rc < 0 ? cli_fail(&err) : CLI_OK;
}
