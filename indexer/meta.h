#ifndef CASEREVIEW_INDEXER_META_H
#define CASEREVIEW_INDEXER_META_H
/*
 * What a report is and what it is about, derived from its extracted text
 * and layout, the crawler's link context and a user's corrections: its
 * fields (title, partnership, nation, review type, document kind, child,
 * dates, outcome, age band, review model, review id), its themes and
 * learning topics with their evidence, and its recommendations and learning
 * points.
 *
 * Sources, in order of trust: a user's correction ("user"), the crawler's
 * link context ("link"), the report's own pages ("text", "layout"), the PDF
 * info dictionary ("info"); a few fields are computed from others
 * ("derived"). Each field records where it came from, and the catalogue
 * keeps it (meta_store), so that `casereview show` can say so.
 *
 * Field names are those of the display record (issue #5's JSON names), so
 * that `casereview edit --set NAME=VALUE` takes the same names.
 */

#include "indexer/report.h"
#include "lib/cr_err.h"
#include "lib/taxonomy.h"

enum meta_field {
    META_TITLE,
    META_PARTNERSHIP,      /* partnership id ("manchester", "northshire") */
    META_PARTNERSHIP_NAME, /* its name as shown */
    META_NATION,
    META_REVIEW_TYPE,
    META_DOCUMENT_KIND,
    META_CHILD,
    META_PUBLISHED,        /* ISO 8601 partial date */
    META_EVENT,            /* when a learning event was held, same form */
    META_CHILD_AGE,        /* "3 years", "6 weeks" as the report states it */
    META_INCIDENT_YEAR,    /* YYYY */
    META_OUTCOME,          /* died, harmed */
    META_AGE_BAND,         /* under-1, 1-4, 5-9, 10-14, 15-17 */
    META_REVIEW_MODEL,
    META_REVIEW_ID,        /* documents of one review share it */
    META_THEMES,           /* theme ids, comma-separated */
    META_TOPICS,           /* topic ids, comma-separated */
    META_COVER,            /* the cover's large-print lines (kept for --retag) */
    META_SOURCE_URL,       /* the URL it was fetched from (crawled reports) */
    META_FETCHED,          /* when it was first fetched, ISO 8601 */
    META_ONLINE,           /* "true" while a URL still serves it, "false" once gone */
    META_NFIELDS
};

/* One theme or topic and the evidence that earned it. */
struct meta_tag {
    enum taxonomy_kind kind;  /* TAXONOMY_THEME or TAXONOMY_TOPIC */
    char *id;                 /* owned */
    int score;                /* sum of the weights of its matches */
    int *pages;               /* owned; distinct pages with a match, ascending */
    size_t npages;
    char *phrases;            /* owned; the distinct phrases matched, "; "-separated */
    int user;                 /* 1 when set by a user's correction (no evidence) */
};

enum meta_item_kind { META_ITEM_RECOMMENDATION, META_ITEM_LEARNING };

/* A numbered recommendation or learning point. */
struct meta_item {
    enum meta_item_kind kind;
    int page;                 /* 1-based page where it starts */
    char *label;              /* owned: "1", "Learning point 3" */
    char *text;               /* owned: the item's text, lines joined */
};

struct meta_fields {
    char *v[META_NFIELDS];            /* owned values, NULL when unknown */
    const char *src[META_NFIELDS];    /* static source names, NULL when unknown */
    struct meta_tag *tags;            /* owned; themes then topics */
    size_t ntags, tags_alloc;
    struct meta_item *items;          /* owned, in text order */
    size_t nitems, items_alloc;
};

/* The JSON / command-line name of a field ("review_type"). Static. */
const char *meta_field_name(enum meta_field f);
/* The field named name, or -1. */
int meta_field_by_name(const char *name);

/*
 * Derives r's fields into f (released with meta_fields_release), reading
 * the user's corrections and the crawler's link context for report r from c,
 * and the vocabulary from t (both borrowed). The title is never NULL after
 * a successful call.
 */
int meta_derive(struct catalog *c, const struct taxonomy *t, const struct idx_report *r,
                struct meta_fields *f, struct cr_err *err) CR_MUST_CHECK;
void meta_fields_release(struct meta_fields *f);

/* Sets field i to value (copied; NULL clears) with source src (static). */
void meta_set(struct meta_fields *f, enum meta_field i, const char *value, const char *src);

/*
 * Writes f as report id's fields, tags and items into the catalogue,
 * replacing what it held (the caller holds the transaction).
 */
int meta_store(struct catalog *c, int64_t id, const struct meta_fields *f,
               struct cr_err *err) CR_MUST_CHECK;

/*
 * Loads what meta_store wrote for report id into f (zeroed first); *found = 0
 * when the report was never described.
 */
int meta_load(struct catalog *c, int64_t id, struct meta_fields *f, int *found,
              struct cr_err *err) CR_MUST_CHECK;

/* A document of the same review, for meta_siblings(). Strings borrowed for the call. */
typedef int meta_sibling_fn(int64_t id, const char *kind, const char *title, void *ctx);

/*
 * Calls fn for every other report whose review id is review_id (the
 * documents of one review: report, briefing, action plan…), by id.
 */
int meta_siblings(struct catalog *c, int64_t id, const char *review_id, meta_sibling_fn *fn,
                  void *ctx, struct cr_err *err) CR_MUST_CHECK;

/*
 * Records a user's correction of field (a meta_field_by_name() name) for
 * report id: value NULL or "" removes the correction. Validates the value
 * (ids must exist in t, dates must parse) and bumps the report's content
 * generation so that the next index run applies it.
 */
int meta_correct(struct catalog *c, const struct taxonomy *t, int64_t id, const char *field,
                 const char *value, struct cr_err *err) CR_MUST_CHECK;

/*
 * The title from first-page lines: the run of lines set in the largest font
 * that holds at least a few letters. New string or NULL. Exposed for tests.
 */
char *meta_title_from_lines(const struct idx_line *lines, size_t n);

/* Tagging (indexer/tag.c): themes, topics, review model, outcome evidence. */

/*
 * Scans every page of r once and adds to f the themes and topics whose
 * evidence reaches their entry's min-score over min-pages pages (scaled
 * down for short reports), and the review model with the most evidence.
 */
void tag_report(const struct taxonomy *t, const struct idx_report *r, struct meta_fields *f);

/*
 * Finds the numbered items under Recommendations / Learning / Findings
 * headings (and "Recommendation N:" / "Learning point N:" lines anywhere)
 * and adds them to f->items.
 */
void tag_items(const struct idx_report *r, struct meta_fields *f);

/* The child's age in months from text ("three years old", "aged 15", "6 weeks old"), or -1. */
int meta_age_months(const char *text, char *as_written, size_t cap);

/* The age band id of an age in months (doc/ids.md), or NULL. Static. */
const char *meta_age_band(int months);

#endif
