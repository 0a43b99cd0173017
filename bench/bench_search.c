/*
 * bench/bench_search HOME CASEREVIEW [QUERIES [PROCESS_RUNS]]: search
 * latency on the repository at HOME.
 *
 *  - In process: QUERIES (default 1,000) queries of five shapes — one word,
 *    two words, a phrase, a word with filters (theme and nation), a word
 *    with facets — through query_run() as 'casereview search' runs them
 *    (10 results, snippets, exact counts); p50, p95, p99 per shape and in
 *    all.
 *  - Whole process: PROCESS_RUNS (default 200) of the same queries through
 *    'CASEREVIEW --home HOME search --limit 10 …' and, as the reference,
 *    Xapian's own 'quest -d HOME/index -m 10 …' (no snippets, no facets),
 *    each a fresh process; median and p95 wall time.
 *
 * Queries are drawn with a fixed seed, so runs are comparable; words come
 * from the field's part of bench/synth_words.c. Prints a table.
 */

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/synth_words.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"
#include "search/filter.h"
#include "search/query.h"

extern char **environ;

enum shape { ONE_WORD, TWO_WORDS, PHRASE, FILTERS, FACETS, NSHAPES };
static const char *const shape_names[NSHAPES] = {"one word", "two words", "phrase",
                                                 "with filters", "with facets"};

struct q {
    enum shape shape;
    char text[160];
    const char *theme;    /* FILTERS: theme id */
    const char *nation;   /* FILTERS: nation id */
};

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

#define FIELD_WORDS 100 /* synth_words[0..100) are plain English: not what people search */

static const char *field_word(void)
{
    return synth_words[FIELD_WORDS + pick(SYNTH_NWORDS - FIELD_WORDS)];
}

static void draw(struct q *q, int i)
{
    static const char *const nations[] = {"england", "wales", "scotland"};

    memset(q, 0, sizeof(*q));
    q->shape = (enum shape)(i % NSHAPES);
    switch (q->shape) {
    case TWO_WORDS:
        snprintf(q->text, sizeof(q->text), "%s %s", field_word(), field_word());
        break;
    case PHRASE:
        snprintf(q->text, sizeof(q->text), "\"%s\"", synth_phrases[pick(SYNTH_NPHRASES)].text);
        break;
    case FILTERS:
        q->theme = synth_themes[pick(SYNTH_NTHEMES)];
        q->nation = nations[pick(3)];
        snprintf(q->text, sizeof(q->text), "%s", field_word());
        break;
    default:
        snprintf(q->text, sizeof(q->text), "%s", field_word());
    }
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
    size_t i;

    if (!n)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static int run_one(struct xdb *db, const struct filter_vocab *v, const struct q *q,
                   uint32_t *total)
{
    struct query_filter f[2];
    struct query_opts o;
    struct query_results r;
    struct cr_err err;

    memset(&o, 0, sizeof(o));
    o.text = q->text;
    o.vocab = v;
    o.limit = 10;
    o.facets = q->shape == FACETS; /* as casereview search: exact counts with facets only */
    if (q->shape == FILTERS) {
        f[0] = (struct query_filter){FILTER_THEME, q->theme};
        f[1] = (struct query_filter){FILTER_NATION, q->nation};
        o.filters = f;
        o.nfilters = 2;
    }
    if (query_run(db, &o, &r, &err) < 0) {
        fprintf(stderr, "bench: '%s': %s\n", q->text, err.msg);
        return -1;
    }
    *total = r.total;
    query_results_release(&r);
    return 0;
}

/* Wall time of one process, its output thrown away; -1 if it failed to start. */
static double time_process(char *const *argv)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status;
    double t0 = now_ms();

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return now_ms() - t0;
}

static double time_casereview(const char *prog, const char *home, const struct q *q)
{
    char *argv[16];
    int n = 0;

    argv[n++] = (char *)prog;
    argv[n++] = (char *)"--home";
    argv[n++] = (char *)home;
    argv[n++] = (char *)"search";
    argv[n++] = (char *)"--limit";
    argv[n++] = (char *)"10";
    if (q->shape == FACETS)
        argv[n++] = (char *)"--facets";
    if (q->shape == FILTERS) {
        argv[n++] = (char *)"--theme";
        argv[n++] = (char *)q->theme;
        argv[n++] = (char *)"--nation";
        argv[n++] = (char *)q->nation;
    }
    argv[n++] = (char *)q->text;
    argv[n] = NULL;
    return time_process(argv);
}

