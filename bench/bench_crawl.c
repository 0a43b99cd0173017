/*
 * bench_crawl: the crawler against a loopback fixture site of N fictional
 * PDFs (default 1,000) linked from one page, with no delay. Prints the
 * first crawl's documents per second and MB/s, then a recrawl with nothing
 * changed: its time and the body bytes the site sent (the aim is zero: every
 * page and document answers 304).
 *
 * usage: bench_crawl CASEREVIEW [N [KB]]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "tests/helpers.h"
#include "tests/site.h"

static int ndocs = 1000;
static size_t pad = 50 * 1024;

static void route(const struct site_req *q, struct site_resp *r, void *ctx)
{
    int n;

    (void)ctx;
    if (!strcmp(q->path, "/reviews/")) {
        struct buf b = BUF_INIT;
        buf_addstr(&b, "<html><body><p>FICTIONAL BENCHMARK SITE.</p><h2>Reviews</h2><ul>");
        for (int i = 0; i < ndocs; i++)
            buf_addf(&b, "<li><a href=\"/r/%d.pdf\">Child %d overview report</a> (published "
                         "May 2019)</li>", i, i);
        buf_addstr(&b, "</ul></body></html>");
        r->body = buf_take(&b);
        r->len = strlen(r->body);
        r->etag = "\"index\"";
    } else if (sscanf(q->path, "/r/%d.pdf", &n) == 1 && n >= 0 && n < ndocs) {
        static char etag[32];
        char text[64];
        snprintf(text, sizeof(text), "Benchmark review number %d", n);
        r->body = site_pdf(text, pad, &r->len);
        r->content_type = "application/pdf";
        r->last_modified = "Tue, 15 May 2018 10:00:00 GMT";
        (void)etag;
    } else {
        r->status = 404;
    }
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double run_crawl(const char *bin, const char *home, const char *url)
{
    double t0 = now();
    pid_t pid = fork();
    int st = 0;

    if (pid == 0) {
        execl(bin, bin, "--home", home, "crawl", "--quiet", "--delay", "0", url, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "bench_crawl: the crawl failed (status %d)\n", st);
        exit(3);
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    struct site *s;
    char dir[] = "/tmp/casereview-bench-XXXXXX", *home, *url;
    double t1, t2;
    size_t bytes1, bytes2;

    if (argc < 2) {
        fprintf(stderr, "usage: bench_crawl CASEREVIEW [N [KB]]\n");
        return 2;
    }
    if (argc > 2)
        ndocs = atoi(argv[2]);
    if (argc > 3)
        pad = (size_t)atoi(argv[3]) * 1024;
    if (!mkdtemp(dir))
        return 3;
    setenv("CASEREVIEW_NO_PROGRESS", "1", 1);
    home = xasprintf("%s/home", dir);
    s = site_start(route, NULL);
    url = site_url(s, "/reviews/");

    t1 = run_crawl(argv[1], home, url);
    bytes1 = site_bytes(s);
    site_log_clear(s);
    t2 = run_crawl(argv[1], home, url);
    bytes2 = site_bytes(s);

    printf("crawl of %d PDFs (%.1f MB) on loopback, no delay:\n", ndocs, bytes1 / 1e6);
    printf("  first crawl  %.2f s  %.0f documents/s  %.1f MB/s\n", t1, ndocs / t1,
           bytes1 / 1e6 / t1);
    printf("  recrawl      %.2f s  %zu bytes of body transferred (nothing changed: all 304)\n", t2,
           bytes2);
    site_stop(s);
    th_rm_rf(dir);
    free(home);
    free(url);
    return 0;
}
