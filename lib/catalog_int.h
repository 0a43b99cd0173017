#ifndef CASEREVIEW_LIB_CATALOG_INT_H
#define CASEREVIEW_LIB_CATALOG_INT_H
/*
 * Inside the catalogue: the migration sets of each module. Included by
 * lib/catalog.c and lib/schema_*.c only.
 */

/* One forward migration: applied once, in order, inside a transaction. */
struct catalog_migration {
    int version;      /* 1, 2, 3… within its module */
    const char *sql;  /* one or more statements */
};

/* A module's migrations, ending with {0, NULL}. */
extern const struct catalog_migration catalog_schema_core[];
extern const struct catalog_migration catalog_schema_crawl[];
extern const struct catalog_migration catalog_schema_meta[];
extern const struct catalog_migration catalog_schema_search[];

#endif
