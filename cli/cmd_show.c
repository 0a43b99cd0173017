/*
 * casereview show REPORT: everything the repository knows about one report:
 * its fields and where each came from, its themes and topics with the pages
 * and phrases that earned them, its recommendations and learning points,
 * the other documents of its review, and where its file is.
 *
 * The output is a list of sections, each printed by its own function, so a
 * new option (--page, --open) adds a section or replaces the list.
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "indexer/meta.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/result.h"

static const char usage[] =
    "usage: casereview show [--page N] [--open] REPORT\n"
    "\n"
    "Shows a report (its id, or the start of its sha256): every field and where it\n"
    "came from (user, link, text, layout, info, derived), its themes and learning\n"
    "topics with the pages and phrases that earned them, its recommendations and\n"
    "learning points, the other documents of the same review, and its file.\n"
    "\n"
    "      --page N    print the text of page N instead\n"
    "      --open      open the file with the desktop's PDF viewer (at page N\n"
    "                  with --page); $CASEREVIEW_VIEWER chooses the viewer, as a\n"
    "                  command where %f stands for the file and %p for the page\n"
    "\n"
    "Exit status: 0 ok, 1 no such report or page, 2 usage error, 3 failure.\n"
    "\n"
    "example: casereview show 12\n"
    "         casereview show --page 7 --open 12\n";

struct show {
    struct cli_ctx *ctx;
    const struct catalog_report *r;
    const struct meta_fields *f;
};

/* Fields in the order a reader wants them. */
static const enum meta_field order[] = {
    META_TITLE,       META_PARTNERSHIP_NAME, META_PARTNERSHIP, META_NATION,
    META_REVIEW_TYPE, META_DOCUMENT_KIND,    META_CHILD,       META_PUBLISHED,
    META_EVENT,       META_INCIDENT_YEAR,    META_CHILD_AGE,   META_AGE_BAND,
    META_OUTCOME,     META_REVIEW_MODEL,     META_REVIEW_ID,   META_SOURCE_URL,
    META_FETCHED,     META_ONLINE,
};

static void show_head(const struct show *s)
{
    printf("report #%lld  %s\n", (long long)s->r->id, s->r->sha256);
    printf("  %-17s %s (%s, %lld bytes, %d pages, added %s)\n", "file", s->r->name,
           s->r->format, (long long)s->r->bytes, s->r->pages, s->r->added_at);
    if (!strcmp(s->r->state, "failed"))
        printf("  %-17s failed: %s: %s\n", "state", s->r->fail_reason ? s->r->fail_reason : "",
               s->r->fail_detail ? s->r->fail_detail : "");
    else if (strcmp(s->r->state, "indexed"))
        printf("  %-17s not indexed yet (run 'casereview index')\n", "state");
}

static void show_fields(const struct show *s)
{
    printf("\nfields (source in brackets)\n");
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        enum meta_field fi = order[i];
        printf("  %-17s %s", meta_field_name(fi), s->f->v[fi] ? s->f->v[fi] : "-");
        if (s->f->v[fi])
            printf("  [%s]", s->f->src[fi]);
        printf("\n");
    }
}

static void show_tags(const struct show *s, enum taxonomy_kind k, const char *heading)
{
    int any = 0;

    printf("\n%s\n", heading);
    for (size_t i = 0; i < s->f->ntags; i++) {
        const struct meta_tag *t = &s->f->tags[i];
        if (t->kind != k)
            continue;
        any = 1;
        if (t->user) {
            printf("  %-30s set by a user\n", t->id);
            continue;
        }
        printf("  %-30s score %-3d pages ", t->id, t->score);
        for (size_t p = 0; p < t->npages; p++)
            printf("%s%d", p ? "," : "", t->pages[p]);
        printf("\n  %-30s \"%s\"\n", "", t->phrases);
    }
    if (!any)
        printf("  none\n");
}

