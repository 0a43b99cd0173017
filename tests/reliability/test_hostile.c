/*
 * Hostile and damaged PDFs (written by tools/mkhostile into
 * $CASEREVIEW_HOSTILE) through add and index, with the extraction workers
 * under their memory, CPU and wall-clock limits: every file ends indexed or
 * failed with its reason, the run finishes, a good report beside them is
 * indexed, memory stays bounded, and active content (scripts, forms,
 * attachments, launch actions) never runs and never reaches the disk.
 *
 * Under CASEREVIEW_STRESS the files are the big ones (mkhostile --big) and
 * the workers run under the default limits.
 */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

#define PAYLOAD_MARK "casereview-hostile-payload-7f3a"

/* Limits of the quick run: small enough that the bombs end in seconds. */
#define QUICK_TIMEOUT "10"
#define QUICK_MEMORY "256"

struct fx {
    char *dir;   /* everything of this test */
    char *home;  /* the repository */
    char *cwd;   /* the commands' working directory: must stay empty */
    char *tmp;   /* their TMPDIR: must stay empty */
    char *tmpenv;
};

/* What each hostile file must end as: "indexed", or "failed:<reason>" ("|" between choices). */
static const struct expect {
    const char *name;
    const char *state;
} expected[] = {
    {"nested.pdf", "indexed"},            /* Poppler's parser has a recursion limit */
    {"deep-tree.pdf", "indexed"},
    {"cyclic.pdf", "indexed"},            /* the loops are cut; the real page is read */
    {"huge-count.pdf", "failed:damaged"}, /* a page count that is a lie: no pages */
    {"bomb-space.pdf", "failed:timeout"}, /* a gigabyte of nothing, parsed to the deadline */
    /* text without end: the deadline, or the memory limit first (make asan's workers use more) */
    {"bomb-text.pdf", "failed:timeout|failed:too-big"},
    {"bomb-font.pdf", "failed:too-big"},  /* over the worker's memory limit */
    {"broken-xref.pdf", "failed:damaged"},
    {"bad-font.pdf", "indexed"},
    {"recursive-form.pdf", "indexed"},
    {"zero-size.pdf", "indexed"},
    {"empty-many.pdf", "failed:too-big"}, /* more pages than CR_MAX_PAGES */
    {"empty-some.pdf", "failed:no-text"},
    {"active-content.pdf", "indexed"},
    {"huge-xref.pdf", "failed:damaged"},
    {"huge-info.pdf", "indexed"},
    {"noise.pdf", "failed:damaged"},
    {NULL, NULL},
};

/* 1 when s is one of the '|'-separated choices. */
static int one_of(const char *s, const char *choices)
{
    size_t n = strlen(s);

    for (const char *c = choices; c; c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL)
        if (!strncmp(c, s, n) && (c[n] == '\0' || c[n] == '|'))
            return 1;
    return 0;
}

static int stress(void)
{
    const char *s = getenv("CASEREVIEW_STRESS");

    return s && *s && *s != '0';
}

