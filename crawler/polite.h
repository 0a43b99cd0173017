#ifndef CASEREVIEW_CRAWLER_POLITE_H
#define CASEREVIEW_CRAWLER_POLITE_H
/*
 * Politeness: one state per origin ("https://host[:port]"). At most one
 * request to an origin is in flight, and the next starts no sooner than
 * `delay` seconds after the previous one ended, where delay is the larger of
 * the crawl's --delay and the origin's robots.txt Crawl-delay. A 429 or 503
 * pushes the origin's next start further (polite_back_off). Each origin also
 * holds its robots.txt verdicts and a FIFO of the work waiting for it.
 *
 * Times are progress_now() seconds (monotonic).
 */

#include <stddef.h>

struct robots;

enum polite_robots {
    POLITE_ROBOTS_UNKNOWN = 0, /* not asked yet */
    POLITE_ROBOTS_FETCHING,    /* robots.txt is being fetched */
    POLITE_ROBOTS_READY,       /* robots is set */
};

struct polite_host {
    char *origin;               /* owned */
    double next_at;             /* no request starts before this */
    int busy;                   /* a request is in flight */
    enum polite_robots robots_state;
    struct robots *robots;      /* owned; NULL until READY */
    char *robots_error;         /* owned: why robots.txt could not be read, or NULL */
    double delay;               /* seconds between two requests */
    size_t *queue;              /* owned: waiting work (the caller's indices), FIFO */
    size_t qhead, qlen, qalloc; /* queue[qhead .. qlen) are waiting */
};

struct polite;

/* A new table of origins whose delay is default_delay seconds (>= 0) until robots says more. */
struct polite *polite_new(double default_delay);
void polite_free(struct polite *p);

/* The origin's state, created on first use. Borrowed until polite_free. */
struct polite_host *polite_host(struct polite *p, const char *origin);
/* Number of origins, and the i-th (0 <= i < count), for scheduling passes. */
size_t polite_count(const struct polite *p);
struct polite_host *polite_at(struct polite *p, size_t i);

/* Sets the origin's robots.txt (taken) and its delay: max(default, Crawl-delay). */
void polite_set_robots(struct polite *p, struct polite_host *h, struct robots *r);

/* 1 when a request to h may start at now. */
int polite_ready(const struct polite_host *h, double now);
/* Marks a request started / ended (the delay runs from the end). */
void polite_begin(struct polite_host *h);
void polite_end(struct polite_host *h, double now);
/* Pushes the next start to at least until (a 429/503 with Retry-After, or backoff). */
void polite_back_off(struct polite_host *h, double until);

/* The FIFO of waiting work. */
void polite_push(struct polite_host *h, size_t item);
/* Puts item first in line (the next hop of a redirect chain goes before new work). */
void polite_push_front(struct polite_host *h, size_t item);
/* 1 and *item when work waits; it stays queued until polite_pop. */
int polite_peek(const struct polite_host *h, size_t *item);
void polite_pop(struct polite_host *h);
/* Waiting items. */
size_t polite_waiting(const struct polite_host *h);

#endif