static void show_items(const struct show *s)
{
    static const char *const heads[] = {"recommendations", "learning points"};

    for (int k = 0; k < 2; k++) {
        int any = 0;
        printf("\n%s\n", heads[k]);
        for (size_t i = 0; i < s->f->nitems; i++) {
            const struct meta_item *it = &s->f->items[i];
            if ((int)it->kind != k)
                continue;
            any = 1;
            printf("  %s (page %d): %s\n", it->label, it->page, it->text);
        }
        if (!any)
            printf("  none found\n");
    }
}

static int print_sibling(int64_t id, const char *kind, const char *title, void *ctx)
{
    (*(int *)ctx)++;
    printf("  #%-5lld %-20s %s\n", (long long)id, kind ? kind : "-", title ? title : "");
    return 0;
}

static int show_siblings(const struct show *s, struct cr_err *err)
{
    const char *rid = s->f->v[META_REVIEW_ID];

    printf("\nother documents of this review\n");
    if (!rid) {
        printf("  unknown (no review id: partnership, review type or child is missing)\n");
        return 0;
    }
    int n = 0, rc = meta_siblings(s->ctx->cat, s->r->id, rid, print_sibling, &n, err);

    if (rc == 0 && n == 0)
        printf("  none in the repository (review %s)\n", rid);
    return rc;
}

static void show_path(const struct show *s)
{
    char *path = store_blob_path(s->ctx->home.store, s->r->sha256, s->r->format);

    printf("\nstored file\n  %s\n", path);
    free(path);
}

static int show_report(struct cli_ctx *ctx, const char *key)
{
    struct catalog_report r;
    struct meta_fields f;
    struct cr_err err;
    struct show s;
    int described = 0, rc;

    cr_err_clear(&err);
    rc = cli_find_report(ctx, key, &r);
    if (rc != 0)
        return rc;
    rc = meta_load(ctx->cat, r.id, &f, &described, &err);
    s.ctx = ctx;
    s.r = &r;
    s.f = &f;
    if (rc == 0) {
        show_head(&s);
        show_fields(&s);
        show_tags(&s, TAXONOMY_THEME, "themes (what happened)");
        show_tags(&s, TAXONOMY_TOPIC, "learning topics (what practice must change)");
        show_items(&s);
        rc = show_siblings(&s, &err);
        show_path(&s);
    }
    meta_fields_release(&f);
    catalog_report_release(&r);
    return rc < 0 ? cli_fail(&err) : CLI_OK;
}

/* Prints page `page` of report r from the index. */
static int show_page(struct cli_ctx *ctx, const struct catalog_report *r, int page)
{
    struct xdb *db = NULL;
    struct cr_err err;
    char *text = NULL;
    int rc;

    cr_err_clear(&err);
    rc = xdb_open(&db, ctx->home.index, 0, &err);
    if (rc == 0)
        rc = result_page_text(db, r->sha256, page, &text, &err);
    xdb_close(db);
    if (rc < 0)
        return cli_fail(&err);
    if (!text) {
        log_error("report %lld has no page %d in the index (it has %d)", (long long)r->id, page,
                  r->pages);
        return CLI_NONE;
    }
    printf("%s", text);
    if (*text && text[strlen(text) - 1] != '\n')
        printf("\n");
    free(text);
    return CLI_OK;
}

/* Viewers that take a page, tried in order when $CASEREVIEW_VIEWER is not set. */
static const char *const viewers[] = {
    "evince --page-index=%p %f", "okular --page %p %f", "zathura --page=%p %f",
    "qpdfview --unique %f#%p",   "mupdf %f %p",          "xdg-open %f",
};

/* The program named by the first word of cmd is on $PATH (or a path that runs). */
static int runnable(const char *cmd)
{
    char *prog = xstrndup(cmd, strcspn(cmd, " ")), *path, *dirs, *save = NULL;
    int ok = 0;

    if (strchr(prog, '/')) {
        ok = access(prog, X_OK) == 0;
        free(prog);
        return ok;
    }
    dirs = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    for (char *d = strtok_r(dirs, ":", &save); d && !ok; d = strtok_r(NULL, ":", &save)) {
        path = xasprintf("%s/%s", d, prog);
        ok = access(path, X_OK) == 0;
        free(path);
    }
    free(dirs);
    free(prog);
    return ok;
}