static double time_quest(const char *index, const struct q *q)
{
    char text[256], *argv[16];
    int n = 0;

    snprintf(text, sizeof(text), "%s", q->text);
    if (q->shape == FILTERS)
        snprintf(text, sizeof(text), "%s theme:%s nation:%s", q->text, q->theme, q->nation);
    argv[n++] = (char *)"quest";
    argv[n++] = (char *)"-d";
    argv[n++] = (char *)index;
    argv[n++] = (char *)"-m";
    argv[n++] = (char *)"10";
    argv[n++] = (char *)"-s";
    argv[n++] = (char *)"english";
    argv[n++] = (char *)"-b";
    argv[n++] = (char *)"theme:XH";
    argv[n++] = (char *)"-b";
    argv[n++] = (char *)"nation:XN";
    argv[n++] = text;
    argv[n] = NULL;
    return time_process(argv);
}

static struct filter_vocab *load_vocab(void)
{
    struct filter_vocab *v = filter_vocab_new();
    struct taxonomy *t = NULL;
    struct cr_err err;

    filter_vocab_add_nations(v);
    if (taxonomy_load_names(&t, &err) == 0)
        filter_vocab_from_taxonomy(v, t);
    else
        fprintf(stderr, "bench: %s (names other than ids unknown)\n", err.msg);
    taxonomy_free(t);
    return v;
}

static void row(const char *what, double *v, size_t n)
{
    double mean = 0;

    for (size_t i = 0; i < n; i++)
        mean += v[i];
    mean = n ? mean / (double)n : 0;
    printf("  %-34s %6zu %9.2f %9.2f %9.2f %9.2f\n", what, n, mean, pct(v, n, 0.50),
           pct(v, n, 0.95), pct(v, n, 0.99));
}

int main(int argc, char **argv)
{
    size_t nq = argc > 3 ? (size_t)atol(argv[3]) : 1000, np = argc > 4 ? (size_t)atol(argv[4]) : 200;
    struct q *qs;
    double *all, *by[NSHAPES], *cr, *qu;
    size_t nby[NSHAPES] = {0}, ncr = 0, nqu = 0;
    char *index;
    struct xdb *db = NULL;
    struct filter_vocab *v;
    struct cr_err err;
    uint32_t docs = 0, total = 0;
    unsigned long long matched = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: bench_search HOME CASEREVIEW [QUERIES [PROCESS_RUNS]]\n");
        return 2;
    }
    index = xasprintf("%s/index", argv[1]);
    if (xdb_open(&db, index, 0, &err) < 0 || xdb_doc_count(db, &docs, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 3;
    }
    v = load_vocab();
    qs = xcalloc(nq + 1, sizeof(*qs));
    all = xcalloc(nq + 1, sizeof(*all));
    for (int s = 0; s < NSHAPES; s++)
        by[s] = xcalloc(nq + 1, sizeof(double));
    for (size_t i = 0; i < nq; i++)
        draw(&qs[i], (int)i);
    for (size_t i = 0; i < nq && i < 20; i++) /* warm the page cache as a user's repeat would */
        (void)run_one(db, v, &qs[i], &total);
    for (size_t i = 0; i < nq; i++) {
        double t0 = now_ms();
        if (run_one(db, v, &qs[i], &total) < 0)
            return 3;
        all[i] = now_ms() - t0;
        by[qs[i].shape][nby[qs[i].shape]++] = all[i];
        matched += total;
    }
    printf("search latency, in process, on %u pages (%zu queries; mean %llu reports matched)\n",
           docs, nq, nq ? matched / nq : 0);
    printf("  %-34s %6s %9s %9s %9s %9s\n", "ms", "n", "mean", "p50", "p95", "p99");
    for (int s = 0; s < NSHAPES; s++)
        row(shape_names[s], by[s], nby[s]);
    row("all", all, nq);
    cr = xcalloc(np + 1, sizeof(*cr));
    qu = xcalloc(np + 1, sizeof(*qu));
    for (size_t i = 0; i < np && i < nq; i++) {
        double a = time_casereview(argv[2], argv[1], &qs[i]), b = time_quest(index, &qs[i]);
        if (a >= 0)
            cr[ncr++] = a;
        if (b >= 0)
            qu[nqu++] = b;
    }
    printf("whole process, wall time (%zu runs each)\n", np);
    row("casereview search (10, snippets)", cr, ncr);
    if (nqu)
        row("quest (10, no snippets)", qu, nqu);
    else
        printf("  quest: not found (Debian package xapian-tools)\n");
    xdb_close(db);
    filter_vocab_free(v);
    free(index);
    free(qs);
    free(all);
    free(cr);
    free(qu);
    for (int s = 0; s < NSHAPES; s++)
        free(by[s]);
    return 0;
}
