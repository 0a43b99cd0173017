#include "lib/catalog.h"

/*
 * The SQLite catalogue: opening, migrations, transactions and the core
 * report queries. Other modules' queries live with those modules.
 */

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/catalog_int.h"
#include "lib/fault.h"
#include "lib/isotime.h"
#include "lib/xalloc.h"

#define BUSY_TIMEOUT_MS 60000

struct catalog {
    sqlite3 *db;     /* owned */
    char *path;      /* owned, for messages */
    int readonly;
    int behind;      /* read-only open found migrations not applied (or no schema) */
    struct cached_stmt *cache; /* owned: catalog_prepare_cached's statements */
    size_t ncache, cache_alloc;
};

/*
 * A compiled statement kept for reuse. Compiling is most of what a small
 * statement costs (a crawl's recrawl spent 43% of its CPU in the parser),
 * so statements run per URL are compiled once per process.
 */
struct cached_stmt {
    char *sql;        /* owned: its text, the key */
    sqlite3_stmt *st; /* owned */
};

static const struct {
    const char *module;
    const struct catalog_migration *steps;
} sets[] = {
    {"core", catalog_schema_core},
    {"crawl", catalog_schema_crawl},
    {"meta", catalog_schema_meta},
    {"search", catalog_schema_search},
};

/*
 * Why a write to the catalogue failed when SQLite kept no errno (a short
 * write, or errno overwritten by the rollback): ENOSPC when its disk is
 * full, EFBIG when its WAL has reached the file-size limit, else 0.
 */
static int write_errno(const char *path)
{
    char *wal = xasprintf("%s-wal", path), *dir = xstrdup(path), *slash = strrchr(dir, '/');
    struct statvfs vfs;
    struct rlimit rl;
    struct stat st;
    int e = 0;

    if (slash)
        *slash = '\0';
    if (statvfs(slash ? dir : ".", &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < 1u << 20)
        e = ENOSPC;
    else if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
             ((stat(wal, &st) == 0 && (rlim_t)st.st_size + 65536 >= rl.rlim_cur) ||
              (stat(path, &st) == 0 && (rlim_t)st.st_size + 65536 >= rl.rlim_cur)))
        e = EFBIG;
    free(wal);
    free(dir);
    return e;
}

int catalog_error(struct catalog *c, const char *what, struct cr_err *err)
{
    int code = sqlite3_errcode(c->db);

    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return cr_error(err, CR_EBUSY, "%s: catalogue '%s' is busy (another process is writing)",
                        what, c->path);
    int sys = sqlite3_system_errno(c->db);

    if (code == SQLITE_IOERR && !sys)
        sys = write_errno(c->path);

    if (code == SQLITE_FULL || (code == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG)))
        return cr_error(err, CR_EIO, "%s: '%s': %s", what, c->path,
                        sys ? strerror(sys) : "disk full");
    if (code == SQLITE_IOERR && sys)
        return cr_error(err, CR_EIO, "%s: '%s': %s (%s)", what, c->path, sqlite3_errmsg(c->db),
                        strerror(sys));
    if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM)
        return cr_error(err, CR_EIO, "%s: '%s': %s%s%s%s", what, c->path, sqlite3_errmsg(c->db),
                        sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
    return cr_error(err, CR_EDB, "%s: '%s': %s", what, c->path, sqlite3_errmsg(c->db));
}

int catalog_exec(struct catalog *c, const char *sql, struct cr_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK && rc != SQLITE_ERROR && rc != SQLITE_BUSY) {
        /* the disk, not the SQL: say which file and why (full, too large, read-only) */
        sqlite3_free(msg);
        return catalog_error(c, !strncmp(sql, "COMMIT", 6) ? "commit" : "write", err);
    }
    if (rc != SQLITE_OK) {
        rc = cr_error(err, rc == SQLITE_BUSY ? CR_EBUSY : CR_EDB, "'%s': %s", c->path,
                      msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

int catalog_prepare(struct catalog *c, const char *sql, sqlite3_stmt **st, struct cr_err *err)
{
    if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return catalog_error(c, "prepare", err);
    }
    return 0;
}

int catalog_prepare_cached(struct catalog *c, const char *sql, sqlite3_stmt **st,
                           struct cr_err *err)
{
    struct cached_stmt *e;
    int rc;

    for (size_t i = 0; i < c->ncache; i++) {
        if (!strcmp(c->cache[i].sql, sql)) {
            *st = c->cache[i].st;
            return 0;
        }
    }
    rc = catalog_prepare(c, sql, st, err);
    if (rc < 0)
        return rc;
    c->cache = xgrow(c->cache, sizeof(*c->cache), c->ncache + 1, &c->cache_alloc);
    e = &c->cache[c->ncache++];
    e->sql = xstrdup(sql);
    e->st = *st;
    return 0;
}

void catalog_stmt_done(struct catalog *c, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < c->ncache; i++) {
        if (c->cache[i].st == st) {
            /* the step's outcome was read already; reset repeats its error code */
            (void)sqlite3_reset(st);
            (void)sqlite3_clear_bindings(st);
            return;
        }
    }
    sqlite3_finalize(st);
}

