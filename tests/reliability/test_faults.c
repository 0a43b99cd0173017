/*
 * Full disks and other write failures: a file-size limit (RLIMIT_FSIZE, what
 * a full disk looks like to one process), a read-only repository, and the
 * test hook of lib/fault.h (CASEREVIEW_FAULT: the Nth store write or fsync,
 * the Nth catalogue or index commit). Each failure must give a clear error
 * naming the file and the reason, and leave the repository as it was before
 * the failing step: the catalogue unchanged (or with only whole steps done),
 * no temporary file left, the index whole, doctor content; the same command
 * run again without the fault finishes the work.
 */

#include "tests/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct fx {
    char *dir;
    char *home;
    char *sample;   /* folder of the sample PDFs */
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *s = getenv("CASEREVIEW_SAMPLE");

    f->dir = th_tmpdir();
    f->home = xasprintf("%s/home", f->dir);
    f->sample = xstrdup(s && *s ? s : "build/sample");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    (void)th_sh("chmod -R u+w '%s' 2>/dev/null", f->dir);
    th_rm_rf(f->dir);
    free(f->dir), free(f->home), free(f->sample);
    free(f);
    return 0;
}

/*
 * Runs casereview --home home ARGV with files no larger than fsize bytes
 * (0: no limit) and env ("K=V", NULL-terminated, may be NULL). The output is
 * written to files of the test, not under the limit's reach.
 */
static struct th_result run_limited(struct fx *f, const char *home, long fsize,
                                    const char *const *env, const char *const *argv)
{
    const char *bin = getenv("CASEREVIEW_BIN");
    char *out = xasprintf("%s/out.txt", f->dir), *err = xasprintf("%s/err.txt", f->dir);
    struct th_result r = {0, NULL, NULL};
    size_t n = 0;
    int st = 0;
    pid_t pid;

    while (argv[n])
        n++;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char **args = calloc(n + 4, sizeof(*args));
        struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        args[0] = bin ? bin : "build/casereview";
        args[1] = "--home";
        args[2] = home;
        for (size_t i = 0; i < n; i++)
            args[3 + i] = argv[i];
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        setenv("CASEREVIEW_NO_PROGRESS", "1", 1);
        dup2(o, STDOUT_FILENO);
        dup2(e, STDERR_FILENO);
        if (fsize > 0 && setrlimit(RLIMIT_FSIZE, &rl) < 0)
            _exit(126);
        execv(args[0], (char *const *)args);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = th_read(out, NULL);
    r.err = th_read(err, NULL);
    free(out);
    free(err);
    return r;
}

static void expect_status(const struct th_result *r, int want, const char *what)
{
    if (r->status != want) {
        print_error("%s exited %d (wanted %d)\nstdout: %s\nstderr: %s\n", what, r->status, want,
                    r->out, r->err);
        fail();
    }
}

/* Runs argv (no limit) and asserts its status. */
static void ok(struct fx *f, const char *home, int want, const char *const *argv)
{
    struct th_result r = run_limited(f, home, 0, NULL, argv);

    expect_status(&r, want, argv[0]);
    th_result_release(&r);
}

/* What the catalogue says of each report (the part a failed step must not change). */
static char *reports(const char *home)
{
    return th_sql(home,
                  "SELECT sha256 || ' ' || state || ' ' || ifnull(fail_reason, '-') || ' ' || "
                  "pages || ' ' || ifnull(title, '-') FROM reports ORDER BY sha256", 1);
}

/* Asserts that every line of `before` is a line of `after`. */
static void assert_kept(const char *before, const char *after)
{
    for (const char *p = before; p && *p;) {
        const char *nl = strchr(p, '\n');
        char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
        th_assert_contains(after, line);
        free(line);
        p = nl ? nl + 1 : NULL;
    }
}

