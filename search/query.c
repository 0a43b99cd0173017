#include "search/query.h"

/*
 * Query validation and execution. Xapian's QueryParser is forgiving: on a
 * syntax error it quietly reparses the text as plain words. That is kind to
 * a web search box but not to a practitioner who typed (neglect OR "not
 * brought and expects the operators to hold; so the shapes that the parser
 * would silently reinterpret are refused here first, with the position.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/caps.h"
#include "lib/ixschema.h"
#include "lib/xalloc.h"

enum tok { T_WORD, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_PHRASE, T_END };

struct lexer {
    const char *s;
    size_t i;
    size_t start;           /* offset of the last token */
};

static int is_op(const char *s, size_t len, const char *op)
{
    return len == strlen(op) && !memcmp(s, op, len);
}

/* Next token; CR_EQUERY for an unterminated phrase. */
static int next(struct lexer *lx, enum tok *t, struct cr_err *err)
{
    const char *s = lx->s;
    size_t b;

    while (s[lx->i] && isspace((unsigned char)s[lx->i]))
        lx->i++;
    lx->start = lx->i;
    if (!s[lx->i]) {
        *t = T_END;
        return 0;
    }
    if (s[lx->i] == '(' || s[lx->i] == ')') {
        *t = s[lx->i++] == '(' ? T_LPAREN : T_RPAREN;
        return 0;
    }
    b = lx->i;
    while (s[lx->i] && !isspace((unsigned char)s[lx->i]) && s[lx->i] != '(' &&
           s[lx->i] != ')') {
        if (s[lx->i] == '"') {
            const char *close = strchr(s + lx->i + 1, '"');
            if (!close)
                return cr_error(err, CR_EQUERY,
                                "the quote at character %zu is never closed (add a '\"' at the "
                                "end of the phrase)", lx->i + 1);
            lx->i = (size_t)(close - s) + 1;
            continue;
        }
        lx->i++;
    }
    *t = T_WORD;
    if (is_op(s + b, lx->i - b, "AND"))
        *t = T_AND;
    else if (is_op(s + b, lx->i - b, "OR"))
        *t = T_OR;
    else if (is_op(s + b, lx->i - b, "NOT"))
        *t = T_NOT;
    return 0;
}

static const char *name(enum tok t)
{
    return t == T_AND ? "AND" : t == T_OR ? "OR" : "NOT";
}

int query_validate(const char *text, struct cr_err *err)
{
    struct lexer lx = {text, 0, 0};
    enum tok t = T_END, prev = T_END;
    size_t depth = 0, open_at[64], prev_at = 0;
    int rc;

    if (!text)
        return 0;
    if (strlen(text) > CR_MAX_QUERY)
        return cr_error(err, CR_EQUERY, "the query is longer than %u characters", CR_MAX_QUERY);
    for (;;) {
        if ((rc = next(&lx, &t, err)) < 0)
            return rc;
        int prev_binary = prev == T_AND || prev == T_OR;
        if ((t == T_AND || t == T_OR) && (prev == T_END || prev == T_LPAREN || prev_binary ||
                                          prev == T_NOT))
            return cr_error(err, CR_EQUERY, "'%s' at character %zu has nothing before it",
                            name(t), lx.start + 1);
        if ((t == T_END || t == T_RPAREN) && (prev_binary || prev == T_NOT))
            return cr_error(err, CR_EQUERY, "'%s' at character %zu has nothing after it",
                            name(prev), prev_at + 1);
        if (t == T_LPAREN) {
            if (depth >= sizeof(open_at) / sizeof(open_at[0]))
                return cr_error(err, CR_EQUERY, "parentheses nested too deeply");
            open_at[depth++] = lx.start;
        } else if (t == T_RPAREN) {
            if (!depth)
                return cr_error(err, CR_EQUERY,
                                "the ')' at character %zu closes nothing", lx.start + 1);
            if (prev == T_LPAREN)
                return cr_error(err, CR_EQUERY, "empty parentheses at character %zu",
                                lx.start);
            depth--;
        } else if (t == T_END) {
            break;
        }
        prev = t;
        prev_at = lx.start;
    }
    if (depth)
        return cr_error(err, CR_EQUERY, "the '(' at character %zu is never closed",
                        open_at[depth - 1] + 1);
    return 0;
}

static const struct xdb_prefix prefixes[] = {
    {"title", IX_P_TITLE, 0},
};

static void add_hit(struct query_results *r, const struct xdb_hit *h)
{
    struct query_hit *q = &r->hits[r->n];
    const char *sep = memchr(h->data, IX_TEXT_SEP, h->data_len);
    size_t jl = sep ? (size_t)(sep - h->data) : h->data_len;
    json_t *rec = json_loadb(h->data, jl, 0, NULL);
    json_t *page;

    if (!rec || !json_is_object(rec)) {
        json_decref(rec);
        rec = json_object(); /* a damaged record still shows as a row */
    }
    page = json_object_get(rec, "page");
    q->best_page = page ? (int)json_integer_value(page) : 1;
    json_object_del(rec, "page");
    json_object_set_new(rec, "best_page", json_integer(q->best_page));
    json_object_set_new(rec, "snippet", json_string(h->snippet ? h->snippet : ""));
    q->snippet = json_string_value(json_object_get(rec, "snippet"));
    q->record = rec;
    q->weight = h->weight;
    r->n++;
}

int query_run(struct xdb *db, const struct query_opts *o, struct query_results *r,
              struct cr_err *err)
{
    struct xdb_query q;
    struct xdb_result *xr = NULL;
    int rc;

    memset(r, 0, sizeof(*r));
    rc = query_validate(o->text, err);
    if (rc < 0)
        return rc;
    memset(&q, 0, sizeof(q));
    q.text = o->text;
    q.flags = XDB_Q_SPELLING;
    q.prefixes = prefixes;
    q.nprefixes = sizeof(prefixes) / sizeof(prefixes[0]);
    q.collapse_slot = IX_SLOT_KEY;
    q.collapse_max = 1;
    q.sort_slot = -1;
    q.offset = o->offset;
    q.limit = o->limit ? o->limit : QUERY_DEFAULT_LIMIT;
    q.exact = o->exact;
    q.snippet_chars = o->snippet_chars ? o->snippet_chars : QUERY_SNIPPET_CHARS;
    q.hi_start = QUERY_HI_START;
    q.hi_end = QUERY_HI_END;
    q.text_sep = IX_TEXT_SEP;
    rc = xdb_search(db, &q, &xr, err);
    if (rc < 0)
        return rc;
    r->hits = xcalloc(xr->nhits ? xr->nhits : 1, sizeof(*r->hits));
    for (size_t i = 0; i < xr->nhits; i++)
        add_hit(r, &xr->hits[i]);
    r->total = o->exact ? xr->groups : xr->estimated;
    r->total_exact = o->exact;
    if (xr->corrected && *xr->corrected)
        r->corrected = xstrdup(xr->corrected);
    xdb_result_free(xr);
    return 0;
}

void query_results_release(struct query_results *r)
{
    for (size_t i = 0; i < r->n; i++)
        json_decref(r->hits[i].record);
    free(r->hits);
    free(r->corrected);
    memset(r, 0, sizeof(*r));
}
