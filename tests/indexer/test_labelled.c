/*
 * The measured evaluation of metadata and tagging: the labelled fictional
 * mini-reports of tests/fixtures/labelled (each with "@expect field=value"
 * lines), generated as PDFs by the fixture builder, are added and indexed
 * through the real pipeline (the casereview program), and the fields and
 * tags the catalogue then holds are compared with the expectations.
 *
 * Precision and recall per field and per tag are printed as a table (also
 * written to $CASEREVIEW_LABELLED_REPORT when set: `make bench` prints it).
 * The test fails below the thresholds of issue #4.
 *
 * The held-out set (tests/fixtures/heldout2, written blind) is measured the
 * same way, into $CASEREVIEW_HELDOUT2_REPORT. Nobody tunes rules against it,
 * so it fails only below half those thresholds: it catches a collapse, not a
 * dip. The first held-out set (tests/fixtures/heldout) was used to direct
 * fixes, so it is no longer blind; it is still measured, at the same halved
 * thresholds, into $CASEREVIEW_HELDOUT_REPORT, and its table says so.
 */

#include "tests/helpers.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

#define MAX_DOCS 256
#define MAX_KEYS 64

static const char *const scalar_fields[] = {
    "review_type", "document_kind", "published", "partnership", "nation", "child",
    "outcome",     "age_band",      "review_model", NULL};

struct doc {
    char *name;                 /* PDF file name */
    char *expect[MAX_KEYS][2];  /* key, value */
    int nexpect;
    char *got[MAX_KEYS][2];
    int ngot;
};

struct count {
    char key[96];
    int tp, fp, fn;
};

static struct count counts[512];
static int ncounts;

static struct count *count_of(const char *key)
{
    for (int i = 0; i < ncounts; i++)
        if (!strcmp(counts[i].key, key))
            return &counts[i];
    if (ncounts >= (int)(sizeof(counts) / sizeof(counts[0])))
        fail_msg("too many keys");
    snprintf(counts[ncounts].key, sizeof(counts[ncounts].key), "%s", key);
    return &counts[ncounts++];
}

static const char *lookup(char *kv[][2], int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(kv[i][0], key))
            return kv[i][1];
    return NULL;
}

static void read_expectations(const char *path, struct doc *d)
{
    char *text = th_read(path, NULL), *save = NULL;

    assert_non_null(text);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq;
        if (strncmp(line, "@expect ", 8) || !(eq = strchr(line + 8, '=')) || d->nexpect >= MAX_KEYS)
            continue;
        *eq = '\0';
        d->expect[d->nexpect][0] = xstrdup(line + 8);
        d->expect[d->nexpect++][1] = xstrdup(eq + 1);
    }
    free(text);
}

static int load_docs(const char *dir, struct doc *docs)
{
    DIR *dh = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (!dh)
        return -1;
    while ((de = readdir(dh)) && n < MAX_DOCS) {
        size_t len = strlen(de->d_name);
        char *path;
        if (len < 5 || strcmp(de->d_name + len - 4, ".txt"))
            continue;
        memset(&docs[n], 0, sizeof(docs[n]));
        docs[n].name = xasprintf("%.*s.pdf", (int)(len - 4), de->d_name);
        path = xasprintf("%s/%s", dir, de->d_name);
        read_expectations(path, &docs[n]);
        free(path);
        n++;
    }
    closedir(dh);
    return n;
}

static void read_predictions(const char *home, struct doc *docs, int n)
{
    char *path = xasprintf("%s/catalog.sqlite", home);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT r.name, f.field, f.value FROM reports r"
                                        " JOIN meta_fields f ON f.report_id = r.id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (int i = 0; i < n; i++)
            if (!strcmp(docs[i].name, name) && docs[i].ngot < MAX_KEYS) {
                docs[i].got[docs[i].ngot][0] = xstrdup((const char *)sqlite3_column_text(st, 1));
                docs[i].got[docs[i].ngot++][1] = xstrdup((const char *)sqlite3_column_text(st, 2));
            }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
}

