#include "crawler/crawl_db.h"

/*
 * The crawler's catalogue rows, one prepared statement per call. Counts per
 * source are derived from the run's queue and fetches when a source
 * finishes, so a resumed run reports the whole run, not only its last part.
 */

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "lib/isotime.h"
#include "lib/xalloc.h"

static int step_done(struct catalog *c, sqlite3_stmt *st, const char *what, struct cr_err *err)
{
    int rc = sqlite3_step(st);

    rc = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : catalog_error(c, what, err);
    catalog_stmt_done(c, st);
    return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? xstrdup((const char *)t) : NULL;
}

static void now_iso(char *out)
{
    isotime_format(isotime_now(), out);
}

int crawl_db_source_put(struct catalog *c, const char *url, const char *name, const char *nation,
                        const char *origin, int64_t *id, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc =
        catalog_prepare_cached(c,
                               "INSERT INTO crawl_sources(url, name, nation, origin, added_at) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                               "name = coalesce(excluded.name, name), "
                               "nation = coalesce(excluded.nation, nation), "
                               "origin = CASE WHEN excluded.origin = 'url' THEN origin "
                               "ELSE excluded.origin END "
                               "RETURNING id",
                               &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    bind_opt(st, 2, name && *name ? name : NULL);
    bind_opt(st, 3, nation && *nation ? nation : NULL);
    sqlite3_bind_text(st, 4, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = catalog_error(c, "record source", err);
        catalog_stmt_done(c, st);
        return rc;
    }
    *id = sqlite3_column_int64(st, 0);
    /* RETURNING rows must be stepped to the end before the change is done */
    return step_done(c, st, "record source", err);
}

#define SOURCE_COLS \
    "s.id, s.url, s.name, s.nation, s.origin, s.last_crawled_at, s.last_status, s.last_error, " \
    "s.last_pages, s.last_documents, s.last_new, s.last_gone, s.last_failed, " \
    "(SELECT count(DISTINCT report_id) FROM crawl_report_links l WHERE l.source_id = s.id)"

static void read_source(sqlite3_stmt *st, struct crawl_db_source *s)
{
    memset(s, 0, sizeof(*s));
    s->id = sqlite3_column_int64(st, 0);
    s->url = col(st, 1);
    s->name = col(st, 2);
    s->nation = col(st, 3);
    s->origin = col(st, 4);
    s->last_crawled_at = col(st, 5);
    s->last_status = col(st, 6);
    s->last_error = col(st, 7);
    s->pages = sqlite3_column_int64(st, 8);
    s->documents = sqlite3_column_int64(st, 9);
    s->new_documents = sqlite3_column_int64(st, 10);
    s->gone = sqlite3_column_int64(st, 11);
    s->failed = sqlite3_column_int64(st, 12);
    s->total_documents = sqlite3_column_int64(st, 13);
}

void crawl_db_source_release(struct crawl_db_source *s)
{
    if (!s)
        return;
    free(s->url);
    free(s->name);
    free(s->nation);
    free(s->origin);
    free(s->last_crawled_at);
    free(s->last_status);
    free(s->last_error);
    memset(s, 0, sizeof(*s));
}

/*
 * One statement computes the source's counts for the run: pages and
 * documents done, documents new, URLs found gone, URLs failed, and the
 * latest error; the status follows from them.
 */
static const char finish_sql[] =
    "WITH q AS (SELECT * FROM crawl_queue WHERE run_id = ?1 AND source_id = ?2),"
    " f AS (SELECT fe.* FROM crawl_fetches fe JOIN q ON q.url = fe.url WHERE fe.run_id = ?1),"
    " counts AS (SELECT"
    "  (SELECT count(*) FROM q WHERE kind = 'page' AND state = 'done'"
    "     AND NOT EXISTS (SELECT 1 FROM f WHERE f.url = q.url"
    "       AND f.outcome IN ('new', 'same', 'changed', 'not-modified'))) AS pages,"
    "  (SELECT count(DISTINCT url) FROM f"
    "     WHERE outcome IN ('new', 'same', 'changed', 'not-modified')) AS documents,"
    "  (SELECT count(DISTINCT url) FROM f WHERE outcome = 'new') AS new_docs,"
    "  (SELECT count(DISTINCT url) FROM f WHERE outcome = 'gone') AS gone,"
    "  (SELECT count(*) FROM q WHERE state IN ('failed', 'skipped')) AS failed,"
    "  (SELECT '''' || url || ''': ' || error FROM q WHERE state IN ('failed', 'skipped')"
    "     ORDER BY seq DESC LIMIT 1) AS error,"
    "  (SELECT state FROM q WHERE url = (SELECT url FROM crawl_sources WHERE id = ?2)) AS seed)"
    " UPDATE crawl_sources SET last_crawled_at = ?3,"
    "  last_status = CASE WHEN ?4 THEN 'interrupted'"
    "    WHEN (SELECT seed FROM counts) IN ('failed', 'skipped') THEN 'failed'"
    "    WHEN (SELECT failed FROM counts) > 0 THEN 'partial' ELSE 'ok' END,"
    "  last_error = (SELECT error FROM counts),"
    "  last_pages = (SELECT pages FROM counts),"
    "  last_documents = (SELECT documents FROM counts),"
    "  last_new = (SELECT new_docs FROM counts),"
    "  last_gone = (SELECT gone FROM counts),"
    "  last_failed = (SELECT failed FROM counts)"
    " WHERE id = ?2";

static int get_source(struct catalog *c, int64_t id, struct crawl_db_source *out,
                      struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare_cached(c, "SELECT " SOURCE_COLS " FROM crawl_sources s WHERE s.id = ?",
                                    &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        read_source(st, out);
    else
        rc = catalog_error(c, "read source", err);
    catalog_stmt_done(c, st);
    return rc;
}

int crawl_db_source_finish(struct catalog *c, int64_t source_id, int64_t run_id, int interrupted,
                           struct crawl_db_source *out, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(c, finish_sql, &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, source_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, interrupted);
    rc = step_done(c, st, "finish source", err);
    if (rc == 0 && out)
        rc = get_source(c, source_id, out, err);
    return rc;
}

int crawl_db_sources(struct catalog *c, crawl_db_source_fn *fn, void *ctx, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    struct crawl_db_source s;
    int rc = catalog_prepare_cached(c, "SELECT " SOURCE_COLS " FROM crawl_sources s ORDER BY s.id",
                                    &st, err);

    if (rc < 0)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_source(st, &s);
        rc = fn(&s, ctx);
        crawl_db_source_release(&s);
        if (rc != 0)
            break;
    }
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = 0;
    else if (rc > 0)
        rc = catalog_error(c, "list sources", err);
    catalog_stmt_done(c, st);
    return rc;
}

int crawl_db_fetch_add(struct catalog *c, const struct crawl_db_fetch *f, int64_t *id,
                       struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc =
        catalog_prepare_cached(c,
                               "INSERT INTO crawl_fetches(run_id, url, final_url, fetched_at, "
                               "http_status, content_type, bytes, sha256, etag, last_modified, "
                               "error, outcome, attempt, redirects, elapsed_ms, location) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    if (f->run_id)
        sqlite3_bind_int64(st, 1, f->run_id);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, f->url, -1, SQLITE_STATIC);
    bind_opt(st, 3, f->final_url);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, f->http_status);
    bind_opt(st, 6, f->content_type);
    sqlite3_bind_int64(st, 7, f->bytes);
    bind_opt(st, 8, f->sha256);
    bind_opt(st, 9, f->etag);
    bind_opt(st, 10, f->last_modified);
    bind_opt(st, 11, f->error);
    sqlite3_bind_text(st, 12, f->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, f->attempt);
    sqlite3_bind_int64(st, 14, f->redirects);
    sqlite3_bind_int64(st, 15, f->elapsed_ms);
    bind_opt(st, 16, f->location);
    rc = step_done(c, st, "record fetch", err);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(catalog_db(c));
    return rc;
}