int catalog_begin(struct catalog *c, struct cr_err *err)
{
    return catalog_exec(c, "BEGIN IMMEDIATE", err);
}

int catalog_commit(struct catalog *c, struct cr_err *err)
{
    if (fault_hit(FAULT_COMMIT)) /* tests: as a full disk fails it; the caller rolls back */
        return cr_error(err, CR_EIO, "commit: '%s': %s", c->path, strerror(ENOSPC));
    return catalog_exec(c, "COMMIT", err);
}

void catalog_rollback(struct catalog *c)
{
    if (!sqlite3_get_autocommit(c->db))
        (void)sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL); /* nothing to add on failure */
}

static int module_version(struct catalog *c, const char *module, int *version, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *version = 0;
    rc = catalog_prepare(c, "SELECT version FROM schema_version WHERE module = ?", &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : catalog_error(c, "schema", err);
    sqlite3_finalize(st);
    return rc;
}

static int apply(struct catalog *c, const char *module, const struct catalog_migration *m,
                 struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = catalog_exec(c, m->sql, err);
    if (rc < 0) {
        cr_err_prefix(err, "migration %s %d", module, m->version);
        return rc;
    }
    rc = catalog_prepare(c, "INSERT OR REPLACE INTO schema_version VALUES (?, ?)", &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, m->version);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : catalog_error(c, "schema", err);
    sqlite3_finalize(st);
    return rc;
}

static int migrate_set(struct catalog *c, const char *module,
                       const struct catalog_migration *steps, struct cr_err *err)
{
    int have, rc, latest = 0;

    for (const struct catalog_migration *m = steps; m->sql; m++)
        latest = m->version;
    rc = module_version(c, module, &have, err);
    if (rc < 0 || have >= latest)
        return rc;
    if (c->readonly) {
        c->behind = 1;
        return cr_error(err, CR_EDB,
                        "catalogue '%s' is from an older casereview (run 'casereview index' "
                        "once to upgrade it)", c->path);
    }
    rc = catalog_begin(c, err);
    if (rc < 0)
        return rc;
    /* re-read inside the write lock: another process may have migrated meanwhile */
    rc = module_version(c, module, &have, err);
    for (const struct catalog_migration *m = steps; rc == 0 && m->sql; m++)
        if (m->version > have)
            rc = apply(c, module, m, err);
    if (rc < 0) {
        catalog_rollback(c);
        return rc;
    }
    return catalog_commit(c, err);
}

static int migrate(struct catalog *c, struct cr_err *err)
{
    int64_t n = 1;
    int rc = 0;

    if (!c->readonly)
        rc = catalog_exec(c, "CREATE TABLE IF NOT EXISTS schema_version("
                             "module TEXT PRIMARY KEY, version INTEGER NOT NULL)", err);
    else
        rc = catalog_query_int64(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                    "AND name = 'schema_version'", &n, err);
    if (rc == 0 && n == 0) {
        /* a catalogue whose creation was cut short (or not a catalogue at all) */
        c->behind = 1;
        return cr_error(err, CR_EDB, "catalogue '%s' is not set up (run 'casereview doctor' "
                                     "once to set it up)", c->path);
    }
    for (size_t i = 0; rc == 0 && i < sizeof(sets) / sizeof(sets[0]); i++)
        rc = migrate_set(c, sets[i].module, sets[i].steps, err);
    return rc;
}

static int open_once(struct catalog **out, const char *path, unsigned flags, int may_retry,
                     struct cr_err *err);

/*
 * What a read-only open cannot do itself but a short read-write one can:
 *  - roll back the hot journal, or rebuild the WAL index (-shm), that a
 *    writer killed at the wrong moment left behind (SQLite refuses through a
 *    read-only connection: "attempt to write a readonly database");
 *  - set up or migrate a catalogue whose creation was cut short, or that
 *    an older casereview wrote.
 * Returns 1 when the read-write open worked. Where even that is impossible
 * (a read-only repository), the read-only open keeps its error.
 */
static int repair(const char *path)
{
    struct catalog *c = NULL;
    int rc = open_once(&c, path, 0, 0, NULL);

    catalog_close(c);
    return rc == 0;
}

static int repairable(const struct catalog *c)
{
    /* SQLITE_READONLY_RECOVERY, _CANTINIT (the WAL index), _ROLLBACK (a hot journal) */
    return c->readonly && (c->behind || (sqlite3_errcode(c->db) & 0xff) == SQLITE_READONLY);
}

int catalog_open(struct catalog **out, const char *path, unsigned flags, struct cr_err *err)
{
    int rc = open_once(out, path, flags, 1, err);

    if (rc == 1)
        rc = open_once(out, path, flags, 0, err); /* after repair() */
    return rc;
}

/*
 * "file:PATH?immutable=1" when the catalogue's folder cannot be written (a
 * read-only disk or share): SQLite must otherwise create the WAL index
 * beside it even to read. Nobody can write there either, which is what
 * immutable promises. NULL when the folder is writable. New string.
 */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789abcdef";
    char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *uri, *o;
    int writable;

    if (slash)
        *slash = '\0';
    writable = access(slash ? (*dir ? dir : "/") : ".", W_OK) == 0 || errno == ENOENT;
    free(dir);
    if (writable)
        return NULL;
    uri = o = xmalloc(3 * strlen(path) + 32);
    memcpy(o, "file:", 5);
    o += 5;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f) {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else {
            *o++ = (char)*p;
        }
    }
    memcpy(o, "?immutable=1", sizeof("?immutable=1"));
    return uri;
}

