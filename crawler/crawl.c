#include "crawler/crawl.h"

/*
 * The crawl loop. The queue lives in the catalogue (frontier.c); this file
 * holds its pending part in memory, one FIFO per origin (polite.c), starts
 * transfers on origins that are free and due, and turns each finished
 * transfer into catalogue rows in one transaction. New URLs found on a page
 * enter memory only after that transaction commits, so memory never holds
 * work the catalogue does not.
 */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/crawl_url.h"
#include "crawler/fetch.h"
#include "crawler/frontier.h"
#include "crawler/links.h"
#include "crawler/polite.h"
#include "crawler/robots.h"
#include "lib/caps.h"
#include "lib/hints.h"
#include "lib/log.h"
#include "lib/progress.h"
#include "lib/sniff.h"
#include "lib/store.h"
#include "lib/taxonomy.h"
#include "lib/version.h"
#include "lib/xalloc.h"

#define AGENT_TOKEN "casereview"
#define POLL_MAX_MS 200 /* longest wait, so that a stop request is seen promptly */
/*
 * RFC 9309 2.3.1.2: follow at least five redirects to a robots.txt, even to
 * another host; the file found applies to the origin asked.
 */
#define ROBOTS_MAX_REDIRECTS 5
#define BATCH_MAX 100   /* units of work in one transaction at most */
#define BATCH_MAX_S 0.5 /* seconds a transaction stays open at most */

struct src {
    int64_t id;                      /* crawl_sources.id */
    const struct crawl_source *def;  /* borrowed from the list */
    char *site;                      /* owned: host of the source page, without www. */
    char *alt_site;                  /* owned: where the source page redirects, or NULL */
    size_t pending;                  /* its items not yet final */
    int finished;
};

struct item {
    char *url;                 /* owned, canonical */
    size_t src;                /* index in run.srcs */
    enum frontier_kind kind;
    int depth;
    int attempts;              /* fetches tried */
    char *hop_url;             /* owned: the next hop of its redirect chain; NULL = url */
    char *chain;               /* owned: the URLs fetched before hop_url, one a line; or NULL */
    int hops;                  /* redirects followed */
    double not_before;         /* progress_now() time before which it waits */
    struct polite_host *host;  /* borrowed from run.pol: the host of what it fetches next */
    size_t index;              /* in run.items */
};

/* A transfer in flight: an item's fetch, or an origin's robots.txt (item NULL). */
struct job {
    struct item *item;
    struct polite_host *host;
    struct job *prev, *next;    /* in the run's list of jobs under way */
};

/* A URL queued while handling a result, entering memory once the transaction commits. */
struct fresh {
    char *url;
    size_t src;
    enum frontier_kind kind;
    int depth;
};

struct run {
    struct catalog *c;          /* borrowed */
    struct store *store;        /* borrowed */
    const struct crawl_opts *o; /* borrowed */
    struct crawl_summary *sum;  /* borrowed */
    struct frontier *fr;        /* owned */
    struct fetch *fetch;        /* owned */
    struct polite *pol;         /* owned */
    struct src *srcs;           /* owned, nsrcs of them */
    size_t nsrcs;
    struct item **items;        /* owned: every item loaded; index = polite queue entry */
    size_t nitems, items_alloc;
    size_t open;                /* items not yet final */
    struct fresh *fresh;        /* owned: queued by the current transaction */
    size_t nfresh, fresh_alloc;
    struct progress *bar;       /* owned, NULL when not on a terminal */
    uint64_t final_items;       /* items that reached a final state in this process */
    char *agent;                /* owned: the User-Agent, when built here */
    int batch_open;             /* a transaction is open (the batch) */
    unsigned batch_units;       /* units of work in it */
    double batch_since;         /* progress_now() when it began */
    struct taxonomy *tax;       /* owned: for link hints; NULL when it cannot be loaded */
    struct job *jobs;           /* owned: jobs whose fetch has not been drained */
};

void crawl_opts_init(struct crawl_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->depth = 2;
    o->delay_s = 1.0;
    o->max_bytes = CR_MAX_DOWNLOAD;
    o->connect_timeout_ms = 30000;
    o->timeout_ms = 300000;
    o->retries = 3;
    o->parallel = 8;
    o->origin = "url";
}

/* ---- in-memory queue ---------------------------------------------------- */

static size_t src_index(const struct run *r, int64_t id)
{
    for (size_t i = 0; i < r->nsrcs; i++)
        if (r->srcs[i].id == id)
            return i;
    return (size_t)-1;
}

/* What the item fetches next: its URL, or where its redirect chain has got to. */
static const char *item_target(const struct item *it)
{
    return it->hop_url ? it->hop_url : it->url;
}

/* The politeness state of the host an item fetches next. */
static struct polite_host *target_host(struct run *r, const struct item *it)
{
    char *origin = crawl_url_origin(item_target(it));
    struct polite_host *h = polite_host(r->pol, origin ? origin : item_target(it));

    free(origin);
    return h;
}

static void add_item(struct run *r, const struct frontier_item *fi, size_t src)
{
    struct item *it = xcalloc(1, sizeof(*it));

    it->url = xstrdup(fi->url);
    it->src = src;
    it->kind = fi->kind;
    it->depth = fi->depth;
    it->attempts = fi->attempts;
    it->hop_url = fi->hop_url ? xstrdup(fi->hop_url) : NULL;
    it->chain = fi->chain ? xstrdup(fi->chain) : NULL;
    it->hops = fi->hops;
    it->host = target_host(r, it);
    r->items = xgrow(r->items, sizeof(*r->items), r->nitems + 1, &r->items_alloc);
    r->items[r->nitems] = it;
    it->index = r->nitems;
    polite_push(it->host, r->nitems);
    r->nitems++;
    r->open++;
    r->srcs[src].pending++;
    progress_set_total(r->bar, r->final_items + r->open);
}

