#ifndef CASEREVIEW_TESTS_SEARCH_FIXTURE_H
#define CASEREVIEW_TESTS_SEARCH_FIXTURE_H
/*
 * The generated fixture repository of the search tests: fictional reports
 * of three fictional partnerships, written as the indexer lays them out
 * (lib/ixschema.h: one document per page with the report's filter terms,
 * values and display record, and one report document with its pages'
 * terms), their blobs in the store, their rows in the
 * catalogue, and, in a table of its own (fixture_meta: report_id, field,
 * value), what each report is, so that tests count the truth with SQL,
 * independently of the index.
 *
 * Report i (0-based) has id i + 1. The shapes are chosen for the tests:
 * dates on the edges of years and months (and dates known only to the month
 * or year), "sudden unexpected death in infancy" written out in some
 * reports and as SUDI in others, words only in recommendations, reviews of
 * several documents.
 */

#include "lib/xdb.h"
#include "search/filter.h"

#define FX_REPORTS 24

struct fx_repo {
    char *dir;        /* temporary directory; owned */
    char *home;       /* dir/home: the repository; owned */
    int nreports;     /* reports written so far */
};

/* Creates the repository with FX_REPORTS reports, added at CASEREVIEW_NOW 1700000000. */
void fx_repo_build(struct fx_repo *r);
/* Adds report number i (>= FX_REPORTS: more of the same shapes) at time `now`. */
void fx_repo_add(struct fx_repo *r, int i, long now);
/* Deletes the repository. */
void fx_repo_free(struct fx_repo *r);

/* The vocabulary the fixture's names use (a stand-in for the taxonomy's). New. */
struct filter_vocab *fx_vocab(void);

/* The sha256 of report i. Static storage, overwritten by the next call. */
const char *fx_sha(int i);

#endif
