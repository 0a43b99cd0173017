/*
 * Crash safety: `add`, `index` and `crawl` are killed (SIGKILL) at random moments
 * and run again, many times, on the fixture and sample PDFs and a loopback
 * site of fictional reviews (tests/site.h). After every
 * kill the catalogue passes PRAGMA integrity_check, the index passes
 * xapian-check, `casereview doctor` finds nothing, and every report stored
 * before the kill is still there exactly once; at the end the repository
 * answers exactly as one built in a single clean run.
 *
 * The moment of each kill is drawn uniformly over the length of a clean run
 * of the same command; a run that ends before its kill is counted apart, and
 * the next one starts from scratch (add) or rebuilds (index), so that later
 * kills still find work. Index runs commit every few pages
 * (CASEREVIEW_BATCH_PAGES), so that kills land between commits too. The
 * seed is printed; CASEREVIEW_SEED=N replays a run.
 *
 * CASEREVIEW_STRESS (make stress) makes it 200 kills of each, and
 * CASEREVIEW_KILLS=N any number.
 */

#include "tests/helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "tests/site.h"

#define QUICK_KILLS 20
#define STRESS_KILLS 200
#define NOW "CASEREVIEW_NOW=2024-05-01T12:00:00Z"
#define BATCH "CASEREVIEW_BATCH_PAGES=8"

/* What the repository must answer the same after the kills as after a clean run. */
static const char *const queries[] = {
    "neglect", "\"professional curiosity\"", "title:review", "health OR police",
    "\"was not brought\"", "bruising AND baby", NULL,
};

struct corpus {
    char **files;      /* the PDFs, sorted; owned */
    size_t n;
};

struct fx {
    char *dir;
    struct corpus c;
    unsigned seed;
    int kills;         /* kills wanted of each command */
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(struct corpus *c, const char *dir, size_t *alloc)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".pdf"))
            continue;
        c->files = xgrow(c->files, sizeof(*c->files), c->n + 1, alloc);
        c->files[c->n++] = xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *seed = getenv("CASEREVIEW_SEED"), *st = getenv("CASEREVIEW_STRESS");
    char *fixtures = th_fixture(""), *sample = getenv("CASEREVIEW_SAMPLE");
    size_t alloc = 0;

    f->dir = th_tmpdir();
    add_dir(&f->c, fixtures, &alloc);
    add_dir(&f->c, sample && *sample ? sample : "build/sample", &alloc);
    qsort(f->c.files, f->c.n, sizeof(*f->c.files), cmp_str);
    f->seed = seed && *seed ? (unsigned)strtoul(seed, NULL, 10) : (unsigned)time(NULL);
    f->kills = st && *st && *st != '0' ? STRESS_KILLS : QUICK_KILLS;
    if (getenv("CASEREVIEW_KILLS") && atoi(getenv("CASEREVIEW_KILLS")) > 0)
        f->kills = atoi(getenv("CASEREVIEW_KILLS"));
    srand(f->seed);
    print_message("crash: seed %u (CASEREVIEW_SEED=%u replays it), %zu PDFs\n", f->seed, f->seed,
                  f->c.n);
    free(fixtures);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    th_rm_rf(f->dir);
    free(f->dir);
    for (size_t i = 0; i < f->c.n; i++)
        free(f->c.files[i]);
    free(f->c.files);
    free(f);
    return 0;
}

/* Starts casereview --home home ARGS… (plus the corpus when with_files) with its output in log. */
static pid_t start(const char *home, const char *const *env, const char *const *args,
                   const struct corpus *files, const char *log)
{
    const char *bin = getenv("CASEREVIEW_BIN");
    size_t n = 0, na = 0;
    const char **argv;
    pid_t pid;

    while (args[na])
        na++;
    argv = xcalloc(na + (files ? files->n : 0) + 4, sizeof(*argv));
    argv[n++] = bin ? bin : "build/casereview";
    argv[n++] = "--home";
    argv[n++] = home;
    for (size_t i = 0; i < na; i++)
        argv[n++] = args[i];
    for (size_t i = 0; files && i < files->n; i++)
        argv[n++] = files->files[i];
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        setenv("CASEREVIEW_NO_PROGRESS", "1", 1);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    free(argv);
    return pid;
}