/* Opens once; returns 1 (nothing opened) when a retry after repair() may succeed. */
static int open_once(struct catalog **out, const char *path, unsigned flags, int may_retry,
                     struct cr_err *err)
{
    struct catalog *c = xcalloc(1, sizeof(*c));
    int oflags = (flags & CATALOG_READONLY) ? SQLITE_OPEN_READONLY
                                            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    char *uri = (flags & CATALOG_READONLY) ? immutable_uri(path) : NULL;
    int rc;

    *out = NULL;
    c->path = xstrdup(path);
    c->readonly = !!(flags & CATALOG_READONLY);
    rc = sqlite3_open_v2(uri ? uri : path, &c->db,
                         oflags | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0), NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        rc = cr_error(err, CR_EDB, "cannot open catalogue '%s': %s", path,
                      c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(c->db, 0);
    rc = catalog_exec(c, c->readonly ? "PRAGMA foreign_keys = ON"
                                     : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                       "PRAGMA foreign_keys = ON",
                      err);
    if (rc == 0)
        rc = migrate(c, err);
    if (rc < 0 && may_retry && repairable(c) && access(path, W_OK) == 0 && repair(path)) {
        catalog_close(c);
        return 1;
    }
    if (rc < 0)
        goto fail;
    *out = c;
    return 0;
fail:
    catalog_close(c);
    return rc;
}

void catalog_close(struct catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncache; i++) {
        sqlite3_finalize(c->cache[i].st);
        free(c->cache[i].sql);
    }
    free(c->cache);
    sqlite3_close_v2(c->db);
    free(c->path);
    free(c);
}

struct sqlite3 *catalog_db(struct catalog *c)
{
    return c->db;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? xstrdup((const char *)t) : NULL;
}

#define REPORT_COLS \
    "id, sha256, format, bytes, added_at, name, state, fail_reason, fail_detail, pages, " \
    "title, content_gen, indexed_gen"

static void read_report(sqlite3_stmt *st, struct catalog_report *r)
{
    const unsigned char *sha = sqlite3_column_text(st, 1);

    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    snprintf(r->sha256, sizeof(r->sha256), "%s", sha ? (const char *)sha : "");
    r->format = col_dup(st, 2);
    r->bytes = sqlite3_column_int64(st, 3);
    r->added_at = col_dup(st, 4);
    r->name = col_dup(st, 5);
    r->state = col_dup(st, 6);
    r->fail_reason = col_dup(st, 7);
    r->fail_detail = col_dup(st, 8);
    r->pages = sqlite3_column_int(st, 9);
    r->title = col_dup(st, 10);
    r->content_gen = sqlite3_column_int64(st, 11);
    r->indexed_gen = sqlite3_column_int64(st, 12);
}

void catalog_report_release(struct catalog_report *r)
{
    if (!r)
        return;
    free(r->format);
    free(r->added_at);
    free(r->name);
    free(r->state);
    free(r->fail_reason);
    free(r->fail_detail);
    free(r->title);
    memset(r, 0, sizeof(*r));
}