static int load_item(const struct frontier_item *fi, void *ctx)
{
    struct run *r = ctx;
    size_t src = src_index(r, fi->source_id);

    if (src != (size_t)-1)
        add_item(r, fi, src);
    return 0;
}

static void add_fresh(struct run *r, const char *url, size_t src, enum frontier_kind kind,
                      int depth)
{
    struct fresh *f;

    r->fresh = xgrow(r->fresh, sizeof(*r->fresh), r->nfresh + 1, &r->fresh_alloc);
    f = &r->fresh[r->nfresh++];
    f->url = xstrdup(url);
    f->src = src;
    f->kind = kind;
    f->depth = depth;
}

/* After a commit: the URLs the transaction queued join the in-memory queue. */
static void take_fresh(struct run *r, int committed)
{
    for (size_t i = 0; i < r->nfresh; i++) {
        struct frontier_item fi;
        memset(&fi, 0, sizeof(fi));
        fi.url = r->fresh[i].url;
        fi.kind = r->fresh[i].kind;
        fi.depth = r->fresh[i].depth;
        if (committed)
            add_item(r, &fi, r->fresh[i].src);
        free(r->fresh[i].url);
    }
    r->nfresh = 0;
}

/* ---- transactions -------------------------------------------------------- */

/*
 * Units of work (a fetch's results, a skip, a source's end) share one
 * transaction, a batch, committed by flush(): after BATCH_MAX units, when
 * the batch is BATCH_MAX_S old, when new URLs wait to join the queue, when
 * nothing is in flight, and at the end. A kill loses the units of the open
 * batch only; their queue entries are still pending, so the next run fetches
 * them again. On a recrawl, where each unit is a 304, this turns a commit per
 * URL (WAL frames, locks, checkpoints) into one per batch.
 */
static int begin(struct run *r, struct cr_err *err)
{
    int rc;

    if (r->batch_open)
        return 0;
    rc = catalog_begin(r->c, err);
    if (rc == 0) {
        r->batch_open = 1;
        r->batch_units = 0;
        r->batch_since = progress_now();
    }
    return rc;
}

/* Commits the batch; the URLs it queued join the in-memory queue. */
static int flush(struct run *r, struct cr_err *err)
{
    int rc;

    if (!r->batch_open)
        return 0;
    rc = catalog_commit(r->c, err);
    if (rc < 0)
        catalog_rollback(r->c);
    r->batch_open = 0;
    take_fresh(r, rc == 0);
    return rc;
}

/*
 * Ends a unit of work. A failure rolls the whole batch back: it stops the
 * crawl, and the batch's URLs are still pending for the next run.
 */
static int end(struct run *r, int rc, struct cr_err *err)
{
    if (rc < 0) {
        catalog_rollback(r->c);
        r->batch_open = 0;
        take_fresh(r, 0);
        return rc;
    }
    /* URLs found must join the queue before the unit's item counts as final */
    if (++r->batch_units >= BATCH_MAX || r->nfresh > 0)
        return flush(r, err);
    return 0;
}

/* Commits the batch when it is old enough, or when the crawl is idle (idle = 1). */
static int flush_due(struct run *r, int idle, struct cr_err *err)
{
    if (!r->batch_open)
        return 0;
    if (idle || progress_now() - r->batch_since >= BATCH_MAX_S)
        return flush(r, err);
    return 0;
}

/* ---- sources ------------------------------------------------------------- */

static int finish_source(struct run *r, size_t i, int interrupted, struct cr_err *err)
{
    struct crawl_db_source row;
    int rc;

    memset(&row, 0, sizeof(row));
    rc = begin(r, err);
    if (rc == 0)
        rc = crawl_db_source_finish(r->c, r->srcs[i].id, frontier_run_id(r->fr), interrupted,
                                    &row, err);
    rc = end(r, rc, err);
    if (rc == 0)
        rc = flush(r, err); /* what is reported is committed */
    if (rc == 0) {
        r->srcs[i].finished = 1;
        if (r->o->on_source)
            r->o->on_source(&row, r->o->ctx);
    }
    crawl_db_source_release(&row);
    return rc;
}

/* An item reached a final state (done, failed, skipped). */
static int item_final(struct run *r, struct item *it, struct cr_err *err)
{
    struct src *s = &r->srcs[it->src];

    r->open--;
    r->final_items++;
    progress_update(r->bar, r->final_items, (uint64_t)r->sum->documents);
    if (--s->pending == 0 && !s->finished)
        return finish_source(r, it->src, 0, err);
    return 0;
}

static int same_site(const struct src *s, const char *url)
{
    char *site = crawl_url_site(url);
    int same = site && ((s->site && !strcmp(site, s->site)) ||
                        (s->alt_site && !strcmp(site, s->alt_site)));

    free(site);
    return same;
}

/* ---- pages ---------------------------------------------------------------- */

/* Records a document link's context with the hints read from it. */
static int put_link(struct run *r, int64_t source_id, const char *page_url, const char *url,
                    const char *anchor, const char *context, const char *heading,
                    struct cr_err *err)
{
    struct hints h;
    int rc;

    memset(&h, 0, sizeof(h));
    if (r->tax)
        (void)hints_parse(r->tax, anchor, context, heading, &h); /* a count; 0 is an answer */
    rc = crawl_db_link_put(r->c, source_id, page_url, url, anchor, context, heading,
                           r->tax ? &h : NULL, err);
    hints_release(&h);
    return rc;
}

