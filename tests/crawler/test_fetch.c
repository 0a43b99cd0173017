/*
 * Tests of the transfer engine (crawler/fetch.c) against the loopback
 * fixture site: transfers to one site share one connection, and a finished
 * transfer is handed back at once, never after a wait for activity that
 * will not come. The site serves fictional pages only.
 */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/fetch.h"
#include "lib/xalloc.h"
#include "tests/site.h"

#define WAIT_MS 2000 /* what each poll may wait: a stall is this long */

static void route(const struct site_req *q, struct site_resp *r, void *ctx)
{
    (void)ctx;
    if (!strncmp(q->path, "/page/", 6)) {
        r->body = xasprintf("<html><body><p>FICTIONAL TEST PAGE %s</p></body></html>", q->path);
        r->len = strlen(r->body);
        r->etag = "\"p\"";
    } else {
        r->status = 404;
    }
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fetches url into memory, one poll after another; returns the seconds it took. */
static double fetch_one(struct fetch *f, const char *url, const char *etag, long want_status)
{
    struct fetch_req q;
    struct fetch_result res;
    struct cr_err err;
    double t0 = now_s();
    int got = 0;

    memset(&q, 0, sizeof(q));
    q.url = url;
    q.etag = etag;
    q.to_memory = 1;
    assert_int_equal(fetch_start(f, &q, &err), 0);
    while (!got && now_s() - t0 < 10) {
        assert_int_equal(fetch_poll(f, WAIT_MS, &err), 0);
        got = fetch_next(f, &res);
    }
    assert_true(got);
    assert_int_equal(res.fail, FETCH_OK);
    assert_int_equal(res.status, want_status);
    fetch_result_release(&res);
    return now_s() - t0;
}

static void test_fetch_one_connection_no_stall(void **state)
{
    struct site *s = site_start(route, NULL);
    struct fetch_opts o = {"casereview/test", 5000, 10000, 1 << 20};
    struct fetch *f = NULL;
    struct cr_err err;
    double worst = 0;

    (void)state;
    assert_int_equal(fetch_new(&f, NULL, &o, &err), 0);
    for (int i = 0; i < 60; i++) {
        char path[32], *url;
        snprintf(path, sizeof(path), "/page/%d", i % 3);
        url = site_url(s, path);
        /* half of them conditional: a 304 is the smallest answer, the quickest to arrive */
        double t = fetch_one(f, url, i % 2 ? "\"p\"" : NULL, i % 2 ? 304 : 200);
        if (t > worst)
            worst = t;
        free(url);
    }
    fetch_free(f);
    /* keep-alive: sixty requests, one connection */
    assert_int_equal(site_connections(s), 1);
    assert_int_equal(site_hits(s, "/page/0"), 20);
    /* no answer waited for a poll to time out (WAIT_MS) after it had arrived */
    if (worst > WAIT_MS / 1000.0 * 0.75) {
        print_error("a loopback fetch took %.3f s: a finished transfer waited for the poll\n",
                    worst);
        fail();
    }
    site_stop(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_one_connection_no_stall),
    };

    if (argc > 1)
        cmocka_set_test_filter(th_filter(argv[1]));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
