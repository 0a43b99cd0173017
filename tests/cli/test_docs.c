/*
 * Every command's --help agrees with its documentation: the usage line that
 * `casereview CMD --help` prints stands in doc/casereview-CMD.md (after git's
 * t0450-txt-doc-vs-help.sh). The commands are read from `casereview --help`,
 * so a new command without a doc fails here.
 */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static void check_command(const char *cmd)
{
    struct th_result r = th_run(NULL, NULL, cmd, "--help", NULL);
    char *rel = xasprintf("doc/casereview-%s.md", cmd), *path = th_src(rel), *doc;
    char *nl, *usage;

    assert_int_equal(r.status, 0);
    nl = strchr(r.out, '\n');
    usage = xstrndup(r.out, nl ? (size_t)(nl - r.out) : strlen(r.out));
    assert_true(!strncmp(usage, "usage: casereview ", 18));
    doc = th_read(path, NULL);
    if (!doc) {
        print_error("'%s' is missing: document the '%s' command\n", rel, cmd);
        fail();
    }
    th_assert_contains(doc, usage);
    free(doc);
    free(usage);
    free(path);
    free(rel);
    th_result_release(&r);
}

static void test_docs_help_matches_doc(void **state)
{
    struct th_result r = th_run(NULL, NULL, "--help", NULL);
    char *p, *line;
    int seen = 0;

    (void)state;
    assert_int_equal(r.status, 0);
    p = strstr(r.out, "Commands:\n");
    assert_non_null(p);
    for (line = strchr(p, '\n') + 1; !strncmp(line, "  ", 2);) {
        char name[64];
        if (sscanf(line, " %63s", name) == 1) {
            check_command(name);
            seen++;
        }
        line = strchr(line, '\n');
        if (!line)
            break;
        line++;
    }
    assert_true(seen >= 5);
    th_result_release(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_docs_help_matches_doc),
};

TH_MAIN(tests)
