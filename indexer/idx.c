#include "indexer/idx.h"

/*
 * The index run. Extraction events arrive from the worker pool into one
 * struct idx_report per job; when a job finishes, the report is described
 * and written to the (uncommitted) index, and queued as a "mark". Every
 * BATCH_PAGES pages or BATCH_SECONDS seconds the index is committed, then
 * the marks are written to the catalogue in one transaction: the catalogue
 * never claims more than the index holds.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "indexer/extract.h"
#include "indexer/idx_doc.h"
#include "indexer/meta.h"
#include "indexer/report.h"
#include "lib/caps.h"
#include "lib/ixschema.h"
#include "lib/log.h"
#include "lib/progress.h"
#include "lib/store.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"
#include "lib/xdb.h"

#define BATCH_PAGES 2000
#define BATCH_SECONDS 20.0
#define MAX_LINES 600
#define NOTEXT_CHARS_PER_PAGE 10
#define META_INDEX_ID "index_id"
/* compact after a run that wrote at least this many pages and a quarter of the index */
#define COMPACT_MIN_PAGES 1000

/* What the catalogue must record once the index has committed. */
struct mark {
    int64_t id;
    int64_t gen;
    int pages;
    char *title;           /* owned; NULL for a failure */
    struct meta_fields *meta; /* owned; NULL for a failure */
    char *reason, *detail; /* owned; NULL for a success */
};

struct run {
    const struct idx_opts *o;
    struct catalog *c;
    struct taxonomy *tax;        /* the vocabulary for metadata and tags; owned */
    struct xdb *db;
    struct idx_summary *s;
    struct idx_report *reports;  /* one per job */
    size_t nreports;
    struct mark *marks;
    size_t nmarks, marks_alloc;
    char **removed;              /* sha256s deleted from the index this run; owned */
    size_t nremoved, removed_alloc;
    int64_t batch_pages;
    int64_t batch_max;           /* pages per commit: BATCH_PAGES, or the test knob */
    double last_commit;
    int64_t done, pages_done;
    struct progress *bar;
    int fatal;                   /* an index write failed: stop the run */
    struct cr_err fatal_err;
    volatile int stop;           /* set on a fatal error, or mirrors o->stop */
};

void idx_report_release(struct idx_report *r)
{
    catalog_report_release(&r->cat);
    free(r->path);
    for (int i = 0; i < r->npages; i++)
        free(r->pages[i].text);
    free(r->pages);
    for (size_t i = 0; i < r->nlines; i++)
        free(r->lines[i].text);
    free(r->lines);
    free(r->info.title);
    free(r->info.author);
    free(r->info.subject);
    free(r->info.keywords);
    free(r->info.creator);
    free(r->info.producer);
    free(r->info.created);
    free(r->info.modified);
    memset(r, 0, sizeof(*r));
}

size_t idx_report_visible_chars(const struct idx_report *r)
{
    size_t n = 0;

    for (int i = 0; i < r->npages; i++)
        for (const char *p = r->pages[i].text; *p; p++)
            if (!isspace((unsigned char)*p))
                n++;
    return n;
}

void idx_summary_release(struct idx_summary *s)
{
    for (size_t i = 0; i < s->nfailures; i++) {
        free(s->failures[i].name);
        free(s->failures[i].reason);
        free(s->failures[i].detail);
    }
    free(s->failures);
    memset(s, 0, sizeof(*s));
}

static void add_failure(struct idx_summary *s, const struct idx_report *r, const char *reason,
                        const char *detail)
{
    struct idx_failure *f;

    s->failures = xgrow(s->failures, sizeof(*s->failures), s->nfailures + 1, &s->failures_alloc);
    f = &s->failures[s->nfailures++];
    f->id = r->cat.id;
    f->name = xstrdup(r->cat.name ? r->cat.name : r->cat.sha256);
    f->reason = xstrdup(reason);
    f->detail = xstrdup(detail ? detail : "");
    s->failed++;
}

