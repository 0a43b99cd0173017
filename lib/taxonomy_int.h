#ifndef CASEREVIEW_LIB_TAXONOMY_INT_H
#define CASEREVIEW_LIB_TAXONOMY_INT_H
/*
 * Inside the taxonomy: the phrase matcher that lib/taxonomy.c builds while
 * loading and lib/taxonomy_scan.c runs. Included by those two files only.
 *
 * Phrases are sequences of normalised tokens (lowercase, possessive 's
 * dropped, plurals folded: "injuries" = "injury", "meetings" = "meeting"),
 * stored in a trie whose edges are keyed by interned token ids. A text is
 * tokenised the same way and walked once, keeping the few trie states that
 * are still open (phrases are short), so a scan costs one hash probe per
 * word of text.
 */

#include <stddef.h>
#include <stdint.h>

#include "lib/taxonomy.h"

#define TAX_TOKEN_MAX 40     /* bytes of a normalised token; longer ones never match */
#define TAX_PHRASE_TOKENS 10 /* tokens in one phrase */

struct tax_token {
    size_t start, end;           /* bytes in the text */
    char norm[TAX_TOKEN_MAX];    /* normalised, NUL-terminated ("" when too long) */
    int caps;                    /* written in capitals (an abbreviation's shape) */
};

/* Reads the token at or after *i in s[0, len); 0 at the end. Advances *i. */
int tax_next_token(const char *s, size_t len, size_t *i, struct tax_token *t);

enum tax_cue {
    TAX_EVIDENCE = 0,            /* a phrase reported to the caller */
    TAX_CUE_BEFORE,              /* a cue covering what follows it */
    TAX_CUE_AFTER,               /* a cue covering what precedes it */
};

struct tax_out {
    uint32_t entry;              /* global entry number (see struct taxonomy) */
    uint8_t weight;              /* enum taxonomy_weight; 0 for cues */
    uint8_t caps;                /* match only tokens written in capitals */
    uint8_t cue;                 /* enum tax_cue */
    const char *phrase;          /* borrowed from the entry's strings */
};

struct tax_node {
    struct tax_out *outs;        /* owned */
    uint32_t nouts;
    size_t outs_alloc;
};

/* Open-addressing tables (load factor <= 1/2). */
struct tax_intern {
    char **keys;                 /* owned strings, NULL = empty */
    uint32_t *ids;
    size_t cap, n;
};

struct tax_edges {
    uint64_t *keys;              /* (node << 32 | token) + 1; 0 = empty */
    uint32_t *child;
    size_t cap, n;
};

struct tax_matcher {
    struct tax_intern tokens;
    struct tax_edges edges;
    struct tax_node *nodes;      /* [0] is the root */
    size_t nnodes, nodes_alloc;
};

/* The token id of a normalised token, or UINT32_MAX. */
uint32_t tax_intern_find(const struct tax_intern *in, const char *norm);

/* 0 = no edge. */
uint32_t tax_edge_find(const struct tax_edges *e, uint32_t node, uint32_t tok);

struct taxonomy {
    struct taxonomy_entry *entries[TAXONOMY_NKINDS]; /* owned arrays */
    size_t count[TAXONOMY_NKINDS], alloc[TAXONOMY_NKINDS];
    const struct taxonomy_entry **all;               /* global number -> entry */
    size_t nall;
    struct tax_matcher m;
    int max_window;                                  /* largest window of a cue */
    char **strings;                                  /* every string owned, for freeing */
    size_t nstrings, strings_alloc;
    const char ***lists;                             /* synonym/abbrev arrays owned */
    size_t nlists, lists_alloc;
};

#endif
