#ifndef CASEREVIEW_LIB_XDB_H
#define CASEREVIEW_LIB_XDB_H
/*
 * A plain-C wrapper over the parts of Xapian's C++ API that casereview uses:
 * opening a database, building and replacing documents, reading terms,
 * values and data, and one search call that does query parsing (field
 * prefixes, boolean filters, date ranges, wildcards, spelling), collapsing,
 * sorting, facet counting and snippets.
 *
 * Invariants and promises:
 *  - No Xapian type crosses this header; handles are opaque.
 *  - Every entry point catches every exception and returns a CR_E… code with
 *    Xapian's own message in err (never an abort). On DatabaseModifiedError a
 *    read is retried once after reopening.
 *  - A writable handle keeps its changes in a transaction: they reach the
 *    disk at xdb_commit() only; xdb_close() without a commit discards them.
 *    Callers record in the catalogue what a commit made durable.
 *  - Text is indexed with the English stemmer (STEM_SOME) and positions, so
 *    phrases work; terms longer than 64 bytes are dropped by Xapian's own limit.
 *
 * What it deliberately is not: it knows nothing of reports or pages; the
 * indexer and search decide which terms, values and data a document has.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct xdb;
struct xdb_doc;

enum xdb_open_flags {
    XDB_WRITE = 1 << 0,     /* open for writing (takes Xapian's write lock) */
    XDB_CREATE = 1 << 1,    /* with XDB_WRITE: create if missing */
    XDB_OVERWRITE = 1 << 2, /* with XDB_WRITE: start a new, empty database */
};

/* Opens the database at path. *out is new (xdb_close). Missing: CR_ENOTFOUND. */
int xdb_open(struct xdb **out, const char *path, unsigned flags, struct cr_err *err) CR_MUST_CHECK;
/* Closes; uncommitted changes are discarded. Accepts NULL. */
void xdb_close(struct xdb *db);
/* Makes every change since the last commit durable (one Xapian commit). */
int xdb_commit(struct xdb *db, struct cr_err *err) CR_MUST_CHECK;
/* Reopens a read-only handle at the latest committed revision. */
int xdb_reopen(struct xdb *db, struct cr_err *err) CR_MUST_CHECK;
/*
 * A fingerprint of what is committed at path, for a long-lived reader: it
 * changes with every commit, and when the database is overwritten or
 * swapped for another, which xdb_reopen() can miss (an overwritten database
 * may reach the revision number the handle already has). Costs one stat().
 * 0 when there is no database at path.
 */
uint64_t xdb_stamp(const char *path);

/* Number of documents. */
int xdb_doc_count(struct xdb *db, uint32_t *n, struct cr_err *err) CR_MUST_CHECK;
/* The database's UUID (37 bytes with the NUL). */
int xdb_uuid(struct xdb *db, char *out, struct cr_err *err) CR_MUST_CHECK;

/* User metadata of the database. *value is new, "" when unset. */
int xdb_get_metadata(struct xdb *db, const char *key, char **value,
                     struct cr_err *err) CR_MUST_CHECK;
int xdb_set_metadata(struct xdb *db, const char *key, const char *value,
                     struct cr_err *err) CR_MUST_CHECK;

/*
 * Documents. xdb_doc_new(db) starts an empty document (db may be NULL; kept
 * for builders that will need it). The xdb_doc_* builders cannot fail
 * (allocation failure aborts, as xmalloc).
 */
struct xdb_doc *xdb_doc_new(struct xdb *db);
void xdb_doc_free(struct xdb_doc *d);
/*
 * The stored document docid as a builder (*out new, xdb_doc_free): its
 * terms with their positions and wdf, its values and data, to be changed
 * and written again with xdb_replace(). Missing: CR_ENOTFOUND.
 */
int xdb_doc_load(struct xdb *db, uint32_t docid, struct xdb_doc **out,
                 struct cr_err *err) CR_MUST_CHECK;
