#ifndef CASEREVIEW_SEARCH_RESULT_H
#define CASEREVIEW_SEARCH_RESULT_H
/*
 * Result records and the formats other tools read: JSON lines, CSV (RFC
 * 4180), RIS (for Zotero, EndNote, Mendeley) and a Markdown reading list.
 *
 * A record is a JSON object with exactly the field names that other tools
 * rely on (RESULT_FIELDS, the search issue's list), in that order, null when
 * a value is unknown. CSV columns carry the same names.
 *
 * Writers append to a struct buf (unbounded: the program composes it) so
 * that the command line, the web server and the export share them.
 */

#include <jansson.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/xdb.h"
#include "search/filter.h"
#include "search/query.h"

/* The record's field names, in order; RESULT_NFIELDS of them. */
extern const char *const result_fields[];
#define RESULT_NFIELDS 21

/*
 * The public record of a hit: the display record's fields under their
 * names (missing ones null), best_page, and the snippet with **stars**.
 * With pages, "matching_pages" lists {page, snippet}. New reference.
 */
json_t *result_record(const struct query_hit *h, int pages);

/* One JSON line (no newline) of rec. */
void result_json(struct buf *out, const json_t *rec);

/* The CSV header line (CRLF-terminated). */
void result_csv_header(struct buf *out);
/* One CSV row of rec: lists joined with "; ", RFC 4180 quoting, CRLF. */
void result_csv_row(struct buf *out, const json_t *rec);
/* Appends one CSV field, quoted when it holds a comma, quote, CR or LF. */
void result_csv_field(struct buf *out, const char *s);

/*
 * One RIS record (TY RPRT … ER, CRLF line ends, RIS 2011 tags as Zotero maps
 * them: TI title, AU and PB the partnership, DA/PY the date, M3 the type of
 * report, KW themes and topics, UR the source, Y2 the fetch date, N1 notes).
 * file (may be NULL) becomes an L1 attachment link.
 */
void result_ris(struct buf *out, const json_t *rec, const struct filter_vocab *v,
                const char *file);

/* The Markdown heading of a reading list (count and what was asked). */
void result_md_header(struct buf *out, size_t n, const char *what);
/* One numbered entry of a Markdown reading list. file (may be NULL) is linked. */
void result_md(struct buf *out, const json_t *rec, size_t number, const struct filter_vocab *v,
               const char *file);

/*
 * A record's value as text: strings as they are, numbers in decimal, true /
 * false, lists joined with sep, null as "". New string.
 */
char *result_text(const json_t *rec, const char *key, const char *sep);

/* A list field's labels (themes, topics) through the vocabulary, joined with sep. New. */
char *result_labels(const json_t *rec, enum filter_field f, const struct filter_vocab *v,
                    const char *sep);

/*
 * A readable file name for a report: "2022-05 Manchester - Jacob - SCR full
 * report.pdf" (date, short partnership name, child, review type and kind,
 * then the format's extension). Only characters safe in a file name on any
 * desktop system. New string.
 */
char *result_file_name(const json_t *rec, const struct filter_vocab *v);

/*
 * The text of page `page` of the report with this sha256, as the index
 * holds it (*text new, or NULL when the index has no such page). db is
 * read-only.
 */
int result_page_text(struct xdb *db, const char *sha256, int page, char **text,
                     struct cr_err *err) CR_MUST_CHECK;

#endif