static void score_scalar(const struct doc *d, const char *field, FILE *log)
{
    const char *want = lookup((char *(*)[2])d->expect, d->nexpect, field);
    const char *got = lookup((char *(*)[2])d->got, d->ngot, field);
    const char *key = field;
    struct count *c;

    if (!strcmp(field, "child") && got && want && !strcasecmp(got, want))
        got = want;
    if (!want)
        return; /* not labelled: not measured */
    c = count_of(key);
    if (got && !strcmp(got, want)) {
        c->tp++;
        return;
    }
    c->fn++;
    if (got)
        c->fp++;
    fprintf(log, "  miss  %-42s %-14s expected '%s', got '%s'\n", d->name, field, want,
            got ? got : "");
}

static int in_list(const char *list, const char *id)
{
    size_t n = strlen(id);

    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, id, n))
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

static void score_list(const struct doc *d, const char *field, FILE *log)
{
    const char *want = lookup((char *(*)[2])d->expect, d->nexpect, field);
    const char *got = lookup((char *(*)[2])d->got, d->ngot, field);
    char *copy, *save = NULL, key[96];
    struct count *all = count_of(field);

    if (!want)
        return;
    copy = xstrdup(want);
    for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
        snprintf(key, sizeof(key), "%s:%s", field, id);
        if (in_list(got, id)) {
            count_of(key)->tp++;
            all->tp++;
        } else {
            count_of(key)->fn++;
            all->fn++;
            fprintf(log, "  miss  %-42s %-14s %s\n", d->name, field, id);
        }
    }
    free(copy);
    copy = xstrdup(got ? got : "");
    for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
        if (in_list(want, id))
            continue;
        snprintf(key, sizeof(key), "%s:%s", field, id);
        count_of(key)->fp++;
        all->fp++;
        fprintf(log, "  extra %-42s %-14s %s\n", d->name, field, id);
    }
    free(copy);
}

static double precision(const struct count *c)
{
    return c->tp + c->fp ? (double)c->tp / (c->tp + c->fp) : 1.0;
}

static double recall(const struct count *c)
{
    return c->tp + c->fn ? (double)c->tp / (c->tp + c->fn) : 1.0;
}

static const struct {
    const char *field;
    double p, r;
} thresholds[] = {
    {"review_type", 0.95, 0.95}, {"document_kind", 0.95, 0.95}, {"published", 0.95, 0.95},
    {"partnership", 0.90, 0.90}, {"child", 0.90, 0.90},         {"themes", 0.85, 0.80},
    {"topics", 0.85, 0.80},
};

/* A set of labelled reports and how strictly it is judged. */
struct set {
    const char *name;       /* folder under tests/fixtures and the fixture PDFs */
    const char *title;      /* first line of its table */
    const char *report_env; /* environment variable naming a copy of the table */
    double scale;           /* applied to every threshold */
};

static const struct set labelled = {"labelled", "labelled evaluation", "CASEREVIEW_LABELLED_REPORT",
                                    1.0};
static const struct set heldout2 = {"heldout2",
                                    "held-out-2 evaluation (written blind, never tuned against)",
                                    "CASEREVIEW_HELDOUT2_REPORT", 0.5};
static const struct set heldout = {"heldout",
                                   "first held-out evaluation (contaminated: used to direct fixes)",
                                   "CASEREVIEW_HELDOUT_REPORT", 0.5};

