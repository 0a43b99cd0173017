#include "lib/taxonomy.h"

/*
 * The phrase matcher's hot path: tokenising a text and walking the trie
 * built by lib/taxonomy.c. One hash probe per word; the open trie states
 * are at most as many as the longest phrase has words. Negation cues
 * (the [negation ID] entries) are phrases of the same trie: they are never
 * reported, but mark the hits of their clause within their window.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/taxonomy_int.h"
#include "lib/xalloc.h"

/* "injuries" -> "injury", "meetings" -> "meeting"; "process", "status", "crisis" stay. */
static void fold_plural(char *w, size_t *n)
{
    size_t len = *n;

    if (len >= 5 && !memcmp(w + len - 3, "ies", 3)) {
        w[len - 3] = 'y';
        *n = len - 2;
    } else if (len >= 4 && w[len - 1] == 's' && !strchr("siu", w[len - 2])) {
        *n = len - 1;
    }
    w[*n] = '\0';
}

/* An apostrophe ("'" or U+2019) then s then a non-letter: a possessive to drop. */
static size_t possessive(const char *s, size_t len, size_t i)
{
    size_t q = 0;

    if (i < len && s[i] == '\'')
        q = 1;
    else if (i + 2 < len && !memcmp(s + i, "\xe2\x80\x99", 3))
        q = 3;
    if (!q || i + q >= len || (s[i + q] != 's' && s[i + q] != 'S'))
        return 0;
    if (i + q + 1 < len && isalnum((unsigned char)s[i + q + 1]))
        return 0;
    return q + 1;
}

int tax_next_token(const char *s, size_t len, size_t *ip, struct tax_token *t)
{
    size_t i = *ip, n = 0;
    int upper = 0, lower = 0, toolong = 0;

    while (i < len && !isalnum((unsigned char)s[i]))
        i++;
    if (i >= len) {
        *ip = i;
        return 0;
    }
    t->start = i;
    for (; i < len && isalnum((unsigned char)s[i]); i++) {
        unsigned char c = (unsigned char)s[i];
        upper += isupper(c) != 0;
        lower += islower(c) != 0;
        if (n + 1 < TAX_TOKEN_MAX)
            t->norm[n++] = (char)tolower(c);
        else
            toolong = 1;
    }
    t->end = i;
    /* "SCRs" is still an abbreviation; "Da" and "da" are not "DA" */
    t->caps = upper > 0 && (lower == 0 || (lower == 1 && upper >= 2 && s[i - 1] == 's'));
    t->norm[n] = '\0';
    if (toolong)
        t->norm[0] = '\0';
    else
        fold_plural(t->norm, &n);
    i += possessive(s, len, i);
    *ip = i;
    return 1;
}

struct state {
    uint32_t node;
    int caps;       /* every token so far was in capitals */
    size_t start;   /* byte where the match starts */
    size_t tok;     /* number of its first token */
    size_t clause;  /* clause of its first token */
};

/*
 * Negation. Hits wait in a queue until no "after:" cue can reach them any
 * more (max_window words and a cue's length past their end, or the end of
 * the sentence), so that "neglect was considered and ruled out" is known to
 * be negated before "neglect" is reported. The queue keeps the order of
 * where matches end.
 */
#define PENDING_MAX 128
#define BEFORE_MAX 8

struct pending_hit {
    struct taxonomy_hit h;
    size_t end_tok;         /* number of its last token */
    size_t clause;          /* clause of its last token */
};

struct before_cue {
    size_t end_tok;
    size_t clause;
    unsigned covers;
    int window;
    int asserts;            /* a statement's cue, else a negation's */
};

struct scanner {
    const struct taxonomy *t;
    unsigned kinds;
    taxonomy_hit_fn *fn;
    void *ctx;
    struct pending_hit q[PENDING_MAX];
    size_t qhead, qlen;
    struct before_cue cues[BEFORE_MAX];
    size_t ncues;
    size_t tok;             /* number of the current token */
    size_t clause;          /* clause of the current token */
};

/* Words that open a new clause: a cue before them does not reach past them. */
static int clause_word(const char *s, size_t len)
{
    static const char *const words[] = {"but", "however", "although", "though", "whereas", NULL};

    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == len && !strncasecmp(s, words[i], len))
            return 1;
    return 0;
}

/* Punctuation that ends a sentence or a list item, a bullet, or a blank line. */
static int sentence_gap(const char *s, size_t from, size_t to)
{
    int newlines = 0;

    for (size_t i = from; i < to; i++) {
        if (s[i] && strchr(".!?;:", s[i]))
            return 1;
        if (i + 3 <= to && !memcmp(s + i, "\xe2\x80\xa2", 3))
            return 1;
        if (s[i] == '\n' && ++newlines >= 2)
            return 1;
    }
    return 0;
}

static int flush_one(struct scanner *sc)
{
    struct pending_hit *p = &sc->q[sc->qhead];

    sc->qhead = (sc->qhead + 1) % PENDING_MAX;
    sc->qlen--;
    return sc->fn(&p->h, sc->ctx);
}

/* Reports the queued hits that no later cue can reach (all when all is set). */
static int flush(struct scanner *sc, int all)
{
    size_t reach = (size_t)sc->t->max_window + TAX_PHRASE_TOKENS + 1;
    int rc;

    while (sc->qlen && (all || sc->q[sc->qhead].end_tok + reach < sc->tok)) {
        rc = flush_one(sc);
        if (rc)
            return rc;
    }
    return 0;
}