/* Waits for pid; returns its exit status, or 128+signal. */
static int finish(pid_t pid)
{
    int st = 0;

    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Runs a command to its end and asserts its exit status; returns its seconds. */
static double run_to_end(const char *home, const char *const *env, const char *const *args,
                         const struct corpus *files, const char *log, int want)
{
    double t0 = now();
    int st = finish(start(home, env, args, files, log));

    if (st != want) {
        char *out = th_read(log, NULL);
        print_error("'%s' exited %d (wanted %d):\n%s\n", args[0], st, want, out ? out : "");
        free(out);
        fail();
    }
    return now() - t0;
}

/*
 * Starts the command and kills it after `delay` seconds. Returns 1 when it
 * was killed, 0 when it had ended by itself (successfully) before.
 */
static int run_and_kill(const char *home, const char *const *env, const char *const *args,
                        const struct corpus *files, const char *log, double delay)
{
    pid_t pid = start(home, env, args, files, log);
    int st;

    sleep_s(delay);
    if (waitpid(pid, &st, WNOHANG) == pid) {
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            char *out = th_read(log, NULL);
            print_error("'%s' failed on its own (status %d):\n%s\n", args[0], st,
                        out ? out : "");
            free(out);
            fail();
        }
        return 0;
    }
    kill(pid, SIGKILL);
    st = finish(pid);
    if (st != 128 + SIGKILL && st != 0) {
        char *out = th_read(log, NULL);
        print_error("'%s' ended with %d while being killed:\n%s\n", args[0], st, out ? out : "");
        free(out);
        fail();
    }
    return st == 128 + SIGKILL;
}

static double uniform(double max)
{
    return max * ((double)rand() / ((double)RAND_MAX + 1.0));
}

/* The catalogue's reports, one line each, by sha256 (what a clean run must match). */
static char *reports(const char *home)
{
    return th_sql(home,
                  "SELECT sha256 || ' ' || state || ' ' || ifnull(fail_reason, '-') || ' ' || "
                  "pages || ' ' || ifnull(title, '-') || ' ' || name FROM reports ORDER BY sha256",
                  1);
}

/* Checks that hold after any kill; `before` lists reports that must still be there. */
static void check_sound(struct fx *f, const char *home, int with_index, const char *before)
{
    static const char *const env[] = {NOW, NULL};
    static const char *const doctor[] = {"doctor", NULL};
    static const char *const sources[] = {"sources", "--json", NULL};
    char *log, *s, *out, *cat = xasprintf("%s/catalog.sqlite", home);
    int have = access(cat, F_OK) == 0;

    free(cat);
    if (!have) {
        /* killed before the catalogue existed: then nothing was held before either */
        assert_string_equal(before ? before : "", "");
        return;
    }
    log = xasprintf("%s/doctor.log", f->dir);
    /* first a command that opens the catalogue read-only, as serve, stats and sources do */
    run_to_end(home, env, sources, NULL, log, 0);
    s = th_sql(home, "PRAGMA integrity_check", 1);
    assert_string_equal(s, "ok");
    free(s);
    s = th_sql(home, "SELECT count(*) = count(DISTINCT sha256) FROM reports", 0);
    assert_string_equal(s, "1");
    free(s);
    s = th_sql(home, "SELECT count(*) FROM report_names WHERE report_id NOT IN "
                     "(SELECT id FROM reports)", 0);
    assert_string_equal(s, "0");
    free(s);
    /* every report held before the kill is still held, once */
    s = th_sql(home, "SELECT group_concat(sha256, ' ') FROM (SELECT sha256 FROM reports "
                     "ORDER BY sha256)", 0);
    for (const char *p = before; p && *p;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        char *one = xstrndup(p, len);
        th_assert_contains(s, one);
        free(one);
        p = sp ? sp + 1 : NULL;
    }
    free(s);
    if (with_index) {
        char *idx = xasprintf("%s/index", home);
        if (access(idx, F_OK) == 0 && th_sh("xapian-check '%s' > '%s/xcheck.log' 2>&1", idx,
                                            f->dir) != 0) {
            out = xasprintf("%s/xcheck.log", f->dir);
            s = th_read(out, NULL);
            print_error("xapian-check failed on '%s':\n%s\n", idx, s ? s : "");
            fail();
        }
        free(idx);
    }
    run_to_end(home, env, doctor, NULL, log, 0);
    out = th_read(log, NULL);
    th_assert_contains(out, "no problems found");
    free(out);
    free(log);
}

