#ifndef CASEREVIEW_SEARCH_SAVED_H
#define CASEREVIEW_SEARCH_SAVED_H
/*
 * Saved searches, in the catalogue (table saved_searches, lib/schema_search.c):
 * a name, the search (query words, filters as typed, dates, sort, by-review)
 * as JSON, when it was saved and when 'news' last reported on it. 'news'
 * runs each saved search restricted to the reports added since then, so a
 * practitioner hears of new reviews on a theme.
 *
 * Filters are kept as the user typed them and resolved again at each run,
 * so a saved search follows the taxonomy as it grows.
 */

#include "lib/catalog.h"
#include "lib/cr_err.h"
#include "search/query.h"

struct query_saved {
    char *name;              /* owned */
    char *created_at;        /* owned, ISO 8601 */
    char *asked_at;          /* owned, ISO 8601: last report of news */
    struct query_opts opts;  /* strings and filters owned by this struct */
    char *spec;              /* owned: the JSON as stored */
};

/*
 * Saves o under name (replacing a search of that name; its news starts
 * again from now). Names are 1 to 64 printable characters.
 */
int query_saved_put(struct catalog *c, const char *name, const struct query_opts *o,
                    struct cr_err *err) CR_MUST_CHECK;

/* Calls fn for each saved search, by name; fn returns non-zero to stop. */
typedef int query_saved_fn(const struct query_saved *s, void *ctx);
int query_saved_each(struct catalog *c, query_saved_fn *fn, void *ctx,
                     struct cr_err *err) CR_MUST_CHECK;

/* Loads the search called name into *s (query_saved_release); *found = 0 when none. */
int query_saved_get(struct catalog *c, const char *name, struct query_saved *s, int *found,
                    struct cr_err *err) CR_MUST_CHECK;

/* Records that news reported on name up to time at (ISO 8601). */
int query_saved_asked(struct catalog *c, const char *name, const char *at,
                      struct cr_err *err) CR_MUST_CHECK;

/* Deletes the search called name; *found = 0 when there was none. */
int query_saved_remove(struct catalog *c, const char *name, int *found,
                       struct cr_err *err) CR_MUST_CHECK;

void query_saved_release(struct query_saved *s);

/*
 * The search as words a user could type again:
 * "--theme neglect --from 2019 'professional curiosity'". New string.
 */
char *query_saved_describe(const struct query_opts *o);

#endif
