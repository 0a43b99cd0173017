#include "lib/taxonomy.h"

/*
 * The phrase matcher's hot path: tokenising a text and walking the trie
 * built by lib/taxonomy.c. One hash probe per word; the open trie states
 * are at most as many as the longest phrase has words.
 */

#include <ctype.h>
#include <string.h>

#include "lib/taxonomy_int.h"

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
    int caps;      /* every token so far was in capitals */
    size_t start;
};

static int emit(const struct taxonomy *t, const struct state *st, size_t end, unsigned kinds,
                taxonomy_hit_fn *fn, void *ctx)
{
    const struct tax_node *n = &t->m.nodes[st->node];

    for (uint32_t j = 0; j < n->nouts; j++) {
        const struct tax_out *o = &n->outs[j];
        const struct taxonomy_entry *e = t->all[o->entry];
        struct taxonomy_hit h;
        int rc;
        if (!(kinds & TAXONOMY_MASK(e->kind)) || (o->caps && !st->caps))
            continue;
        h.entry = e;
        h.phrase = o->phrase;
        h.weight = o->weight;
        h.start = st->start;
        h.end = end;
        rc = fn(&h, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int taxonomy_scan(const struct taxonomy *t, const char *text, size_t len, unsigned kinds,
                  taxonomy_hit_fn *fn, void *ctx)
{
    struct state a[TAX_PHRASE_TOKENS + 1], b[TAX_PHRASE_TOKENS + 1], *cur = a, *next = b, *tmp;
    size_t ncur = 0, nnext, i = 0;
    struct tax_token tk;
    int rc;

    while (tax_next_token(text, len, &i, &tk)) {
        uint32_t tok = tk.norm[0] ? tax_intern_find(&t->m.tokens, tk.norm) : UINT32_MAX, child;
        nnext = 0;
        if (tok != UINT32_MAX) {
            for (size_t k = 0; k < ncur && nnext < TAX_PHRASE_TOKENS; k++) {
                child = tax_edge_find(&t->m.edges, cur[k].node, tok);
                if (child)
                    next[nnext++] = (struct state){child, cur[k].caps && tk.caps, cur[k].start};
            }
            child = tax_edge_find(&t->m.edges, 0, tok);
            if (child)
                next[nnext++] = (struct state){child, tk.caps, tk.start};
        }
        for (size_t k = 0; k < nnext; k++) {
            rc = emit(t, &next[k], tk.end, kinds, fn, ctx);
            if (rc)
                return rc;
        }
        tmp = cur;
        cur = next;
        next = tmp;
        ncur = nnext;
    }
    return 0;
}
