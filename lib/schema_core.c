/*
 * Schema of the core pipeline: reports, the names they came under, queued
 * index removals, repository settings. Add a migration at the end; never
 * edit one that has shipped.
 */

#include "lib/catalog_int.h"

const struct catalog_migration catalog_schema_core[] = {
    {1,
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "CREATE TABLE reports("
     "  id INTEGER PRIMARY KEY,"
     "  sha256 TEXT NOT NULL UNIQUE,"
     "  format TEXT NOT NULL,"
     "  bytes INTEGER NOT NULL,"
     "  added_at TEXT NOT NULL,"
     "  name TEXT NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'indexed', 'failed')),"
     "  fail_reason TEXT,"
     "  fail_detail TEXT,"
     "  pages INTEGER NOT NULL DEFAULT 0,"
     "  title TEXT,"
     "  content_gen INTEGER NOT NULL DEFAULT 1,"
     "  indexed_gen INTEGER NOT NULL DEFAULT 0,"
     "  indexed_at TEXT);"
     "CREATE TABLE report_names("
     "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
     "  name TEXT NOT NULL,"
     "  seen_at TEXT NOT NULL,"
     "  PRIMARY KEY (report_id, name));"
     "CREATE TABLE index_removals(sha256 TEXT PRIMARY KEY, removed_at TEXT NOT NULL);"
     "CREATE TRIGGER reports_removed AFTER DELETE ON reports BEGIN"
     "  INSERT OR REPLACE INTO index_removals VALUES"
     "    (old.sha256, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));"
     "END;"
     "CREATE TRIGGER reports_readded AFTER INSERT ON reports BEGIN"
     "  DELETE FROM index_removals WHERE sha256 = new.sha256;"
     "END;"},
    {0, 0},
};
