#ifndef CASEREVIEW_LIB_CATALOG_H
#define CASEREVIEW_LIB_CATALOG_H
/*
 * The catalogue: catalog.sqlite, the single source of truth for what the
 * repository holds (reports, their names, their extraction state, and, in
 * other modules' tables, fetches, link context, metadata and tags).
 *
 * Invariants:
 *  - WAL mode, foreign keys on, a busy timeout, so that a crawl, an index run
 *    and the web server can share the file.
 *  - The schema is versioned per module (table schema_version) and migrated
 *    forward at open; migrations live in lib/schema_*.c.
 *  - One transaction per unit of work (catalog_begin/commit), so that a kill
 *    at any moment leaves the catalogue consistent.
 *  - A report row is deleted only by an explicit removal; a trigger then
 *    queues its sha256 in index_removals so that the next index run deletes
 *    it from the index.
 *  - reports.content_gen is bumped whenever what the index shows for a report
 *    must change; reports.indexed_gen records the generation the index holds
 *    (or the failed attempt). A report needs indexing iff indexed_gen <
 *    content_gen.
 *
 * Modules with tables of their own (crawler, metadata, saved searches)
 * prepare their own statements through catalog_db(); every statement is
 * prepared, never built from strings.
 */

#include <stdint.h>

#include "lib/cr_err.h"

struct sqlite3;
struct sqlite3_stmt;
struct catalog;

enum catalog_open_flags {
    CATALOG_READONLY = 1 << 0, /* no writes; migrations must already be applied */
};

/* A report as the catalogue holds it. Strings are owned (catalog_report_release). */
struct catalog_report {
    int64_t id;               /* stable row id, shown to users as the report's id */
    char sha256[65];          /* hex digest of the bytes */
    char *format;             /* "pdf", "docx", ... */
    int64_t bytes;            /* file size */
    char *added_at;           /* ISO 8601 UTC */
    char *name;               /* file name it first came under */
    char *state;              /* "new", "indexed", "failed" */
    char *fail_reason;        /* short code (see idx), NULL unless failed */
    char *fail_detail;        /* the message, NULL unless failed */
    int pages;                /* pages at the last extraction, 0 if never */
    char *title;              /* NULL until extracted */
    int64_t content_gen;      /* see the header comment */
    int64_t indexed_gen;
};

/* Opens (creating and migrating if writable) the catalogue at path. *out is new. */
int catalog_open(struct catalog **out, const char *path, unsigned flags,
                 struct cr_err *err) CR_MUST_CHECK;
void catalog_close(struct catalog *c);

/* The SQLite handle, borrowed for the catalogue's life, for module queries. */
struct sqlite3 *catalog_db(struct catalog *c);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback never fails visibly. */
int catalog_begin(struct catalog *c, struct cr_err *err) CR_MUST_CHECK;
int catalog_commit(struct catalog *c, struct cr_err *err) CR_MUST_CHECK;
void catalog_rollback(struct catalog *c);

/* Prepares sql on the catalogue; *st is new (sqlite3_finalize). */
int catalog_prepare(struct catalog *c, const char *sql, struct sqlite3_stmt **st,
                    struct cr_err *err) CR_MUST_CHECK;
/*
 * Like catalog_prepare, for a statement run over and over (once per URL or
 * row): the first call compiles sql, later calls with the same text hand
 * back the same statement, reset and with its bindings cleared. *st is
 * borrowed until catalog_close: end each use with catalog_stmt_done, never
 * sqlite3_finalize. A cached statement must not be in use twice at once
 * (a query stepped while the same text runs again).
 */
int catalog_prepare_cached(struct catalog *c, const char *sql, struct sqlite3_stmt **st,
                           struct cr_err *err) CR_MUST_CHECK;
/*
 * Ends a use of st: a cached statement is reset for the next use, any
 * other is finalized. st may be NULL.
 */
void catalog_stmt_done(struct catalog *c, struct sqlite3_stmt *st);
/* Runs one or more statements without results (schema, pragmas). */
int catalog_exec(struct catalog *c, const char *sql, struct cr_err *err) CR_MUST_CHECK;
/* Runs a query whose first column of its first row is an integer (count(*) and such). */
int catalog_query_int64(struct catalog *c, const char *sql, int64_t *n,
                        struct cr_err *err) CR_MUST_CHECK;