/* Document data: any bytes (copied). */
void xdb_doc_set_data(struct xdb_doc *d, const void *data, size_t len);
/* A boolean term (no positions, wdf 0), e.g. "XTHneglect". */
void xdb_doc_add_term(struct xdb_doc *d, const char *term);
/* Removes term (and its positions) from d; nothing when d does not carry it. */
void xdb_doc_remove_term(struct xdb_doc *d, const char *term);
/* A value in slot (copied); an empty value removes the slot's. */
void xdb_doc_add_value(struct xdb_doc *d, unsigned slot, const void *v, size_t len);
/* Sets in into every value from holds (a slot into holds and from does not is kept). */
void xdb_doc_copy_values(struct xdb_doc *into, const struct xdb_doc *from);
/*
 * Indexes free text: words and their English stems, with positions, each with
 * wdf weight; prefix ("" for body text, "S" for the title…) is put before every
 * term. Successive calls continue the positions, after a gap of 100, so that a
 * phrase never spans two calls.
 */
void xdb_doc_index_text(struct xdb_doc *d, const char *text, size_t len, const char *prefix,
                        unsigned weight);

/*
 * Joins d's values of slots first .. first + n - 1 (in order, sep between
 * them, empty ones kept empty) into slot `into`: a reader that needs them
 * all (the facet spy) then reads one value stream instead of n.
 */
void xdb_doc_bundle(struct xdb_doc *d, unsigned into, unsigned first, unsigned n, char sep);

/*
 * Adds every term of from to into as a boolean term (wdf 0, no positions),
 * once however many documents carry it: how a parent document (struct
 * xdb_parents) gathers its children's terms. Terms xdb_replace() adds (the
 * unique term) are not in from before it is written.
 */
void xdb_doc_merge_terms(struct xdb_doc *into, const struct xdb_doc *from);

/* Adds d under unique_term (replacing the documents that carry it). d is not taken. */
int xdb_replace(struct xdb *db, const char *unique_term, struct xdb_doc *d,
                struct cr_err *err) CR_MUST_CHECK;
/* Deletes every document carrying term. */
int xdb_delete_term(struct xdb *db, const char *term, struct cr_err *err) CR_MUST_CHECK;
/* Adds a synonym (both are terms, e.g. "sudi" → "Zsudden"), for query-time expansion. */
int xdb_add_synonym(struct xdb *db, const char *term, const char *synonym,
                    struct cr_err *err) CR_MUST_CHECK;

/* Reading. Callbacks return 0 to go on, anything else to stop (returned as is). */
typedef int xdb_term_fn(const char *term, size_t len, uint32_t termfreq, void *ctx);
typedef int xdb_docid_fn(uint32_t docid, void *ctx);

int xdb_term_freq(struct xdb *db, const char *term, uint32_t *n, struct cr_err *err) CR_MUST_CHECK;
/* Documents carrying both term and also (term's postings, skipped through also's). */
int xdb_term_freq_both(struct xdb *db, const char *term, const char *also, uint32_t *n,
                       struct cr_err *err) CR_MUST_CHECK;
/* Every term starting with prefix, in byte order. */
int xdb_each_term(struct xdb *db, const char *prefix, xdb_term_fn *fn, void *ctx,
                  struct cr_err *err) CR_MUST_CHECK;
/* Every document carrying term, by docid. */
int xdb_each_posting(struct xdb *db, const char *term, xdb_docid_fn *fn, void *ctx,
                     struct cr_err *err) CR_MUST_CHECK;
/* A document's data (new, NUL-terminated after len bytes) and values. */
int xdb_get_data(struct xdb *db, uint32_t docid, char **data, size_t *len,
                 struct cr_err *err) CR_MUST_CHECK;
int xdb_get_value(struct xdb *db, uint32_t docid, unsigned slot, char **value, size_t *len,
                  struct cr_err *err) CR_MUST_CHECK;

/* ---- Searching ---- */

/* A field the query language knows: "title:" → prefix "S". */
struct xdb_prefix {
    const char *field;  /* as typed, without the colon; borrowed */
    const char *prefix; /* term prefix; borrowed */
    int boolean;        /* 1: a filter (exact term), 0: free text within the field */
};

