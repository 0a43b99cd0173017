#ifndef CASEREVIEW_LIB_TAXONOMY_H
#define CASEREVIEW_LIB_TAXONOMY_H
/*
 * The taxonomy: the field's vocabulary as data (the .txt files of data/taxonomy, format
 * in data/taxonomy/README.md): themes, learning topics, review types,
 * document kinds, review models, and the field's abbreviations, each entry
 * with an id (doc/ids.md), a label, the names and abbreviations people use
 * for it, the phrases that are evidence of it in a report's text, and how
 * much evidence it needs.
 *
 * What it offers:
 *  - loading and validating the files once at start (a malformed entry is
 *    CR_EINVAL naming its file and line);
 *  - lookup of an entry by id, label, synonym or abbreviation (search's
 *    filter names: `--theme "domestic violence"`, `--theme DA`), and
 *    iteration over the entries of a kind;
 *  - a compiled phrase matcher: one pass over a text reports every phrase of
 *    every entry it contains (word boundaries, case-insensitive, plurals
 *    folded; abbreviations only in capitals), and marks the ones that stand
 *    in a negated clause ("there was no evidence of neglect", "sexual
 *    exploitation was considered and ruled out") by the cues of the
 *    [negation ID] entries.
 * What it is not: the tagging rules (how many matches make a theme) live
 * with the indexer; the taxonomy only says how much evidence each entry
 * needs.
 *
 * A loaded taxonomy is immutable; everything it hands out is borrowed until
 * taxonomy_free(), and it may be shared by threads.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/cr_err.h"

enum taxonomy_kind {
    TAXONOMY_THEME,       /* [theme ID]: what happened */
    TAXONOMY_TOPIC,       /* [topic ID]: what practice must change */
    TAXONOMY_REVIEW_TYPE, /* [review-type ID] */
    TAXONOMY_DOC_KIND,    /* [document-kind ID] */
    TAXONOMY_MODEL,       /* [review-model ID] */
    TAXONOMY_ABBREV,      /* [abbreviation ID]: the field's other abbreviations (MASH, LADO…) */
    TAXONOMY_OUTCOME,     /* [outcome ID]: died, harmed */
    TAXONOMY_NEGATION,    /* [negation ID]: cues that a mention is not what happened */
    TAXONOMY_SECTION,     /* [section ID]: headings, and what a mention under them weighs */
    TAXONOMY_STATEMENT,   /* [statement ID]: cues that a mention tells what happened */
    TAXONOMY_NKINDS
};

/* Weights of a phrase as evidence. */
enum taxonomy_weight {
    TAXONOMY_WEAK = 1,    /* "weak:" lines: suggestive, never enough alone */
    TAXONOMY_PHRASE = 2,  /* "phrase:" lines */
    TAXONOMY_NAME = 3,    /* the label, "synonym:" and "abbrev:" lines */
};

struct taxonomy_entry {
    enum taxonomy_kind kind;
    const char *id;                /* lowercase a-z, 0-9 and '-' */
    const char *label;             /* for people: "Domestic abuse" */
    const char *const *synonyms;   /* NULL-terminated; other names people use */
    const char *const *abbrevs;    /* NULL-terminated; "DA", "SCR" */
    const char *nation;            /* review types: the nation, or NULL (any) */
    const char *means;             /* abbreviations: what it stands for, else NULL */
    int rank;                      /* review types, kinds: precedence when several match */
    int min_score;                 /* themes, topics: score needed to tag (sum of weights) */
    int min_pages;                 /* themes, topics: pages the evidence must span */
    unsigned covers;               /* negations, statements: mask of 1 << kind of the hits
                                      they cover */
    int window;                    /* negations, statements: words between a cue and a hit */
    int percent;                   /* sections: weight of a mention under them, percent */
    const char *file;              /* where it was defined, for messages */
    int line;
    size_t index;                  /* position within its kind */
};

/* One phrase found by taxonomy_scan(). */
struct taxonomy_hit {
    const struct taxonomy_entry *entry;
    const char *phrase;            /* the phrase as written in the data file */
    int weight;                    /* enum taxonomy_weight */
    size_t start, end;             /* the match is text[start, end) */
    int negated;                   /* 1 when a negation cue of its clause covers it */
    int asserted;                  /* 1 when a statement cue of its clause covers it */
};

