#include "crawler/frontier.h"

/*
 * The queue in SQLite. Queue order is a per-run sequence number kept in
 * memory (read once at open), so pushing costs one indexed insert.
 */

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "lib/isotime.h"
#include "lib/xalloc.h"

struct frontier {
    struct catalog *c; /* borrowed */
    int64_t run;       /* crawl_runs.id */
    int64_t next_seq;  /* seq of the next push */
};

static int done(struct catalog *c, sqlite3_stmt *st, const char *what, struct cr_err *err)
{
    int rc = sqlite3_step(st);

    rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : catalog_error(c, what, err);
    catalog_stmt_done(c, st);
    return rc;
}

static int find_run(struct catalog *c, const char *key, int64_t *run, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        catalog_prepare_cached(c,
                               "SELECT id FROM crawl_runs WHERE seeds = ? AND state = 'running' "
                               "ORDER BY id DESC LIMIT 1",
                               &st, err);

    *run = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *run = sqlite3_column_int64(st, 0);
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : catalog_error(c, "find run", err);
    catalog_stmt_done(c, st);
    return rc;
}

static int new_run(struct catalog *c, const char *key, const char *options, int64_t *run,
                   struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc;

    /* another crawl's unfinished run cannot be resumed by this one: close it */
    rc = catalog_exec(c, "UPDATE crawl_runs SET state = 'abandoned' WHERE state = 'running'", err);
    if (rc == 0)
        rc = catalog_prepare_cached(c,
                                    "INSERT INTO crawl_runs(seeds, options, started_at) "
                                    "VALUES (?, ?, ?)",
                                    &st, err);
    if (rc < 0)
        return rc;
    isotime_format(isotime_now(), now);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, options ? options : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    rc = done(c, st, "start run", err);
    if (rc == 0)
        *run = sqlite3_last_insert_rowid(catalog_db(c));
    return rc;
}

int frontier_open(struct frontier **out, struct catalog *c, const char *seeds_key,
                  const char *options, int *resumed, struct cr_err *err)
{
    struct frontier *f = xcalloc(1, sizeof(*f));
    char *sql = NULL;
    int rc;

    *out = NULL;
    f->c = c;
    rc = catalog_begin(c, err);
    if (rc < 0)
        goto fail;
    rc = find_run(c, seeds_key, &f->run, err);
    *resumed = rc == 0 && f->run != 0;
    if (rc == 0 && !f->run)
        rc = new_run(c, seeds_key, options, &f->run, err);
    if (rc == 0) {
        sql = xasprintf("SELECT coalesce(max(seq), 0) + 1 FROM crawl_queue WHERE run_id = %lld",
                        (long long)f->run);
        rc = catalog_query_int64(c, sql, &f->next_seq, err);
        free(sql);
    }
    if (rc == 0)
        rc = catalog_commit(c, err);
    if (rc < 0) {
        catalog_rollback(c);
        goto fail;
    }
    *out = f;
    return 0;
fail:
    free(f);
    return rc;
}

void frontier_free(struct frontier *f)
{
    free(f);
}

int64_t frontier_run_id(const struct frontier *f)
{
    return f->run;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int frontier_push(struct frontier *f, const struct frontier_push *p, int *added,
                  struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare_cached(
        f->c,
        "INSERT OR IGNORE INTO crawl_queue(run_id, url, source_id, kind, depth, "
        "referrer, anchor, context, heading, seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &st, err);

    *added = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, f->run);
    sqlite3_bind_text(st, 2, p->url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->source_id);
    sqlite3_bind_text(st, 4, p->kind == FRONTIER_PAGE ? "page" : "document", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, p->depth);
    bind_opt(st, 6, p->referrer);
    bind_opt(st, 7, p->anchor);
    bind_opt(st, 8, p->context);
    bind_opt(st, 9, p->heading);
    sqlite3_bind_int64(st, 10, f->next_seq);
    rc = done(f->c, st, "queue URL", err);
    if (rc == 0 && sqlite3_changes(catalog_db(f->c)) > 0) {
        *added = 1;
        f->next_seq++;
    }
    return rc;
}

int frontier_push_known(struct frontier *f, int64_t source_id, int64_t *n, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        catalog_prepare_cached(f->c,
                               "INSERT OR IGNORE INTO crawl_queue(run_id, url, source_id, kind, "
                               "depth, seq) "
                               "SELECT ?, url, ?, 'document', 0, ? + row_number() OVER (ORDER BY "
                               "min(id)) FROM crawl_links WHERE source_id = ? "
                               "AND url IN (SELECT url FROM crawl_url_reports) GROUP BY url",
                               &st, err);

    *n = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, f->run);
    sqlite3_bind_int64(st, 2, source_id);
    sqlite3_bind_int64(st, 3, f->next_seq);
    sqlite3_bind_int64(st, 4, source_id);
    rc = done(f->c, st, "queue known documents", err);
    if (rc == 0) {
        char *sql = xasprintf("SELECT coalesce(max(seq), 0) + 1 FROM crawl_queue "
                              "WHERE run_id = %lld", (long long)f->run);
        *n = sqlite3_changes(catalog_db(f->c));
        /* row_number() leaves gaps where rows were ignored: continue after the last */
        rc = catalog_query_int64(f->c, sql, &f->next_seq, err);
        free(sql);
    }
    return rc;
}

