#ifndef CASEREVIEW_SEARCH_FILTER_H
#define CASEREVIEW_SEARCH_FILTER_H
/*
 * Filters: the fields a search can be narrowed by (theme, topic,
 * partnership, nation, review type, document kind, child, year…), how they
 * map onto the index (lib/ixschema.h), and the vocabulary that turns what a
 * user types ("domestic violence", "DA", "Domestic abuse") into the id the
 * index holds ("domestic-abuse").
 *
 * The vocabulary holds, per field, each id with its label and other names,
 * and the field's abbreviations with what they stand for ("SUDI" → "sudden
 * unexpected death in infancy"). It is filled from the taxonomy by the
 * caller, or by hand in tests; search itself reads no file. Ids the index
 * holds count as known even when the vocabulary lacks them (partnerships
 * are named by the metadata, not the taxonomy).
 *
 * Names compare case-insensitively, with runs of spaces, hyphens,
 * underscores and apostrophes taken as one separator: "Domestic  Abuse",
 * "domestic-abuse" and "domestic_abuse" are one name.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"
#include "lib/xdb.h"

enum filter_field {
    FILTER_THEME = 0,
    FILTER_TOPIC,
    FILTER_PARTNERSHIP,
    FILTER_NATION,
    FILTER_TYPE,
    FILTER_KIND,
    FILTER_CHILD,
    FILTER_YEAR,
    FILTER_REVIEW,
    FILTER_OUTCOME,
    FILTER_AGE,
    FILTER_MODEL,
    FILTER_NFIELDS
};

/* How a field sits in the index. */
struct filter_field_info {
    const char *name;    /* as typed in the query language and by flags ("theme") */
    const char *prefix;  /* boolean term prefix (IX_P_…) */
    int slot;            /* value slot (IX_SLOT_…) */
    char sep;            /* multi-valued slot separator, 0 when single-valued */
    const char *json;    /* key of the display record ("review_type") */
    const char *label;   /* for people ("review type") */
    int resolve;         /* 1: values must be known names; 0: taken as typed */
};

/* The field's description (f < FILTER_NFIELDS). Static storage. */
const struct filter_field_info *filter_field(enum filter_field f);
/* The field called name ("theme"), or -1. */
int filter_field_by_name(const char *name);

struct filter_vocab;
struct taxonomy;

/* An empty vocabulary; new (filter_vocab_free). */
struct filter_vocab *filter_vocab_new(void);
void filter_vocab_free(struct filter_vocab *v);

/*
 * Adds id to field f with its label (may be NULL: the id is shown) and
 * another name (may be NULL). Call again with the same id for more names.
 * Strings are copied.
 */
void filter_vocab_add(struct filter_vocab *v, enum filter_field f, const char *id,
                      const char *label, const char *name);
/* Adds an abbreviation of the field (case as written: "SUDI") and one expansion. */
void filter_vocab_add_abbrev(struct filter_vocab *v, const char *abbr, const char *expansion);

/*
 * Adds the taxonomy's themes, topics, review types, document kinds and
 * review models (ids, labels, synonyms, abbreviations) and the field's
 * abbreviations with what they stand for. t is only read.
 */
void filter_vocab_from_taxonomy(struct filter_vocab *v, const struct taxonomy *t);

/*
 * Adds the partnerships of a partnerships.tsv (data/partnerships.tsv: id,
 * nation, current name, former names and abbreviations separated by ';'),
 * so that --partnership takes any of their names. Unreadable: CR_ENOTFOUND
 * or CR_EIO.
 */
int filter_vocab_load_partnerships(struct filter_vocab *v, const char *path,
                                   struct cr_err *err) CR_MUST_CHECK;

/*
 * The vocabulary compiled into one string, stamp included, to be kept (the
 * index's metadata, IX_META_VOCAB) and read back with filter_vocab_parse()
 * at a small part of the cost of building it from the taxonomy's text.
 * New string, or NULL when a name holds a tab or a newline (then keep
 * nothing).
 */
char *filter_vocab_dump(const struct filter_vocab *v, uint64_t stamp);
/*
 * The vocabulary s (len bytes, from filter_vocab_dump) holds: new
 * (filter_vocab_free); NULL when s is not a whole dump of this format, or
 * was dumped with another stamp (checked before anything is read).
 */
struct filter_vocab *filter_vocab_parse(const char *s, size_t len, uint64_t stamp);

/* Adds the four nations (doc/ids.md) with their names. */
void filter_vocab_add_nations(struct filter_vocab *v);

/* The label of id in field f, or id itself when it has none. Borrowed. */
const char *filter_vocab_label(const struct filter_vocab *v, enum filter_field f, const char *id);

/*
 * The expansions of word if it is an abbreviation, NULL if not. Words of
 * three letters or more match whatever their case ("sudi"); shorter ones
 * only as written ("DA", not "da", which is a word). *n gets the count.
 * Borrowed until the vocabulary changes.
 */
const char *const *filter_vocab_abbrev(const struct filter_vocab *v, const char *word,
                                       size_t *n);
/*
 * The abbreviations whose expansion is phrase (compared as names), NULL if
 * none; *n gets the count. Borrowed.
 */
const char *const *filter_vocab_abbrev_of(const struct filter_vocab *v, const char *phrase,
                                          size_t *n);

/*
 * Resolves what a user typed for field f into the id the index holds
 * (*id new). Tried in order: an id or name of the vocabulary, an id the
 * index holds (db may be NULL), the vocabulary's abbreviations, and for
 * partnerships the one index id that starts with the typed name. Fields that
 * do not resolve (child, year…) are normalised only. Unknown: CR_EQUERY with
 * a message naming the value and the closest known names.
 */
int filter_resolve(const struct filter_vocab *v, struct xdb *db, enum filter_field f,
                   const char *typed, char **id, struct cr_err *err) CR_MUST_CHECK;

/*
 * Normalises a name for comparison (lowercase ASCII, separators as one '-',
 * trimmed). New string.
 */
char *filter_norm(const char *s);

/* Levenshtein distance between a and b (bytes), capped at cap + 1. */
size_t filter_distance(const char *a, const char *b, size_t cap);

/*
 * A date typed as YYYY, YYYY-MM or YYYY-MM-DD as an IX_SLOT_PUBLISHED bound:
 * "YYYYMMDD", unknown parts padded with pad ("00" for a low bound, "99" for a
 * high one). out has 9 bytes. 0, or CR_EQUERY naming the date.
 */
int filter_date_bound(const char *typed, const char *pad, char *out,
                      struct cr_err *err) CR_MUST_CHECK;

#endif
