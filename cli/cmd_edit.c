/*
 * casereview edit REPORT --set FIELD=VALUE…: a user's corrections of a
 * report's metadata. They are kept apart from what is derived, so they
 * survive every re-index and re-tag, and win over every other source. The
 * report is re-indexed at once so that search shows the correction.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "indexer/idx.h"
#include "indexer/meta.h"
#include "lib/log.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"

static const char usage[] =
    "usage: casereview edit REPORT (--set FIELD=VALUE | --unset FIELD)...\n"
    "\n"
    "Corrects a report's metadata (REPORT: its id, or the start of its sha256).\n"
    "A correction outlives every re-index and wins over what casereview reads\n"
    "from the report or its web page; --unset FIELD removes it. The report is\n"
    "indexed again at once.\n"
    "\n"
    "Fields: title, partnership, nation, review_type, document_kind, child,\n"
    "published, event, child_age, incident_year, outcome, age_band,\n"
    "review_model, review_id, themes, topics (ids, comma-separated).\n"
    "\n"
    "  --set FIELD=VALUE   set FIELD (ids as in 'casereview show'; dates YYYY[-MM[-DD]])\n"
    "  --unset FIELD       remove the correction of FIELD\n"
    "\n"
    "example: casereview edit 12 --set review_type=cspr --set child='Child F1'\n";

struct change {
    char *field;   /* borrowed from argv, cut at '=' */
    const char *value;
};

static int apply(struct cli_ctx *ctx, const struct taxonomy *t, const struct catalog_report *r,
                 struct change *ch, int n, struct cr_err *err)
{
    int rc = catalog_begin(ctx->cat, err);

    for (int i = 0; rc == 0 && i < n; i++) {
        rc = meta_correct(ctx->cat, t, r->id, ch[i].field, ch[i].value, err);
        if (rc < 0)
            cr_err_prefix(err, "%s", ch[i].field);
    }
    if (rc == 0)
        rc = catalog_commit(ctx->cat, err);
    else
        catalog_rollback(ctx->cat);
    return rc;
}

static int reindex(struct cli_ctx *ctx, struct cr_err *err)
{
    struct idx_opts o;
    struct idx_summary s;
    int rc;

    memset(&o, 0, sizeof(o));
    o.stop = ctx->stop;
    o.jobs = 1;
    rc = idx_run(&ctx->home, ctx->cat, &o, &s, err);
    idx_summary_release(&s);
    return rc;
}

static int edit(struct cli_ctx *ctx, const char *key, struct change *ch, int n)
{
    struct taxonomy *t = NULL;
    struct catalog_report r;
    struct cr_err err;
    int rc;

    cr_err_clear(&err);
    rc = cli_find_report(ctx, key, &r);
    if (rc != 0)
        return rc;
    rc = taxonomy_load_default(&t, &err);
    if (rc == 0)
        rc = apply(ctx, t, &r, ch, n, &err);
    if (rc == CR_EINVAL) {
        log_error("%s", err.msg);
        rc = CLI_USAGE;
        goto out;
    }
    if (rc == 0) {
        for (int i = 0; i < n; i++)
            printf(ch[i].value ? "#%lld: %s = %s\n" : "#%lld: %s: correction removed%s\n",
                   (long long)r.id, ch[i].field, ch[i].value ? ch[i].value : "");
        rc = reindex(ctx, &err);
    }
    rc = rc < 0 ? cli_fail(&err) : CLI_OK;
out:
    taxonomy_free(t);
    catalog_report_release(&r);
    return rc;
}

int cmd_edit(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"set", required_argument, NULL, 's'},
                                         {"unset", required_argument, NULL, 'u'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct change *ch = xcalloc((size_t)argc + 1, sizeof(*ch));
    int n = 0, c, rc;
    char *eq;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                free(ch);
                return cli_usage(usage, "--set needs FIELD=VALUE, not '%s'", optarg);
            }
            *eq = '\0';
            ch[n].field = optarg;
            ch[n++].value = eq + 1;
            break;
        case 'u':
            ch[n].field = optarg;
            ch[n++].value = NULL;
            break;
        case 'h':
            free(ch);
            return cli_help(usage);
        default:
            free(ch);
            return cli_usage(usage, "unknown option");
        }
    }
    if (optind + 1 != argc || n == 0) {
        free(ch);
        return cli_usage(usage, optind + 1 != argc ? "edit takes one REPORT" : "nothing to change");
    }
    rc = edit(ctx, argv[optind], ch, n);
    free(ch);
    return rc;
}