int frontier_pending(struct frontier *f, frontier_item_fn *fn, void *ctx, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    struct frontier_item it;
    int rc = catalog_prepare_cached(
        f->c,
        "SELECT url, source_id, kind, depth, attempts, hop_url, chain, hops "
        "FROM crawl_queue WHERE run_id = ? AND state = 'pending' ORDER BY seq",
        &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, f->run);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        it.url = (const char *)sqlite3_column_text(st, 0);
        it.source_id = sqlite3_column_int64(st, 1);
        it.kind = !strcmp((const char *)sqlite3_column_text(st, 2), "page") ? FRONTIER_PAGE
                                                                             : FRONTIER_DOCUMENT;
        it.depth = sqlite3_column_int(st, 3);
        it.attempts = sqlite3_column_int(st, 4);
        it.hop_url = (const char *)sqlite3_column_text(st, 5);
        it.chain = (const char *)sqlite3_column_text(st, 6);
        it.hops = sqlite3_column_int(st, 7);
        rc = fn(&it, ctx);
        if (rc != 0)
            break;
    }
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc == SQLITE_ROW)
        rc = 0;
    else if (rc > 0)
        rc = catalog_error(f->c, "read queue", err);
    catalog_stmt_done(f->c, st);
    return rc;
}

int frontier_set(struct frontier *f, const char *url, const char *state, int attempts,
                 const char *error, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare_cached(f->c,
                                    "UPDATE crawl_queue SET state = ?, attempts = ?, error = ? "
                                    "WHERE run_id = ? AND url = ?",
                                    &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, attempts);
    bind_opt(st, 3, error);
    sqlite3_bind_int64(st, 4, f->run);
    sqlite3_bind_text(st, 5, url, -1, SQLITE_STATIC);
    return done(f->c, st, "update queue", err);
}

int frontier_hop(struct frontier *f, const char *url, const char *hop_url, const char *chain,
                 int hops, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare_cached(f->c,
                                    "UPDATE crawl_queue SET hop_url = ?, chain = ?, hops = ? "
                                    "WHERE run_id = ? AND url = ?",
                                    &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, hop_url, -1, SQLITE_STATIC);
    bind_opt(st, 2, chain);
    sqlite3_bind_int(st, 3, hops);
    sqlite3_bind_int64(st, 4, f->run);
    sqlite3_bind_text(st, 5, url, -1, SQLITE_STATIC);
    return done(f->c, st, "record redirect", err);
}

static char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? xstrdup((const char *)t) : NULL;
}

int frontier_context(struct frontier *f, const char *url, struct frontier_context *out,
                     struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare_cached(f->c,
                                    "SELECT referrer, anchor, context, heading FROM crawl_queue "
                                    "WHERE run_id = ? AND url = ?",
                                    &st, err);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, f->run);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->referrer = col(st, 0);
        out->anchor = col(st, 1);
        out->context = col(st, 2);
        out->heading = col(st, 3);
    }
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : catalog_error(f->c, "read queue", err);
    catalog_stmt_done(f->c, st);
    return rc;
}

void frontier_context_release(struct frontier_context *fc)
{
    if (!fc)
        return;
    free(fc->referrer);
    free(fc->anchor);
    free(fc->context);
    free(fc->heading);
    memset(fc, 0, sizeof(*fc));
}

int frontier_finish(struct frontier *f, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(f->c,
                                    "UPDATE crawl_runs SET state = 'finished', finished_at = ? "
                                    "WHERE id = ?",
                                    &st, err);

    if (rc < 0)
        return rc;
    isotime_format(isotime_now(), now);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->run);
    return done(f->c, st, "finish run", err);
}