/*
 * A range the query language knows: "published:2019..2021". Values in slot
 * are sortable strings; for XDB_RANGE_DATE they are "YYYYMMDD" with "00" for
 * an unknown month or day, and bounds typed as YYYY, YYYY-MM or YYYY-MM-DD
 * are padded (low with 00, high with 99) so that a year covers all its dates.
 */
enum xdb_range_kind { XDB_RANGE_DATE = 0, XDB_RANGE_STRING = 1 };
struct xdb_range {
    const char *field;   /* "published"; borrowed */
    unsigned slot;
    enum xdb_range_kind kind;
};

/* Boolean filter: a document must carry one of terms (OR); groups are ANDed. */
struct xdb_filter_group {
    const char *const *terms; /* borrowed */
    size_t n;
    int negate;               /* 1: documents carrying any of terms are excluded */
};

/* Value range filter on a slot (inclusive; NULL bound = open). */
struct xdb_value_range {
    unsigned slot;
    const char *lo;           /* borrowed, may be NULL */
    const char *hi;           /* borrowed, may be NULL */
};

/*
 * Facet: count distinct values in slot among the matching documents, each
 * counted once per collapse key (one report), not once per page. sep != 0
 * splits a multi-valued slot ("neglect\x1fdomestic-abuse").
 *
 * A paired facet cross-tabulates: it counts each pair (value of slot, value
 * of slot2), reported as one string "value" XDB_PAIR_SEP "value2".
 */
struct xdb_facet {
    unsigned slot;
    char sep;
    int paired;               /* 1: count pairs with slot2 */
    unsigned slot2;           /* with paired */
    char sep2;                /* with paired: splits slot2's values */
};

#define XDB_PAIR_SEP '\x1e'

/*
 * Parent documents: one per collapse group (a report, whose children are
 * its pages), carrying `term` (which no child carries), every term of its
 * children as a boolean term (xdb_doc_merge_terms), and the values its
 * children share. With q->parents:
 *  - ranking, hits and snippets see children only (parents are ANDed out);
 *  - counting (exact totals, facets) runs on the parents, one document per
 *    group and nothing to fold, when the query matches a parent exactly
 *    when it matches one of its children at least; otherwise on the
 *    children, folded by the collapse key, as without parents.
 * A query matches alike when its terms of the children's own (not in
 * const_prefixes: words, stems) are only ORed (OR, SYNONYM, MAX, wildcards),
 * or ANDed with or excluding constant terms (filters) or value ranges. Two
 * words ANDed need one child holding both; NOT a word, one child without it;
 * phrases and NEAR need positions: those count children. Value ranges
 * are taken as constant: every child of a group and its parent must hold the
 * same value in any slot a range filters on.
 */
struct xdb_parents {
    const char *term;         /* carried by parents only, e.g. "XDreport"; borrowed */
    int key_slot;             /* the slot naming a group: collapsing on it needs no folding */
    int size_slot;            /* on parents: their number of children, decimal (facet_docs);
                               * -1: none, and facet_docs counts children */
    const char *const *const_prefixes; /* term prefixes that every child of a group and
                               * its parent carry alike (filters, title); borrowed */
    size_t nconst_prefixes;
    int children_only;        /* 1: count children even when parents could (tests compare) */
    int bundle_slot;          /* on parents: the bundle (xdb_query.bundle_slot) in a slot of
                               * their own; -1: none. Empty there: the query's bundle slot */
};

enum xdb_query_flags {
    XDB_Q_WILDCARD = 1 << 0,  /* neglect* */
    XDB_Q_SPELLING = 1 << 1,  /* with no match, a "did you mean" from the index's own words */
    XDB_Q_SYNONYMS = 1 << 2,  /* expand terms through the synonym table */
    XDB_Q_DEFAULT_OR = 1 << 3 /* words without an operator are ORed (default: ANDed) */
};