/* The viewer command as argv: words of tmpl with %f and %p replaced. New. */
static char **viewer_argv(const char *tmpl, const char *file, int page)
{
    char **argv = xcalloc(strlen(tmpl) + 2, sizeof(*argv)), *t = xstrdup(tmpl), *save = NULL;
    size_t n = 0;

    for (char *w = strtok_r(t, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        struct buf b = BUF_INIT;
        for (const char *p = w; *p; p++) {
            if (p[0] == '%' && p[1] == 'f') {
                buf_addstr(&b, file);
                p++;
            } else if (p[0] == '%' && p[1] == 'p') {
                buf_addf(&b, "%d", page);
                p++;
            } else {
                buf_addch(&b, *p);
            }
        }
        argv[n++] = buf_take(&b);
    }
    free(t);
    return argv;
}

/* Starts the viewer detached (its own session, not waited for). */
static int spawn_detached(char **argv)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* a grandchild, so that the viewer outlives us and leaves no zombie */
        if (fork() == 0) {
            setsid();
            execvp(argv[0], argv);
            _exit(127);
        }
        _exit(0);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

static int open_file(struct cli_ctx *ctx, const struct catalog_report *r, int page)
{
    const char *env = getenv("CASEREVIEW_VIEWER"), *tmpl = env && *env ? env : NULL;
    char *path = store_blob_path(ctx->home.store, r->sha256, r->format), **argv;
    struct stat st;
    int rc = CLI_OK;

    if (!path || stat(path, &st) < 0) {
        log_error("the file of report %lld is missing from the store (run 'casereview doctor')",
                  (long long)r->id);
        free(path);
        return CLI_FAIL;
    }
    for (size_t i = 0; !tmpl && i < sizeof(viewers) / sizeof(viewers[0]); i++)
        if (runnable(viewers[i]))
            tmpl = viewers[i];
    if (!tmpl) {
        log_error("no PDF viewer found (set CASEREVIEW_VIEWER, e.g. 'evince --page-index=%%p "
                  "%%f'); the file is '%s'", path);
        free(path);
        return CLI_FAIL;
    }
    argv = viewer_argv(tmpl, path, page);
    if (spawn_detached(argv) < 0) {
        log_error("cannot start '%s': %s", argv[0], strerror(errno));
        rc = CLI_FAIL;
    } else {
        printf("opening '%s' at page %d with %s\n", path, page, argv[0]);
    }
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
    free(path);
    return rc;
}

/* show --page N / --open: the page's text, or the file in a viewer. */
static int show_other(struct cli_ctx *ctx, const char *key, int page, int open)
{
    struct catalog_report r;
    struct cr_err err;
    int rc;

    cr_err_clear(&err);
    rc = cli_find_report(ctx, key, &r);
    if (rc != 0)
        return rc;
    if (page > r.pages && r.pages > 0) {
        log_error("report %lld has %d page%s, not %d", (long long)r.id, r.pages,
                  r.pages == 1 ? "" : "s", page);
        rc = CLI_NONE;
    } else if (open) {
        rc = open_file(ctx, &r, page ? page : 1);
    } else {
        rc = show_page(ctx, &r, page);
    }
    catalog_report_release(&r);
    return rc;
}

int cmd_show(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"page", required_argument, NULL, 'p'},
                                         {"open", no_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, page = 0, open = 0;
    long v;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help(usage);
        if (c == 'o') {
            open = 1;
        } else if (c == 'p') {
            if ((v = cli_uint(optarg)) < 1 || v > 100000)
                return cli_usage(usage, "--page needs a page number from 1");
            page = (int)v;
        } else {
            return cli_usage(usage, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(usage, "show takes one REPORT");
    if (page || open)
        return show_other(ctx, argv[optind], page, open);
    return show_report(ctx, argv[optind]);
}
