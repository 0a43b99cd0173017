#include "crawler/polite.h"

/*
 * Per-origin politeness state. A crawl touches tens or hundreds of origins,
 * so a plain array searched linearly is enough; it is scanned once per
 * scheduling pass anyway.
 */

#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"
#include "lib/xalloc.h"

struct polite {
    struct polite_host **hosts; /* owned */
    size_t n, alloc;
    double default_delay;       /* seconds */
};

struct polite *polite_new(double default_delay)
{
    struct polite *p = xcalloc(1, sizeof(*p));

    p->default_delay = default_delay < 0 ? 0 : default_delay;
    return p;
}

void polite_free(struct polite *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->hosts[i]->origin);
        robots_free(p->hosts[i]->robots);
        free(p->hosts[i]->robots_error);
        free(p->hosts[i]->queue);
        free(p->hosts[i]);
    }
    free(p->hosts);
    free(p);
}

struct polite_host *polite_host(struct polite *p, const char *origin)
{
    struct polite_host *h;

    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->hosts[i]->origin, origin))
            return p->hosts[i];
    h = xcalloc(1, sizeof(*h));
    h->origin = xstrdup(origin);
    h->delay = p->default_delay;
    p->hosts = xgrow(p->hosts, sizeof(*p->hosts), p->n + 1, &p->alloc);
    p->hosts[p->n++] = h;
    return h;
}

size_t polite_count(const struct polite *p)
{
    return p->n;
}

struct polite_host *polite_at(struct polite *p, size_t i)
{
    return i < p->n ? p->hosts[i] : NULL;
}

void polite_set_robots(struct polite *p, struct polite_host *h, struct robots *r)
{
    double cd = robots_crawl_delay(r);

    robots_free(h->robots);
    h->robots = r;
    h->robots_state = POLITE_ROBOTS_READY;
    h->delay = cd > p->default_delay ? cd : p->default_delay;
}

int polite_ready(const struct polite_host *h, double now)
{
    return !h->busy && now >= h->next_at;
}

void polite_begin(struct polite_host *h)
{
    h->busy = 1;
}

void polite_end(struct polite_host *h, double now)
{
    h->busy = 0;
    if (now + h->delay > h->next_at)
        h->next_at = now + h->delay;
}

void polite_back_off(struct polite_host *h, double until)
{
    if (until > h->next_at)
        h->next_at = until;
}

void polite_push(struct polite_host *h, size_t item)
{
    if (h->qhead > 0 && h->qhead == h->qlen)
        h->qhead = h->qlen = 0;
    h->queue = xgrow(h->queue, sizeof(*h->queue), h->qlen + 1, &h->qalloc);
    h->queue[h->qlen++] = item;
}

void polite_push_front(struct polite_host *h, size_t item)
{
    if (h->qhead == 0) {
        h->queue = xgrow(h->queue, sizeof(*h->queue), h->qlen + 1, &h->qalloc);
        memmove(h->queue + 1, h->queue, h->qlen * sizeof(*h->queue));
        h->qlen++;
        h->qhead = 1;
    }
    h->queue[--h->qhead] = item;
}

int polite_peek(const struct polite_host *h, size_t *item)
{
    if (h->qhead >= h->qlen)
        return 0;
    *item = h->queue[h->qhead];
    return 1;
}

void polite_pop(struct polite_host *h)
{
    if (h->qhead < h->qlen)
        h->qhead++;
}

size_t polite_waiting(const struct polite_host *h)
{
    return h->qlen - h->qhead;
}
