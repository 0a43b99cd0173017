/*
 * casereview crawl [URL…]: fetches the reports and briefings partnerships
 * publish, from the shipped list of sources, a list in a file, or URLs
 * given here; prints a line per source as it finishes and a summary.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crawler/crawl.h"
#include "indexer/idx.h"
#include "lib/log.h"
#include "lib/store.h"
#include "lib/xalloc.h"

static const char usage[] =
    "usage: casereview crawl [--sources FILE] [--depth N] [--delay SECONDS] [--max-size SIZE]\n"
    "                        [--timeout SECONDS] [--connect-timeout SECONDS] [--retries N]\n"
    "                        [--index] [URL...]\n"
    "\n"
    "Fetches the reviews and briefings that safeguarding partnerships publish on\n"
    "their websites (PDF and Word documents) into the repository. With no URL and\n"
    "no --sources, crawls the shipped list of partnerships (see 'casereview\n"
    "sources'). From each source page it follows links to documents, wherever they\n"
    "are, and to pages of the same site up to --depth. It obeys robots.txt, waits\n"
    "between requests to one site, and sends conditional requests on a recrawl, so\n"
    "an unchanged document costs no download. A document that has gone from its\n"
    "site is kept and marked as no longer online. Interrupted, it resumes where it\n"
    "stopped when run again with the same sources.\n"
    "\n"
    "      --sources FILE     crawl the sources in FILE (name, nation, URL and where\n"
    "                         the URL was found, tab-separated; or one URL a line)\n"
    "      --depth N          follow same-site pages N links deep (default 2)\n"
    "      --delay SECONDS    wait between two requests to one site (default 1;\n"
    "                         a robots.txt Crawl-delay may ask for more)\n"
    "      --max-size SIZE    abandon a file larger than SIZE bytes; k, M, G suffixes\n"
    "                         (default 100M)\n"
    "      --timeout SECONDS  give up on one download after SECONDS (default 300)\n"
    "      --connect-timeout SECONDS\n"
    "                         give up connecting after SECONDS (default 30)\n"
    "      --retries N        after a 429, 5xx, timeout or broken connection, try N\n"
    "                         more times, waiting as Retry-After asks (default 3)\n"
    "      --index            index what was fetched when the crawl ends\n"
    "  -q, --quiet            print only the summary and problems\n"
    "\n"
    "example: casereview crawl --index\n";

struct crawl_cli {
    struct crawl_opts o;
    const char *sources;    /* --sources FILE */
    int index;              /* --index */
    int quiet;
    long ok, partial, failed;
};

/* Parses seconds with a fraction ("0.5"); -1 when it is not a number >= 0. */
static double parse_seconds(const char *s)
{
    char *end;
    double v;

    if (!s || !*s)
        return -1;
    v = strtod(s, &end);
    if (*end || !(v >= 0) || v > 86400)
        return -1;
    return v;
}

/* Parses "100M", "512k", "1G" or bytes; 0 when it is not a size. */
static uint64_t parse_size(const char *s)
{
    char *end;
    double v;

    if (!s || !*s)
        return 0;
    v = strtod(s, &end);
    if (!(v > 0))
        return 0;
    if (*end == 'k' || *end == 'K')
        v *= 1024, end++;
    else if (*end == 'm' || *end == 'M')
        v *= 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        v *= 1024.0 * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v < 1 || v > 1e15)
        return 0;
    return (uint64_t)v;
}

static const char *source_label(const struct crawl_db_source *s)
{
    return s->name ? s->name : s->url;
}

static void on_source(const struct crawl_db_source *s, void *ctx)
{
    struct crawl_cli *cc = ctx;
    const char *st = s->last_status ? s->last_status : "?";

    if (!strcmp(st, "ok"))
        cc->ok++;
    else if (!strcmp(st, "failed"))
        cc->failed++;
    else
        cc->partial++;
    if (cc->quiet && !strcmp(st, "ok"))
        return;
    printf("%-11s %s: %lld page%s, %lld document%s (%lld new)", st, source_label(s),
           (long long)s->pages, s->pages == 1 ? "" : "s", (long long)s->documents,
           s->documents == 1 ? "" : "s", (long long)s->new_documents);
    if (s->gone)
        printf(", %lld gone", (long long)s->gone);
    if (s->failed)
        printf(", %lld failed", (long long)s->failed);
    printf("\n");
    if (s->last_error && strcmp(st, "ok"))
        printf("            last error: %s\n", s->last_error);
    fflush(stdout);
}

static void print_summary(const struct crawl_cli *cc, const struct crawl_summary *s)
{
    printf("crawled %ld source%s in %.1f s%s: %lld pages, %lld documents (%lld new, %lld "
           "unchanged), %lld gone, %lld failed, %lld kept out by robots.txt; %llu bytes "
           "downloaded\n",
           cc->ok + cc->partial + cc->failed, cc->ok + cc->partial + cc->failed == 1 ? "" : "s",
           s->seconds, s->resumed ? " (resumed)" : "", (long long)s->pages,
           (long long)s->documents, (long long)s->new_documents, (long long)s->not_modified,
           (long long)s->gone, (long long)s->failed, (long long)s->skipped,
           (unsigned long long)s->body_bytes);
}

