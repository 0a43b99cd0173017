#ifndef CASEREVIEW_INDEXER_META_INT_H
#define CASEREVIEW_INDEXER_META_INT_H
/*
 * Inside metadata derivation: what meta.c, meta_partner.c, meta_sources.c
 * and tag.c share. Included by those files only.
 */

#include "indexer/meta.h"

/* Whitespace collapsed, trimmed, cut at CR_MAX_TITLE. New string. */
char *meta_clean(const char *s);

/* 1 when s[0, len) is a line of a contents list: dot leaders, or a page number at its end. */
int meta_contents_line(const char *s, size_t len);

/* A lowercase slug of s: letters and digits, runs of others as one '-'. New string. */
char *meta_slug(const char *s);

/*
 * Finds the publishing partnership in the cover, the PDF author and the
 * first pages' text, and sets partnership, partnership_name and nation.
 */
void meta_partnership_from_text(const struct taxonomy *t, const struct idx_report *r,
                                const char *cover, const char *text, struct meta_fields *f);

/*
 * Resolves a partnership name a user or a crawl source gives ("MSCB",
 * "Manchester Safeguarding Children Board", "manchester") to its id, name
 * and nation (each new, or NULL). Returns 1 when resolved.
 */
int meta_partnership_resolve(const char *name, char **id, char **display, char **nation);

/* With no layout lines (a re-tag), the cover stored by an earlier run. */
int meta_cover_fallback(struct catalog *c, const struct idx_report *r, char **cover,
                        struct meta_fields *f, struct cr_err *err);

/* Applies the crawler's link context, then the user's corrections, for report id. */
int meta_apply_sources(struct catalog *c, const struct taxonomy *t, int64_t id,
                       struct meta_fields *f, struct cr_err *err);

/* Computes the fields that follow from others: nation, review id, tag lists. */
void meta_finish(const struct taxonomy *t, struct meta_fields *f);

#endif