static struct mark *queue_mark(struct run *run, const struct idx_report *r, const char *title,
                               const char *reason, const char *detail)
{
    struct mark *m;

    run->marks = xgrow(run->marks, sizeof(*run->marks), run->nmarks + 1, &run->marks_alloc);
    m = &run->marks[run->nmarks++];
    memset(m, 0, sizeof(*m));
    m->id = r->cat.id;
    m->gen = r->cat.content_gen;
    m->pages = r->npages;
    m->title = title ? xstrdup(title) : NULL;
    m->reason = reason ? xstrdup(reason) : NULL;
    m->detail = detail ? xstrdup(detail) : NULL;
    m->meta = NULL;
    return m;
}

static void free_marks(struct run *run)
{
    for (size_t i = 0; i < run->nmarks; i++) {
        free(run->marks[i].title);
        free(run->marks[i].reason);
        free(run->marks[i].detail);
        meta_fields_release(run->marks[i].meta);
        free(run->marks[i].meta);
    }
    run->nmarks = 0;
}

/* Commits the index, then records the batch in the catalogue. */
static int commit(struct run *run, struct cr_err *err)
{
    int rc = xdb_commit(run->db, err);

    if (rc < 0)
        return rc;
    rc = catalog_begin(run->c, err);
    for (size_t i = 0; rc == 0 && i < run->nmarks; i++) {
        struct mark *m = &run->marks[i];
        if (m->reason)
            rc = catalog_report_mark_failed(run->c, m->id, m->gen, m->reason, m->detail, err);
        else
            rc = catalog_report_mark_indexed(run->c, m->id, m->gen, m->pages, m->title, err);
        if (rc == 0 && m->meta)
            rc = meta_store(run->c, m->id, m->meta, err);
    }
    if (rc == 0)
        rc = catalog_commit(run->c, err);
    if (rc < 0)
        catalog_rollback(run->c);
    free_marks(run);
    run->batch_pages = 0;
    run->last_commit = progress_now();
    return rc;
}

static void set_fatal(struct run *run, const struct cr_err *e)
{
    if (run->fatal)
        return;
    run->fatal = 1;
    run->fatal_err = *e;
    run->stop = 1;
}

static void fail_report(struct run *run, struct idx_report *r, const char *reason,
                        const char *detail)
{
    struct cr_err e;

    add_failure(run->s, r, reason, detail);
    /* a report that no longer reads must not keep stale pages in the index */
    if (idx_doc_delete(run->db, r->cat.sha256, &e) < 0) {
        set_fatal(run, &e);
        return;
    }
    queue_mark(run, r, NULL, reason, detail);
}

static void index_report(struct run *run, struct idx_report *r)
{
    struct meta_fields f;
    struct mark *m;
    struct cr_err e;
    int rc;

    cr_err_clear(&e);
    rc = meta_derive(run->c, run->tax, r, &f, &e);
    if (rc == 0)
        rc = idx_doc_write(run->db, r, &f, &e);
    if (rc < 0) {
        cr_err_prefix(&e, "'%s'", r->cat.name);
        set_fatal(run, &e);
        meta_fields_release(&f);
        return;
    }
    m = queue_mark(run, r, f.v[META_TITLE], NULL, NULL);
    m->meta = xmalloc(sizeof(*m->meta));
    *m->meta = f; /* the mark owns the fields until the catalogue has them */
    run->s->indexed++;
    run->s->pages += r->npages;
    run->batch_pages += r->npages;
}

static void ev_meta(void *job, const char *key, const char *value)
{
    struct idx_info *in = &((struct idx_report *)job)->info;
    char **slot = NULL;

    if (!strcmp(key, "title"))
        slot = &in->title;
    else if (!strcmp(key, "author"))
        slot = &in->author;
    else if (!strcmp(key, "subject"))
        slot = &in->subject;
    else if (!strcmp(key, "keywords"))
        slot = &in->keywords;
    else if (!strcmp(key, "creator"))
        slot = &in->creator;
    else if (!strcmp(key, "producer"))
        slot = &in->producer;
    else if (!strcmp(key, "created"))
        slot = &in->created;
    else if (!strcmp(key, "modified"))
        slot = &in->modified;
    if (!slot)
        return;
    free(*slot);
    *slot = xstrdup(value);
}