/* The sha256s of the reports, space-separated (new string). */
static char *shas(const char *home)
{
    char *cat = xasprintf("%s/catalog.sqlite", home);
    int have = access(cat, F_OK) == 0;

    free(cat);
    if (!have)
        return xstrdup("");
    return th_sql(home, "SELECT group_concat(sha256, ' ') FROM (SELECT sha256 FROM reports "
                        "ORDER BY sha256)", 0);
}

/* What the queries answer, concatenated (new string). */
static char *answers(struct fx *f, const char *home)
{
    static const char *const env[] = {NOW, NULL};
    char *log = xasprintf("%s/search.log", f->dir);
    struct buf b = BUF_INIT;

    for (size_t i = 0; queries[i]; i++) {
        const char *args[] = {"search", "--format", "json", "--limit", "50", queries[i], NULL};
        char *out;
        int st = finish(start(home, env, args, NULL, log));
        assert_true(st == 0 || st == 1);
        out = th_read(log, NULL);
        buf_addf(&b, "## %s (%d)\n%s", queries[i], st, out ? out : "");
        free(out);
    }
    free(log);
    return buf_take(&b);
}

/* A repository built in one clean run: its reports and answers, and the runs' lengths. */
struct reference {
    char *reports, *answers;
    double add_s, index_s;
};

static void reference(struct fx *f, struct reference *r)
{
    static const char *const env[] = {NOW, NULL};
    static const char *const add[] = {"add", "--quiet", NULL};
    static const char *const idx[] = {"index", "-j", "2", NULL};
    char *home = xasprintf("%s/reference", f->dir), *log = xasprintf("%s/ref.log", f->dir);

    r->add_s = run_to_end(home, env, add, &f->c, log, 0);
    r->index_s = run_to_end(home, env, idx, NULL, log, 0);
    r->reports = reports(home);
    r->answers = answers(f, home);
    free(home);
    free(log);
}

static void reference_release(struct reference *r)
{
    free(r->reports);
    free(r->answers);
}

static void assert_same(struct fx *f, const char *what, const char *want, const char *got)
{
    char *a, *b;

    if (!strcmp(want, got))
        return;
    a = xasprintf("%s/clean.txt", f->dir);
    b = xasprintf("%s/killed.txt", f->dir);
    th_write(a, want, strlen(want));
    th_write(b, got, strlen(got));
    print_error("%s differ from a clean run's (- clean, + after the kills):\n", what);
    (void)th_sh("diff -u '%s' '%s' | cut -c1-300 | head -60 >&2", a, b);
    free(a);
    free(b);
    fail();
}

