/*
 * Tests of crawler/robots.c: tables of {robots.txt, path, expected}, after
 * RFC 9309 and its examples, with garbage rows.
 */

#include "tests/helpers.h"

#include <stdio.h>
#include <string.h>

#include "crawler/robots.h"

#define UA "casereview"

struct row {
    const char *robots; /* the file */
    size_t len;         /* its length; 0 = strlen (a file with a NUL in it sets it) */
    const char *path;   /* the URL path asked about */
    int allowed;        /* expected verdict */
};

static const struct row rows[] = {
    /* no rules, or nothing for us */
    {"", 0, "/", 1},
    {"", 0, "/reviews/child-a.pdf", 1},
    {"User-agent: otherbot\nDisallow: /\n", 0, "/reviews/", 1},
    {"User-agent: *\nDisallow: /\n", 0, "/reviews/", 0},
    {"User-agent: *\nDisallow: /\n", 0, "/robots.txt", 1},
    {"User-agent: *\nDisallow:\n", 0, "/anything", 1},
    {"User-agent: *\nAllow:\n", 0, "/anything", 1},
    /* our group beats "*", even when it allows more */
    {"User-agent: *\nDisallow: /\n\nUser-agent: casereview\nDisallow: /private/\n", 0, "/reviews/", 1},
    {"User-agent: *\nDisallow: /\n\nUser-agent: casereview\nDisallow: /private/\n", 0, "/private/a", 0},
    {"User-agent: CaseReview/0.1\nDisallow: /x\n", 0, "/x", 0},
    {"user-agent: CASEREVIEW\ndisallow: /x\n", 0, "/x", 0},
    {"User-agent: casereviewer\nDisallow: /x\n", 0, "/x", 1},
    {"User-agent: case\nDisallow: /x\n", 0, "/x", 1},
    /* a group of ours that allows little still replaces "*" */
    {"User-agent: casereview\nAllow: /nothing\n\nUser-agent: *\nDisallow: /\n", 0, "/a", 1},
    /* 2.1: blank lines between user-agent lines do not end the group */
    {"User-agent: casereview\n\nUser-agent: *\nDisallow: /\n", 0, "/a", 0},
    /* consecutive user-agent lines share one group */
    {"User-agent: a\nUser-agent: casereview\nUser-agent: b\nDisallow: /c\n", 0, "/c", 0},
    /* two groups naming us are merged */
    {"User-agent: casereview\nDisallow: /a\n\nUser-agent: casereview\nDisallow: /b\n", 0, "/b", 0},
    {"User-agent: casereview\nDisallow: /a\n\nUser-agent: casereview\nDisallow: /b\n", 0, "/a", 0},
    /* a rule after a new user-agent line belongs to the new group */
    {"User-agent: casereview\nDisallow: /a\nUser-agent: other\nDisallow: /b\n", 0, "/b", 1},
    /* longest match wins; a tie goes to allow */
    {"User-agent: *\nDisallow: /reviews/\nAllow: /reviews/published/\n", 0, "/reviews/published/a.pdf", 1},
    {"User-agent: *\nDisallow: /reviews/\nAllow: /reviews/published/\n", 0, "/reviews/draft/a.pdf", 0},
    {"User-agent: *\nAllow: /reviews/\nDisallow: /reviews/draft/\n", 0, "/reviews/draft/x", 0},
    {"User-agent: *\nAllow: /page\nDisallow: /page\n", 0, "/page", 1},
    {"User-agent: *\nDisallow: /page\nAllow: /page\n", 0, "/page", 1},
    {"User-agent: *\nDisallow: /\nAllow: /$\n", 0, "/", 1},
    {"User-agent: *\nDisallow: /\nAllow: /$\n", 0, "/page", 0},
    /* wildcards and end anchors */
    {"User-agent: *\nDisallow: /*.pdf$\n", 0, "/reviews/child-a.pdf", 0},
    {"User-agent: *\nDisallow: /*.pdf$\n", 0, "/reviews/child-a.pdf?download=1", 1},
    {"User-agent: *\nDisallow: /*.pdf\n", 0, "/reviews/child-a.pdf?download=1", 0},
    {"User-agent: *\nDisallow: /*?\n", 0, "/search?q=neglect", 0},
    {"User-agent: *\nDisallow: /*?\n", 0, "/search", 1},
    {"User-agent: *\nDisallow: /fish*\n", 0, "/fish.html", 0},
    {"User-agent: *\nDisallow: /fish*\n", 0, "/Fish.html", 1},
    {"User-agent: *\nDisallow: /*/private/*/x$\n", 0, "/a/private/b/c/x", 0},
    {"User-agent: *\nDisallow: /*/private/*/x$\n", 0, "/a/private/b/c/xy", 1},
    {"User-agent: *\nDisallow: /a**b\n", 0, "/a-long-b", 0},
    {"User-agent: *\nDisallow: /$\n", 0, "/", 0},
    {"User-agent: *\nDisallow: /$\n", 0, "/a", 1},
    {"User-agent: *\nDisallow: *\n", 0, "/a", 0},
    {"User-agent: *\nDisallow: /a$b\n", 0, "/a$b", 0},
    /* percent-encoding (2.2.2) */
    {"User-agent: *\nDisallow: /%7Ejoe/\n", 0, "/~joe/index.html", 0},
    {"User-agent: *\nDisallow: /~joe/\n", 0, "/%7ejoe/index.html", 0},
    {"User-agent: *\nDisallow: /foo/bar?baz=https://foo.bar\n", 0, "/foo/bar?baz=https://foo.bar", 0},
    {"User-agent: *\nDisallow: /a%2fb\n", 0, "/a/b", 1},
    {"User-agent: *\nDisallow: /a%2fb\n", 0, "/a%2Fb", 0},
    {"User-agent: *\nDisallow: /\xE3\x83\x84\n", 0, "/%E3%83%84", 0},
    {"User-agent: *\nDisallow: /%E3%83%84\n", 0, "/\xE3\x83\x84", 0},
    /* comments, spacing, case, line endings, BOM */
    {"# hello\nUser-agent: * # all\nDisallow: /x # not x\n", 0, "/x", 0},
    {"# hello\nUser-agent: * # all\nDisallow: /x # not x\n", 0, "/y", 1},
    {"User-agent:*\r\nDisallow:/x\r\n", 0, "/x", 0},
    {"User-agent: *\rDisallow: /x\r", 0, "/x", 0},
    {"\xEF\xBB\xBFUser-agent: *\nDisallow: /x\n", 0, "/x", 0},
    {"  User-Agent  :   *   \n  DISALLOW :  /x  \n", 0, "/x", 0},
    {"User-agent: *\nDisallow: /x", 0, "/x", 0},
    /* sitemap lines do not end a group */
    {"User-agent: *\nSitemap: https://example.invalid/s.xml\nDisallow: /x\n", 0, "/x", 0},
    /* garbage */
    {"<html><body>Not found</body></html>", 0, "/x", 1},
    {"User-agent *\nDisallow /x\n", 0, "/x", 1},
    {"Disallow: /x\n", 0, "/x", 1},
    {"Disallow: /x\nUser-agent: *\n", 0, "/x", 1},
    {":\n::\n:::::\n#\n\n\n", 0, "/", 1},
    {"User-agent: *\nDisallow: /x\n\0garbage", 35, "/x", 0},
    {"User-agent: *\nDisalow: /x\n", 0, "/x", 1},
    {"User-agent: *\nDisallow: x\n", 0, "/x", 1},
    {"User-agent: *\nDisallow: /%zz\n", 0, "/%zz", 0},
    {"User-agent: *\nDisallow: /%\n", 0, "/%", 0},
    {"User-agent: *\nDisallow: /x\n", 0, "not-a-path", 1},
    {"User-agent: *\nDisallow: /\n", 0, "not-a-path", 0},
    {"User-agent: *\nDisallow: /\n", 0, "", 0},
};