static void ev_line(void *job, int page, double size, const char *text, size_t len)
{
    struct idx_report *r = job;
    struct idx_line *l;

    if (r->nlines >= MAX_LINES)
        return;
    r->lines = xgrow(r->lines, sizeof(*r->lines), r->nlines + 1, &r->lines_alloc);
    l = &r->lines[r->nlines++];
    l->page = page;
    l->size = size;
    l->text = xstrndup(text, len);
}

static void ev_page(void *job, int page, const char *text, size_t len)
{
    struct idx_report *r = job;

    if (page < 1 || page > CR_MAX_PAGES || r->over_cap)
        return;
    if (r->text_bytes + len > CR_MAX_REPORT_TEXT) {
        r->over_cap = 1;
        return;
    }
    r->pages = xgrow(r->pages, sizeof(*r->pages), (size_t)page, &r->pages_alloc);
    while (r->npages < page) {
        r->pages[r->npages].text = xstrdup("");
        r->pages[r->npages++].len = 0;
    }
    free(r->pages[page - 1].text);
    r->pages[page - 1].text = xstrndup(text, len);
    /* control characters would break snippet markers and terminals: make them spaces */
    for (char *p = r->pages[page - 1].text; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
            *p = ' ';
    r->pages[page - 1].len = strlen(r->pages[page - 1].text);
    r->text_bytes += len;
}

static struct run *current; /* the run whose events the pool is delivering */

static void ev_finished(void *job, int pages, const char *reason, const char *detail)
{
    struct run *run = current;
    struct idx_report *r = job;
    char msg[256];
    struct cr_err e;

    if (run->fatal) {
        idx_report_release(r);
        return;
    }
    if (reason) {
        fail_report(run, r, reason, detail);
    } else if (r->over_cap) {
        snprintf(msg, sizeof(msg), "the text is larger than %u MB", CR_MAX_REPORT_TEXT >> 20);
        fail_report(run, r, EXTRACT_R_TOOBIG, msg);
    } else if (r->npages != pages) {
        snprintf(msg, sizeof(msg), "the worker sent %d of %d pages", r->npages, pages);
        fail_report(run, r, EXTRACT_R_CRASHED, msg);
    } else if (idx_report_visible_chars(r) < (size_t)pages * NOTEXT_CHARS_PER_PAGE) {
        fail_report(run, r, EXTRACT_R_NOTEXT,
                    "the PDF has no text layer (scanned pages?); casereview does not read "
                    "text from images");
    } else {
        index_report(run, r);
    }
    run->done++;
    run->pages_done += pages;
    progress_update(run->bar, (uint64_t)run->done, (uint64_t)run->pages_done);
    idx_report_release(r);
    if (!run->fatal && (run->batch_pages >= run->batch_max ||
                        progress_now() - run->last_commit >= BATCH_SECONDS)) {
        cr_err_clear(&e);
        if (commit(run, &e) < 0)
            set_fatal(run, &e);
    }
    if (run->o->stop && *run->o->stop)
        run->stop = 1;
}

struct collect {
    struct run *run;
    struct store *store;
    size_t alloc;
};

static int collect_pending(const struct catalog_report *cr, void *ctx)
{
    struct collect *cl = ctx;
    struct run *run = cl->run;
    struct idx_report *r;

    run->reports = xgrow(run->reports, sizeof(*run->reports), run->nreports + 1, &cl->alloc);
    r = &run->reports[run->nreports++];
    memset(r, 0, sizeof(*r));
    r->cat = *cr;
    r->cat.format = xstrdup(cr->format);
    r->cat.added_at = cr->added_at ? xstrdup(cr->added_at) : NULL;
    r->cat.name = cr->name ? xstrdup(cr->name) : NULL;
    r->cat.state = cr->state ? xstrdup(cr->state) : NULL;
    r->cat.fail_reason = NULL;
    r->cat.fail_detail = NULL;
    r->cat.title = NULL;
    r->path = store_path(cl->store, cr->sha256, cr->format);
    return 0;
}

static int remove_one(const char *sha, void *ctx)
{
    struct run *run = ctx;
    struct cr_err e;

    if (idx_doc_delete(run->db, sha, &e) < 0) {
        set_fatal(run, &e);
        return 1;
    }
    run->removed = xgrow(run->removed, sizeof(*run->removed), run->nremoved + 1,
                         &run->removed_alloc);
    run->removed[run->nremoved++] = xstrdup(sha);
    run->s->removed++;
    return 0;
}

static int finish_removals(struct run *run, struct cr_err *err)
{
    int rc = catalog_begin(run->c, err);

    /* the index committed these deletions; removals queued since then stay queued */
    for (size_t i = 0; rc == 0 && i < run->nremoved; i++)
        rc = catalog_removal_done(run->c, run->removed[i], err);
    if (rc == 0)
        rc = catalog_commit(run->c, err);
    if (rc < 0)
        catalog_rollback(run->c);
    return rc;
}

/*
 * 1 in *present when the index exists and is the one the catalogue
 * describes; then 1 in *old when its layout is older than lib/ixschema.h's.
 */
static int index_present(const struct home *h, struct catalog *c, int *present, int *old,
                         struct cr_err *err)
{
    char *want = NULL, *have = NULL, *version = NULL;
    struct xdb *db = NULL;
    struct cr_err e;
    int rc;

    *present = 0;
    *old = 0;
    rc = catalog_meta_get(c, META_INDEX_ID, &want, err);
    if (rc < 0 || !want)
        return rc;
    if (xdb_open(&db, h->index, 0, &e) == 0 && xdb_get_metadata(db, IX_META_ID, &have, &e) == 0)
        *present = !strcmp(have, want);
    if (*present && xdb_get_metadata(db, IX_META_VERSION, &version, &e) == 0)
        *old = atoi(version) < atoi(IX_FORMAT_VERSION);
    xdb_close(db);
    free(version);
    free(have);
    free(want);
    return 0;
}

/* A random id for a new index (the catalogue records it; compaction keeps it). */
static void new_index_id(char *out, size_t n)
{
    unsigned char b[8] = {0};
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(b, 1, sizeof(b), f) : 0;

    if (f)
        fclose(f);
    if (got != sizeof(b)) {
        /* no /dev/urandom: time and pid still tell two indexes apart */
        unsigned long long t = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
        memcpy(b, &t, sizeof(b));
    }
    snprintf(out, n, "%02x%02x%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
             b[7]);
}

/* Prepares the index for writing: opens it, or (re)creates it and requeues every report. */
/*
 * Puts an empty index with this id at h->index. It is made beside the old
 * one (index.new) and swapped in with one atomic rename: Xapian's overwrite
 * truncates the old tables in place, and an index run killed then left an
 * index no reader could open ("EOF reading block 0"). Now a kill at any
 * moment leaves a whole index there, the old or the new.
 */
static int fresh_index(const struct home *h, const char *id, struct cr_err *err)
{
    char *tmp = xasprintf("%s.new", h->index);
    struct xdb *db = NULL;
    int rc = home_remove_tree(tmp, err);

    if (rc == 0)
        rc = xdb_open(&db, tmp, XDB_WRITE | XDB_CREATE, err);
    if (rc == 0)
        rc = xdb_set_metadata(db, IX_META_VERSION, IX_FORMAT_VERSION, err);
    if (rc == 0)
        rc = xdb_set_metadata(db, IX_META_ID, id, err);
    if (rc == 0)
        rc = xdb_commit(db, err);
    xdb_close(db); /* Xapian keeps paths: the swap below must find it closed */
    if (rc == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, h->index, RENAME_EXCHANGE) < 0) {
        if (errno != ENOENT)
            rc = cr_error(err, CR_EIO, "cannot swap '%s' and '%s': %s", tmp, h->index,
                          strerror(errno));
        else if (rename(tmp, h->index) < 0) /* no index yet */
            rc = cr_error(err, CR_EIO, "cannot rename '%s' to '%s': %s", tmp, h->index,
                          strerror(errno));
    }
    /* tmp now holds the old index, if there was one */
    if (rc == 0)
        rc = home_remove_tree(tmp, err);
    free(tmp);
    return rc;
}