/* Reads a stored page back (at most CR_MAX_HTML bytes). New string or NULL. */
static char *read_blob(struct run *r, const char *sha, size_t *len, struct cr_err *err)
{
    char *path = store_path(r->store, sha, "html"), *data = NULL;
    FILE *f = path ? fopen(path, "rb") : NULL;

    *len = 0;
    if (!f) {
        cr_error(err, CR_EIO, "the stored copy '%s' of the page cannot be read", sha);
        free(path);
        return NULL;
    }
    data = xmalloc(CR_MAX_HTML + 1);
    *len = fread(data, 1, CR_MAX_HTML + 1, f);
    fclose(f);
    free(path);
    return data;
}

static int queue_link(struct run *r, const struct item *it, const struct links_link *l,
                      struct cr_err *err)
{
    const struct src *s = &r->srcs[it->src];
    struct frontier_push p;
    int added = 0, rc;

    memset(&p, 0, sizeof(p));
    p.url = l->url;
    p.source_id = s->id;
    p.depth = it->depth + 1;
    p.referrer = it->url;
    p.anchor = l->anchor;
    p.context = l->context;
    p.heading = l->heading;
    if (l->doc_ext) {
        /* documents are followed wherever they are, whatever the depth */
        rc = put_link(r, s->id, it->url, l->url, l->anchor, l->context, l->heading, err);
        p.kind = FRONTIER_DOCUMENT;
    } else {
        if (it->depth + 1 > r->o->depth || crawl_url_not_page(l->url) || !same_site(s, l->url))
            return 0;
        rc = 0;
        p.kind = FRONTIER_PAGE;
    }
    if (rc == 0)
        rc = frontier_push(r->fr, &p, &added, err);
    if (rc == 0 && added)
        add_fresh(r, l->url, it->src, p.kind, p.depth);
    return rc;
}

/* Reads the links of a page (stored as sha) and queues what to follow. */
static int read_page(struct run *r, const struct item *it, const char *sha, const char *final_url,
                     struct cr_err *err)
{
    struct links_page lp;
    size_t len;
    char *html;
    int rc;

    if (!same_site(&r->srcs[it->src], final_url))
        return 0; /* the page took us off the partnership's site: read no further */
    html = read_blob(r, sha, &len, err);
    if (!html)
        return CR_EIO;
    rc = links_extract(html, len, final_url, &lp, err);
    free(html);
    for (size_t i = 0; rc == 0 && i < lp.n; i++)
        rc = queue_link(r, it, &lp.links[i], err);
    links_page_release(&lp);
    return rc;
}

/* ---- results -------------------------------------------------------------- */

/* What the handling of one result decided, recorded in its fetch row. */
struct verdict {
    const char *outcome;
    const char *state;   /* queue state: done, failed, skipped, pending (retry, next hop) */
    char *error;         /* owned: NULL on success */
    char *location;      /* owned: where a redirect points (absolute when it could be read) */
    int hop;             /* 1: the chain goes on to location */
    char sha[STORE_SHA_HEX];
    int have_sha;        /* sha holds what was stored */
    const char *format;  /* what the stored bytes are (static), NULL when nothing was */
};

static void verdict_fail(struct verdict *v, const char *outcome, char *error)
{
    v->outcome = outcome;
    v->state = "failed";
    free(v->error);
    v->error = error;
}

static int record_fetch(struct run *r, const struct item *it, const struct fetch_result *res,
                        const struct verdict *v, int64_t *fetch_id, struct cr_err *err)
{
    struct crawl_db_fetch f;

    memset(&f, 0, sizeof(f));
    f.run_id = frontier_run_id(r->fr);
    f.url = it ? it->url : res->url;
    f.final_url = res->final_url;
    f.http_status = res->status;
    f.content_type = res->content_type;
    f.bytes = (int64_t)res->body_bytes;
    f.sha256 = v->have_sha ? v->sha : NULL;
    f.etag = res->etag;
    f.last_modified = res->last_modified;
    f.location = v->location ? v->location : res->location;
    f.error = v->error;
    f.outcome = v->outcome;
    f.attempt = it ? it->attempts + 1 : 1;
    f.redirects = it ? it->hops : res->redirects;
    f.elapsed_ms = res->elapsed_ms;
    return crawl_db_fetch_add(r->c, &f, fetch_id, err);
}

/* A document's bytes: into the store and the reports, and the URL now serves them. */
static int take_document(struct run *r, const struct item *it, struct fetch_result *res,
                         const char *fmt, struct verdict *v, struct cr_err *err)
{
    struct frontier_context fc;
    int blob_new = 0, was_new = 0, changed = 0, rc;
    int64_t id = 0;
    char *name;

    rc = store_writer_commit(res->blob, fmt, v->sha, &blob_new, err);
    res->blob = NULL;
    if (rc < 0)
        return rc;
    v->have_sha = 1;
    v->format = fmt;
    name = crawl_url_name(res->final_url);
    rc = catalog_report_add(r->c, v->sha, fmt, (int64_t)res->body_bytes, name, &id, &was_new, err);
    free(name);
    if (rc == 0)
        rc = crawl_db_url_serves(r->c, it->url, id, &changed, err);
    if (rc == 0 && it->kind == FRONTIER_PAGE) {
        /* a page link that answered with a document: keep the context it was found with */
        rc = frontier_context(r->fr, it->url, &fc, err);
        if (rc == 0 && fc.referrer)
            rc = put_link(r, r->srcs[it->src].id, fc.referrer, it->url, fc.anchor, fc.context,
                          fc.heading, err);
        frontier_context_release(&fc);
    }
    v->outcome = was_new ? "new" : changed ? "changed" : "same";
    v->state = "done";
    r->sum->documents++;
    r->sum->new_documents += was_new;
    return rc;
}

