/*
 * Test helpers (see tests/helpers.h). Programs run through fork/exec with
 * stdout and stderr sent to temporary files, so that large outputs never
 * block on a pipe.
 */

#include "tests/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

char *th_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *t = xasprintf("%s/casereview-test-XXXXXX", base && *base ? base : "/tmp");

    assert_non_null(mkdtemp(t));
    return t;
}

void th_rm_rf(const char *path)
{
    if (path && strlen(path) > 5)
        th_sh("rm -rf '%s'", path);
}

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);

    return v && *v ? v : def;
}

char *th_fixture(const char *name)
{
    return xasprintf("%s/%s", env_or("CASEREVIEW_FIXTURES", "build/fixtures"), name);
}

char *th_src(const char *rel)
{
    return xasprintf("%s/%s", env_or("CASEREVIEW_SRC", "."), rel);
}

void th_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

char *th_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return buf_take(&b);
}

void th_copy(const char *from, const char *to)
{
    size_t len;
    char *data = th_read(from, &len);

    assert_non_null(data);
    th_write(to, data, len);
    free(data);
}

static char *slurp_fd(int fd)
{
    struct buf b = BUF_INIT;
    char chunk[65536];
    ssize_t n;

    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_add(&b, chunk, (size_t)n);
    return buf_take(&b);
}

struct th_result th_runv(const char *home, const char *const *env, const char *const *argv)
{
    struct th_result r = {0, NULL, NULL};
    const char *bin = env_or("CASEREVIEW_BIN", "build/casereview");
    char out_t[] = "/tmp/th-out-XXXXXX", err_t[] = "/tmp/th-err-XXXXXX";
    int out = mkstemp(out_t), err = mkstemp(err_t), status = 0;
    size_t n = 0;
    pid_t pid;

    assert_true(out >= 0 && err >= 0);
    unlink(out_t);
    unlink(err_t);
    while (argv[n])
        n++;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char **args = calloc(n + 4, sizeof(*args));
        size_t k = 0;
        args[k++] = bin;
        if (home) {
            args[k++] = "--home";
            args[k++] = home;
        }
        for (size_t i = 0; i < n; i++)
            args[k++] = argv[i];
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        setenv("CASEREVIEW_NO_PROGRESS", "1", 1);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        execv(bin, (char *const *)args);
        fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp_fd(out);
    r.err = slurp_fd(err);
    close(out);
    close(err);
    return r;
}

struct th_result th_run(const char *home, const char *const *env, ...)
{
    const char *argv[64];
    size_t n = 0;
    va_list ap;

    va_start(ap, env);
    while (n < 63 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    return th_runv(home, env, argv);
}

void th_result_release(struct th_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *th_sql(const char *home, const char *query, int all_rows)
{
    char *path = xasprintf("%s/catalog.sqlite", home);
    struct buf b = BUF_INIT;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        print_error("cannot open '%s': %s\n", path, sqlite3_errmsg(db));
        fail();
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
        print_error("%s: %s\n", query, sqlite3_errmsg(db));
        fail();
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (b.len)
            buf_addch(&b, '\n');
        if (sqlite3_column_text(st, 0))
            buf_addstr(&b, (const char *)sqlite3_column_text(st, 0));
        if (!all_rows)
            break;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(path);
    return buf_take(&b);
}

int th_sh(const char *fmt, ...)
{
    va_list ap;
    char *cmd;
    int st;

    va_start(ap, fmt);
    cmd = xvasprintf(fmt, ap);
    va_end(ap);
    st = system(cmd);
    free(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void th_assert_contains_at(const char *haystack, const char *needle, const char *file, int line)
{
    if (haystack && strstr(haystack, needle))
        return;
    print_error("%s:%d: expected to find\n  '%s'\nin\n  '%s'\n", file, line, needle,
                haystack ? haystack : "(null)");
    fail();
}

void th_assert_not_contains_at(const char *haystack, const char *needle, const char *file,
                               int line)
{
    if (!haystack || !strstr(haystack, needle))
        return;
    print_error("%s:%d: did not expect to find\n  '%s'\nin\n  '%s'\n", file, line, needle,
                haystack);
    fail();
}

char *th_filter(const char *arg)
{
    return xasprintf("*%s*", arg);
}

int th_send_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}
