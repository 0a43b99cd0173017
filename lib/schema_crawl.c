/*
 * Schema of the crawl module's tables. Add a migration at the end; never edit
 * one that has shipped.
 */

#include "lib/catalog_int.h"

const struct catalog_migration catalog_schema_crawl[] = {
    {0, 0},
};