static char *hostile(const char *name)
{
    const char *d = getenv("CASEREVIEW_HOSTILE");

    return xasprintf("%s/%s", d && *d ? d : "build/hostile", name);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->dir = th_tmpdir();
    f->home = xasprintf("%s/home", f->dir);
    f->cwd = xasprintf("%s/cwd", f->dir);
    f->tmp = xasprintf("%s/tmp", f->dir);
    f->tmpenv = xasprintf("TMPDIR=%s", f->tmp);
    assert_int_equal(th_sh("mkdir -p '%s' '%s'", f->cwd, f->tmp), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    th_rm_rf(f->dir);
    free(f->dir), free(f->home), free(f->cwd), free(f->tmp), free(f->tmpenv);
    free(f);
    return 0;
}

/* Runs casereview in f->cwd with TMPDIR=f->tmp plus env; asserts the exit status. */
static struct th_result run(struct fx *f, int want, const char *const *env,
                            const char *const *argv)
{
    const char *e[8];
    char *old = getcwd(NULL, 0);
    struct th_result r;
    size_t n = 0;

    e[n++] = f->tmpenv;
    for (size_t i = 0; env && env[i] && n < 7; i++)
        e[n++] = env[i];
    e[n] = NULL;
    assert_int_equal(chdir(f->cwd), 0);
    r = th_runv(f->home, e, argv);
    assert_int_equal(chdir(old), 0);
    free(old);
    if (r.status != want) {
        print_error("'%s' exited %d (wanted %d)\nstdout: %s\nstderr: %s\n", argv[0], r.status,
                    want, r.out, r.err);
        fail();
    }
    return r;
}

static char *state_of(struct fx *f, const char *name)
{
    char *q = xasprintf("SELECT state || ifnull(':' || fail_reason, '') FROM reports "
                        "WHERE name = '%s'", name);
    char *s = th_sql(f->home, q, 0);

    free(q);
    return s;
}

/* Asserts that folder dir holds nothing (the commands wrote nothing there). */
static void assert_empty(const char *dir)
{
    char *cmd = xasprintf("find '%s' -mindepth 1 | head -5", dir);
    FILE *p = popen(cmd, "r");
    char line[4096] = "";

    assert_non_null(p);
    if (fgets(line, sizeof(line), p))
        print_error("'%s' should be empty but holds '%s'\n", dir, line);
    pclose(p);
    free(cmd);
    assert_string_equal(line, "");
}

/* Files under dir (not under the store) whose bytes contain the payload marker. */
static int payload_copies(const char *dir)
{
    return th_sh("grep -rlF --exclude-dir=store '" PAYLOAD_MARK "' '%s' >&2", dir) == 0;
}

static void add_all(struct fx *f)
{
    const char *argv[40];
    char *paths[40];
    size_t n = 0;
    struct th_result r;

    argv[n++] = "add";
    for (size_t i = 0; expected[i].name; i++) {
        paths[i] = hostile(expected[i].name);
        argv[n++] = paths[i];
    }
    paths[n - 1] = th_fixture("report-a.pdf");
    argv[n] = paths[n - 1];
    argv[++n] = NULL;
    r = run(f, 0, NULL, argv);
    th_assert_contains(r.out, "0 refused");
    th_result_release(&r);
    for (size_t i = 0; i + 1 < n; i++)
        free(paths[i]);
}

/* From the indexer's debug line "…indexer peak rss N KB, workers peak rss M KB", in MB. */
static void peaks(const char *err, long *indexer, long *worker)
{
    const char *p = strstr(err, "indexer peak rss ");

    *indexer = *worker = -1;
    if (p && sscanf(p, "indexer peak rss %ld KB, workers peak rss %ld KB", indexer, worker) == 2) {
        *indexer >>= 10;
        *worker >>= 10;
    }
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hostile_each_file_ends_with_its_reason(void **state)
{
    static const char *const debug[] = {"CASEREVIEW_DEBUG=1", NULL};
    const char *quick[] = {"index", "-j", "2", "--timeout", QUICK_TIMEOUT, "--memory",
                           QUICK_MEMORY, NULL};
    const char *big[] = {"index", "-j", "2", NULL};
    struct fx *f = *state;
    struct th_result r;
    struct rusage ru;
    long indexer, worker;
    double t0;
    char *s;

    add_all(f);
    t0 = now();
    r = run(f, 0, debug, stress() ? big : quick);
    print_message("hostile: index of %zu hostile PDFs took %.1f s\n",
                  sizeof(expected) / sizeof(expected[0]) - 1, now() - t0);
    th_assert_contains(r.out, "indexed 9 reports");
    th_assert_contains(r.out, "9 failed");
    peaks(r.err, &indexer, &worker);
    getrusage(RUSAGE_CHILDREN, &ru);
    print_message("hostile: peak RSS %ld MB in the indexer, %ld MB in a worker (limit %s MB), "
                  "%ld MB in any process\n",
                  indexer, worker, stress() ? "1024" : QUICK_MEMORY, ru.ru_maxrss >> 10);
    assert_true(indexer > 0 && indexer < 300);
    /* RLIMIT_AS bounds RSS exactly; make asan's polled RSS limit may overshoot a little */
    assert_true(worker > 0 && worker <= (stress() ? 1024 : atoi(QUICK_MEMORY)) * 5 / 4);
    for (size_t i = 0; expected[i].name; i++) {
        s = state_of(f, expected[i].name);
        if (!one_of(s, expected[i].state)) {
            print_error("'%s' ended as '%s', expected '%s'\n%s", expected[i].name, s,
                        expected[i].state, r.out);
            fail();
        }
        free(s);
    }
    /* every failure is in the summary with its reason and message */
    th_assert_contains(r.out, "'bomb-font.pdf': too-big: reading this PDF needed more than the "
                              "memory limit");
    th_assert_contains(r.out, "'empty-many.pdf': too-big: the PDF declares ");
    th_assert_contains(r.out, "'bomb-space.pdf': timeout: extraction ");
    th_result_release(&r);
    /* titles from a huge info dictionary are cut to the cap */
    s = th_sql(f->home, "SELECT length(title) <= 512 FROM reports WHERE name = 'huge-info.pdf'", 0);
    assert_string_equal(s, "1");
    free(s);

    /* the good report beside them is whole, and the repository is sound */
    s = state_of(f, "report-a.pdf");
    assert_string_equal(s, "indexed");
    free(s);
    {
        const char *argv[] = {"search", "--json", "\"disguised compliance\"", NULL};
        r = run(f, 0, NULL, argv);
        th_assert_contains(r.out, "Child T");
        th_result_release(&r);
    }
    {
        const char *argv[] = {"doctor", NULL};
        r = run(f, 0, NULL, argv);
        th_assert_contains(r.out, "no problems found: 18 reports");
        th_result_release(&r);
    }
    assert_empty(f->cwd);
    assert_empty(f->tmp);
}

/* Scripts, forms and attachments: never run, never written out, never indexed. */
static void test_hostile_active_content_never_runs(void **state)
{
    struct fx *f = *state;
    char *pdf = hostile("active-content.pdf"), *s;
    const char *add[] = {"add", pdf, NULL};
    const char *idx[] = {"index", "-j", "1", NULL};
    const char *find[] = {"search", "--json", PAYLOAD_MARK, NULL};
    struct th_result r;

    r = run(f, 0, NULL, add);
    th_result_release(&r);
    r = run(f, 0, NULL, idx);
    th_assert_contains(r.out, "indexed 1 report");
    th_result_release(&r);
    s = state_of(f, "active-content.pdf");
    assert_string_equal(s, "indexed");
    free(s);
    /* the page's own text is found; the script and the attachment are not */
    {
        const char *argv[] = {"search", "--json", "scripts", NULL};
        r = run(f, 0, NULL, argv);
        th_assert_contains(r.out, "carries scripts");
        th_result_release(&r);
    }
    r = run(f, 1, NULL, find);
    th_result_release(&r);
    assert_int_equal(access("/tmp/" PAYLOAD_MARK "-ran", F_OK), -1);
    assert_int_equal(access("/tmp/" PAYLOAD_MARK "-launch", F_OK), -1);
    assert_false(payload_copies(f->home));
    assert_empty(f->cwd);
    assert_empty(f->tmp);
    free(pdf);
}

/*
 * The worker's sandbox: told to break out (the test hook does what a
 * subverted parser would), it can neither create a file nor run a program.
 */
static void test_hostile_worker_cannot_write_or_exec(void **state)
{
    struct fx *f = *state;
    char *pdf = th_fixture("report-b.pdf");
    const char *env[] = {"CASEREVIEW_WORKER_FAULT=escape:", "CASEREVIEW_DEBUG=1", NULL};
    const char *add[] = {"add", pdf, NULL};
    const char *idx[] = {"index", "-j", "1", NULL};
    struct th_result r;
    char *wrote = xasprintf("%s/casereview-worker-wrote", f->tmp);
    struct stat st;

    r = run(f, 0, NULL, add);
    th_result_release(&r);
    r = run(f, 0, env, idx);
    th_assert_contains(r.out, "indexed 1 report");
    th_result_release(&r);
    /* without Landlock (old kernels) the file may be created, but never written to */
    if (stat(wrote, &st) == 0) {
        print_message("hostile: this kernel has no Landlock: the worker could create '%s'\n",
                      wrote);
        assert_int_equal(st.st_size, 0);
    } else {
        assert_empty(f->tmp);
    }
    free(pdf);
    free(wrote);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_hostile_each_file_ends_with_its_reason),
    T(test_hostile_active_content_never_runs),
    T(test_hostile_worker_cannot_write_or_exec),
};

TH_MAIN(tests)
