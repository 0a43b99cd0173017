#ifndef CASEREVIEW_INDEXER_META_H
#define CASEREVIEW_INDEXER_META_H
/*
 * What a report is, derived from its extracted text and layout: its title
 * (the largest text on its first page), and the fields that later work adds
 * (partnership, review type, document kind, child, dates, themes, topics).
 *
 * Sources, in order of trust: a user's correction, the crawler's link
 * context, the report's own pages, the PDF info dictionary. Each field
 * records where it came from.
 */

#include "indexer/report.h"
#include "lib/cr_err.h"

struct meta_fields {
    char *title;              /* owned, never NULL after meta_derive */
    const char *title_source; /* static: "layout", "info", "text", "file name" */
};

/* Derives r's fields into f (released with meta_fields_release). */
int meta_derive(struct catalog *c, const struct idx_report *r, struct meta_fields *f,
                struct cr_err *err) CR_MUST_CHECK;
void meta_fields_release(struct meta_fields *f);

/*
 * The title from first-page lines: the run of lines set in the largest font
 * that holds at least a few letters. New string or NULL. Exposed for tests.
 */
char *meta_title_from_lines(const struct idx_line *lines, size_t n);

#endif