static int print_table(FILE *out, const struct set *set, int ndocs)
{
    int failed = 0;

    fprintf(out, "%s: %d fictional reports\n", set->title, ndocs);
    fprintf(out, "%-44s %5s %5s %5s %9s %7s  %s\n", "field / tag", "tp", "fp", "fn", "precision",
            "recall", "need");
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < ncounts; i++) {
            const struct count *c = &counts[i];
            int is_tag = strchr(c->key, ':') != NULL;
            char need[32] = "";
            if (is_tag != pass)
                continue;
            for (size_t t = 0; t < sizeof(thresholds) / sizeof(thresholds[0]); t++)
                if (!strcmp(thresholds[t].field, c->key)) {
                    double p = thresholds[t].p * set->scale, r = thresholds[t].r * set->scale;
                    int ok = precision(c) >= p && recall(c) >= r;
                    snprintf(need, sizeof(need), "%.2f/%.2f %s", p, r, ok ? "ok" : "FAIL");
                    failed += !ok;
                }
            fprintf(out, "%-44s %5d %5d %5d %9.3f %7.3f  %s\n", c->key, c->tp, c->fp, c->fn,
                    precision(c), recall(c), need);
        }
    return failed;
}

static void free_docs(struct doc *docs, int n)
{
    for (int i = 0; i < n; i++) {
        free(docs[i].name);
        for (int k = 0; k < docs[i].nexpect; k++) {
            free(docs[i].expect[k][0]);
            free(docs[i].expect[k][1]);
        }
        for (int k = 0; k < docs[i].ngot; k++) {
            free(docs[i].got[k][0]);
            free(docs[i].got[k][1]);
        }
    }
}

static void evaluate(const struct set *set)
{
    char *rel = xasprintf("tests/fixtures/%s", set->name);
    char *dir = th_src(rel), *pdfs = th_fixture(set->name);
    char *home = th_tmpdir(), *logpath = xasprintf("%s/misses.txt", home), *log_text;
    static struct doc docs[MAX_DOCS];
    const char *report = getenv(set->report_env);
    struct th_result res;
    FILE *log;
    int n, failed;

    memset(counts, 0, sizeof(counts)); /* the previous set's tallies */
    ncounts = 0;
    n = load_docs(dir, docs);
    if (n <= 0) {
        print_message("no %s fixtures in '%s': nothing to measure\n", set->name, dir);
        skip();
    }
    res = th_run(home, NULL, "add", pdfs, NULL);
    assert_int_equal(res.status, 0);
    th_result_release(&res);
    res = th_run(home, NULL, "index", "-j", "2", NULL);
    if (res.status != 0)
        fail_msg("index failed: %s%s", res.out, res.err);
    th_result_release(&res);
    read_predictions(home, docs, n);
    log = fopen(logpath, "w");
    assert_non_null(log);
    for (int i = 0; i < n; i++) {
        for (int f = 0; scalar_fields[f]; f++)
            score_scalar(&docs[i], scalar_fields[f], log);
        score_list(&docs[i], "themes", log);
        score_list(&docs[i], "topics", log);
    }
    fclose(log);
    failed = print_table(stdout, set, n);
    log_text = th_read(logpath, NULL);
    printf("%s", log_text ? log_text : "");
    if (report) {
        FILE *rf = fopen(report, "w");
        if (rf) {
            print_table(rf, set, n);
            fprintf(rf, "%s", log_text ? log_text : "");
            fclose(rf);
        }
    }
    free(log_text);
    free_docs(docs, n);
    th_rm_rf(home);
    free(home);
    free(logpath);
    free(dir);
    free(rel);
    free(pdfs);
    if (failed)
        fail_msg("%s: %d fields are below their threshold (issue #4)", set->name, failed);
}

static void test_labelled_precision_recall(void **state)
{
    (void)state;
    evaluate(&labelled);
}

static void test_labelled_heldout2(void **state)
{
    (void)state;
    evaluate(&heldout2);
}

static void test_labelled_heldout_contaminated(void **state)
{
    (void)state;
    evaluate(&heldout);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_labelled_precision_recall),
    cmocka_unit_test(test_labelled_heldout2),
    cmocka_unit_test(test_labelled_heldout_contaminated),
};

TH_MAIN(tests)