static int take_page(struct run *r, const struct item *it, struct fetch_result *res,
                     struct verdict *v, struct cr_err *err)
{
    int blob_new = 0, rc;

    rc = store_writer_commit(res->blob, "html", v->sha, &blob_new, err);
    res->blob = NULL;
    if (rc < 0)
        return rc;
    v->have_sha = 1;
    v->format = "html";
    v->outcome = "page";
    v->state = "done";
    r->sum->pages++;
    if (r->o->depth >= 0)
        rc = read_page(r, it, v->sha, res->final_url, err);
    if (rc < 0 && rc != CR_EIO && rc != CR_EDB && rc != CR_EBUSY) {
        /* an unreadable page is this URL's failure, not the crawl's */
        verdict_fail(v, "failed", xstrdup(err->msg));
        rc = 0;
    }
    return rc;
}

static int says_html(const char *content_type)
{
    return content_type && (!strncasecmp(content_type, "text/html", 9) ||
                            !strncasecmp(content_type, "application/xhtml+xml", 21));
}

static int on_ok(struct run *r, struct item *it, struct fetch_result *res, struct verdict *v,
                 struct cr_err *err)
{
    const unsigned char *head = NULL;
    size_t hl = 0;
    const char *fmt;

    if (res->blob)
        head = store_writer_head(res->blob, &hl);
    fmt = sniff_format(head ? (const void *)head : "", hl);
    if (!fmt && it->kind == FRONTIER_PAGE && res->blob && says_html(res->content_type))
        fmt = "html"; /* a fragment of a page without <html>: the server's word will do */
    if (fmt && strcmp(fmt, "html"))
        return take_document(r, it, res, fmt, v, err);
    if (fmt && it->kind == FRONTIER_PAGE)
        return take_page(r, it, res, v, err);
    if (it->kind == FRONTIER_PAGE) {
        v->outcome = "not-a-page";
        v->state = "done";
        return 0;
    }
    /* a "document" that is an HTML page (an error page, a login page) or unknown bytes */
    verdict_fail(v, "not-a-document",
                 xasprintf("not a PDF or Word document: the server sent %s%s%s%s",
                           sniff_describe(head ? (const void *)head : "", hl),
                           res->content_type ? " (as '" : "",
                           res->content_type ? res->content_type : "",
                           res->content_type ? "')" : ""));
    if (fmt) {
        int64_t n = 0;
        int rc = crawl_db_url_gone(r->c, it->url, &n, err);
        if (n > 0) {
            v->outcome = "gone";
            r->sum->gone++;
        }
        return rc;
    }
    return 0;
}

static int on_not_modified(struct run *r, struct item *it, struct fetch_result *res,
                           struct verdict *v, struct cr_err *err)
{
    struct crawl_db_url u;
    int found = 0, rc;

    r->sum->not_modified++;
    v->state = "done";
    if (it->kind == FRONTIER_DOCUMENT) {
        v->outcome = "not-modified";
        r->sum->documents++;
        return crawl_db_url_unchanged(r->c, it->url, err);
    }
    rc = crawl_db_url_get(r->c, it->url, &u, &found, err);
    if (rc == 0 && found && u.format && strcmp(u.format, "html")) {
        /* a page link whose answer was a document, unchanged */
        v->outcome = "not-modified";
        r->sum->documents++;
        rc = crawl_db_url_unchanged(r->c, it->url, err);
    } else if (rc == 0 && found) {
        v->outcome = "page-not-modified";
        r->sum->pages++;
        rc = read_page(r, it, u.sha256, res->final_url, err);
        if (rc == CR_EIO) {
            verdict_fail(v, "failed", xstrdup(err->msg));
            rc = 0;
        }
    } else if (rc == 0) {
        verdict_fail(v, "failed", xstrdup("304 Not Modified to a request that was not conditional"));
    }
    crawl_db_url_release(&u);
    return rc;
}

/* Seconds before retrying: what Retry-After asks, else a backoff from the delay. */
static double retry_wait(const struct run *r, const struct item *it,
                         const struct fetch_result *res)
{
    double base = r->o->delay_s > 0.05 ? r->o->delay_s : 0.05, w = 2 * base;

    if (res->retry_after >= 0)
        return res->retry_after;
    for (int i = 1; i < it->attempts + 1; i++)
        w *= 4;
    return w;
}

static int transient(const struct fetch_result *res)
{
    if (res->fail == FETCH_TIMEOUT || res->fail == FETCH_PARTIAL || res->fail == FETCH_NET)
        return 1;
    return res->fail == FETCH_OK && (res->status == 429 || res->status >= 500);
}

static char *status_error(const struct fetch_result *res)
{
    if (res->error)
        return xstrdup(res->error);
    return xasprintf("HTTP %ld", res->status);
}

/* A transient failure: try again later, or give up when the attempts are spent. */
static void on_transient(struct run *r, struct item *it, const struct fetch_result *res,
                         struct verdict *v)
{
    double wait = retry_wait(r, it, res);

    if (it->attempts + 1 > r->o->retries) {
        verdict_fail(v, "failed", xasprintf("%s (gave up after %d attempts)",
                                            res->error ? res->error : "", it->attempts + 1));
        if (!res->error) {
            free(v->error);
            v->error = xasprintf("HTTP %ld (gave up after %d attempts)", res->status,
                                 it->attempts + 1);
        }
        return;
    }
    if (wait > CRAWL_MAX_RETRY_AFTER) {
        verdict_fail(v, "failed", xasprintf("HTTP %ld: the server asks to wait %.0f s", res->status,
                                            wait));
        return;
    }
    v->outcome = "retry";
    v->state = "pending";
    v->error = status_error(res);
    it->not_before = progress_now() + wait;
    if (res->status == 429 || res->status == 503)
        polite_back_off(it->host, it->not_before);
}