static void test_crash_add_killed_at_random(void **state)
{
    static const char *const env[] = {NOW, NULL};
    static const char *const add[] = {"add", "--quiet", NULL};
    struct fx *f = *state;
    char *home = xasprintf("%s/home", f->dir), *log = xasprintf("%s/add.log", f->dir);
    char *before = xstrdup(""), *got;
    struct reference ref;
    int kills = 0, ended = 0, rounds = 0;
    double t0 = now(), span;

    reference(f, &ref);
    /* a clean add can be quicker than starting one: give the kills room */
    span = ref.add_s * 1.2 + 0.01;
    while (kills < f->kills) {
        assert_true(++rounds < f->kills * 20);
        if (run_and_kill(home, env, add, &f->c, log, uniform(span))) {
            kills++;
            check_sound(f, home, 0, before);
            free(before);
            before = shas(home);
            continue;
        }
        /* it ended before its kill: check it, then start again from nothing */
        ended++;
        check_sound(f, home, 0, before);
        free(before);
        before = xstrdup("");
        th_rm_rf(home);
    }
    /* the last killed run, run again to its end, holds what a clean add holds */
    run_to_end(home, env, add, &f->c, log, 0);
    check_sound(f, home, 0, before);
    got = th_sql(home, "SELECT group_concat(sha256 || ' ' || name, '\n') FROM "
                       "(SELECT sha256, name FROM reports ORDER BY sha256)", 0);
    {
        char *home_ref = xasprintf("%s/reference", f->dir);
        char *want = th_sql(home_ref, "SELECT group_concat(sha256 || ' ' || name, '\n') FROM "
                                      "(SELECT sha256, name FROM reports ORDER BY sha256)", 0);
        assert_same(f, "the reports", want, got);
        free(want);
        free(home_ref);
    }
    print_message("crash: add killed %d times (%d runs ended first) in %.1f s; a clean add "
                  "takes %.2f s\n", kills, ended, now() - t0, ref.add_s);
    free(got);
    free(before);
    reference_release(&ref);
    free(home);
    free(log);
}

static void test_crash_index_killed_at_random(void **state)
{
    static const char *const env[] = {NOW, BATCH, NULL};
    static const char *const plain[] = {NOW, NULL};
    static const char *const add[] = {"add", "--quiet", NULL};
    static const char *const idx[] = {"index", "-j", "2", NULL};
    static const char *const rebuild[] = {"index", "-j", "2", "--rebuild", NULL};
    struct fx *f = *state;
    char *home = xasprintf("%s/home", f->dir), *log = xasprintf("%s/index.log", f->dir);
    char *all, *got;
    struct reference ref;
    int kills = 0, ended = 0, rounds = 0, need_rebuild = 0;
    double t0 = now(), span;

    reference(f, &ref);
    run_to_end(home, plain, add, &f->c, log, 0);
    all = shas(home);
    /* the length of a run in small batches, as the killed ones run */
    {
        char *scratch = xasprintf("%s/scratch", f->dir);
        run_to_end(scratch, plain, add, &f->c, log, 0);
        span = run_to_end(scratch, env, idx, NULL, log, 0) * 1.2;
        free(scratch);
    }
    while (kills < f->kills) {
        assert_true(++rounds < f->kills * 20);
        if (run_and_kill(home, env, need_rebuild ? rebuild : idx, NULL, log, uniform(span))) {
            kills++;
            need_rebuild = 0;
        } else {
            ended++;
            need_rebuild = 1; /* nothing left to do: make the next run do everything again */
        }
        check_sound(f, home, 1, all);
    }
    run_to_end(home, env, idx, NULL, log, 0);
    check_sound(f, home, 1, all);
    got = reports(home);
    assert_same(f, "the reports", ref.reports, got);
    free(got);
    got = answers(f, home);
    assert_same(f, "the search results", ref.answers, got);
    free(got);
    print_message("crash: index killed %d times (%d runs ended first) in %.1f s; a clean index "
                  "takes %.2f s\n", kills, ended, now() - t0, ref.index_s);
    free(all);
    reference_release(&ref);
    free(home);
    free(log);
}

/* ---- crawl ---- */

#define SITE_DOCS 30