/* The repository is sound: doctor content, no temporary file, the index whole. */
static void assert_sound(struct fx *f, const char *home)
{
    static const char *const doctor[] = {"doctor", NULL};
    struct th_result r = run_limited(f, home, 0, NULL, doctor);
    char *idx = xasprintf("%s/index", home);

    expect_status(&r, 0, "doctor");
    th_assert_contains(r.out, "no problems found");
    th_result_release(&r);
    if (th_sh("test -z \"$(ls -A '%s/store/tmp' 2>/dev/null)\"", home) != 0) {
        print_error("'%s/store/tmp' holds leftovers\n", home);
        fail();
    }
    if (access(idx, F_OK) == 0 && th_sh("xapian-check '%s' >/dev/null 2>&1", idx) != 0) {
        print_error("xapian-check fails on '%s'\n", idx);
        fail();
    }
    free(idx);
}

/* Asserts a failure's message: the file (a path under home) and the reason. */
static void assert_names(const struct th_result *r, const char *home, const char *reason)
{
    char *quoted = xasprintf("'%s/", home);

    th_assert_contains(r->err, "error: ");
    th_assert_contains(r->err, quoted);
    th_assert_contains(r->err, reason);
    free(quoted);
}

static void add_sample(struct fx *f, const char *home)
{
    char *cmd = xasprintf("'%s' --home '%s' add --quiet '%s'/*.pdf >/dev/null",
                          getenv("CASEREVIEW_BIN"), home, f->sample);

    assert_int_equal(th_sh("%s", cmd), 0);
    free(cmd);
}

static void test_faults_full_disk_add(void **state)
{
    static const long limits[] = {8 << 10, 40 << 10, 100 << 10, 0};
    struct fx *f = *state;
    char *a = th_fixture("report-a.pdf");
    const char *first[] = {"add", "--quiet", a, NULL};
    const char *all[] = {"add", "--quiet", f->sample, NULL};

    for (size_t i = 0; limits[i]; i++) {
        struct th_result r;
        char *before, *after, *s;
        (void)th_sh("rm -rf '%s'", f->home);
        ok(f, f->home, 0, first);
        before = reports(f->home);
        r = run_limited(f, f->home, limits[i], NULL, all);
        if (r.status != 0) {
            expect_status(&r, 3, "add under a file-size limit");
            assert_names(&r, f->home, "File too large");
        }
        th_result_release(&r);
        after = reports(f->home);
        assert_kept(before, after);
        assert_sound(f, f->home);
        /* the same command without the limit finishes the work */
        ok(f, f->home, 0, all);
        s = th_sql(f->home, "SELECT count(*) FROM reports", 0);
        assert_string_equal(s, "15");
        free(s), free(before), free(after);
    }
    free(a);
}

static void test_faults_full_disk_index(void **state)
{
    static const long limits[] = {16 << 10, 64 << 10, 200 << 10, 0};
    static const char *const idx[] = {"index", "-j", "2", NULL};
    static const char *const search[] = {"search", "--format", "json", "neglect", NULL};
    struct fx *f = *state;
    char *base = xasprintf("%s/base", f->dir), *b = th_fixture("report-b.pdf");
    const char *add_b[] = {"add", "--quiet", b, NULL};
    char *before, *after, *answer;
    struct th_result r;

    add_sample(f, base);
    before = reports(base);
    /* a first index run that cannot write: nothing is recorded, nothing half-made stays */
    for (size_t i = 0; limits[i]; i++) {
        (void)th_sh("rm -rf '%s' && cp -a '%s' '%s'", f->home, base, f->home);
        r = run_limited(f, f->home, limits[i], NULL, idx);
        expect_status(&r, 3, "index under a file-size limit");
        assert_names(&r, f->home, "File too large");
        th_result_release(&r);
        after = reports(f->home);
        assert_string_equal(before, after);
        free(after);
        assert_sound(f, f->home);
        ok(f, f->home, 0, idx);
        assert_sound(f, f->home);
    }
    /* a later run that cannot write leaves the index it had, answering as before */
    r = run_limited(f, f->home, 0, NULL, search);
    expect_status(&r, 0, "search");
    answer = xstrdup(r.out);
    th_result_release(&r);
    ok(f, f->home, 0, add_b);
    free(before);
    before = reports(f->home);
    r = run_limited(f, f->home, 16 << 10, NULL, idx);
    expect_status(&r, 3, "index under a file-size limit");
    assert_names(&r, f->home, "File too large");
    th_result_release(&r);
    after = reports(f->home);
    assert_string_equal(before, after);
    assert_sound(f, f->home);
    r = run_limited(f, f->home, 0, NULL, search);
    assert_string_equal(r.out, answer);
    th_result_release(&r);
    free(before), free(after), free(answer), free(base), free(b);
}