static int parse_args(struct crawl_cli *cc, int argc, char **argv)
{
    static const struct option opts[] = {
        {"sources", required_argument, NULL, 's'}, {"depth", required_argument, NULL, 'd'},
        {"delay", required_argument, NULL, 'w'},   {"max-size", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 't'}, {"connect-timeout", required_argument, NULL, 'c'},
        {"retries", required_argument, NULL, 'r'}, {"index", no_argument, NULL, 'i'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0}};
    double secs;
    long v;
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            cc->sources = optarg;
            break;
        case 'd':
            v = cli_uint(optarg);
            if (v < 0 || v > 20)
                return cli_usage(usage, "--depth needs a number from 0 to 20");
            cc->o.depth = (int)v;
            break;
        case 'w':
            if ((secs = parse_seconds(optarg)) < 0)
                return cli_usage(usage, "--delay needs a number of seconds, such as 1 or 0.5");
            cc->o.delay_s = secs;
            break;
        case 'm':
            if (!(cc->o.max_bytes = parse_size(optarg)))
                return cli_usage(usage, "--max-size needs a size, such as 100M or 512k");
            break;
        case 't':
        case 'c':
            if ((secs = parse_seconds(optarg)) <= 0)
                return cli_usage(usage, "--%s needs a number of seconds",
                                 c == 't' ? "timeout" : "connect-timeout");
            if (c == 't')
                cc->o.timeout_ms = (long)(secs * 1000);
            else
                cc->o.connect_timeout_ms = (long)(secs * 1000);
            break;
        case 'r':
            v = cli_uint(optarg);
            if (v < 0 || v > 10)
                return cli_usage(usage, "--retries needs a number from 0 to 10");
            cc->o.retries = (int)v;
            break;
        case 'i':
            cc->index = 1;
            break;
        case 'q':
            cc->quiet = 1;
            break;
        case 'h':
            return cli_help(usage) == CLI_OK ? -1 : CLI_USAGE;
        default:
            return cli_usage(usage, "unknown option");
        }
    }
    return CLI_OK;
}

/* The sources to crawl: URLs given, else --sources FILE, else the shipped list. */
static int load_sources(struct crawl_cli *cc, int argc, char **argv,
                        struct crawl_source_list *list, struct cr_err *err)
{
    char *path = NULL;
    int rc = 0;

    memset(list, 0, sizeof(*list));
    if (optind < argc) {
        cc->o.origin = "url";
        for (int i = optind; rc == 0 && i < argc; i++)
            rc = crawl_sources_add(list, argv[i], NULL, NULL, NULL, err);
        return rc;
    }
    if (cc->sources) {
        cc->o.origin = "file";
        return crawl_sources_load(cc->sources, list, err);
    }
    cc->o.origin = "shipped";
    path = cli_data_path("sources.tsv");
    rc = crawl_sources_load(path, list, err);
    free(path);
    return rc;
}

static int index_after(struct cli_ctx *ctx)
{
    struct idx_opts o;
    struct idx_summary s;
    struct cr_err err;
    int rc;

    memset(&o, 0, sizeof(o));
    o.stop = ctx->stop;
    cr_err_clear(&err);
    rc = idx_run(&ctx->home, ctx->cat, &o, &s, &err);
    if (rc == 0 && s.nothing_to_do)
        printf("index: nothing new to index\n");
    else if (rc == 0 || rc == CR_EINTR)
        printf("index: %lld report%s indexed (%lld pages), %lld failed\n", (long long)s.indexed,
               s.indexed == 1 ? "" : "s", (long long)s.pages, (long long)s.failed);
    idx_summary_release(&s);
    if (rc < 0 && rc != CR_EINTR)
        return cli_fail(&err);
    return rc == CR_EINTR ? CLI_FAIL : CLI_OK;
}

static int run_crawl(struct crawl_cli *cc, struct cli_ctx *ctx, struct crawl_source_list *list)
{
    struct crawl_summary sum;
    struct store *store = NULL;
    struct cr_err err;
    int lock = -1, rc;

    cr_err_clear(&err);
    rc = home_lock(&ctx->home, "crawl", &lock, &err);
    if (rc == CR_EBUSY)
        cr_err_prefix(&err, "another crawl is running in this repository");
    if (rc == 0)
        rc = store_open(&store, ctx->home.store, &err);
    if (rc < 0) {
        if (lock >= 0)
            close(lock);
        return cli_fail(&err);
    }
    rc = crawl_run(ctx->cat, store, list, &cc->o, &sum, &err);
    store_free(store);
    close(lock);
    print_summary(cc, &sum);
    if (rc == CR_EINTR) {
        log_error("interrupted: what was fetched is kept; run the same crawl again to resume");
        return CLI_FAIL;
    }
    if (rc < 0)
        return cli_fail(&err);
    if (cc->index)
        return index_after(ctx);
    if (sum.new_documents)
        printf("next: casereview index\n");
    return cc->failed && !cc->ok && !cc->partial ? CLI_FAIL : CLI_OK;
}

int cmd_crawl(int argc, char **argv, struct cli_ctx *ctx)
{
    struct crawl_cli cc;
    struct crawl_source_list list;
    struct cr_err err;
    int rc;

    memset(&cc, 0, sizeof(cc));
    crawl_opts_init(&cc.o);
    cc.o.stop = ctx->stop;
    cc.o.on_source = on_source;
    cc.o.ctx = &cc;
    rc = parse_args(&cc, argc, argv);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    cr_err_clear(&err);
    if (load_sources(&cc, argc, argv, &list, &err) < 0)
        return err.code == CR_EINVAL ? cli_usage(usage, "%s", err.msg) : cli_fail(&err);
    if (list.n == 0) {
        crawl_sources_release(&list);
        return cli_usage(usage, "no sources to crawl");
    }
    rc = run_crawl(&cc, ctx, &list);
    crawl_sources_release(&list);
    return rc;
}
