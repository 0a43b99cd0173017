/*
 * Schema of the meta module's tables. Add a migration at the end; never edit
 * one that has shipped.
 *
 *   meta_fields       each report's derived fields (indexer/meta.h names:
 *                     title, partnership, review_type, …) with the source
 *                     each came from: user, link, text, layout, info, derived.
 *   meta_corrections  a user's corrections (`casereview edit --set`); they
 *                     outlive every re-index and re-tag.
 *   meta_tags         themes and topics with their evidence: score, pages
 *                     (comma-separated, ascending) and phrases matched.
 *   meta_items        numbered recommendations and learning points, with the
 *                     page where each starts.
 * Rows cascade away with their report.
 */

#include "lib/catalog_int.h"

const struct catalog_migration catalog_schema_meta[] = {
    {1,
     "CREATE TABLE meta_fields("
     "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
     "  field TEXT NOT NULL,"
     "  value TEXT NOT NULL,"
     "  source TEXT NOT NULL,"
     "  PRIMARY KEY (report_id, field));"
     "CREATE INDEX meta_fields_value ON meta_fields(field, value);"
     "CREATE TABLE meta_corrections("
     "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
     "  field TEXT NOT NULL,"
     "  value TEXT NOT NULL,"
     "  set_at TEXT NOT NULL,"
     "  PRIMARY KEY (report_id, field));"
     "CREATE TABLE meta_tags("
     "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
     "  kind TEXT NOT NULL CHECK (kind IN ('theme', 'topic')),"
     "  tag TEXT NOT NULL,"
     "  score INTEGER NOT NULL,"
     "  pages TEXT NOT NULL,"
     "  phrases TEXT NOT NULL,"
     "  source TEXT NOT NULL,"
     "  PRIMARY KEY (report_id, kind, tag));"
     "CREATE TABLE meta_items("
     "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
     "  seq INTEGER NOT NULL,"
     "  kind TEXT NOT NULL CHECK (kind IN ('recommendation', 'learning')),"
     "  page INTEGER NOT NULL,"
     "  label TEXT NOT NULL,"
     "  text TEXT NOT NULL,"
     "  PRIMARY KEY (report_id, seq));"},
    {0, 0},
};