static int is_redirect(long status)
{
    return status >= 300 && status < 400 && status != 304 && status != 305 && status != 306;
}

/* 1 when the item's chain has fetched url already (or is fetching it now). */
static int in_chain(const struct item *it, const char *url)
{
    size_t len = strlen(url);

    if (!strcmp(url, it->url) || (it->hop_url && !strcmp(url, it->hop_url)))
        return 1;
    for (const char *p = it->chain; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n == len && !strncmp(p, url, len))
            return 1;
        p = nl ? nl + 1 : p + n;
    }
    return 0;
}

/*
 * A 3xx answer: the chain goes on to its Location, fetched as the item's
 * next hop through the robots.txt and the delay of the Location's host; or
 * it stops, recorded as failed, when the Location is missing, not http(s),
 * a URL the chain has fetched already, or one hop too many.
 */
static void on_redirect(const struct item *it, const struct fetch_result *res,
                        struct verdict *v)
{
    struct cr_err e;
    char *to = NULL;

    if (!res->location || !*res->location) {
        verdict_fail(v, "failed", xasprintf("HTTP %ld without a Location", res->status));
        return;
    }
    if (crawl_url_resolve(item_target(it), res->location, &to, &e) < 0) {
        v->location = xstrdup(res->location);
        verdict_fail(v, "failed", xasprintf("HTTP %ld: the redirect is not followed: %s",
                                            res->status, e.msg));
        return;
    }
    v->location = to;
    if (in_chain(it, to)) {
        verdict_fail(v, "failed", xasprintf("redirect loop: '%s' comes back after %d redirects",
                                            to, it->hops + 1));
    } else if (it->hops + 1 > CRAWL_MAX_REDIRECTS) {
        verdict_fail(v, "failed", xasprintf("more than %d redirects (a redirect loop?)",
                                            CRAWL_MAX_REDIRECTS));
    } else {
        v->outcome = "redirect";
        v->state = "pending";
        v->hop = 1;
    }
}

static int decide(struct run *r, struct item *it, struct fetch_result *res, struct verdict *v,
                  struct cr_err *err)
{
    if (res->fail == FETCH_STORE)
        return cr_error(err, CR_EIO, "'%s': %s", it->url, res->error);
    if (transient(res)) {
        on_transient(r, it, res, v);
        return 0;
    }
    if (res->fail == FETCH_TOO_BIG) {
        verdict_fail(v, "too-big", xstrdup(res->error));
        return 0;
    }
    if (res->fail != FETCH_OK) {
        verdict_fail(v, "failed", xstrdup(res->error));
        return 0;
    }
    if (res->status >= 200 && res->status < 300)
        return on_ok(r, it, res, v, err);
    if (res->status == 304)
        return on_not_modified(r, it, res, v, err);
    if (is_redirect(res->status)) {
        on_redirect(it, res, v);
        return 0;
    }
    verdict_fail(v, "failed", status_error(res));
    if (res->status == 404 || res->status == 410) {
        int64_t n = 0;
        int rc = crawl_db_url_gone(r->c, it->url, &n, err);
        if (n > 0) {
            v->outcome = "gone";
            r->sum->gone++;
        }
        return rc;
    }
    return 0;
}

static int after_item(struct run *r, struct item *it, const struct verdict *v,
                      struct cr_err *err)
{
    it->attempts++;
    if (!strcmp(v->state, "pending")) {
        polite_push(it->host, it->index);
        return 0;
    }
    if (!strcmp(v->state, "failed"))
        r->sum->failed++;
    else if (!strcmp(v->state, "skipped"))
        r->sum->skipped++;
    return item_final(r, it, err);
}

/*
 * After the hop's commit: the item fetches to next, first in line on its
 * host, once that host's robots.txt and delay allow. chain and to are taken.
 */
static void after_hop(struct run *r, struct item *it, char *chain, char *to)
{
    free(it->chain);
    free(it->hop_url);
    it->chain = chain;
    it->hop_url = to;
    it->hops++;
    it->not_before = 0;
    if (it->kind == FRONTIER_PAGE && it->depth == 0) {
        /* the source page moved: its new site is the partnership's site too */
        struct src *s = &r->srcs[it->src];
        free(s->alt_site);
        s->alt_site = crawl_url_site(to);
    }
    it->host = target_host(r, it);
    polite_push_front(it->host, it->index);
}

/* Records one item's result; returns an error only for what stops the crawl. */
static int handle_item(struct run *r, struct item *it, struct fetch_result *res,
                       struct cr_err *err)
{
    struct verdict v;
    int64_t fetch_id = 0;
    char *chain = NULL;
    int ok, rc;

    memset(&v, 0, sizeof(v));
    v.outcome = "failed";
    v.state = "failed";
    rc = begin(r, err);
    if (rc == 0)
        rc = decide(r, it, res, &v, err);
    if (rc == 0)
        rc = record_fetch(r, it, res, &v, &fetch_id, err);
    ok = !strcmp(v.state, "done") && (v.have_sha || res->status == 304);
    if (rc == 0)
        rc = crawl_db_url_put(r->c, it->url, it->kind == FRONTIER_PAGE ? "page" : "document",
                              v.hop ? v.location : res->final_url, res->status, v.error,
                              fetch_id, ok, res->status == 304 ? NULL : res->etag,
                              res->status == 304 ? NULL : res->last_modified,
                              v.have_sha ? v.sha : NULL, v.format, err);
    if (v.hop)
        chain = it->chain ? xasprintf("%s\n%s", it->chain, item_target(it))
                          : xstrdup(item_target(it));
    if (rc == 0 && v.hop)
        rc = frontier_hop(r->fr, it->url, v.location, chain, it->hops + 1, err);
    else if (rc == 0)
        rc = frontier_set(r->fr, it->url, v.state, it->attempts + 1, v.error, err);
    rc = end(r, rc, err);
    if (rc == 0 && v.hop) {
        after_hop(r, it, chain, v.location);
        chain = v.location = NULL;
    } else if (rc == 0) {
        rc = after_item(r, it, &v, err);
    }
    free(chain);
    free(v.location);
    free(v.error);
    return rc;
}

