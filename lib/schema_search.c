/*
 * Schema of the search module's tables. Add a migration at the end; never edit
 * one that has shipped.
 */

#include "lib/catalog_int.h"

const struct catalog_migration catalog_schema_search[] = {
    {0, 0},
};