static int open_index(const struct home *h, struct run *run, int rebuild, struct cr_err *err)
{
    char id[32];
    int rc;

    if (!rebuild)
        return xdb_open(&run->db, h->index, XDB_WRITE | XDB_CREATE, err);
    run->s->rebuilt = run->o->rebuild;
    /* requeue first: killed after this, the next run indexes everything again */
    rc = catalog_begin(run->c, err);
    if (rc == 0)
        rc = catalog_reports_invalidate(run->c, 0, err);
    if (rc == 0)
        rc = catalog_exec(run->c, "DELETE FROM index_removals", err);
    if (rc == 0)
        rc = catalog_commit(run->c, err);
    if (rc < 0) {
        catalog_rollback(run->c);
        return rc;
    }
    new_index_id(id, sizeof(id));
    rc = fresh_index(h, id, err);
    if (rc == 0)
        rc = xdb_open(&run->db, h->index, XDB_WRITE, err);
    if (rc == 0)
        rc = catalog_meta_set(run->c, META_INDEX_ID, id, err);
    return rc;
}

/*
 * Packs the index after a large run: a fresh glass database fills its B-tree
 * blocks about half, and compaction roughly halves the positions and postings.
 * The compacted copy replaces the index in one atomic rename (RENAME_EXCHANGE),
 * so readers see the old or the new, never neither. A failure here costs
 * disk space only.
 */