int crawl_db_url_get(struct catalog *c, const char *url, struct crawl_db_url *out, int *found,
                     struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare_cached(c,
                                    "SELECT etag, last_modified, sha256, format FROM crawl_urls "
                                    "WHERE url = ? AND sha256 IS NOT NULL",
                                    &st, err);

    memset(out, 0, sizeof(*out));
    *found = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->etag = col(st, 0);
        out->last_modified = col(st, 1);
        out->sha256 = col(st, 2);
        out->format = col(st, 3);
        *found = 1;
    }
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : catalog_error(c, "read URL", err);
    catalog_stmt_done(c, st);
    return rc;
}

void crawl_db_url_release(struct crawl_db_url *u)
{
    if (!u)
        return;
    free(u->etag);
    free(u->last_modified);
    free(u->sha256);
    free(u->format);
    memset(u, 0, sizeof(*u));
}

int crawl_db_url_put(struct catalog *c, const char *url, const char *kind, const char *final_url,
                     long status, const char *error, int64_t fetch_id, int ok, const char *etag,
                     const char *last_modified, const char *sha256, const char *format,
                     struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(
        c,
        "INSERT INTO crawl_urls(url, kind, final_url, last_status, last_error, last_fetch_id, "
        "first_seen, last_seen, etag, last_modified, sha256, format) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?8 THEN ?7 END, ?9, ?10, ?11, ?12) "
        "ON CONFLICT(url) DO UPDATE SET kind = excluded.kind, "
        "final_url = coalesce(excluded.final_url, final_url), last_status = excluded.last_status, "
        "last_error = excluded.last_error, last_fetch_id = excluded.last_fetch_id, "
        "last_seen = CASE WHEN ?8 THEN ?7 ELSE last_seen END, "
        "etag = CASE WHEN ?8 AND ?11 IS NOT NULL THEN ?9 ELSE etag END, "
        "last_modified = CASE WHEN ?8 AND ?11 IS NOT NULL THEN ?10 ELSE last_modified END, "
        "sha256 = CASE WHEN ?8 AND ?11 IS NOT NULL THEN ?11 ELSE sha256 END, "
        "format = CASE WHEN ?8 AND ?11 IS NOT NULL THEN ?12 ELSE format END",
        &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    bind_opt(st, 3, final_url);
    sqlite3_bind_int64(st, 4, status);
    bind_opt(st, 5, error);
    sqlite3_bind_int64(st, 6, fetch_id);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, ok);
    bind_opt(st, 9, etag);
    bind_opt(st, 10, last_modified);
    bind_opt(st, 11, sha256);
    bind_opt(st, 12, format);
    return step_done(c, st, "record URL", err);
}