/* Called for each hit, in text order; return non-zero to stop the scan. */
typedef int taxonomy_hit_fn(const struct taxonomy_hit *hit, void *ctx);

struct taxonomy;

/*
 * Loads every *.txt file of dir (in name order) into a new taxonomy (*out,
 * taxonomy_free). A malformed file is CR_EINVAL with "'FILE' line N: what".
 */
int taxonomy_load(struct taxonomy **out, const char *dir, struct cr_err *err) CR_MUST_CHECK;

/*
 * Loads the shipped taxonomy: $CASEREVIEW_DATA/taxonomy, else data/taxonomy
 * found beside the running program (see taxonomy_data_path()).
 */
int taxonomy_load_default(struct taxonomy **out, struct cr_err *err) CR_MUST_CHECK;

/*
 * The shipped taxonomy without its phrase matcher: ids, labels, synonyms and
 * abbreviations for looking names up (search), at a third of the cost of
 * loading; taxonomy_scan() on it finds nothing.
 */
int taxonomy_load_names(struct taxonomy **out, struct cr_err *err) CR_MUST_CHECK;

/* Frees t. Accepts NULL. */
void taxonomy_free(struct taxonomy *t);

/*
 * Path of rel ("taxonomy", "partnerships.tsv") inside the data folder:
 * $CASEREVIEW_DATA if set, else the first "data" folder found beside the
 * running program or up to three levels above it (a build tree), else
 * /usr/share/casereview. New string (free()); the file may not exist.
 */
char *taxonomy_data_path(const char *rel);

/*
 * A fingerprint of the data a vocabulary is built from: the *.txt files of
 * the taxonomy folder and partnerships.tsv (taxonomy_data_path()), by name,
 * size, modification time and inode. It changes when a file is added,
 * removed, edited or replaced. 0 when the taxonomy folder cannot be read.
 * Costs a directory listing and a stat() per file; reads no file.
 */
uint64_t taxonomy_data_stamp(void);

/* Number of entries of kind k. */
size_t taxonomy_count(const struct taxonomy *t, enum taxonomy_kind k);
/* Entry i (0 <= i < taxonomy_count) of kind k, in file order. Borrowed. */
const struct taxonomy_entry *taxonomy_at(const struct taxonomy *t, enum taxonomy_kind k,
                                         size_t i);

/* The entry of kind k with this exact id, or NULL. */
const struct taxonomy_entry *taxonomy_get(const struct taxonomy *t, enum taxonomy_kind k,
                                          const char *id);

/*
 * The entry of kind k that name names: its id, label, a synonym or an
 * abbreviation, compared ignoring case, spaces, '-' and '_' and a final
 * plural 's'. NULL when none does.
 */
const struct taxonomy_entry *taxonomy_find(const struct taxonomy *t, enum taxonomy_kind k,
                                           const char *name);

/* The kind's section name in the data files ("theme", "review-type"…). Static. */
const char *taxonomy_kind_name(enum taxonomy_kind k);

/*
 * Finds every phrase of the entries whose kind is in kinds (a mask of
 * 1 << TAXONOMY_*) in text[0, len), calling fn for each, in order of where
 * the match ends. Overlapping matches are all reported. Returns what fn
 * returned to stop, else 0.
 *
 * A hit is marked negated when, in the same clause, a "before:" cue of a
 * negation entry ends at most `window` words before it starts ("no
 * indication of" … "sexual exploitation"), or an "after:" cue starts at
 * most `window` words after it ends ("neglect" … "was ruled out"), and the
 * negation's `negates:` kinds include the hit's kind. Clauses end at . ! ?
 * ; : a bullet or a blank line, and before "but", "however", "although",
 * "though" and "whereas" (a cue may begin with one: "but ruled out"). Cues
 * themselves are never reported, whatever kinds asks for.
 */
int taxonomy_scan(const struct taxonomy *t, const char *text, size_t len, unsigned kinds,
                  taxonomy_hit_fn *fn, void *ctx);

#define TAXONOMY_MASK(k) (1u << (k))
#define TAXONOMY_ALL ((1u << TAXONOMY_NKINDS) - 1)

#endif