static void compact(const struct home *h, const struct idx_summary *s)
{
    int64_t written = s->pages + s->upgraded_pages;
    char *tmp = xasprintf("%s.compact", h->index);
    struct xdb *db = NULL;
    struct cr_err e;
    uint32_t docs = 0;
    int rc;

    cr_err_clear(&e);
    if (written < COMPACT_MIN_PAGES)
        goto out;
    if (xdb_open(&db, h->index, 0, &e) < 0 || xdb_doc_count(db, &docs, &e) < 0)
        goto fail;
    xdb_close(db);
    db = NULL;
    if ((uint64_t)written * 4 < docs)
        goto out;
    rc = home_remove_tree(tmp, &e);
    if (rc == 0)
        rc = xdb_compact(h->index, tmp, &e);
    if (rc == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, h->index, RENAME_EXCHANGE) < 0)
        rc = cr_error(&e, CR_EIO, "cannot swap '%s' and '%s': %s", tmp, h->index,
                      strerror(errno));
    if (rc < 0)
        goto fail;
    /* tmp now holds the old index */
    if (home_remove_tree(tmp, &e) == 0)
        goto out;
fail:
    log_warn("could not compact the index (it works, but takes more space): %s", e.msg);
    if (home_remove_tree(tmp, &e) < 0)
        log_warn("%s", e.msg);
out:
    xdb_close(db);
    free(tmp);
}

/* CPU used by the indexer itself and by its (reaped) workers, for CASEREVIEW_DEBUG. */
static void log_cpu(void)
{
    struct rusage self, kids;

    if (log_get_level() < LOG_DEBUG || getrusage(RUSAGE_SELF, &self) < 0 ||
        getrusage(RUSAGE_CHILDREN, &kids) < 0)
        return;
    log_debug("cpu: indexer %.2f s user %.2f s sys; workers %.2f s user %.2f s sys; "
              "indexer peak rss %ld KB, workers peak rss %ld KB",
              self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6,
              self.ru_stime.tv_sec + self.ru_stime.tv_usec / 1e6,
              kids.ru_utime.tv_sec + kids.ru_utime.tv_usec / 1e6,
              kids.ru_stime.tv_sec + kids.ru_stime.tv_usec / 1e6, self.ru_maxrss, kids.ru_maxrss);
}

/*
 * Pages per commit. CASEREVIEW_BATCH_PAGES (tests only) makes batches small,
 * so that a test that kills index runs finds commits to land between.
 */
static int64_t batch_max(void)
{
    const char *e = getenv("CASEREVIEW_BATCH_PAGES");
    long n = e ? strtol(e, NULL, 10) : 0;

    return n > 0 ? n : BATCH_PAGES;
}

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (unsigned)n : 1;
}