static void test_robots_table(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].robots);
        struct robots *r = robots_parse(rows[i].robots, len, UA);
        if (robots_allowed(r, rows[i].path) != rows[i].allowed) {
            fprintf(stderr, "row %zu: robots.txt '%s', path '%s': got %d, want %d\n", i,
                    rows[i].robots, rows[i].path, !rows[i].allowed, rows[i].allowed);
            bad++;
        }
        robots_free(r);
    }
    assert_int_equal(bad, 0);
}

struct delay_row {
    const char *robots;
    double delay; /* expected, -1 = none */
};

static const struct delay_row delays[] = {
    {"", -1},
    {"User-agent: *\nCrawl-delay: 5\n", 5},
    {"User-agent: *\nCrawl-delay: 0.5\n", 0.5},
    {"User-agent: *\ncrawl-DELAY:2\n", 2},
    {"User-agent: other\nCrawl-delay: 5\n", -1},
    {"User-agent: *\nCrawl-delay: 5\n\nUser-agent: casereview\nCrawl-delay: 1\n", 1},
    {"User-agent: casereview\nCrawl-delay: 3\nUser-agent: casereview\nCrawl-delay: 7\n", 7},
    {"User-agent: *\nCrawl-delay: 100000\n", ROBOTS_MAX_DELAY},
    {"User-agent: *\nCrawl-delay: soon\n", -1},
    {"User-agent: *\nCrawl-delay: -4\n", -1},
    {"User-agent: *\nCrawl-delay: nan\n", -1},
    {"User-agent: *\nCrawl-delay: inf\n", -1},
    {"User-agent: *\nCrawl-delay: 5s\n", -1},
    {"User-agent: *\nCrawl-delay:\n", -1},
    {"Crawl-delay: 5\n", -1},
};