/* Fills err with the SQLite error of the last call on c, prefixed by what. */
int catalog_error(struct catalog *c, const char *what, struct cr_err *err);

/*
 * Records a file under sha256: a new report (*was_new = 1) or another name
 * for one already held (*was_new = 0). *id gets the report's id.
 */
int catalog_report_add(struct catalog *c, const char *sha256, const char *format,
                       int64_t bytes, const char *name, int64_t *id, int *was_new,
                       struct cr_err *err) CR_MUST_CHECK;

/* Loads report id into r; *found = 0 when there is none (r untouched). */
int catalog_report_get(struct catalog *c, int64_t id, struct catalog_report *r, int *found,
                       struct cr_err *err) CR_MUST_CHECK;

/*
 * Finds a report by what a user types: its id ("12") or a unique prefix of its
 * sha256 (at least 6 hex digits). *found = 0 when nothing matches; an
 * ambiguous prefix is CR_EINVAL with a message naming the candidates' count.
 */
int catalog_report_find(struct catalog *c, const char *key, struct catalog_report *r,
                        int *found, struct cr_err *err) CR_MUST_CHECK;

void catalog_report_release(struct catalog_report *r);

/* Callback over reports: return 0 to go on, non-zero to stop (returned as is). */
typedef int catalog_report_fn(const struct catalog_report *r, void *ctx);

/* Calls fn for each report that needs indexing (indexed_gen < content_gen), by id. */
int catalog_reports_pending(struct catalog *c, catalog_report_fn *fn, void *ctx,
                            struct cr_err *err) CR_MUST_CHECK;
/* Calls fn for every report, by id. */
int catalog_reports_all(struct catalog *c, catalog_report_fn *fn, void *ctx,
                        struct cr_err *err) CR_MUST_CHECK;
/* Number of reports needing indexing and of index removals queued. */
int catalog_count_pending(struct catalog *c, int64_t *reports, int64_t *removals,
                          struct cr_err *err) CR_MUST_CHECK;

/* Marks every report (or, with failed_only, every failed one) as needing indexing. */
int catalog_reports_invalidate(struct catalog *c, int failed_only, struct cr_err *err) CR_MUST_CHECK;

/* Records a successful extraction+index of generation gen. title may be NULL. */
int catalog_report_mark_indexed(struct catalog *c, int64_t id, int64_t gen, int pages,
                                const char *title, struct cr_err *err) CR_MUST_CHECK;
/* Records a failed attempt at generation gen, with its reason code and message. */
int catalog_report_mark_failed(struct catalog *c, int64_t id, int64_t gen, const char *reason,
                               const char *detail, struct cr_err *err) CR_MUST_CHECK;
/* Bumps content_gen (something the index shows changed). */
int catalog_report_touch(struct catalog *c, int64_t id, struct cr_err *err) CR_MUST_CHECK;

/* Deletes report id (its names cascade; the trigger queues the index removal). */
int catalog_report_remove(struct catalog *c, int64_t id, struct cr_err *err) CR_MUST_CHECK;

/* Calls fn(sha256, ctx) for each queued index removal. */
typedef int catalog_sha_fn(const char *sha256, void *ctx);
int catalog_removals(struct catalog *c, catalog_sha_fn *fn, void *ctx,
                     struct cr_err *err) CR_MUST_CHECK;
/* Forgets a queued removal once the index has dropped it. */
int catalog_removal_done(struct catalog *c, const char *sha256, struct cr_err *err) CR_MUST_CHECK;

/* Key/value settings of the repository (table meta). *value is new or NULL. */
int catalog_meta_get(struct catalog *c, const char *key, char **value,
                     struct cr_err *err) CR_MUST_CHECK;
int catalog_meta_set(struct catalog *c, const char *key, const char *value,
                     struct cr_err *err) CR_MUST_CHECK;

/*
 * PRAGMA integrity_check and foreign_key_check. *ok = 1 when both pass;
 * otherwise *problem (new, free()) holds the first lines they printed.
 */
int catalog_check(struct catalog *c, int *ok, char **problem, struct cr_err *err) CR_MUST_CHECK;

#endif
