#ifndef CASEREVIEW_LIB_HINTS_H
#define CASEREVIEW_LIB_HINTS_H
/*
 * Hints from a link: what a partnership's web page says about a document
 * it links to, read from the link's anchor text, the text of its enclosing
 * list item / paragraph / table row ("context"), and the nearest heading
 * above it. The crawler calls hints_parse() for every document link and
 * stores the result; the indexer trusts these hints above the document's
 * own pages (DESIGN.md, "Metadata").
 *
 *   "Child F1 SCR: Learning event held April 2018; full report published 15.05.2018"
 *       child "Child F1", review_type "scr", document_kind "full-report",
 *       published "2018-05-15", event "2018-04"
 *   "Jacob SCR 7 minute briefing: Published 1st November 2022"
 *       child "Jacob", review_type "scr", document_kind "7-minute-briefing",
 *       published "2022-11-01"
 *
 * Ids are those of doc/ids.md; the words that name each review type and
 * document kind come from the taxonomy (data/taxonomy), not from this code.
 * The anchor is trusted first, then the context, then the heading, field by
 * field. A date is the publication date when the words before it say so
 * ("published", "date added", "uploaded") or when nothing says otherwise; a
 * date after "learning event" / "event held" is kept apart as event.
 *
 * Deliberately not here: the partnership (the crawler knows its source),
 * fetching, HTML. Inputs are plain UTF-8 text.
 */

#include "lib/taxonomy.h"

struct hints {
    char *child;          /* pseudonym as the page writes it, e.g. "Child F1",
                             "Children N, B and YK", "Baby R", "Jacob"; NULL if none */
    char *review_type;    /* review type id, NULL if none */
    char *document_kind;  /* document kind id, NULL if none */
    char *published;      /* ISO 8601 partial date (YYYY-MM-DD, YYYY-MM, YYYY), or NULL */
    char *event;          /* the date a learning event was held, same form, or NULL */
};

/*
 * Derives hints from a link. anchor, context and heading may each be NULL
 * or empty; t is the loaded taxonomy (borrowed). Fills *out (every field
 * new or NULL; release with hints_release). Returns the number of fields
 * found (0 when the texts say nothing useful). Never fails.
 */
int hints_parse(const struct taxonomy *t, const char *anchor, const char *context,
                const char *heading, struct hints *out);

/* Frees the fields and sets them to NULL. Accepts NULL. */
void hints_release(struct hints *h);

/*
 * The child's pseudonym in text, as hints_parse() finds it: "Child X",
 * "Children X, Y and Z", "Baby X", "Young Person X", "Family X", or a first
 * name standing before or after a review type ("Jacob SCR", "SCR: Jacob").
 * t (may be NULL) supplies the review type words and the abbreviations that
 * are not pseudonyms. New string, or NULL when there is none.
 */
char *hints_child(const struct taxonomy *t, const char *text);

/*
 * 1 when s[0, len) reads as a first name used as a pseudonym ("Jacob",
 * "Ruby"): a capital then lowercase letters, not a word of the taxonomy, a
 * month, a place-like word or a common heading word.
 */
int hints_name_word(const struct taxonomy *t, const char *s, size_t len);

#endif