struct xdb_query {
    const char *text;                    /* the query; NULL or "" matches everything */
    unsigned flags;                      /* xdb_query_flags */
    const struct xdb_prefix *prefixes;
    size_t nprefixes;
    const struct xdb_range *ranges;
    size_t nranges;
    const struct xdb_filter_group *filters;
    size_t nfilters;
    const struct xdb_value_range *vranges;
    size_t nvranges;
    int collapse_slot;                   /* -1: no collapsing */
    unsigned collapse_max;               /* documents kept per collapse key (>= 1) */
    int sort_slot;                       /* -1: by relevance (BM25), ties by collapse key */
    int sort_descending;                 /* with sort_slot: newest first */
    unsigned offset;
    unsigned limit;
    int exact;                           /* 1: count every match (facets exact) */
    const struct xdb_facet *facets;
    size_t nfacets;
    int facet_docs;                      /* 1: also count documents per facet value */
    unsigned bundle_n;                   /* > 0: slot bundle_slot holds slots bundle_first .. +n-1 */
    unsigned bundle_slot, bundle_first;  /* (xdb_doc_bundle); facets read it when present */
    char bundle_sep;
    unsigned snippet_chars;              /* 0: no snippets */
    const char *hi_start;                /* highlight markers around matches */
    const char *hi_end;
    char text_sep;                       /* snippet text = data after the first text_sep */
    const struct xdb_parents *parents;   /* NULL: every document is a child; borrowed */
};

struct xdb_hit {
    uint32_t docid;
    double weight;
    int percent;
    uint32_t collapse_count;  /* other documents with the same collapse key (lower bound) */
    char *data;               /* owned, NUL-terminated after data_len bytes */
    size_t data_len;
    char *snippet;            /* owned, NULL without snippets */
};

struct xdb_facet_value {
    char *value;              /* owned */
    uint32_t count;           /* collapse keys (reports) carrying the value */
    uint32_t docs;            /* documents (pages) carrying it, with q->facet_docs; else 0 */
};

struct xdb_facet_result {
    struct xdb_facet_value *values; /* owned; by count descending, then value */
    size_t n;
};

struct xdb_result {
    uint32_t estimated;       /* matches (collapsed when the query collapses) */
    int estimated_exact;      /* 1: estimated is exact (counted on the parents) */
    uint32_t groups;          /* collapse keys counted by the facet spy (exact when q->exact) */
    uint32_t docs;            /* children (pages) counted, with q->facet_docs; else 0 */
    int counted_parents;      /* 1: the counts came from parent documents */
    struct xdb_hit *hits;     /* owned */
    size_t nhits;
    struct xdb_facet_result *facets; /* owned; one per query facet */
    size_t nfacets;
    char *corrected;          /* owned "did you mean" query, NULL if none */
    char *description;        /* owned: Xapian's description of the parsed query */
};

/*
 * Runs q. *out is new (xdb_result_free). A query the parser rejects is
 * CR_EQUERY with Xapian's message.
 */
int xdb_search(struct xdb *db, const struct xdb_query *q, struct xdb_result **out,
               struct cr_err *err) CR_MUST_CHECK;
void xdb_result_free(struct xdb_result *r);

/*
 * Writes a compacted copy of the database at src into dst (which must not
 * exist): B-tree blocks packed, free space dropped. User metadata is kept; the
 * UUID is not.
 */
int xdb_compact(const char *src, const char *dst, struct cr_err *err) CR_MUST_CHECK;

/*
 * "Did you mean": text with each word the index does not hold replaced by
 * the index's closest word (as XDB_Q_SPELLING does after an empty search).
 * *out is new, "" when nothing would change.
 */
int xdb_suggest(struct xdb *db, const char *text, char **out, struct cr_err *err) CR_MUST_CHECK;

/*
 * Checks the database's structure (Xapian::Database::check). *ok = 1 if
 * sound. Where the index cannot be written (a read-only disk), Xapian's check
 * cannot run: the index is only opened, and *report says so.
 */
int xdb_check(const char *path, int *ok, char **report, struct cr_err *err) CR_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif
