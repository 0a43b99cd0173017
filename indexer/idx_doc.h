#ifndef CASEREVIEW_INDEXER_IDX_DOC_H
#define CASEREVIEW_INDEXER_IDX_DOC_H
/*
 * Writing one report into the index, in the layout that lib/ixschema.h
 * defines: each page a document carrying the report's filter terms and
 * values and the display record, and one report document with every term
 * of its pages (no positions, no wdf), for counting.
 */

#include "indexer/meta.h"
#include "indexer/report.h"
#include "lib/cr_err.h"
#include "lib/xdb.h"

/*
 * Replaces every document of r with its current pages and its report
 * document (pages that no longer exist are deleted too; a report of no
 * pages has no documents). Not committed: the caller commits.
 */
int idx_doc_write(struct xdb *db, const struct idx_report *r, const struct meta_fields *f,
                  struct cr_err *err) CR_MUST_CHECK;

/*
 * Brings report `key` (IX_KEY_LEN hex digits) of an index of the first
 * layout (pages only, lib/ixschema.h) to the current one, from what the
 * index holds: marks its pages IX_T_PAGE and writes its report document.
 * *pages gets its page count. Run again on a report already brought up, it
 * writes the same. Not committed.
 */
int idx_doc_upgrade(struct xdb *db, const char *key, int *pages, struct cr_err *err) CR_MUST_CHECK;

/* Deletes every document (pages and report document) of the report with this sha256. */
int idx_doc_delete(struct xdb *db, const char *sha256, struct cr_err *err) CR_MUST_CHECK;

/*
 * The display record of r as one line of JSON without the page number.
 * New string (free()).
 */
char *idx_doc_record(const struct idx_report *r, const struct meta_fields *f);

/*
 * The child term's value for a pseudonym: lowercased, spaces as '-'
 * ("Child F1" -> "child-f1"; lib/ixschema.h IX_P_CHILD). New string.
 */
char *idx_doc_child_term(const char *child);

#endif