/* ---- robots.txt ------------------------------------------------------------ */

static struct robots *robots_for(long status, const char *body, size_t len)
{
    if (status >= 200 && status < 300)
        return robots_parse(body, len, AGENT_TOKEN);
    if (status >= 400 && status < 500 && status != 429)
        return robots_allow_all(); /* RFC 9309 2.3.1.3: unavailable */
    return robots_unreachable();   /* 2.3.1.4: 5xx, 429, no answer */
}

static int handle_robots(struct run *r, struct polite_host *h, struct fetch_result *res,
                         struct cr_err *err)
{
    struct verdict v;
    int64_t id = 0;
    int rc;

    memset(&v, 0, sizeof(v));
    v.outcome = "robots";
    if (res->fail != FETCH_OK)
        v.error = xstrdup(res->error);
    polite_set_robots(r->pol, h,
                      robots_for(res->fail == FETCH_OK ? res->status : 0, buf_str(&res->memory),
                                 res->memory.len));
    free(h->robots_error);
    h->robots_error = NULL;
    if (res->fail != FETCH_OK)
        h->robots_error = xasprintf("robots.txt could not be fetched (%s), so the site is left "
                                    "alone (RFC 9309)", res->error);
    else if (res->status >= 500 || res->status == 429)
        h->robots_error = xasprintf("robots.txt answered HTTP %ld, so the site is left alone "
                                    "(RFC 9309)", res->status);
    rc = begin(r, err);
    if (rc == 0)
        rc = record_fetch(r, NULL, res, &v, &id, err);
    /* unreachable files are asked again next time; answers are kept a day */
    if (rc == 0 && res->fail == FETCH_OK && res->status < 500 && res->status != 429)
        rc = crawl_db_robots_put(r->c, h->origin, res->status, buf_str(&res->memory), err);
    free(v.error);
    return end(r, rc, err);
}

/*
 * A job under way: it lives in the run's list until drained, so that a run
 * that stops with fetches in flight (a failed commit, an interruption) still
 * frees every one.
 */
static struct job *job_new(struct run *r)
{
    struct job *j = xcalloc(1, sizeof(*j));

    j->next = r->jobs;
    if (r->jobs)
        r->jobs->prev = j;
    r->jobs = j;
    return j;
}

static void job_free(struct run *r, struct job *j)
{
    if (j->prev)
        j->prev->next = j->next;
    else
        r->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    free(j);
}

/* Uses a cached robots.txt if there is one; else starts fetching it. */
static int start_robots(struct run *r, struct polite_host *h, struct cr_err *err)
{
    struct fetch_req q;
    struct job *j;
    char *body = NULL, *url;
    long status = 0;
    int found = 0, rc;

    rc = crawl_db_robots_get(r->c, h->origin, CRAWL_ROBOTS_MAX_AGE, &found, &status, &body, err);
    if (rc < 0)
        return rc;
    if (found) {
        polite_set_robots(r->pol, h, robots_for(status, body, strlen(body)));
        free(body);
        return 0;
    }
    url = xasprintf("%s/robots.txt", h->origin);
    j = job_new(r);
    j->host = h;
    memset(&q, 0, sizeof(q));
    q.url = url;
    q.to_memory = 1;
    q.max_redirects = ROBOTS_MAX_REDIRECTS;
    q.user = j;
    rc = fetch_start(r->fetch, &q, err);
    free(url);
    if (rc < 0) {
        job_free(r, j);
        return rc;
    }
    h->robots_state = POLITE_ROBOTS_FETCHING;
    polite_begin(h);
    r->sum->fetches++;
    return 0;
}

/* ---- scheduling ----------------------------------------------------------- */

static int skip_item(struct run *r, struct item *it, const char *why, struct cr_err *err)
{
    int rc = begin(r, err);

    if (rc == 0)
        rc = frontier_set(r->fr, it->url, "skipped", it->attempts, why, err);
    rc = end(r, rc, err);
    if (rc == 0) {
        r->sum->skipped++;
        rc = item_final(r, it, err);
    }
    return rc;
}

static int start_item(struct run *r, struct item *it, struct cr_err *err)
{
    struct crawl_db_url u;
    struct fetch_req q;
    struct job *j;
    int found = 0, rc;

    rc = crawl_db_url_get(r->c, it->url, &u, &found, err);
    if (rc < 0)
        return rc;
    j = job_new(r);
    j->item = it;
    j->host = it->host;
    memset(&q, 0, sizeof(q));
    q.url = item_target(it);
    /* the validators of the answer the chain ended with last time, sent at every hop */
    q.etag = found ? u.etag : NULL;
    q.last_modified = found ? u.last_modified : NULL;
    q.user = j;
    rc = fetch_start(r->fetch, &q, err);
    crawl_db_url_release(&u);
    if (rc < 0) {
        job_free(r, j);
        return rc;
    }
    polite_begin(it->host);
    r->sum->fetches++;
    return 0;
}

/*
 * The next item of h that is due, moved to the front of its queue; items
 * waiting for a retry time rotate to the back. 0 when none is due.
 */
