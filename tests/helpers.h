#ifndef CASEREVIEW_TESTS_HELPERS_H
#define CASEREVIEW_TESTS_HELPERS_H
/*
 * Test helpers: temporary directories and repositories, running the
 * casereview program and capturing what it prints, and the paths of the
 * generated fixtures. tests/run.sh sets the environment these read:
 *   CASEREVIEW_BIN       the casereview program under test
 *   CASEREVIEW_EXTRACT   its extraction worker
 *   CASEREVIEW_FIXTURES  folder of the generated fixture PDFs
 *   CASEREVIEW_MKPDF     the fixture builder
 *   CASEREVIEW_SRC       the source tree (for data/)
 * Every test gets its own temporary CASEREVIEW_HOME and connects nowhere
 * but 127.0.0.1.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* What a finished program did. Strings are owned (th_result_release). */
struct th_result {
    int status;        /* exit status, or 128+signal */
    char *out;         /* everything written to stdout */
    char *err;         /* everything written to stderr */
};

/* A new empty temporary directory (free() the string; th_rm_rf to delete). */
/*
 * Sends all n bytes of p on socket fd (no SIGPIPE): 0, or -1 when the peer
 * hung up or the send failed, quietly (a peer may hang up: that is its right).
 */
int th_send_all(int fd, const void *p, size_t n);

char *th_tmpdir(void);
/* rm -rf path (best effort). */
void th_rm_rf(const char *path);

/* Path of a generated fixture PDF by name ("report-a.pdf"). New string. */
char *th_fixture(const char *name);
/* Path of a file in the source tree ("data/sample"). New string. */
char *th_src(const char *rel);

/* Writes len bytes to path (creating/truncating); asserts success. */
void th_write(const char *path, const void *data, size_t len);
/* Reads a whole file; NULL if it cannot. New string (NUL-terminated), *len if not NULL. */
char *th_read(const char *path, size_t *len);
/* Copies a file; asserts success. */
void th_copy(const char *from, const char *to);

/*
 * Runs the casereview program with --home home and the NULL-terminated
 * arguments; env is a NULL-terminated list of extra "K=V" (may be NULL).
 */
struct th_result th_run(const char *home, const char *const *env, ...);
struct th_result th_runv(const char *home, const char *const *env, const char *const *argv);
void th_result_release(struct th_result *r);

/*
 * The first column of the first row of query on home's catalogue, as text
 * ("" when there is no row or it is NULL); rows are joined by "\n" when
 * all_rows. Opens the catalogue read-only. New string.
 */
char *th_sql(const char *home, const char *query, int all_rows);

/* Runs a shell command; returns its exit status. */
int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Asserts that haystack contains needle, printing both when it does not. */
#define th_assert_contains(haystack, needle) \
    th_assert_contains_at(haystack, needle, __FILE__, __LINE__)
void th_assert_contains_at(const char *haystack, const char *needle, const char *file, int line);
#define th_assert_not_contains(haystack, needle) \
    th_assert_not_contains_at(haystack, needle, __FILE__, __LINE__)
void th_assert_not_contains_at(const char *haystack, const char *needle, const char *file,
                               int line);

/* "*arg*" for cmocka's glob filter (new string). */
char *th_filter(const char *arg);

/* Runs the cmocka group, keeping only tests whose names contain argv[1] (if given). */
#define TH_MAIN(tests) \
    int main(int argc, char **argv) \
    { \
        if (argc > 1) \
            cmocka_set_test_filter(th_filter(argv[1])); \
        return cmocka_run_group_tests(tests, NULL, NULL); \
    }

#endif
