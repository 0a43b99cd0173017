/*
 * casereview add PATH…: copies PDFs (and Word/OpenDocument files) into the
 * store and records them in the catalogue. A file's format is judged by its
 * bytes, not its name; the same bytes under another name are the same report.
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "lib/log.h"
#include "lib/progress.h"
#include "lib/sniff.h"
#include "lib/store.h"
#include "lib/xalloc.h"

static const char usage[] =
    "usage: casereview add [--quiet] PATH...\n"
    "\n"
    "Copies each PDF under PATH (files, or folders searched recursively) into the\n"
    "repository and records it in the catalogue. A file already held (the same\n"
    "bytes, whatever its name) is counted once. Run 'casereview index' next.\n"
    "\n"
    "  -q, --quiet   print only the summary line and problems\n"
    "\n"
    "example: casereview add ~/Downloads/reviews/\n";

struct add_run {
    struct cli_ctx *ctx;
    struct store *store;
    long added, present, refused;
    int broken;            /* writing to the repository failed: stop */
    int quiet;
    struct progress *bar;
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s && s[1] ? s + 1 : path;
}

/* Streams the file into the store; on success *fmt is the sniffed format. */
static int store_file(struct add_run *run, const char *path, char *sha, const char **fmt,
                      int *blob_new, uint64_t *bytes, struct cr_err *err)
{
    struct store_writer *w = NULL;
    const unsigned char *head;
    char block[1 << 16];
    size_t hl;
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f)
        return cr_error(err, CR_EIO, "cannot open: %s", strerror(errno));
    rc = store_writer_new(run->store, 0, &w, err);
    while (rc == 0) {
        size_t n = fread(block, 1, sizeof(block), f);
        if (n == 0)
            break;
        rc = store_writer_write(w, block, n, err);
    }
    run->broken = rc < 0; /* the store could not be written, not this file read */
    if (rc == 0 && ferror(f))
        rc = cr_error(err, CR_EIO, "cannot read: %s", strerror(errno));
    fclose(f);
    if (rc < 0) {
        store_writer_abort(w);
        return rc;
    }
    head = store_writer_head(w, &hl);
    *fmt = sniff_format(head, hl);
    *bytes = store_writer_bytes(w);
    if (!*fmt || !strcmp(*fmt, "html")) {
        rc = cr_error(err, CR_EFORMAT, "not a PDF (it looks like %s)", sniff_describe(head, hl));
        store_writer_abort(w);
        return rc;
    }
    rc = store_writer_commit(w, *fmt, sha, blob_new, err);
    run->broken = rc < 0;
    return rc;
}

static void add_file(struct add_run *run, const char *path)
{
    char sha[STORE_SHA_HEX];
    const char *fmt = NULL;
    int blob_new = 0, was_new = 0, rc;
    uint64_t bytes = 0;
    int64_t id = 0;
    struct cr_err err;

    cr_err_clear(&err);
    rc = store_file(run, path, sha, &fmt, &blob_new, &bytes, &err);
    if (rc == 0)
        rc = catalog_begin(run->ctx->cat, &err);
    if (rc == 0) {
        rc = catalog_report_add(run->ctx->cat, sha, fmt, (int64_t)bytes, base_name(path), &id,
                                &was_new, &err);
        if (rc == 0)
            rc = catalog_commit(run->ctx->cat, &err);
        if (rc < 0) {
            catalog_rollback(run->ctx->cat);
            run->broken = 1;
        }
    }
    if (rc < 0) {
        log_error("'%s': %s", path, err.msg);
        run->refused++;
        return;
    }
    if (was_new) {
        run->added++;
        if (!run->quiet)
            printf("added #%lld '%s' (%s, %.12s)\n", (long long)id, path, fmt, sha);
    } else {
        run->present++;
        if (!run->quiet)
            printf("already present #%lld '%s'\n", (long long)id, path);
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(struct add_run *run, const char *path, int depth);

static void add_dir(struct add_run *run, const char *path, int depth)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, alloc = 0;

    if (!d) {
        log_error("'%s': cannot open folder: %s", path, strerror(errno));
        run->refused++;
        return;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue; /* ., .., and hidden files */
        names = xgrow(names, sizeof(*names), n + 1, &alloc);
        names[n++] = xasprintf("%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n && !*run->ctx->stop && !run->broken; i++) {
        add_path(run, names[i], depth + 1);
        free(names[i]);
        names[i] = NULL;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void add_path(struct add_run *run, const char *path, int depth)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        log_error("'%s': %s", path, strerror(errno));
        run->refused++;
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (depth > 64) {
            log_error("'%s': folders nested too deeply", path);
            run->refused++;
            return;
        }
        add_dir(run, path, depth);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        log_error("'%s': not a regular file", path);
        run->refused++;
        return;
    }
    add_file(run, path);
    progress_update(run->bar, (uint64_t)(run->added + run->present + run->refused), 0);
}

int cmd_add(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    struct add_run run;
    struct cr_err err;
    int c;

    memset(&run, 0, sizeof(run));
    run.ctx = ctx;
    optind = 0;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        if (c == 'q')
            run.quiet = 1;
        else if (c == 'h')
            return cli_help(usage);
        else
            return cli_usage(usage, "unknown option");
    }
    if (optind >= argc)
        return cli_usage(usage, "add needs at least one file or folder");
    if (store_open(&run.store, ctx->home.store, &err) < 0)
        return cli_fail(&err);
    run.bar = progress_new("add", 0, "files", NULL);
    for (int i = optind; i < argc && !*ctx->stop && !run.broken; i++)
        add_path(&run, argv[i], 0);
    progress_free(run.bar);
    store_free(run.store);
    printf("%ld new, %ld already present, %ld refused\n", run.added, run.present, run.refused);
    if (*ctx->stop) {
        log_error("interrupted: what was added so far is kept");
        return CLI_FAIL;
    }
    if (run.added)
        printf("next: casereview index\n");
    if (run.broken) {
        /* a full disk or a read-only repository: every later file would fail the same way */
        log_error("stopped: the repository cannot be written; the files added before are kept");
        return CLI_FAIL;
    }
    return run.refused && !run.added && !run.present ? CLI_FAIL : CLI_OK;
}