/* The test hook: the Nth store write or fsync, the Nth catalogue commit, in add. */
static void test_faults_injected_add(void **state)
{
    static const char *const faults[] = {"CASEREVIEW_FAULT=write:1", "CASEREVIEW_FAULT=write:3",
                                         "CASEREVIEW_FAULT=fsync:2", "CASEREVIEW_FAULT=commit:2",
                                         NULL};
    static const char *const reasons[] = {"No space left on device", "No space left on device",
                                          "Input/output error", "No space left on device"};
    struct fx *f = *state;
    char *a = th_fixture("report-a.pdf");
    const char *first[] = {"add", "--quiet", a, NULL};
    const char *all[] = {"add", "--quiet", f->sample, NULL};

    for (size_t i = 0; faults[i]; i++) {
        const char *env[] = {faults[i], NULL};
        struct th_result r;
        char *before, *after;
        (void)th_sh("rm -rf '%s'", f->home);
        ok(f, f->home, 0, first);
        before = reports(f->home);
        r = run_limited(f, f->home, 0, env, all);
        expect_status(&r, 3, faults[i]);
        assert_names(&r, f->home, reasons[i]);
        th_result_release(&r);
        after = reports(f->home);
        assert_kept(before, after);
        assert_sound(f, f->home);
        ok(f, f->home, 0, all);
        free(before), free(after);
    }
    free(a);
}

/*
 * The test hook in index runs that commit every 8 pages: a failed index
 * commit or catalogue commit at the start, in the middle and at the end.
 * Afterwards the repository is sound, and a plain run ends where a clean
 * one does.
 */
static void test_faults_injected_index(void **state)
{
    static const char *const faults[] = {
        "CASEREVIEW_FAULT=index-commit:1", "CASEREVIEW_FAULT=index-commit:4",
        "CASEREVIEW_FAULT=commit:1",       "CASEREVIEW_FAULT=commit:3",
        "CASEREVIEW_FAULT=commit:6",       NULL};
    static const char *const idx[] = {"index", "-j", "2", NULL};
    struct fx *f = *state;
    char *base = xasprintf("%s/base", f->dir), *clean = xasprintf("%s/clean", f->dir);
    char *want, *got;

    add_sample(f, base);
    (void)th_sh("cp -a '%s' '%s'", base, clean);
    ok(f, clean, 0, idx);
    want = reports(clean);
    for (size_t i = 0; faults[i]; i++) {
        const char *env[] = {faults[i], "CASEREVIEW_BATCH_PAGES=8", NULL};
        struct th_result r;
        (void)th_sh("rm -rf '%s' && cp -a '%s' '%s'", f->home, base, f->home);
        r = run_limited(f, f->home, 0, env, idx);
        expect_status(&r, 3, faults[i]);
        assert_names(&r, f->home, "No space left on device");
        th_result_release(&r);
        assert_sound(f, f->home);
        ok(f, f->home, 0, idx);
        assert_sound(f, f->home);
        got = reports(f->home);
        assert_string_equal(want, got);
        free(got);
    }
    free(want), free(base), free(clean);
}

/*
 * Runs casereview with the repository mounted read-only (root, in a mount
 * namespace of its own) or made read-only with chmod (anyone else).
 */