/* A partnership's fictional site: two pages of review links, each PDF a little slow. */
static void route(const struct site_req *q, struct site_resp *r, void *ctx)
{
    struct buf b = BUF_INIT;
    int n;

    (void)ctx;
    if (!strcmp(q->path, "/robots.txt")) {
        r->status = 404;
    } else if (!strcmp(q->path, "/reviews/") || !strcmp(q->path, "/reviews/more")) {
        int first = strcmp(q->path, "/reviews/") ? SITE_DOCS / 2 : 0;
        buf_addstr(&b, "<html><body><p>FICTIONAL TEST SITE: every review on it is invented.</p>"
                       "<h2>Child safeguarding practice reviews</h2><ul>");
        for (int i = first; i < first + SITE_DOCS / 2; i++)
            buf_addf(&b, "<li><a href=\"/r/%d.pdf\">Child %d review</a> (published May 2019)"
                         "</li>", i, i);
        buf_addstr(&b, "</ul><p><a href=\"/reviews/more\">More reviews</a></p></body></html>");
        r->len = b.len;
        r->body = buf_take(&b);
        r->etag = first ? "\"more\"" : "\"list\"";
    } else if (sscanf(q->path, "/r/%d.pdf", &n) == 1 && n >= 0 && n < SITE_DOCS) {
        char text[64];
        snprintf(text, sizeof(text), "Fictional review number %d", n);
        r->body = site_pdf(text, 3000, &r->len);
        r->content_type = "application/pdf";
        r->last_modified = "Tue, 15 May 2018 10:00:00 GMT";
        r->delay_s = 0.02;
    } else {
        r->status = 404;
    }
}

/* The URLs the unfinished crawl run has done, space-separated ("" when none). New. */
static char *done_urls(const char *home)
{
    char *cat = xasprintf("%s/catalog.sqlite", home), *s;
    int have = access(cat, F_OK) == 0;

    free(cat);
    if (!have)
        return xstrdup("");
    s = th_sql(home, "SELECT ' ' || group_concat(q.url, ' ') || ' ' FROM crawl_queue q JOIN "
                     "crawl_runs r ON r.id = q.run_id WHERE r.state = 'running' AND "
                     "q.state = 'done'", 0);
    return s;
}

/* Asserts that no request since the log was cleared asked for one of `done`. */
static void assert_not_fetched_again(struct site *site, const char *done)
{
    struct site_log_entry *log;
    size_t n;

    log = site_log(site, &n);
    for (size_t i = 0; i < n; i++) {
        char *url = site_url(site, log[i].path), *key = xasprintf(" %s ", url);
        if (strstr(done, key)) {
            print_error("'%s' was completed before the kill and fetched again\n", url);
            fail();
        }
        free(url);
        free(key);
    }
    free(log);
}

static void test_crash_crawl_killed_at_random(void **state)
{
    static const char *const env[] = {NOW, NULL};
    struct fx *f = *state;
    struct site *site = site_start(route, NULL);
    char *source = site_url(site, "/reviews/"), *home = xasprintf("%s/home", f->dir);
    char *ref = xasprintf("%s/reference", f->dir), *log = xasprintf("%s/crawl.log", f->dir);
    const char *args[] = {"crawl", "--delay", "0", "--quiet", source, NULL};
    char *before = xstrdup(""), *done, *got, *want;
    int kills = 0, ended = 0, rounds = 0;
    double t0 = now(), span;

    span = run_to_end(ref, env, args, NULL, log, 0) * 1.2;
    want = th_sql(ref, "SELECT group_concat(sha256 || ' ' || name, '\n') FROM "
                       "(SELECT sha256, name FROM reports ORDER BY sha256)", 0);
    while (kills < f->kills) {
        assert_true(++rounds < f->kills * 20);
        done = done_urls(home);
        site_log_clear(site);
        if (run_and_kill(home, env, args, NULL, log, uniform(span))) {
            kills++;
            assert_not_fetched_again(site, done);
            check_sound(f, home, 0, before);
            free(before);
            before = shas(home);
        } else {
            ended++;
            assert_not_fetched_again(site, done);
            check_sound(f, home, 0, before);
            free(before);
            before = xstrdup("");
            th_rm_rf(home); /* a finished crawl leaves nothing to resume: start again */
        }
        free(done);
    }
    done = done_urls(home);
    site_log_clear(site);
    run_to_end(home, env, args, NULL, log, 0);
    assert_not_fetched_again(site, done);
    check_sound(f, home, 0, before);
    got = th_sql(home, "SELECT group_concat(sha256 || ' ' || name, '\n') FROM "
                       "(SELECT sha256, name FROM reports ORDER BY sha256)", 0);
    assert_same(f, "the reports", want, got);
    free(got);
    got = th_sql(home, "SELECT count(*) || ' ' || (SELECT count(*) FROM crawl_queue WHERE "
                       "state = 'pending') FROM reports", 0);
    assert_string_equal(got, "30 0");
    print_message("crash: crawl killed %d times (%d runs ended first) in %.1f s; a clean crawl "
                  "takes %.2f s\n", kills, ended, now() - t0, span / 1.2);
    site_stop(site);
    free(got), free(want), free(done), free(before);
    free(source), free(home), free(ref), free(log);
}