/* Reports that url serves online are shown differently now: the index must render them again. */
static int touch_online(struct catalog *c, const char *url, int64_t except, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        catalog_prepare_cached(c,
                               "UPDATE reports SET content_gen = max(content_gen, indexed_gen) + 1 "
                               "WHERE id IN (SELECT report_id FROM crawl_url_reports "
                               "WHERE url = ?1 AND online = 1 AND report_id <> ?2)",
                               &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, except);
    return step_done(c, st, "touch report", err);
}

int crawl_db_url_serves(struct catalog *c, const char *url, int64_t report_id, int *changed,
                        struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(c,
                                    "UPDATE crawl_url_reports SET online = 0, gone_since = ?3 "
                                    "WHERE url = ?1 AND report_id <> ?2 AND online = 1",
                                    &st, err);

    *changed = 0;
    if (rc == 0)
        rc = touch_online(c, url, report_id, err);
    if (rc < 0) {
        catalog_stmt_done(c, st);
        return rc;
    }
    now_iso(now);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, report_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    rc = step_done(c, st, "record change", err);
    if (rc < 0)
        return rc;
    *changed = sqlite3_changes(catalog_db(c)) > 0;
    /* a report found at a new URL (or back online) gains a link and context: show it */
    rc =
        catalog_prepare_cached(c,
                               "UPDATE reports SET content_gen = max(content_gen, indexed_gen) + 1 "
                               "WHERE id = ?2 AND content_gen <= indexed_gen AND NOT EXISTS "
                               "(SELECT 1 FROM crawl_url_reports WHERE url = ?1 AND report_id = ?2 "
                               "AND online = 1)",
                               &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, report_id);
    rc = step_done(c, st, "touch report", err);
    if (rc < 0)
        return rc;
    rc = catalog_prepare_cached(
        c,
        "INSERT INTO crawl_url_reports(url, report_id, first_seen, last_seen) "
        "VALUES (?1, ?2, ?3, ?3) ON CONFLICT(url, report_id) DO UPDATE SET "
        "last_seen = ?3, online = 1, gone_since = NULL",
        &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, report_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return step_done(c, st, "record document", err);
}

int crawl_db_url_unchanged(struct catalog *c, const char *url, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(
        c,
        "UPDATE crawl_url_reports SET last_seen = ?2, online = 1, "
        "gone_since = NULL WHERE url = ?1 AND report_id = "
        "(SELECT r.id FROM reports r JOIN crawl_urls u ON u.sha256 = r.sha256 "
        "WHERE u.url = ?1)",
        &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    return step_done(c, st, "record unchanged", err);
}

int crawl_db_url_gone(struct catalog *c, const char *url, int64_t *n, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(c,
                                    "UPDATE crawl_url_reports SET online = 0, gone_since = ?2 "
                                    "WHERE url = ?1 AND online = 1",
                                    &st, err);

    *n = 0;
    if (rc == 0)
        rc = touch_online(c, url, 0, err);
    if (rc < 0) {
        catalog_stmt_done(c, st);
        return rc;
    }
    now_iso(now);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    rc = step_done(c, st, "record gone", err);
    if (rc == 0)
        *n = sqlite3_changes(catalog_db(c));
    return rc;
}

int crawl_db_link_put(struct catalog *c, int64_t source_id, const char *page_url, const char *url,
                      const char *anchor, const char *context, const char *heading,
                      const struct hints *h, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(
        c,
        "INSERT INTO crawl_links(source_id, page_url, url, anchor, context, heading, first_seen, "
        "last_seen, hint_child, hint_review_type, hint_document_kind, hint_published, "
        "hints_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12) "
        "ON CONFLICT(source_id, page_url, url) DO UPDATE SET last_seen = ?7, "
        "anchor = excluded.anchor, context = excluded.context, heading = excluded.heading, "
        "hint_child = excluded.hint_child, hint_review_type = excluded.hint_review_type, "
        "hint_document_kind = excluded.hint_document_kind, "
        "hint_published = excluded.hint_published, hints_version = excluded.hints_version",
        &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    sqlite3_bind_int64(st, 1, source_id);
    sqlite3_bind_text(st, 2, page_url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, anchor ? anchor : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, context ? context : "", -1, SQLITE_STATIC);
    bind_opt(st, 6, heading);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    bind_opt(st, 8, h ? h->child : NULL);
    bind_opt(st, 9, h ? h->review_type : NULL);
    bind_opt(st, 10, h ? h->document_kind : NULL);
    bind_opt(st, 11, h ? h->published : NULL);
    sqlite3_bind_int(st, 12, h ? 1 : 0);
    return step_done(c, st, "record link", err);
}

int crawl_db_robots_get(struct catalog *c, const char *origin, long max_age_s, int *found,
                        long *status, char **body, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char oldest[ISOTIME_LEN];
    int rc = catalog_prepare_cached(c,
                                    "SELECT http_status, body FROM crawl_robots "
                                    "WHERE origin = ? AND fetched_at >= ?",
                                    &st, err);

    *found = 0;
    *body = NULL;
    if (rc < 0)
        return rc;
    isotime_format(isotime_now() - max_age_s, oldest);
    sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, oldest, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *status = (long)sqlite3_column_int64(st, 0);
        *body = col(st, 1);
        if (!*body)
            *body = xstrdup("");
        *found = 1;
    }
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : catalog_error(c, "read robots.txt", err);
    catalog_stmt_done(c, st);
    return rc;
}

int crawl_db_robots_put(struct catalog *c, const char *origin, long status, const char *body,
                        struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare_cached(c, "INSERT OR REPLACE INTO crawl_robots VALUES (?, ?, ?, ?)",
                                    &st, err);

    if (rc < 0)
        return rc;
    now_iso(now);
    sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, status);
    sqlite3_bind_text(st, 4, body ? body : "", -1, SQLITE_STATIC);
    return step_done(c, st, "record robots.txt", err);
}
