/*
 * casereview index: extracts and indexes what the catalogue holds that the
 * index does not, and drops from the index what the catalogue removed.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "indexer/idx.h"
#include "lib/log.h"

static const char usage[] =
    "usage: casereview index [-j N] [--rebuild] [--retry-failed] [--retag] [--timeout SECONDS]\n"
    "                        [--memory MB]\n"
    "\n"
    "Extracts the text of each new or changed report, page by page, and writes\n"
    "the search index. Reports that cannot be read are marked failed with the\n"
    "reason, and the run goes on. Run it again at any time: with nothing new it\n"
    "does nothing.\n"
    "\n"
    "  -j, --jobs N       extraction workers (default: the number of cores)\n"
    "      --rebuild      recreate the index from the stored files and the catalogue\n"
    "      --retry-failed try reports that failed before again\n"
    "      --retag        describe and tag every report again from the text already\n"
    "                     in the index (after a change to data/taxonomy), without\n"
    "                     reading the PDFs again\n"
    "      --timeout S    give up on a file after S seconds (default 180)\n"
    "      --memory MB    memory each extraction worker may use (default 1024)\n"
    "\n"
    "example: casereview index -j 2\n";

static void print_summary(const struct idx_summary *s)
{
    if (s->nothing_to_do) {
        printf("nothing to index: the index is up to date");
        if (s->failed_before)
            printf(" (%lld reports failed earlier; see 'casereview index --retry-failed')",
                   (long long)s->failed_before);
        printf("\n");
        return;
    }
    printf("%s %lld report%s (%lld pages) in %.1f s", s->rebuilt ? "rebuilt the index:" : "indexed",
           (long long)s->indexed, s->indexed == 1 ? "" : "s", (long long)s->pages, s->seconds);
    if (s->retagged)
        printf("; re-tagged %lld from the index's text", (long long)s->retagged);
    if (s->upgraded)
        printf("; the index now has one more entry per report, for counting");
    if (s->removed)
        printf("; removed %lld from the index", (long long)s->removed);
    if (s->failed)
        printf("; %lld failed", (long long)s->failed);
    printf("\n");
    for (size_t i = 0; i < s->nfailures; i++) {
        const struct idx_failure *f = &s->failures[i];
        printf("  failed #%lld '%s': %s: %s\n", (long long)f->id, f->name, f->reason, f->detail);
    }
    if (s->failed_before > 0)
        printf("%lld reports failed in earlier runs ('casereview index --retry-failed' tries "
               "them again)\n", (long long)s->failed_before);
}

int cmd_index(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"jobs", required_argument, NULL, 'j'},
                                         {"rebuild", no_argument, NULL, 'r'},
                                         {"retry-failed", no_argument, NULL, 'f'},
                                         {"retag", no_argument, NULL, 'g'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"memory", required_argument, NULL, 'm'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct idx_opts o;
    struct idx_summary s;
    struct cr_err err;
    long v;
    int c, rc;

    memset(&o, 0, sizeof(o));
    o.stop = ctx->stop;
    optind = 0;
    while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            v = cli_uint(optarg);
            if (v < 1 || v > 64)
                return cli_usage(usage, "-j needs a number of workers from 1 to 64");
            o.jobs = (unsigned)v;
            break;
        case 'r':
            o.rebuild = 1;
            break;
        case 'f':
            o.retry_failed = 1;
            break;
        case 'g':
            o.retag = 1;
            break;
        case 't':
            v = cli_uint(optarg);
            if (v < 1)
                return cli_usage(usage, "--timeout needs a number of seconds");
            o.wall_s = (unsigned)v;
            break;
        case 'm':
            v = cli_uint(optarg);
            if (v < 64 || v > 1 << 20)
                return cli_usage(usage, "--memory needs a number of megabytes, at least 64");
            o.mem_mb = (unsigned)v;
            break;
        case 'h':
            return cli_help(usage);
        default:
            return cli_usage(usage, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage(usage, "index takes no file names (use 'casereview add' first)");
    cr_err_clear(&err);
    rc = idx_run(&ctx->home, ctx->cat, &o, &s, &err);
    if (rc == 0 || rc == CR_EINTR)
        print_summary(&s);
    /* searches read the vocabulary compiled from data/ in the index: keep it current */
    if (rc == 0 && cli_vocab_store(ctx, &err) < 0)
        log_warn("could not keep the vocabulary in the index (searches will read data/): %s",
                 err.msg);
    if (rc == CR_EINTR)
        log_error("interrupted: what was indexed so far is kept; %lld reports are left "
                  "(run 'casereview index' again)", (long long)s.left);
    idx_summary_release(&s);
    if (rc < 0 && rc != CR_EINTR)
        return cli_fail(&err);
    return rc == CR_EINTR ? CLI_FAIL : CLI_OK;
}