static int due_item(struct run *r, struct polite_host *h, double now, struct item **out)
{
    size_t n = polite_waiting(h), idx;

    for (size_t k = 0; k < n && polite_peek(h, &idx); k++) {
        if (r->items[idx]->not_before <= now) {
            *out = r->items[idx];
            return 1;
        }
        polite_pop(h);
        polite_push(h, idx);
    }
    return 0;
}

/* Starts what may start now on host h. */
static int schedule_host(struct run *r, struct polite_host *h, double now, struct cr_err *err)
{
    struct item *it;
    char *path;
    int rc = 0;

    if (h->busy || polite_waiting(h) == 0)
        return 0;
    if (h->robots_state == POLITE_ROBOTS_UNKNOWN) {
        if (!polite_ready(h, now))
            return 0;
        rc = start_robots(r, h, err);
        if (rc < 0 || h->busy)
            return rc;
    }
    if (h->robots_state != POLITE_ROBOTS_READY || !polite_ready(h, now))
        return 0;
    while (rc == 0 && due_item(r, h, now, &it)) {
        const char *why;
        char *msg = NULL;
        polite_pop(h);
        path = crawl_url_path(item_target(it));
        if (robots_allowed(h->robots, path)) {
            free(path);
            return start_item(r, it, err);
        }
        free(path);
        why = h->robots_error ? h->robots_error : "disallowed by robots.txt";
        if (it->hop_url)
            msg = xasprintf("redirected to '%s': %s", it->hop_url, why);
        rc = skip_item(r, it, msg ? msg : why, err);
        free(msg);
    }
    return rc;
}

static int schedule(struct run *r, struct cr_err *err)
{
    double now = progress_now();
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < polite_count(r->pol); i++) {
        if (fetch_running(r->fetch) >= r->o->parallel)
            break;
        rc = schedule_host(r, polite_at(r->pol, i), now, err);
    }
    return rc;
}

/* Milliseconds until some waiting work may start (POLL_MAX_MS at most). */
static int next_wait_ms(struct run *r)
{
    double now = progress_now(), soonest = now + POLL_MAX_MS / 1000.0;

    for (size_t i = 0; i < polite_count(r->pol); i++) {
        struct polite_host *h = polite_at(r->pol, i);
        size_t idx;
        if (h->busy || !polite_peek(h, &idx))
            continue;
        double t = h->next_at > r->items[idx]->not_before ? h->next_at : r->items[idx]->not_before;
        if (t < soonest)
            soonest = t;
    }
    return soonest <= now ? 0 : (int)((soonest - now) * 1000) + 1;
}

static int drain(struct run *r, struct cr_err *err)
{
    struct fetch_result res;
    int rc = 0;

    while (rc == 0 && fetch_next(r->fetch, &res)) {
        struct job *j = res.user;
        r->sum->body_bytes += res.body_bytes;
        if (j->item)
            rc = handle_item(r, j->item, &res, err);
        else
            rc = handle_robots(r, j->host, &res, err);
        /* after handling: robots.txt may just have set the delay that applies */
        polite_end(j->host, progress_now());
        if (rc < 0)
            cr_err_prefix(err, "'%s'", res.url);
        fetch_result_release(&res);
        job_free(r, j);
    }
    return rc;
}

/* ---- the run ----------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The run's identity: a hash of its sorted seed URLs. New string. */
static char *seeds_key(const struct crawl_source_list *list)
{
    struct buf b = BUF_INIT;
    char **urls = xcalloc(list->n + 1, sizeof(*urls)), sha[STORE_SHA_HEX];

    for (size_t i = 0; i < list->n; i++)
        urls[i] = list->v[i].url;
    qsort(urls, list->n, sizeof(*urls), cmp_str);
    for (size_t i = 0; i < list->n; i++) {
        buf_addstr(&b, urls[i]);
        buf_addch(&b, '\n');
    }
    store_hash_mem(buf_str(&b), b.len, sha);
    buf_release(&b);
    free(urls);
    return xstrdup(sha);
}