/* Marks h negated or asserted by the "before:" cues of its clause. */
static void covered_by_before(const struct scanner *sc, const struct state *st,
                              struct taxonomy_hit *h)
{
    for (size_t i = 0; i < sc->ncues; i++) {
        const struct before_cue *c = &sc->cues[i];
        if ((c->covers & TAXONOMY_MASK(h->entry->kind)) && c->clause == st->clause &&
            st->tok > c->end_tok && st->tok - c->end_tok - 1 <= (size_t)c->window) {
            if (c->asserts)
                h->asserted = 1;
            else
                h->negated = 1;
        }
    }
}

static void cue_before(struct scanner *sc, const struct taxonomy_entry *e)
{
    if (sc->ncues == BEFORE_MAX) {
        memmove(sc->cues, sc->cues + 1, (BEFORE_MAX - 1) * sizeof(sc->cues[0]));
        sc->ncues--;
    }
    sc->cues[sc->ncues++] = (struct before_cue){sc->tok, sc->clause, e->covers, e->window,
                                                e->kind == TAXONOMY_STATEMENT};
}

/* An "after:" cue starting at st: covers the queued hits of its clause just before it. */
static void cue_after(struct scanner *sc, const struct state *st, const struct taxonomy_entry *e)
{
    for (size_t k = 0; k < sc->qlen; k++) {
        struct pending_hit *p = &sc->q[(sc->qhead + k) % PENDING_MAX];
        if (!(e->covers & TAXONOMY_MASK(p->h.entry->kind)) || p->clause != st->clause ||
            p->end_tok >= st->tok || st->tok - p->end_tok - 1 > (size_t)e->window)
            continue;
        if (e->kind == TAXONOMY_STATEMENT)
            p->h.asserted = 1;
        else
            p->h.negated = 1;
    }
}

static int emit(struct scanner *sc, const struct state *st, size_t end)
{
    const struct taxonomy *t = sc->t;
    const struct tax_node *n = &t->m.nodes[st->node];

    for (uint32_t j = 0; j < n->nouts; j++) {
        const struct tax_out *o = &n->outs[j];
        const struct taxonomy_entry *e = t->all[o->entry];
        struct pending_hit *p;
        int rc;
        if (o->cue == TAX_CUE_BEFORE) {
            cue_before(sc, e);
            continue;
        }
        if (o->cue == TAX_CUE_AFTER) {
            cue_after(sc, st, e);
            continue;
        }
        if (!(sc->kinds & TAXONOMY_MASK(e->kind)) || (o->caps && !st->caps))
            continue;
        if (sc->qlen == PENDING_MAX && (rc = flush_one(sc)) != 0)
            return rc;
        p = &sc->q[(sc->qhead + sc->qlen++) % PENDING_MAX];
        p->h.entry = e;
        p->h.phrase = o->phrase;
        p->h.weight = o->weight;
        p->h.start = st->start;
        p->h.end = end;
        p->h.negated = 0;
        p->h.asserted = 0;
        covered_by_before(sc, st, &p->h);
        p->end_tok = sc->tok;
        p->clause = sc->clause;
    }
    return 0;
}

/* Moves to the next token: a new clause after a clause word or sentence punctuation. */
static int advance(struct scanner *sc, const char *text, const struct tax_token *prev,
                   const struct tax_token *tk)
{
    int rc;

    if (!prev)
        return 0;
    sc->tok++;
    if (sentence_gap(text, prev->end, tk->start)) {
        sc->clause++;
        sc->ncues = 0;
        return flush(sc, 1);
    }
    if (clause_word(text + prev->start, prev->end - prev->start))
        sc->clause++;
    rc = flush(sc, 0);
    return rc;
}

int taxonomy_scan(const struct taxonomy *t, const char *text, size_t len, unsigned kinds,
                  taxonomy_hit_fn *fn, void *ctx)
{
    struct state a[TAX_PHRASE_TOKENS + 1], b[TAX_PHRASE_TOKENS + 1], *cur = a, *next = b, *tmp;
    size_t ncur = 0, nnext, i = 0;
    struct tax_token tk, prev;
    struct scanner *sc = xcalloc(1, sizeof(*sc));
    int rc = 0, have_prev = 0;

    sc->t = t;
    sc->kinds = kinds;
    sc->fn = fn;
    sc->ctx = ctx;
    while (tax_next_token(text, len, &i, &tk)) {
        uint32_t tok, child;
        rc = advance(sc, text, have_prev ? &prev : NULL, &tk);
        if (rc)
            goto out;
        tok = tk.norm[0] ? tax_intern_find(&t->m.tokens, tk.norm) : UINT32_MAX;
        nnext = 0;
        if (tok != UINT32_MAX) {
            for (size_t k = 0; k < ncur && nnext < TAX_PHRASE_TOKENS; k++) {
                child = tax_edge_find(&t->m.edges, cur[k].node, tok);
                if (child)
                    next[nnext++] = (struct state){child, cur[k].caps && tk.caps, cur[k].start,
                                                   cur[k].tok, cur[k].clause};
            }
            child = tax_edge_find(&t->m.edges, 0, tok);
            if (child)
                next[nnext++] = (struct state){child, tk.caps, tk.start, sc->tok, sc->clause};
        }
        for (size_t k = 0; k < nnext; k++) {
            rc = emit(sc, &next[k], tk.end);
            if (rc)
                goto out;
        }
        tmp = cur;
        cur = next;
        next = tmp;
        ncur = nnext;
        prev = tk;
        have_prev = 1;
    }
    rc = flush(sc, 1);
out:
    free(sc);
    return rc;
}