static int count_failed(struct catalog *c, int64_t *n, struct cr_err *err)
{
    return catalog_query_int64(c, "SELECT count(*) FROM reports WHERE state = 'failed'", n, err);
}

/* Runs the extraction of every pending report. */
static int extract_all(struct run *run, struct store *store, struct cr_err *err)
{
    struct extract_events ev = {ev_meta, ev_line, ev_page, ev_finished};
    struct extract_pool_opts po = {0};
    struct extract_pool *pool = NULL;
    struct extract_job *jobs = NULL;
    struct collect cl = {run, store, 0};
    char *worker = NULL;
    size_t njobs = 0;
    int rc;

    rc = catalog_reports_pending(run->c, collect_pending, &cl, err);
    if (rc < 0)
        return rc;
    jobs = xcalloc(run->nreports ? run->nreports : 1, sizeof(*jobs));
    run->bar = progress_new("index", run->nreports, "reports", "pages");
    for (size_t i = 0; i < run->nreports; i++) {
        struct idx_report *r = &run->reports[i];
        if (strcmp(r->cat.format, "pdf")) {
            char msg[128];
            snprintf(msg, sizeof(msg), "'%s' files are kept in the store but not indexed yet",
                     r->cat.format);
            fail_report(run, r, EXTRACT_R_UNSUPPORTED, msg);
            idx_report_release(r);
            run->done++;
            continue;
        }
        jobs[njobs].path = r->path;
        jobs[njobs++].job = r;
    }
    worker = run->o->worker ? xstrdup(run->o->worker) : extract_worker_path();
    po.worker = worker;
    po.workers = run->o->jobs ? run->o->jobs : cores();
    if (po.workers > njobs && njobs)
        po.workers = (unsigned)njobs;
    po.wall_s = run->o->wall_s;
    po.cpu_s = run->o->cpu_s;
    po.mem_mb = run->o->mem_mb;
    if (njobs && (rc = extract_pool_new(&pool, &po, err)) == 0) {
        current = run;
        rc = extract_pool_run(pool, jobs, njobs, &ev, &run->stop, err);
        current = NULL;
    }
    extract_pool_free(pool);
    progress_free(run->bar);
    run->bar = NULL;
    /* jobs never started (interrupted) still hold their reports */
    for (size_t i = 0; i < run->nreports; i++)
        idx_report_release(&run->reports[i]);
    free(jobs);
    free(worker);
    return rc;
}

/* ---- re-tagging from the text the index holds ---- */

struct pages_of {
    struct run *run;
    struct idx_report *r;
    struct cr_err *err;
};

/* One page document: its page number (value slot) and its text (after the record line). */
static int take_page(uint32_t docid, void *ctx)
{
    struct pages_of *po = ctx;
    char *data = NULL, *num = NULL, *nl;
    size_t len = 0, nlen = 0;
    long page;
    int rc = xdb_get_value(po->run->db, docid, IX_SLOT_PAGE, &num, &nlen, po->err);

    if (rc == 0)
        rc = xdb_get_data(po->run->db, docid, &data, &len, po->err);
    /* the report document has no page number (and no text): it is not a page */
    if (rc == 0 && num && data && (page = strtol(num, NULL, 10)) >= 1 && page <= CR_MAX_PAGES) {
        nl = memchr(data, IX_TEXT_SEP, len);
        if (nl)
            ev_page(po->r, (int)page, nl + 1, len - (size_t)(nl + 1 - data));
    }
    free(num);
    free(data);
    return rc < 0 ? 1 : 0;
}