/* Runs a prepared statement that returns nothing; finalizes it. */
static int step_done(struct catalog *c, sqlite3_stmt *st, const char *what, struct cr_err *err)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : catalog_error(c, what, err);

    sqlite3_finalize(st);
    return rc;
}

static int add_name(struct catalog *c, int64_t id, const char *name, const char *now,
                    struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "INSERT OR IGNORE INTO report_names VALUES (?, ?, ?)", &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return step_done(c, st, "record name", err);
}

int catalog_report_add(struct catalog *c, const char *sha256, const char *format, int64_t bytes,
                       const char *name, int64_t *id, int *was_new, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc;

    isotime_format(isotime_now(), now);
    rc = catalog_prepare(c,
                         "INSERT INTO reports(sha256, format, bytes, added_at, name) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
                         &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, bytes);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    rc = step_done(c, st, "add report", err);
    if (rc < 0)
        return rc;
    *was_new = sqlite3_changes(c->db) > 0;
    rc = catalog_prepare(c, "SELECT id FROM reports WHERE sha256 = ?", &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = catalog_error(c, "add report", err);
        sqlite3_finalize(st);
        return rc;
    }
    *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return add_name(c, *id, name, now, err);
}

static int get_one(struct catalog *c, sqlite3_stmt *st, struct catalog_report *r, int *found,
                   struct cr_err *err)
{
    int rc = sqlite3_step(st);

    *found = 0;
    if (rc == SQLITE_ROW) {
        read_report(st, r);
        *found = 1;
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "read report", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int catalog_report_get(struct catalog *c, int64_t id, struct catalog_report *r, int *found,
                       struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "SELECT " REPORT_COLS " FROM reports WHERE id = ?", &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return get_one(c, st, r, found, err);
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int catalog_report_find(struct catalog *c, const char *key, struct catalog_report *r, int *found,
                        struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char lo[66], hi[66];
    size_t n = strlen(key);
    int rc, matches = 0;

    *found = 0;
    if (all_digits(key) && n < 12)
        return catalog_report_get(c, strtoll(key, NULL, 10), r, found, err);
    if (n < 6 || n > 64 || strspn(key, "0123456789abcdef") != n)
        return 0;
    /* a prefix range on the UNIQUE index: [key, key + 'g') */
    snprintf(lo, sizeof(lo), "%s", key);
    snprintf(hi, sizeof(hi), "%sg", key);
    rc = catalog_prepare(c, "SELECT " REPORT_COLS " FROM reports "
                            "WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256 LIMIT 2",
                         &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (matches++ == 0)
            read_report(st, r);
    }
    rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "find report", err);
    sqlite3_finalize(st);
    if (rc == 0 && matches > 1) {
        catalog_report_release(r);
        return cr_error(err, CR_EINVAL, "'%s' matches more than one report; give more of its sha256",
                        key);
    }
    *found = rc == 0 && matches == 1;
    return rc;
}

static int each_report(struct catalog *c, const char *sql, catalog_report_fn *fn, void *ctx,
                       struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    struct catalog_report r;
    int rc = catalog_prepare(c, sql, &st, err);

    if (rc < 0)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_report(st, &r);
        rc = fn(&r, ctx);
        catalog_report_release(&r);
        if (rc != 0)
            break;
    }
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc == SQLITE_ROW)
        rc = 0;
    else if (rc > 0)
        rc = catalog_error(c, "list reports", err);
    sqlite3_finalize(st);
    return rc;
}

int catalog_reports_pending(struct catalog *c, catalog_report_fn *fn, void *ctx,
                            struct cr_err *err)
{
    return each_report(c, "SELECT " REPORT_COLS " FROM reports "
                          "WHERE indexed_gen < content_gen ORDER BY id", fn, ctx, err);
}

int catalog_reports_all(struct catalog *c, catalog_report_fn *fn, void *ctx, struct cr_err *err)
{
    return each_report(c, "SELECT " REPORT_COLS " FROM reports ORDER BY id", fn, ctx, err);
}

int catalog_query_int64(struct catalog *c, const char *sql, int64_t *n, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, sql, &st, err);

    if (rc < 0)
        return rc;
    *n = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = catalog_error(c, "count", err);
    sqlite3_finalize(st);
    return rc;
}

int catalog_count_pending(struct catalog *c, int64_t *reports, int64_t *removals,
                          struct cr_err *err)
{
    int rc = catalog_query_int64(c, "SELECT count(*) FROM reports WHERE indexed_gen < content_gen",
                                 reports, err);

    if (rc == 0)
        rc = catalog_query_int64(c, "SELECT count(*) FROM index_removals", removals, err);
    return rc;
}