/*
 * A writer killed mid-transaction, holding the catalogue open with `mode` as
 * its journal: it says "ready" on a pipe, then waits for its SIGKILL.
 */
static void killed_writer(const char *cat, const char *mode)
{
    int p[2];
    char c;
    pid_t pid;

    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *db = NULL;
        char *sql = xasprintf("PRAGMA journal_mode = %s; PRAGMA cache_size = 1;", mode);
        if (sqlite3_open(cat, &db) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, NULL) ||
            sqlite3_exec(db, "BEGIN; CREATE TABLE filler(x);"
                             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                             "WHERE i < 5000) INSERT INTO filler SELECT randomblob(300) FROM n;",
                         NULL, NULL, NULL))
            _exit(1);
        if (!strcmp(mode, "wal") && sqlite3_exec(db, "COMMIT; BEGIN; DELETE FROM filler;", NULL,
                                                 NULL, NULL))
            _exit(1);
        (void)write(p[1], "r", 1);
        for (;;)
            pause();
    }
    close(p[1]);
    assert_int_equal(read(p[0], &c, 1), 1);
    close(p[0]);
    kill(pid, SIGKILL);
    assert_int_equal(finish(pid), 128 + SIGKILL);
}

/*
 * Read-only opens (serve, stats, sources) after a writer was killed: with a
 * hot rollback journal left behind, with a WAL index that must be rebuilt,
 * and with a catalogue whose creation was cut short. SQLite refuses each
 * through a read-only connection; the catalogue repairs it first.
 */
static void test_crash_readonly_open_after_killed_writer(void **state)
{
    static const char *const sources[] = {"sources", "--json", NULL};
    static const char *const add[] = {"add", "--quiet", NULL};
    struct fx *f = *state;
    char *home = xasprintf("%s/home", f->dir), *cat = xasprintf("%s/home/catalog.sqlite", f->dir);
    char *log = xasprintf("%s/ro.log", f->dir), *shm = xasprintf("%s-shm", cat), *s;
    struct corpus one = {f->c.files, 1};

    /* a hot journal over a catalogue whose creation was cut short */
    assert_int_equal(th_sh("mkdir -p '%s'", home), 0);
    killed_writer(cat, "delete");
    assert_int_equal(th_sh("test -s '%s-journal'", cat), 0);
    run_to_end(home, NULL, sources, NULL, log, 0);
    /* a WAL whose index is gone (what a writer killed while writing it leaves) */
    run_to_end(home, NULL, add, &one, log, 0);
    killed_writer(cat, "wal");
    assert_int_equal(th_sh("test -s '%s-wal' && dd if=/dev/zero of='%s' bs=32768 count=1 "
                           "conv=notrunc 2>/dev/null", cat, shm), 0);
    run_to_end(home, NULL, sources, NULL, log, 0);
    s = th_sql(home, "SELECT count(*) FROM reports", 0);
    assert_string_equal(s, "1");
    free(s);
    free(home), free(cat), free(log), free(shm);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
static const struct CMUnitTest tests[] = {
    T(test_crash_add_killed_at_random),
    T(test_crash_index_killed_at_random),
    T(test_crash_crawl_killed_at_random),
    T(test_crash_readonly_open_after_killed_writer),
};

TH_MAIN(tests)
