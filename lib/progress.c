#include "lib/progress.h"

/*
 * Terminal progress bar. One bar at a time may be drawn (the `drawn` flag
 * is the logger's hint to clear the line); the bar redraws at most every
 * 100 ms so that drawing costs nothing measurable.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct progress {
    const char *label;   /* borrowed */
    const char *unit;    /* borrowed */
    const char *sub;     /* borrowed, may be NULL */
    uint64_t total;      /* items, 0 = unknown */
    uint64_t done;       /* items done */
    uint64_t sub_done;   /* secondary count (pages) */
    double start;        /* progress_now() at creation */
    double last_draw;    /* progress_now() at the last draw */
};

static int drawn; /* a bar occupies the current terminal line */

double progress_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress *progress_new(const char *label, uint64_t total, const char *unit,
                              const char *sub)
{
    struct progress *p;
    const char *off = getenv("CASEREVIEW_NO_PROGRESS");

    if (!isatty(STDERR_FILENO) || (off && *off))
        return NULL;
    p = xcalloc(1, sizeof(*p));
    p->label = label;
    p->unit = unit;
    p->sub = sub;
    p->total = total;
    p->start = progress_now();
    return p;
}

static void format_eta(char *out, size_t n, double secs)
{
    long s = (long)(secs + 0.5);

    if (secs < 0 || secs > 99 * 3600)
        snprintf(out, n, "--:--");
    else if (s >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "%ld:%02ld", s / 60, s % 60);
}

static void draw(struct progress *p, double now)
{
    char bar[21], eta[32], rate[64];
    double el = now - p->start, frac = 0;
    int i, fill;

    if (p->total)
        frac = (double)p->done / (double)p->total;
    if (frac > 1)
        frac = 1;
    fill = (int)(frac * 20);
    for (i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[20] = '\0';
    if (p->done && p->total && el > 0.5)
        format_eta(eta, sizeof(eta), el / frac - el);
    else
        snprintf(eta, sizeof(eta), "--:--");
    rate[0] = '\0';
    if (el > 0.5 && p->sub)
        snprintf(rate, sizeof(rate), "  %.1f %s/s", (double)p->sub_done / el, p->sub);
    else if (el > 0.5)
        snprintf(rate, sizeof(rate), "  %.1f %s/s", (double)p->done / el, p->unit);
    fprintf(stderr, "\r\033[K%s [%s] %llu/%llu %s", p->label, bar,
            (unsigned long long)p->done, (unsigned long long)p->total, p->unit);
    if (p->sub)
        fprintf(stderr, "  %llu %s", (unsigned long long)p->sub_done, p->sub);
    fprintf(stderr, "%s  ETA %s", rate, eta);
    fflush(stderr);
    drawn = 1;
    p->last_draw = now;
}

void progress_update(struct progress *p, uint64_t done, uint64_t sub_done)
{
    double now;

    if (!p)
        return;
    p->done = done;
    p->sub_done = sub_done;
    now = progress_now();
    if (now - p->last_draw >= 0.1 || (p->total && done >= p->total))
        draw(p, now);
}

void progress_set_total(struct progress *p, uint64_t total)
{
    if (p)
        p->total = total;
}

void progress_clear_line(void)
{
    if (!drawn)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    drawn = 0;
}

void progress_free(struct progress *p)
{
    if (!p)
        return;
    progress_clear_line();
    free(p);
}