static int retag_one(const struct catalog_report *cr, void *ctx)
{
    struct run *run = ctx;
    struct idx_report r;
    struct pages_of po;
    struct cr_err e;
    char term[64];

    if (run->stop || strcmp(cr->state, "indexed") || cr->indexed_gen != cr->content_gen)
        return run->stop ? 1 : 0;
    memset(&r, 0, sizeof(r));
    r.cat = *cr;
    r.cat.format = xstrdup(cr->format);
    r.cat.added_at = cr->added_at ? xstrdup(cr->added_at) : NULL;
    r.cat.name = cr->name ? xstrdup(cr->name) : NULL;
    r.cat.state = xstrdup(cr->state);
    r.cat.fail_reason = r.cat.fail_detail = r.cat.title = NULL;
    po.run = run;
    po.r = &r;
    po.err = &e;
    cr_err_clear(&e);
    snprintf(term, sizeof(term), IX_P_REPORT "%.*s", IX_KEY_LEN, cr->sha256);
    if (xdb_each_posting(run->db, term, take_page, &po, &e) < 0 || e.code < 0) {
        set_fatal(run, &e);
    } else if (r.npages > 0) {
        index_report(run, &r);
        run->s->retagged++;
    }
    idx_report_release(&r);
    if (!run->fatal && run->batch_pages >= run->batch_max) {
        cr_err_clear(&e);
        if (commit(run, &e) < 0)
            set_fatal(run, &e);
    }
    return run->fatal || run->stop;
}

/* Describes and tags every indexed report again from its pages in the index. */
static int retag_all(struct run *run, struct cr_err *err)
{
    int rc = catalog_reports_all(run->c, retag_one, run, err);

    if (run->fatal)
        return 0; /* the caller reports fatal_err */
    if (rc > 0)
        rc = run->stop ? CR_EINTR : 0;
    return rc;
}

/* ---- bringing an index of an older layout up ---- */

struct keys {
    char **v;   /* owned, IX_KEY_LEN hex digits each */
    size_t n, alloc;
};

static int take_key(const char *term, size_t len, uint32_t freq, void *ctx)
{
    struct keys *keys = ctx;

    (void)freq;
    if (len != 1 + IX_KEY_LEN)
        return 0;
    keys->v = xgrow(keys->v, sizeof(*keys->v), keys->n + 1, &keys->alloc);
    keys->v[keys->n++] = xstrndup(term + 1, IX_KEY_LEN);
    return 0;
}

/*
 * Adds the report documents an index of the first layout lacks, from the
 * pages it holds (lib/ixschema.h), committing in batches as indexing does.
 * Nothing is read from the PDFs or derived again. The version is set by the
 * caller after the last commit, so that a run cut short is taken up again.
 */
static int upgrade_all(struct run *run, struct cr_err *err)
{
    struct keys keys = {NULL, 0, 0};
    int rc, pages = 0;

    log_info("the index predates report documents: adding one per report (once)");
    /* the keys first: the loop writes into the term list it would walk */
    rc = xdb_each_term(run->db, IX_P_REPORT, take_key, &keys, err);
    for (size_t i = 0; rc == 0 && i < keys.n && !run->stop; i++) {
        rc = idx_doc_upgrade(run->db, keys.v[i], &pages, err);
        run->s->upgraded_pages += pages;
        run->batch_pages += pages;
        if (rc == 0 && run->batch_pages >= run->batch_max)
            rc = commit(run, err);
    }
    if (rc == 0 && run->stop)
        rc = CR_EINTR;
    for (size_t i = 0; i < keys.n; i++)
        free(keys.v[i]);
    free(keys.v);
    return rc;
}

static int catalog_has_reports(struct catalog *c)
{
    int64_t n = 0;

    return catalog_query_int64(c, "SELECT count(*) FROM reports WHERE state = 'indexed'", &n,
                               NULL) == 0 && n > 0;
}

/*
 * Decides what the run must do: *rebuild (index missing or asked for),
 * *upgrade (an index of an older layout: every report is written again from
 * the text it holds, as --retag does), *idle (nothing).
 */
static int plan(const struct home *h, struct catalog *c, const struct idx_opts *o, int *rebuild,
                int *upgrade, int *idle, struct cr_err *err)
{
    int64_t pending = 0, removals = 0;
    int present, rc;

    *rebuild = o->rebuild;
    *idle = 0;
    if (o->retry_failed && (rc = catalog_reports_invalidate(c, 1, err)) < 0)
        return rc;
    rc = index_present(h, c, &present, upgrade, err);
    if (rc < 0)
        return rc;
    if (*rebuild)
        *upgrade = 0;
    if (!present && !*rebuild) {
        rc = catalog_count_pending(c, &pending, &removals, err);
        if (rc == 0 && catalog_has_reports(c))
            log_info("the index is missing or was replaced: rebuilding it from the catalogue");
        *rebuild = 1;
        return rc;
    }
    if (*rebuild)
        return 0;
    rc = catalog_count_pending(c, &pending, &removals, err);
    *idle = rc == 0 && pending == 0 && removals == 0 && !*upgrade;
    return rc;
}