int catalog_reports_invalidate(struct catalog *c, int failed_only, struct cr_err *err)
{
    return catalog_exec(c, failed_only
                               ? "UPDATE reports SET content_gen = indexed_gen + 1 "
                                 "WHERE state = 'failed'"
                               : "UPDATE reports SET content_gen = indexed_gen + 1",
                        err);
}

int catalog_report_mark_indexed(struct catalog *c, int64_t id, int64_t gen, int pages,
                                const char *title, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare(c,
                             "UPDATE reports SET state = 'indexed', fail_reason = NULL, "
                             "fail_detail = NULL, pages = ?, title = ?, indexed_gen = ?, "
                             "indexed_at = ? WHERE id = ?",
                             &st, err);

    if (rc < 0)
        return rc;
    isotime_format(isotime_now(), now);
    sqlite3_bind_int(st, 1, pages);
    sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, gen);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, id);
    return step_done(c, st, "mark indexed", err);
}

int catalog_report_mark_failed(struct catalog *c, int64_t id, int64_t gen, const char *reason,
                               const char *detail, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN];
    int rc = catalog_prepare(c,
                             "UPDATE reports SET state = 'failed', fail_reason = ?, "
                             "fail_detail = ?, indexed_gen = ?, indexed_at = ? WHERE id = ?",
                             &st, err);

    if (rc < 0)
        return rc;
    isotime_format(isotime_now(), now);
    sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, detail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, gen);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, id);
    return step_done(c, st, "mark failed", err);
}

int catalog_report_touch(struct catalog *c, int64_t id, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c,
                             "UPDATE reports SET content_gen = max(content_gen, indexed_gen) + 1 "
                             "WHERE id = ?",
                             &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return step_done(c, st, "touch report", err);
}

int catalog_report_remove(struct catalog *c, int64_t id, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "DELETE FROM reports WHERE id = ?", &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return step_done(c, st, "remove report", err);
}

int catalog_removals(struct catalog *c, catalog_sha_fn *fn, void *ctx, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "SELECT sha256 FROM index_removals ORDER BY sha256", &st, err);

    if (rc < 0)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = fn((const char *)sqlite3_column_text(st, 0), ctx);
        if (rc != 0)
            break;
    }
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = 0;
    else if (rc > 0)
        rc = catalog_error(c, "list removals", err);
    sqlite3_finalize(st);
    return rc;
}

int catalog_removal_done(struct catalog *c, const char *sha256, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "DELETE FROM index_removals WHERE sha256 = ?", &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    return step_done(c, st, "removal done", err);
}

int catalog_meta_get(struct catalog *c, const char *key, char **value, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "SELECT value FROM meta WHERE key = ?", &st, err);

    *value = NULL;
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value = col_dup(st, 0);
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : catalog_error(c, "read setting", err);
    sqlite3_finalize(st);
    return rc;
}

int catalog_meta_set(struct catalog *c, const char *key, const char *value, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "INSERT OR REPLACE INTO meta VALUES (?, ?)", &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return step_done(c, st, "write setting", err);
}

struct buf_lines {
    char text[1024];
    size_t len;
    int rows;
};

static int pragma_lines(struct catalog *c, const char *sql, struct buf_lines *out,
                        struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, sql, &st, err);

    if (rc < 0)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        out->rows++;
        if (out->len < sizeof(out->text) - 1) {
            int n = snprintf(out->text + out->len, sizeof(out->text) - out->len, "%s%s",
                             out->len ? "; " : "", t ? (const char *)t : "foreign key violation");
            if (n > 0)
                out->len += (size_t)n;
            if (out->len >= sizeof(out->text))
                out->len = sizeof(out->text) - 1;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "check", err);
    sqlite3_finalize(st);
    return rc;
}

int catalog_check(struct catalog *c, int *ok, char **problem, struct cr_err *err)
{
    struct buf_lines integ = {{0}, 0, 0}, fk = {{0}, 0, 0};
    int rc;

    *ok = 0;
    *problem = NULL;
    rc = pragma_lines(c, "PRAGMA integrity_check", &integ, err);
    if (rc == 0)
        rc = pragma_lines(c, "PRAGMA foreign_key_check", &fk, err);
    if (rc < 0)
        return rc;
    if (integ.rows == 1 && !strcmp(integ.text, "ok") && fk.rows == 0) {
        *ok = 1;
        return 0;
    }
    if (!(integ.rows == 1 && !strcmp(integ.text, "ok")))
        *problem = xstrdup(integ.text);
    else
        *problem = xasprintf("%d foreign key violation(s)", fk.rows);
    return 0;
}