static struct th_result run_readonly(struct fx *f, const char *const *argv)
{
    struct th_result r;
    char *script = xasprintf("%s/ro.sh", f->dir), *body;
    const char *bin = getenv("CASEREVIEW_BIN");
    size_t n = 0;

    if (geteuid() != 0) {
        free(script);
        return run_limited(f, f->home, 0, NULL, argv);
    }
    /* root ignores permissions: a read-only bind mount it cannot write through */
    body = xasprintf("mount --bind '%s' '%s' && mount -o remount,bind,ro '%s' || exit 99\n"
                     "exec '%s' --home '%s' \"$@\"\n", f->home, f->home, f->home, bin, f->home);
    th_write(script, body, strlen(body));
    while (argv[n])
        n++;
    {
        const char **full = xcalloc(n + 6, sizeof(*full));
        char *out = xasprintf("%s/out.txt", f->dir), *err = xasprintf("%s/err.txt", f->dir);
        int st = 0;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            full[0] = "unshare";
            full[1] = "-m";
            full[2] = "sh";
            full[3] = script;
            for (size_t i = 0; i < n; i++)
                full[4 + i] = argv[i];
            dup2(o, STDOUT_FILENO);
            dup2(e, STDERR_FILENO);
            setenv("CASEREVIEW_NO_PROGRESS", "1", 1);
            execvp("unshare", (char *const *)full);
            _exit(127);
        }
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        r.out = th_read(out, NULL);
        r.err = th_read(err, NULL);
        free(out), free(err), free(full);
    }
    free(script), free(body);
    if (r.status == 99) {
        print_error("cannot mount the repository read-only: %s\n", r.err);
        fail();
    }
    return r;
}

/* Every file of the repository with its sha256, sorted (new string). */
static char *files(const char *home)
{
    char *path = xasprintf("%s.files", home), *s;

    assert_int_equal(th_sh("cd '%s' && find . -type f -exec sha256sum {} + | sort > '%s'",
                           home, path), 0);
    s = th_read(path, NULL);
    unlink(path);
    free(path);
    return s;
}

static void test_faults_readonly_repository(void **state)
{
    static const char *const writes[][4] = {
        {"add", NULL, NULL, NULL}, {"index", "--rebuild", NULL, NULL}, {"remove", "1", NULL, NULL},
    };
    static const char *const reads[][5] = {
        {"search", "neglect", NULL}, {"stats", NULL}, {"doctor", NULL},
        {"show", "1", NULL}, {"sources", "--json", NULL},
    };
    static const char *const idx[] = {"index", NULL};
    struct fx *f = *state;
    char *c = th_fixture("report-c.pdf"), *before, *after, *msg;
    struct th_result r;

    add_sample(f, f->home);
    ok(f, f->home, 0, idx);
    before = files(f->home);
    if (geteuid() != 0)
        assert_int_equal(th_sh("chmod -R a-w '%s'", f->home), 0);
    msg = xasprintf("cannot write to the repository '%s'", f->home);
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        const char *argv[5] = {writes[i][0], writes[i][1], writes[i][2], NULL, NULL};
        if (!strcmp(argv[0], "add"))
            argv[1] = c;
        r = run_readonly(f, argv);
        expect_status(&r, 3, argv[0]);
        th_assert_contains(r.err, msg);
        th_result_release(&r);
    }
    for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        r = run_readonly(f, reads[i]);
        expect_status(&r, 0, reads[i][0]);
        th_result_release(&r);
    }
    if (geteuid() != 0)
        assert_int_equal(th_sh("chmod -R u+w '%s'", f->home), 0);
    after = files(f->home);
    assert_string_equal(before, after);
    free(c), free(before), free(after), free(msg);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_faults_full_disk_add),
    T(test_faults_full_disk_index),
    T(test_faults_injected_add),
    T(test_faults_injected_index),
    T(test_faults_readonly_repository),
};

TH_MAIN(tests)
