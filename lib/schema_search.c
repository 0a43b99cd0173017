/*
 * Schema of the search module's tables. Add a migration at the end; never edit
 * one that has shipped.
 */

#include "lib/catalog_int.h"

const struct catalog_migration catalog_schema_search[] = {
    /* saved searches: spec is the search as JSON (search/saved.c); asked_at is
     * when 'news' last reported on it, so the next 'news' shows what came after */
    {1,
     "CREATE TABLE saved_searches("
     "  name TEXT PRIMARY KEY,"
     "  spec TEXT NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  asked_at TEXT NOT NULL);"},
    {0, 0},
};
