/*
 * The end-to-end browser test: a repository of fixture reports, the server
 * in-process on an ephemeral loopback port, and tests/web/browser.mjs driving
 * Debian's chromium (headless, through playwright-core) over it. The
 * screenshots land in <build>/test-output/web/ to be looked at.
 *
 * `make deps` installs chromium and, with `npm ci`, tests/web/node_modules;
 * without them this test fails, saying which is missing.
 */

#include "tests/helpers.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/home.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"
#include "search/filter.h"
#include "web/web.h"

static const char *const shots[] = {"01-search.png",     "02-facet.png",
                                    "03-report.png",     "04-compare.png",
                                    "05-compare-cell.png", "06-phone-search.png",
                                    "07-phone-report.png", "08-saved.png"};

static void run_ok(const char *home, ...)
{
    const char *argv[16];
    struct th_result r;
    size_t n = 0;
    va_list ap;

    va_start(ap, home);
    while (n < 15 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    r = th_runv(home, NULL, argv);
    if (r.status != 0) {
        print_error("'%s' exited %d\nstdout: %s\nstderr: %s\n", argv[0], r.status, r.out, r.err);
        fail();
    }
    th_result_release(&r);
}

/* The shipped taxonomy's names, as `casereview serve` gives the server. */
static struct filter_vocab *test_vocab(void)
{
    struct filter_vocab *v = filter_vocab_new();
    struct taxonomy *t = NULL;

    filter_vocab_add_nations(v);
    if (!getenv("CASEREVIEW_DATA")) {
        /* data/ is found beside a program up to three levels up: not from build/asan/tests/web */
        char *data = th_src("data");
        setenv("CASEREVIEW_DATA", data, 1);
        free(data);
    }
    assert_int_equal(taxonomy_load_default(&t, NULL), 0);
    filter_vocab_from_taxonomy(v, t);
    taxonomy_free(t);
    return v;
}

/* <build>/test-output/web, from the program under test's path. New string. */
static char *out_dir(void)
{
    char *bin = xstrdup(getenv("CASEREVIEW_BIN")), *dir;

    dir = xasprintf("%s/test-output/web", dirname(bin));
    free(bin);
    return dir;
}

static void test_browser_search_facet_report_compare(void **state)
{
    char *dir = th_tmpdir(), *home_dir = xasprintf("%s/home", dir), *out = out_dir();
    char *sample = xstrdup(getenv("CASEREVIEW_SAMPLE")), *script = th_src("tests/web/browser.mjs");
    char *modules = th_src("tests/web/node_modules/playwright-core");
    char *a = th_fixture("report-a.pdf"), *b = th_fixture("report-b.pdf");
    char *c = th_fixture("report-c.pdf");
    struct home home;
    struct web_opts o;
    struct web *w = NULL;
    struct filter_vocab *vocab;
    struct stat st;
    int rc;

    (void)state;
    if (access("/usr/bin/chromium", X_OK) != 0 || stat(modules, &st) != 0) {
        print_error("the browser test needs /usr/bin/chromium and %s: run 'make deps'\n",
                    modules);
        fail();
    }
    run_ok(home_dir, "add", "--quiet", a, b, c, sample, NULL);
    run_ok(home_dir, "index", NULL);
    assert_int_equal(home_open(&home, home_dir, 0, NULL), 0);
    memset(&o, 0, sizeof(o));
    o.home = &home;
    o.vocab = vocab = test_vocab();
    o.verbose = getenv("CASEREVIEW_WEB_VERBOSE") != NULL;
    assert_int_equal(web_start(&w, &o, NULL), 0);
    assert_int_equal(th_sh("rm -rf '%s' && mkdir -p '%s'", out, out), 0);
    rc = th_sh("node '%s' '%s' '%s'", script, web_url(w), out);
    web_stop(w);
    filter_vocab_free(vocab);
    home_release(&home);
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < sizeof(shots) / sizeof(shots[0]); i++) {
        char *png = xasprintf("%s/%s", out, shots[i]);
        size_t len = 0;
        char *data = th_read(png, &len);
        if (!data || len < 1000 || memcmp(data, "\x89PNG", 4) != 0) {
            print_error("no screenshot '%s'\n", png);
            fail();
        }
        free(data);
        free(png);
    }
    th_rm_rf(dir);
    free(dir);
    free(home_dir);
    free(out);
    free(sample);
    free(script);
    free(modules);
    free(a);
    free(b);
    free(c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_browser_search_facet_report_compare),
};

TH_MAIN(tests)