/* Records that the index now has the current layout (after an upgrade's last commit). */
static int mark_upgraded(struct run *run, struct cr_err *err)
{
    int rc = xdb_set_metadata(run->db, IX_META_VERSION, IX_FORMAT_VERSION, err);

    if (rc == 0)
        rc = xdb_commit(run->db, err);
    if (rc == 0)
        run->s->upgraded = 1;
    return rc;
}

int idx_run(const struct home *h, struct catalog *c, const struct idx_opts *o,
            struct idx_summary *s, struct cr_err *err)
{
    struct run run;
    struct store *store = NULL;
    double start = progress_now();
    int lock = -1, rebuild = 0, upgrade = 0, idle = 0, rc;

    memset(s, 0, sizeof(*s));
    memset(&run, 0, sizeof(run));
    run.o = o;
    run.c = c;
    run.s = s;
    run.last_commit = start;
    run.batch_max = batch_max();
    rc = home_lock(h, "index", &lock, err);
    if (rc < 0)
        return rc;
    {
        /* a compaction or rebuild killed midway leaves its copy behind: drop it */
        static const char *const ext[] = {"compact", "new"};
        struct cr_err e;
        for (size_t i = 0; i < 2; i++) {
            char *leftover = xasprintf("%s.%s", h->index, ext[i]);
            if (home_remove_tree(leftover, &e) < 0)
                log_warn("%s", e.msg);
            free(leftover);
        }
    }
    rc = plan(h, c, o, &rebuild, &upgrade, &idle, err);
    if (rc < 0)
        goto out;
    if (idle && !o->retag) {
        s->nothing_to_do = 1;
        rc = count_failed(c, &s->failed_before, err);
        goto out;
    }
    rc = taxonomy_load_default(&run.tax, err);
    if (rc < 0)
        goto out;
    rc = store_open(&store, h->store, err);
    if (rc == 0)
        rc = open_index(h, &run, rebuild, err);
    if (rc == 0 && !rebuild)
        rc = catalog_removals(c, remove_one, &run, err);
    if (rc == 0 && !run.fatal && upgrade)
        rc = upgrade_all(&run, err);
    if (rc == 0 && !run.fatal && !idle)
        rc = extract_all(&run, store, err);
    if (rc == 0 && !run.fatal && o->retag && !rebuild)
        rc = retag_all(&run, err);
    if (run.fatal) {
        *err = run.fatal_err;
        rc = run.fatal_err.code ? run.fatal_err.code : CR_EXAPIAN;
        goto out;
    }
    if (rc == 0 || rc == CR_EINTR) {
        struct cr_err e;
        int crc = commit(&run, &e);
        if (crc == 0 && s->removed)
            crc = finish_removals(&run, &e);
        if (crc == 0 && upgrade && rc == 0)
            crc = mark_upgraded(&run, &e);
        if (crc < 0) {
            *err = e;
            rc = crc;
        }
    }
    if (rc == 0) {
        xdb_close(run.db);
        run.db = NULL;
        compact(h, s);
    }
    if (rc == 0 || rc == CR_EINTR) {
        int64_t removals;
        /* figures for the summary only: a failure here leaves them at 0 */
        if (catalog_count_pending(c, &s->left, &removals, NULL) < 0)
            s->left = 0;
        if (count_failed(c, &s->failed_before, NULL) < 0)
            s->failed_before = s->failed;
        s->failed_before -= s->failed;
    }
out:
    free_marks(&run);
    free(run.marks);
    free(run.reports);
    for (size_t i = 0; i < run.nremoved; i++)
        free(run.removed[i]);
    free(run.removed);
    xdb_close(run.db);
    taxonomy_free(run.tax);
    store_free(store);
    if (lock >= 0)
        close(lock);
    s->seconds = progress_now() - start;
    log_cpu();
    return rc;
}
