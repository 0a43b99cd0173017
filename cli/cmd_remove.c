/*
 * casereview remove REPORT…: takes reports out of the repository: their
 * catalogue records go, their stored files are deleted, and the next index
 * run drops their pages from the index.
 */

#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/log.h"
#include "lib/store.h"

static const char usage[] =
    "usage: casereview remove [--keep-file] REPORT...\n"
    "\n"
    "Removes each REPORT (its id, or the start of its sha256) from the catalogue\n"
    "and deletes its stored file; 'casereview index' then drops it from the index.\n"
    "\n"
    "      --keep-file   keep the stored file\n"
    "\n"
    "example: casereview remove 12\n";

static int remove_one(struct cli_ctx *ctx, struct store *store, const char *key, int keep)
{
    struct catalog_report r;
    struct cr_err err;
    int rc;

    cr_err_clear(&err);
    rc = cli_find_report(ctx, key, &r);
    if (rc != 0)
        return rc;
    rc = catalog_begin(ctx->cat, &err);
    if (rc == 0)
        rc = catalog_report_remove(ctx->cat, r.id, &err);
    if (rc == 0)
        rc = catalog_commit(ctx->cat, &err);
    if (rc < 0)
        catalog_rollback(ctx->cat);
    /* the record goes first: a kill in between leaves a stray file, never a dangling record */
    if (rc == 0 && !keep)
        rc = store_remove(store, r.sha256, r.format, &err);
    if (rc == 0)
        printf("removed #%lld '%s'\n", (long long)r.id, r.title ? r.title : r.name);
    catalog_report_release(&r);
    return rc < 0 ? cli_fail(&err) : CLI_OK;
}

int cmd_remove(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"keep-file", no_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct store *store = NULL;
    struct cr_err err;
    int keep = 0, c, worst = CLI_OK;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'k')
            keep = 1;
        else if (c == 'h')
            return cli_help(usage);
        else
            return cli_usage(usage, "unknown option");
    }
    if (optind >= argc)
        return cli_usage(usage, "remove needs a report id");
    if (store_open(&store, ctx->home.store, &err) < 0)
        return cli_fail(&err);
    for (int i = optind; i < argc; i++) {
        int rc = remove_one(ctx, store, argv[i], keep);
        if (rc > worst)
            worst = rc;
    }
    store_free(store);
    if (worst == CLI_OK)
        printf("next: casereview index\n");
    return worst;
}