static void test_robots_crawl_delay(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
        struct robots *r = robots_parse(delays[i].robots, strlen(delays[i].robots), UA);
        if (robots_crawl_delay(r) != delays[i].delay)
            fprintf(stderr, "row %zu: '%s': got %g, want %g\n", i, delays[i].robots,
                    robots_crawl_delay(r), delays[i].delay);
        assert_true(robots_crawl_delay(r) == delays[i].delay);
        robots_free(r);
    }
}

static void test_robots_unreachable_and_missing(void **state)
{
    struct robots *none = robots_allow_all(), *down = robots_unreachable();

    (void)state;
    assert_int_equal(robots_allowed(none, "/reviews/a.pdf"), 1);
    assert_int_equal(robots_allowed(down, "/reviews/a.pdf"), 0);
    assert_int_equal(robots_allowed(down, "/robots.txt"), 0);
    assert_true(robots_crawl_delay(none) < 0);
    robots_free(none);
    robots_free(down);
    robots_free(NULL);
}

static void test_robots_huge_and_pathological(void **state)
{
    /* a file past the parse limit: rules beyond it are not read */
    size_t n = ROBOTS_MAX_BYTES + 100;
    char *big = test_malloc(n + 64), *pat = test_malloc(5000), *path = test_malloc(5000);
    struct robots *r;

    (void)state;
    memset(big, '#', n);
    memcpy(big, "User-agent: *\n", 14);
    big[n - 1] = '\n';
    memcpy(big + n, "Disallow: /\n", 12);
    r = robots_parse(big, n + 12, UA);
    assert_int_equal(robots_allowed(r, "/x"), 1);
    robots_free(r);
    /* many stars against a long path: bounded work, right answer */
    {
        size_t k = (size_t)snprintf(pat, 5000, "User-agent: *\nDisallow: /");
        for (int i = 0; i < 1000; i++)
            k += (size_t)snprintf(pat + k, 5000 - k, "*a");
        snprintf(pat + k, 5000 - k, "b$\n");
    }
    path[0] = '/';
    memset(path + 1, 'a', 3000);
    path[3001] = '\0';
    r = robots_parse(pat, strlen(pat), UA);
    assert_int_equal(robots_allowed(r, path), 1);
    robots_free(r);
    test_free(big);
    test_free(pat);
    test_free(path);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_robots_table),
        cmocka_unit_test(test_robots_crawl_delay),
        cmocka_unit_test(test_robots_unreachable_and_missing),
        cmocka_unit_test(test_robots_huge_and_pathological),
    };

    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
