/*
 * casereview doctor: checks that the repository is sound and says how to
 * mend what is not. Read-only: it repairs nothing itself.
 */

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "lib/ixschema.h"
#include "lib/log.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "lib/xdb.h"

static const char usage[] =
    "usage: casereview doctor [--quick]\n"
    "\n"
    "Checks the repository: the catalogue's integrity, that the index opens and\n"
    "agrees with the catalogue (same reports, same page counts), and that every\n"
    "stored file still matches its sha256. Prints each problem and how to repair it.\n"
    "\n"
    "      --quick   skip re-hashing the stored files\n"
    "\n"
    "Exit status: 0 no problem, 3 problems found.\n";

struct doctor {
    struct cli_ctx *ctx;
    struct store *store;
    struct xdb *db;
    int quick;
    int old_layout;    /* the index predates report documents (lib/ixschema.h version 1) */
    long problems;
    long pending;
    long reports;
};

static void problem(struct doctor *d, const char *fmt, ...) CR_PRINTF(2, 3);
static void problem(struct doctor *d, const char *fmt, ...)
{
    va_list ap;

    d->problems++;
    printf("problem: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static int check_report(const struct catalog_report *r, void *ctx)
{
    struct doctor *d = ctx;
    struct cr_err err;
    char term[80];
    uint32_t n = 0, rdocs = 0;
    int rc;

    d->reports++;
    if (!d->quick) {
        rc = store_verify(d->store, r->sha256, r->format, &err);
        if (rc == CR_ENOTFOUND)
            problem(d, "the stored file of report #%lld is missing (%s); remove the report "
                       "('casereview remove %lld') or add the file again",
                    (long long)r->id, err.msg, (long long)r->id);
        else if (rc < 0)
            problem(d, "report #%lld: %s; add the original file again", (long long)r->id,
                    err.msg);
    }
    if (r->indexed_gen < r->content_gen) {
        d->pending++;
        return 0;
    }
    if (!d->db || strcmp(r->state, "indexed"))
        return 0;
    snprintf(term, sizeof(term), IX_P_REPORT "%.*s", IX_KEY_LEN, r->sha256);
    /* R<key> is on the report document too: count the page documents only */
    if ((d->old_layout ? xdb_term_freq(d->db, term, &n, &err)
                       : xdb_term_freq_both(d->db, term, IX_T_PAGE, &n, &err)) < 0 ||
        (!d->old_layout && xdb_term_freq_both(d->db, term, IX_T_REPORT, &rdocs, &err) < 0)) {
        problem(d, "%s", err.msg);
        return 1;
    }
    if ((int)n != r->pages)
        problem(d, "report #%lld has %d pages in the catalogue but %u in the index; run "
                   "'casereview index --rebuild'",
                (long long)r->id, r->pages, n);
    else if (!d->old_layout && rdocs != (n > 0))
        problem(d, "report #%lld has %u report entries in the index instead of %d, so it is "
                   "counted wrongly; run 'casereview index --rebuild'",
                (long long)r->id, rdocs, n > 0);
    return 0;
}

struct stale {
    struct doctor *d;
    struct catalog *cat;
};

static int check_index_term(const char *term, size_t len, uint32_t freq, void *ctx)
{
    struct stale *s = ctx;
    struct catalog_report r;
    struct cr_err err;
    int found = 0;
    char sha[IX_KEY_LEN + 1];

    (void)freq;
    if (len != 1 + IX_KEY_LEN)
        return 0;
    memcpy(sha, term + 1, IX_KEY_LEN);
    sha[IX_KEY_LEN] = '\0';
    if (catalog_report_find(s->cat, sha, &r, &found, &err) < 0)
        return 0;
    if (!found)
        problem(s->d, "the index holds report %.12s, which the catalogue does not; run "
                      "'casereview index' (or --rebuild)", sha);
    else
        catalog_report_release(&r);
    return 0;
}

static void check_catalogue(struct doctor *d)
{
    struct cr_err err;
    char *what = NULL;
    int ok = 0;

    if (catalog_check(d->ctx->cat, &ok, &what, &err) < 0)
        problem(d, "%s", err.msg);
    else if (!ok)
        problem(d, "the catalogue '%s' is damaged: %s; restore it from a backup",
                d->ctx->home.catalog, what);
    free(what);
}

static void check_index(struct doctor *d)
{
    struct cr_err err;
    struct stat st;
    char *report = NULL, *version = NULL;
    int ok = 0, rc;

    if (stat(d->ctx->home.index, &st) < 0) {
        printf("note: there is no index yet; run 'casereview index'\n");
        return;
    }
    rc = xdb_check(d->ctx->home.index, &ok, &report, &err);
    if (rc < 0 || !ok) {
        problem(d, "the index is damaged (%s); run 'casereview index --rebuild'",
                rc < 0 ? err.msg : "xapian check failed");
        free(report);
        return;
    }
    free(report);
    if (xdb_open(&d->db, d->ctx->home.index, 0, &err) < 0) {
        problem(d, "%s; run 'casereview index --rebuild'", err.msg);
        return;
    }
    if (xdb_get_metadata(d->db, IX_META_VERSION, &version, &err) < 0) {
        problem(d, "%s", err.msg);
        return;
    }
    d->old_layout = atoi(version) < atoi(IX_FORMAT_VERSION);
    if (d->old_layout)
        printf("note: the index predates the entries that make counting fast; run "
               "'casereview index' once to add them\n");
    free(version);
}

int cmd_doctor(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"quick", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct doctor d;
    struct stale st;
    struct cr_err err;
    int c;

    memset(&d, 0, sizeof(d));
    d.ctx = ctx;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'q')
            d.quick = 1;
        else if (c == 'h')
            return cli_help(usage);
        else
            return cli_usage(usage, "unknown option");
    }
    if (store_open(&d.store, ctx->home.store, &err) < 0)
        return cli_fail(&err);
    check_catalogue(&d);
    check_index(&d);
    if (catalog_reports_all(ctx->cat, check_report, &d, &err) < 0)
        problem(&d, "%s", err.msg);
    st.d = &d;
    st.cat = ctx->cat;
    if (d.db && xdb_each_term(d.db, IX_P_REPORT, check_index_term, &st, &err) < 0)
        problem(&d, "%s", err.msg);
    xdb_close(d.db);
    store_free(d.store);
    if (d.pending)
        printf("note: %ld report%s wait%s to be indexed; run 'casereview index'\n", d.pending,
               d.pending == 1 ? "" : "s", d.pending == 1 ? "s" : "");
    if (d.problems) {
        printf("%ld problem%s found in '%s'\n", d.problems, d.problems == 1 ? "" : "s",
               ctx->home.root);
        return CLI_FAIL;
    }
    printf("no problems found: %ld reports in '%s'\n", d.reports, ctx->home.root);
    return CLI_OK;
}