/* Where the source page redirected in an earlier fetch, as a site. New or NULL. */
static char *redirected_site(struct run *r, const char *url)
{
    sqlite3_stmt *st = NULL;
    char *site = NULL;

    if (catalog_prepare(r->c, "SELECT final_url FROM crawl_urls WHERE url = ?", &st, NULL) < 0)
        return NULL;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        site = crawl_url_site((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return site;
}

static int put_sources(struct run *r, const struct crawl_source_list *list, struct cr_err *err)
{
    int rc = begin(r, err);

    r->srcs = xcalloc(list->n ? list->n : 1, sizeof(*r->srcs));
    for (size_t i = 0; rc == 0 && i < list->n; i++) {
        struct src *s = &r->srcs[r->nsrcs++];
        s->def = &list->v[i];
        s->site = crawl_url_site(s->def->url);
        rc = crawl_db_source_put(r->c, s->def->url, s->def->name, s->def->nation, r->o->origin,
                                 &s->id, err);
    }
    rc = end(r, rc, err);
    return rc < 0 ? rc : flush(r, err);
}

/* A new run: each source page, then every document its past crawls found. */
static int push_seeds(struct run *r, struct cr_err *err)
{
    int rc = begin(r, err);

    for (size_t i = 0; rc == 0 && i < r->nsrcs; i++) {
        struct frontier_push p;
        int64_t n = 0;
        int added = 0;
        memset(&p, 0, sizeof(p));
        p.url = r->srcs[i].def->url;
        p.source_id = r->srcs[i].id;
        p.kind = FRONTIER_PAGE;
        rc = frontier_push(r->fr, &p, &added, err);
        if (rc == 0)
            rc = frontier_push_known(r->fr, r->srcs[i].id, &n, err);
    }
    rc = end(r, rc, err);
    return rc < 0 ? rc : flush(r, err);
}

static char *options_text(const struct crawl_opts *o)
{
    return xasprintf("depth=%d delay=%g max-size=%llu timeout=%ld connect-timeout=%ld retries=%d",
                     o->depth, o->delay_s, (unsigned long long)o->max_bytes, o->timeout_ms / 1000,
                     o->connect_timeout_ms / 1000, o->retries);
}

static int prepare(struct run *r, const struct crawl_source_list *list, struct cr_err *err)
{
    struct fetch_opts fo;
    char *key, *opts, *agent = NULL;
    int resumed = 0, rc;

    rc = put_sources(r, list, err);
    if (rc < 0)
        return rc;
    if (taxonomy_load_default(&r->tax, err) < 0) {
        /* the crawl is still worth doing: links are kept, hints derived later */
        log_warn("no link hints this time: %s", err->msg);
        cr_err_clear(err);
        r->tax = NULL;
    }
    key = seeds_key(list);
    opts = options_text(r->o);
    rc = frontier_open(&r->fr, r->c, key, opts, &resumed, err);
    free(key);
    free(opts);
    if (rc < 0)
        return rc;
    r->sum->resumed = resumed;
    r->sum->run_id = frontier_run_id(r->fr);
    if (!resumed)
        rc = push_seeds(r, err);
    for (size_t i = 0; rc == 0 && i < r->nsrcs; i++)
        r->srcs[i].alt_site = redirected_site(r, r->srcs[i].def->url);
    if (rc == 0)
        rc = frontier_pending(r->fr, load_item, r, err);
    if (rc < 0)
        return rc;
    memset(&fo, 0, sizeof(fo));
    if (!r->o->user_agent)
        agent = xasprintf("%s/%s", AGENT_TOKEN, CASEREVIEW_VERSION);
    fo.user_agent = r->o->user_agent ? r->o->user_agent : agent;
    fo.connect_timeout_ms = r->o->connect_timeout_ms;
    fo.timeout_ms = r->o->timeout_ms;
    fo.max_bytes = r->o->max_bytes;
    rc = fetch_new(&r->fetch, r->store, &fo, err);
    r->agent = agent; /* the engine borrows it */
    return rc;
}

static int loop(struct run *r, struct cr_err *err)
{
    int rc = 0;

    /* sources with nothing left (all done before an interruption) finish now */
    for (size_t i = 0; rc == 0 && i < r->nsrcs; i++)
        if (r->srcs[i].pending == 0)
            rc = finish_source(r, i, 0, err);
    while (rc == 0 && (r->open > 0 || fetch_running(r->fetch) > 0)) {
        if (r->o->stop && *r->o->stop)
            return CR_EINTR;
        rc = schedule(r, err);
        /* nothing in flight: the crawl waits for a delay, the batch need not */
        if (rc == 0)
            rc = flush_due(r, fetch_running(r->fetch) == 0, err);
        if (rc == 0)
            rc = fetch_poll(r->fetch, next_wait_ms(r), err);
        if (rc == 0)
            rc = drain(r, err);
        if (rc == 0)
            rc = flush_due(r, 0, err);
    }
    return rc;
}

static void release(struct run *r)
{
    if (r->batch_open)
        catalog_rollback(r->c);
    fetch_free(r->fetch); /* abandons what is in flight: its jobs are freed here */
    while (r->jobs)
        job_free(r, r->jobs);
    frontier_free(r->fr);
    polite_free(r->pol);
    for (size_t i = 0; i < r->nitems; i++) {
        free(r->items[i]->url);
        free(r->items[i]->hop_url);
        free(r->items[i]->chain);
        free(r->items[i]);
    }
    free(r->items);
    for (size_t i = 0; i < r->nsrcs; i++) {
        free(r->srcs[i].site);
        free(r->srcs[i].alt_site);
    }
    free(r->srcs);
    take_fresh(r, 0);
    free(r->fresh);
    progress_free(r->bar);
    free(r->agent);
    taxonomy_free(r->tax);
}

int crawl_run(struct catalog *c, struct store *s, const struct crawl_source_list *list,
              const struct crawl_opts *o, struct crawl_summary *sum, struct cr_err *err)
{
    struct run r;
    double t0 = progress_now();
    int rc;

    memset(sum, 0, sizeof(*sum));
    memset(&r, 0, sizeof(r));
    r.c = c;
    r.store = s;
    r.o = o;
    r.sum = sum;
    r.pol = polite_new(o->delay_s);
    r.bar = progress_new("crawl", 0, "URLs", "documents");
    rc = prepare(&r, list, err);
    if (rc == 0)
        rc = loop(&r, err);
    if (rc == 0) {
        rc = begin(&r, err);
        if (rc == 0)
            rc = frontier_finish(r.fr, err);
        rc = end(&r, rc, err);
        if (rc == 0)
            rc = flush(&r, err);
    } else if (r.fr) {
        struct cr_err ignored;
        /* what is done is kept (a failed unit has rolled its batch back already) */
        if (flush(&r, &ignored) < 0)
            log_warn("the last results of this crawl were not recorded: %s", ignored.msg);
        /* the run stays resumable; say where each unfinished source stands */
        sum->interrupted = rc == CR_EINTR;
        for (size_t i = 0; i < r.nsrcs; i++)
            if (!r.srcs[i].finished)
                (void)finish_source(&r, i, 1, &ignored); /* best effort: rc says the rest */
        if (rc == CR_EINTR)
            cr_error(err, CR_EINTR, "interrupted");
    }
    sum->seconds = progress_now() - t0;
    release(&r);
    return rc;
}
