#include "search/query.h"

/*
 * The query front end. Xapian's QueryParser is forgiving: on a syntax error
 * it quietly reparses the text as plain words. That is kind to a web search
 * box but not to a practitioner who typed (neglect OR "not brought and
 * expects the operators to hold; so the shapes that the parser would
 * silently reinterpret are refused here first, with the position.
 *
 * One lexer serves validation, rewriting and spelling. Rewriting is done
 * here rather than with Xapian's synonym table because an abbreviation
 * stands for a phrase, and Xapian's single-term synonyms cannot expand to a
 * phrase; an OR with the quoted phrase can.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/ixschema.h"
#include "lib/xalloc.h"

enum tok { T_WORD, T_PHRASE, T_FIELD, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_END };

struct token {
    enum tok t;
    size_t start, len;      /* span in the text */
    size_t name_len;        /* T_FIELD: length of "name" before the colon (after a sign) */
    size_t sign;            /* 1 when the token starts with '+' or '-' */
};

struct lexer {
    const char *s;
    size_t i;
};

/* Fields that are not filters: free text within a part, and the date range. */
static const char *const text_fields[] = {"title", "rec", "published"};

static int is_op(const char *s, size_t len, const char *op)
{
    return len == strlen(op) && !memcmp(s, op, len);
}

static int is_name(const char *s, size_t len, const char *name)
{
    return len == strlen(name) && !strncasecmp(s, name, len);
}

/* Field names match whatever their case ("Theme:" is theme:). */
static int known_field(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
        if (is_name(s, len, text_fields[i]))
            return 1;
    for (int f = 0; f < FILTER_NFIELDS; f++)
        if (is_name(s, len, filter_field(f)->name))
            return 1;
    return 0;
}

static int lower_word(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!islower((unsigned char)s[i]))
            return 0;
    return 1;
}

static int unknown_field(const char *s, size_t len, size_t at, struct cr_err *err)
{
    char *name = xstrndup(s, len);
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    struct buf known = BUF_INIT;
    int rc;

    for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]) + FILTER_NFIELDS; i++) {
        const char *f = i < 3 ? text_fields[i] : filter_field((enum filter_field)(i - 3))->name;
        size_t d = filter_distance(name, f, 64);
        if (d < bestd) {
            bestd = d;
            best = f;
        }
        buf_addf(&known, "%s%s:", i ? ", " : "", f);
    }
    rc = cr_error(err, CR_EQUERY, "unknown field '%s:' at character %zu; did you mean '%s:'? "
                  "(known: %s)", name, at + 1, best, known.data);
    buf_release(&known);
    free(name);
    return rc;
}

/* The length of a field name at s (letters followed by ':'), 0 if none. */
static size_t field_name(const char *s, size_t len)
{
    size_t n = 0;

    while (n < len && isalpha((unsigned char)s[n]))
        n++;
    return n > 0 && n < len && s[n] == ':' ? n : 0;
}

/* Next token; CR_EQUERY for an unterminated phrase or a misplaced field. */
static int next(struct lexer *lx, struct token *tk, struct cr_err *err)
{
    const char *s = lx->s;
    size_t b, n;

    memset(tk, 0, sizeof(*tk));
    while (s[lx->i] && isspace((unsigned char)s[lx->i]))
        lx->i++;
    tk->start = lx->i;
    if (!s[lx->i]) {
        tk->t = T_END;
        return 0;
    }
    if (s[lx->i] == '(' || s[lx->i] == ')') {
        tk->t = s[lx->i++] == '(' ? T_LPAREN : T_RPAREN;
        tk->len = 1;
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
    tk->len = lx->i - b;
    tk->t = T_WORD;
    if (is_op(s + b, tk->len, "AND"))
        tk->t = T_AND;
    else if (is_op(s + b, tk->len, "OR"))
        tk->t = T_OR;
    else if (is_op(s + b, tk->len, "NOT"))
        tk->t = T_NOT;
    if (tk->t != T_WORD)
        return 0;
    tk->sign = (s[b] == '+' || s[b] == '-') && tk->len > 1;
    n = field_name(s + b + tk->sign, tk->len - tk->sign);
    if (n) {
        size_t vlen = tk->len - tk->sign - n - 1;
        if (!known_field(s + b + tk->sign, n)) {
            /* a web address, or a capitalised word ("Note:"), is not a field */
            if ((vlen && s[b + tk->sign + n + 1] == '/') || !lower_word(s + b + tk->sign, n))
                return 0;
            return unknown_field(s + b + tk->sign, n, b + tk->sign, err);
        }
        if (!vlen)
            return cr_error(err, CR_EQUERY, "'%.*s:' at character %zu needs a value right "
                            "after the colon (a word or a \"phrase\")", (int)n,
                            s + b + tk->sign, b + 1);
        tk->t = T_FIELD;
        tk->name_len = n;
        return 0;
    }
    if (s[b + tk->sign] == '"' && s[b + tk->len - 1] == '"' && tk->len - tk->sign >= 2)
        tk->t = T_PHRASE;
    return 0;
}

static const char *name(enum tok t)
{
    return t == T_AND ? "AND" : t == T_OR ? "OR" : "NOT";
}

/* Checks the token sequence (operators, parentheses). Called for each token. */
struct grammar {
    enum tok prev;
    size_t prev_at, depth, open_at[64];
};

static int grammar_step(struct grammar *g, const struct token *tk, struct cr_err *err)
{
    enum tok t = tk->t;
    int prev_binary = g->prev == T_AND || g->prev == T_OR;

    if ((t == T_AND || t == T_OR) &&
        (g->prev == T_END || g->prev == T_LPAREN || prev_binary || g->prev == T_NOT))
        return cr_error(err, CR_EQUERY, "'%s' at character %zu has nothing before it", name(t),
                        tk->start + 1);
    if ((t == T_END || t == T_RPAREN) && (prev_binary || g->prev == T_NOT))
        return cr_error(err, CR_EQUERY, "'%s' at character %zu has nothing after it",
                        name(g->prev), g->prev_at + 1);
    if (t == T_LPAREN) {
        if (g->depth >= sizeof(g->open_at) / sizeof(g->open_at[0]))
            return cr_error(err, CR_EQUERY, "parentheses nested too deeply");
        g->open_at[g->depth++] = tk->start;
    } else if (t == T_RPAREN) {
        if (!g->depth)
            return cr_error(err, CR_EQUERY, "the ')' at character %zu closes nothing",
                            tk->start + 1);
        if (g->prev == T_LPAREN)
            return cr_error(err, CR_EQUERY, "empty parentheses at character %zu", tk->start);
        g->depth--;
    } else if (t == T_END && g->depth) {
        return cr_error(err, CR_EQUERY, "the '(' at character %zu is never closed",
                        g->open_at[g->depth - 1] + 1);
    }
    g->prev = t;
    g->prev_at = tk->start;
    return 0;
}

/* ---- Rewriting ---- */

struct rewriter {
    const char *s;
    const struct filter_vocab *vocab;
    struct xdb *db;
    int resolve;            /* 0: validation only (no vocabulary, no index) */
    struct buf out;
};

/* A plain word an abbreviation could be: letters and digits only. */
static int plain_word(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]))
            return 0;
    return len > 0;
}

/* Appends prefix+word, or (prefix+word OR prefix+"expansion"…) for an abbreviation. */
static void emit_word(struct rewriter *w, const char *prefix, const char *word, size_t len)
{
    char *wd = xstrndup(word, len);
    size_t n = 0;
    const char *const *exp = plain_word(word, len) ? filter_vocab_abbrev(w->vocab, wd, &n) : NULL;

    if (!exp) {
        buf_addf(&w->out, "%s%s", prefix, wd);
    } else {
        buf_addf(&w->out, "(%s%s", prefix, wd);
        for (size_t i = 0; i < n; i++)
            buf_addf(&w->out, " OR %s\"%s\"", prefix, exp[i]);
        buf_addch(&w->out, ')');
    }
    free(wd);
}

/* Appends prefix"phrase", or (prefix"phrase" OR prefix+ABBR…) when it is an expansion. */
static void emit_phrase(struct rewriter *w, const char *prefix, const char *phrase, size_t len)
{
    char *inner = xstrndup(phrase + 1, len - 2);
    size_t n = 0;
    const char *const *ab = filter_vocab_abbrev_of(w->vocab, inner, &n);

    if (!ab) {
        buf_addf(&w->out, "%s\"%s\"", prefix, inner);
    } else {
        buf_addf(&w->out, "(%s\"%s\"", prefix, inner);
        for (size_t i = 0; i < n; i++)
            buf_addf(&w->out, " OR %s%s", prefix, ab[i]);
        buf_addch(&w->out, ')');
    }
    free(inner);
}

/* published:A..B, published:A.., published:..B or published:A (one period). */
static int emit_range(struct rewriter *w, const char *v, size_t len, size_t at,
                      struct cr_err *err)
{
    char *val = xstrndup(v, len), *dots = strstr(val, ".."), lo[9], hi[9];
    char *a = val, *b;
    int rc = 0;

    if (dots) {
        *dots = '\0';
        b = dots + 2;
    } else {
        b = val;
    }
    if (!*a && !*b)
        rc = cr_error(err, CR_EQUERY, "the date range at character %zu has no bounds", at + 1);
    if (rc == 0 && *a)
        rc = filter_date_bound(a, "00", lo, err);
    if (rc == 0 && *b)
        rc = filter_date_bound(b, "99", hi, err);
    if (rc == 0 && *a && *b && strcmp(lo, hi) > 0)
        rc = cr_error(err, CR_EQUERY, "the date range '%s..%s' at character %zu ends before "
                      "it starts", a, b, at + 1);
    if (rc < 0)
        cr_err_prefix(err, "character %zu", at + 1);
    else
        buf_addf(&w->out, "published:%s..%s", a, b);
    free(val);
    return rc;
}

static int emit_field(struct rewriter *w, const struct token *tk, struct cr_err *err)
{
    const char *s = w->s + tk->start;
    const char *v = s + tk->sign + tk->name_len + 1;
    size_t vlen = tk->len - tk->sign - tk->name_len - 1, at = tk->start;
    char *fname = xstrndup(s + tk->sign, tk->name_len), *typed, *id = NULL;
    int f, quoted = vlen >= 2 && v[0] == '"', rc = 0;

    for (char *p = fname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    f = filter_field_by_name(fname);
    if (tk->sign)
        buf_addch(&w->out, s[0]);
    if (!strcmp(fname, "title") || !strcmp(fname, "rec")) {
        char *prefix = xasprintf("%s:", fname);
        if (quoted)
            emit_phrase(w, prefix, v, vlen);
        else
            emit_word(w, prefix, v, vlen);
        free(prefix);
        free(fname);
        return 0;
    }
    if (!strcmp(fname, "published") || (f == FILTER_YEAR && memmem(v, vlen, "..", 2))) {
        free(fname);
        return emit_range(w, v, vlen, at, err);
    }
    typed = quoted ? xstrndup(v + 1, vlen - 2) : xstrndup(v, vlen);
    if (f == FILTER_YEAR && (strlen(typed) != 4 || strspn(typed, "0123456789") != 4))
        rc = cr_error(err, CR_EQUERY, "year:%s at character %zu: a year is four digits "
                      "(or a range, year:2019..2021)", typed, at + 1);
    else if (w->resolve)
        rc = filter_resolve(w->vocab, w->db, (enum filter_field)f, typed, &id, err);
    else
        id = filter_norm(typed);
    if (rc == 0)
        buf_addf(&w->out, "%s:%s", fname, id);
    free(id);
    free(typed);
    free(fname);
    return rc;
}

static int emit(struct rewriter *w, const struct token *tk, struct cr_err *err)
{
    const char *s = w->s + tk->start;

    if (w->out.len && tk->t != T_END)
        buf_addch(&w->out, ' ');
    switch (tk->t) {
    case T_WORD:
        if (tk->sign)
            buf_add(&w->out, s, tk->len);
        else
            emit_word(w, "", s, tk->len);
        return 0;
    case T_PHRASE:
        if (tk->sign)
            buf_add(&w->out, s, tk->len);
        else
            emit_phrase(w, "", s, tk->len);
        return 0;
    case T_FIELD:
        return emit_field(w, tk, err);
    case T_END:
        return 0;
    default:
        buf_add(&w->out, s, tk->len);
        return 0;
    }
}

static int process(const char *text, struct rewriter *w, struct cr_err *err)
{
    struct lexer lx = {text, 0};
    struct grammar g;
    struct token tk;
    int rc;

    memset(&g, 0, sizeof(g));
    g.prev = T_END;
    if (strlen(text) > CR_MAX_QUERY)
        return cr_error(err, CR_EQUERY, "the query is longer than %u characters", CR_MAX_QUERY);
    do {
        rc = next(&lx, &tk, err);
        if (rc == 0)
            rc = grammar_step(&g, &tk, err);
        if (rc == 0)
            rc = emit(w, &tk, err);
    } while (rc == 0 && tk.t != T_END);
    return rc;
}

int query_validate(const char *text, struct cr_err *err)
{
    struct rewriter w = {text, NULL, NULL, 0, BUF_INIT};
    int rc;

    if (!text)
        return 0;
    rc = process(text, &w, err);
    buf_release(&w.out);
    return rc;
}

int query_rewrite(const char *text, const struct filter_vocab *vocab, struct xdb *db,
                  char **out, struct cr_err *err)
{
    struct rewriter w = {text ? text : "", vocab, db, 1, BUF_INIT};
    int rc = process(w.s, &w, err);

    *out = NULL;
    if (rc < 0) {
        buf_release(&w.out);
        return rc;
    }
    *out = buf_take(&w.out);
    return 0;
}

/* ---- Spelling ---- */

int query_spelling(struct xdb *db, const char *text, char **out, struct cr_err *err)
{
    int rc = xdb_suggest(db, text ? text : "", out, err);

    if (rc == 0 && !**out)
        FREE_AND_NULL(*out);
    return rc;
}

/* ---- Running ---- */

static const enum filter_field facet_fields[QUERY_NFACETS] = {
    FILTER_THEME, FILTER_TOPIC, FILTER_PARTNERSHIP, FILTER_NATION,
    FILTER_TYPE,  FILTER_KIND,  FILTER_YEAR,
};

enum filter_field query_facet_field(enum query_facet f)
{
    return facet_fields[f];
}

/*
 * Term prefixes that every page of a report carries alike, and its report
 * document too (lib/ixschema.h): the filters', the report key, the format
 * and the title, stemmed or not. Recommendations (XR) stand on some pages only.
 */
static const char *const report_prefixes[] = {
    IX_P_REPORT,  IX_P_TITLE, ("Z" IX_P_TITLE), IX_P_FORMAT, IX_P_PARTNERSHIP, IX_P_NATION,
    IX_P_TYPE,    IX_P_KIND,  IX_P_CHILD,     IX_P_THEME,  IX_P_TOPIC,       IX_P_YEAR,
    IX_P_MODEL,   IX_P_OUTCOME, IX_P_AGE,     IX_P_REVIEW,
};

static const struct xdb_parents report_docs[2] = {
    {IX_T_REPORT, IX_SLOT_KEY, IX_SLOT_PAGES, report_prefixes,
     sizeof(report_prefixes) / sizeof(report_prefixes[0]), 0, IX_SLOT_REPORT_FACETS},
    {IX_T_REPORT, IX_SLOT_KEY, IX_SLOT_PAGES, report_prefixes,
     sizeof(report_prefixes) / sizeof(report_prefixes[0]), 1, IX_SLOT_REPORT_FACETS},
};

/*
 * The report documents, for xdb_search: results never show them, and
 * counting reads them in an index whose every report has one (the layout
 * version says so: an index being upgraded has some only). Static storage.
 */
static const struct xdb_parents *parents(struct xdb *db, const struct query_opts *o)
{
    char *version = NULL;
    struct cr_err err;
    int current = xdb_get_metadata(db, IX_META_VERSION, &version, &err) == 0 &&
                  atoi(version) >= 2;

    free(version);
    return &report_docs[!current || o->count_pages];
}

/* Everything a run builds and frees: filter terms, groups, bounds. */
struct plan {
    char *text;
    struct xdb_prefix prefixes[FILTER_NFIELDS + 2];
    struct xdb_range range;
    struct xdb_filter_group groups[FILTER_NFIELDS + 2];
    char **terms[FILTER_NFIELDS + 2];
    size_t ngroups;
    struct xdb_value_range vr[2];
    size_t nvr;
    char lo[9], hi[9];
    char *added_lo;
    struct xdb_facet facets[QUERY_NFACETS];
    const struct xdb_parents *parents;
};

static void plan_release(struct plan *p)
{
    for (size_t g = 0; g < p->ngroups; g++) {
        for (size_t i = 0; i < p->groups[g].n; i++)
            free(p->terms[g][i]);
        free(p->terms[g]);
    }
    free(p->text);
    free(p->added_lo);
}

static int plan_filters(struct plan *p, struct xdb *db, const struct query_opts *o,
                        struct cr_err *err)
{
    if (o->sha256) {
        /* one report's pages: its report key, as the indexer writes it */
        p->terms[p->ngroups] = xcalloc(1, sizeof(char *));
        p->terms[p->ngroups][0] = xasprintf(IX_P_REPORT "%.*s", IX_KEY_LEN, o->sha256);
        p->groups[p->ngroups].terms = (const char *const *)p->terms[p->ngroups];
        p->groups[p->ngroups].n = 1;
        p->ngroups++;
    }
    for (int f = 0; f < FILTER_NFIELDS; f++) {
        size_t n = 0;
        char **terms = NULL;
        for (size_t i = 0; i < o->nfilters; i++) {
            char *id = NULL;
            int rc;
            if ((int)o->filters[i].field != f)
                continue;
            rc = filter_resolve(o->vocab, db, (enum filter_field)f, o->filters[i].value, &id,
                                err);
            if (rc < 0) {
                for (size_t j = 0; j < n; j++)
                    free(terms[j]);
                free(terms);
                return rc;
            }
            terms = xrealloc(terms, (n + 1) * sizeof(*terms));
            terms[n++] = xasprintf("%s%s", filter_field(f)->prefix, id);
            free(id);
        }
        if (!n)
            continue;
        p->terms[p->ngroups] = terms;
        p->groups[p->ngroups].terms = (const char *const *)terms;
        p->groups[p->ngroups].n = n;
        p->ngroups++;
    }
    return 0;
}

static int plan_bounds(struct plan *p, const struct query_opts *o, struct cr_err *err)
{
    int rc;

    if (o->from || o->to) {
        struct xdb_value_range *r = &p->vr[p->nvr++];
        r->slot = IX_SLOT_PUBLISHED;
        if (o->from && (rc = filter_date_bound(o->from, "00", p->lo, err)) < 0)
            return rc;
        if (o->to && (rc = filter_date_bound(o->to, "99", p->hi, err)) < 0)
            return rc;
        if (o->from && o->to && strcmp(p->lo, p->hi) > 0)
            return cr_error(err, CR_EQUERY, "--from %s is after --to %s", o->from, o->to);
        r->lo = o->from ? p->lo : NULL;
        r->hi = o->to ? p->hi : NULL;
    }
    if (o->added_after) {
        struct xdb_value_range *r = &p->vr[p->nvr++];
        /* strictly after: the smallest string greater than the bound */
        p->added_lo = xasprintf("%s\x01", o->added_after);
        r->slot = IX_SLOT_ADDED;
        r->lo = p->added_lo;
        r->hi = NULL;
    }
    return 0;
}

static void plan_query(struct plan *p, const struct query_opts *o, struct xdb_query *q)
{
    size_t np = 0;

    p->prefixes[np++] = (struct xdb_prefix){"title", IX_P_TITLE, 0};
    p->prefixes[np++] = (struct xdb_prefix){"rec", IX_P_REC, 0};
    for (int f = 0; f < FILTER_NFIELDS; f++)
        p->prefixes[np++] =
            (struct xdb_prefix){filter_field(f)->name, filter_field(f)->prefix, 1};
    p->range = (struct xdb_range){"published", IX_SLOT_PUBLISHED, XDB_RANGE_DATE};
    for (int i = 0; i < QUERY_NFACETS; i++) {
        const struct filter_field_info *fi = filter_field(facet_fields[i]);
        p->facets[i] = (struct xdb_facet){(unsigned)fi->slot, fi->sep, 0, 0, 0};
    }
    memset(q, 0, sizeof(*q));
    q->text = p->text;
    q->flags = XDB_Q_WILDCARD;
    q->prefixes = p->prefixes;
    q->nprefixes = np;
    q->ranges = &p->range;
    q->nranges = 1;
    q->filters = p->groups;
    q->nfilters = p->ngroups;
    q->vranges = p->vr;
    q->nvranges = p->nvr;
    q->collapse_slot = o->by_review ? IX_SLOT_REVIEW : IX_SLOT_KEY;
    q->collapse_max = 1;
    q->sort_slot = o->sort == QUERY_SORT_RELEVANCE ? -1 : IX_SLOT_PUBLISHED;
    q->sort_descending = o->sort == QUERY_SORT_DATE_DESC;
    q->offset = o->offset;
    q->limit = o->limit ? o->limit : QUERY_DEFAULT_LIMIT;
    q->exact = o->exact || o->facets;
    if (o->facets) {
        q->facets = p->facets;
        q->nfacets = QUERY_NFACETS;
    }
    q->bundle_n = IX_FACETS_COUNT;
    q->bundle_slot = IX_SLOT_FACETS;
    q->bundle_first = IX_FACETS_FIRST;
    q->bundle_sep = IX_BUNDLE_SEP;
    q->snippet_chars = o->no_snippets ? 0 : o->snippet_chars ? o->snippet_chars
                                                             : QUERY_SNIPPET_CHARS;
    q->hi_start = QUERY_HI_START;
    q->hi_end = QUERY_HI_END;
    q->text_sep = IX_TEXT_SEP;
    q->parents = p->parents;
}

static json_t *page_record(const struct xdb_hit *h, int *page)
{
    const char *sep = memchr(h->data, IX_TEXT_SEP, h->data_len);
    size_t jl = sep ? (size_t)(sep - h->data) : h->data_len;
    json_t *rec = json_loadb(h->data, jl, 0, NULL), *pg;

    if (!rec || !json_is_object(rec)) {
        json_decref(rec);
        rec = json_object(); /* a damaged record still shows as a row */
    }
    pg = json_object_get(rec, "page");
    *page = pg ? (int)json_integer_value(pg) : 1;
    json_object_del(rec, "page");
    return rec;
}

static void add_hit(struct query_results *r, const struct xdb_hit *h)
{
    struct query_hit *q = &r->hits[r->n];
    json_t *rec = page_record(h, &q->best_page);

    json_object_set_new(rec, "best_page", json_integer(q->best_page));
    json_object_set_new(rec, "snippet", json_string(h->snippet ? h->snippet : ""));
    q->snippet = json_string_value(json_object_get(rec, "snippet"));
    q->record = rec;
    q->weight = h->weight;
    r->n++;
}

static int by_page(const void *a, const void *b)
{
    const struct query_page *x = a, *y = b;

    return (x->page > y->page) - (x->page < y->page);
}

/* Every matching page of hit h: the same query within its report. */
static int list_pages(struct xdb *db, const struct xdb_query *base, struct query_hit *h,
                      struct cr_err *err)
{
    const char *sha = json_string_value(json_object_get(h->record, "sha256"));
    struct xdb_filter_group groups[FILTER_NFIELDS + 3];
    struct xdb_query q = *base;
    struct xdb_result *xr = NULL;
    char *term;
    const char *terms[1];
    int rc;

    if (!sha)
        return 0;
    term = xasprintf(IX_P_REPORT "%.*s", IX_KEY_LEN, sha);
    terms[0] = term;
    memcpy(groups, base->filters, base->nfilters * sizeof(*groups));
    groups[base->nfilters] = (struct xdb_filter_group){terms, 1, 0};
    q.filters = groups;
    q.nfilters = base->nfilters + 1;
    q.collapse_slot = -1;
    q.sort_slot = -1;
    q.offset = 0;
    q.limit = QUERY_MAX_PAGES;
    q.exact = 0;
    q.nfacets = 0;
    rc = xdb_search(db, &q, &xr, err);
    free(term);
    if (rc < 0)
        return rc;
    h->pages = xcalloc(xr->nhits ? xr->nhits : 1, sizeof(*h->pages));
    for (size_t i = 0; i < xr->nhits; i++) {
        json_t *rec = page_record(&xr->hits[i], &h->pages[i].page);
        json_decref(rec);
        h->pages[i].snippet = xstrdup(xr->hits[i].snippet ? xr->hits[i].snippet : "");
    }
    h->npages = xr->nhits;
    qsort(h->pages, h->npages, sizeof(*h->pages), by_page);
    xdb_result_free(xr);
    return 0;
}

static void take_facets(struct query_results *r, const struct xdb_result *xr)
{
    for (size_t i = 0; i < QUERY_NFACETS && i < xr->nfacets; i++) {
        struct query_facet_result *f = &r->facets[i];
        f->field = facet_fields[i];
        f->n = xr->facets[i].n;
        f->values = xcalloc(f->n ? f->n : 1, sizeof(*f->values));
        for (size_t j = 0; j < f->n; j++) {
            f->values[j].value = xstrdup(xr->facets[i].values[j].value);
            f->values[j].count = xr->facets[i].values[j].count;
        }
    }
    r->has_facets = 1;
}

/* Keeps the first hit of each report (a review without an id does not collapse). */
static void take_hits(struct query_results *r, const struct xdb_result *xr)
{
    r->hits = xcalloc(xr->nhits ? xr->nhits : 1, sizeof(*r->hits));
    for (size_t i = 0; i < xr->nhits; i++) {
        size_t before = r->n;
        add_hit(r, &xr->hits[i]);
        const char *sha = json_string_value(json_object_get(r->hits[before].record, "sha256"));
        for (size_t j = 0; sha && j < before; j++) {
            const char *o = json_string_value(json_object_get(r->hits[j].record, "sha256"));
            if (o && !strcmp(o, sha)) {
                json_decref(r->hits[before].record);
                memset(&r->hits[before], 0, sizeof(r->hits[before]));
                r->n = before;
                break;
            }
        }
    }
}

int query_run(struct xdb *db, const struct query_opts *o, struct query_results *r,
              struct cr_err *err)
{
    struct plan p;
    struct xdb_query q;
    struct xdb_result *xr = NULL;
    int rc;

    memset(r, 0, sizeof(*r));
    memset(&p, 0, sizeof(p));
    rc = query_rewrite(o->text, o->vocab, db, &p.text, err);
    if (rc == 0)
        rc = plan_filters(&p, db, o, err);
    if (rc == 0)
        rc = plan_bounds(&p, o, err);
    if (rc < 0)
        goto out;
    p.parents = parents(db, o);
    plan_query(&p, o, &q);
    rc = xdb_search(db, &q, &xr, err);
    if (rc < 0)
        goto out;
    take_hits(r, xr);
    r->total = q.exact ? xr->groups : xr->estimated;
    r->total_exact = q.exact || xr->estimated_exact;
    r->counted_reports = xr->counted_parents;
    if (!q.exact && r->n < q.limit && (r->n || !o->offset)) {
        r->total = (uint32_t)(r->n + o->offset); /* every match was returned: exact */
        r->total_exact = 1;
    }
    if (r->total < r->n + o->offset)
        r->total = (uint32_t)(r->n + o->offset);
    if (o->facets)
        take_facets(r, xr);
    r->rewritten = xstrdup(p.text);
    for (size_t i = 0; o->pages && rc == 0 && i < r->n; i++)
        rc = list_pages(db, &q, &r->hits[i], err);
    if (rc == 0 && !r->n && o->text && *o->text)
        rc = query_spelling(db, o->text, &r->corrected, err);
out:
    xdb_result_free(xr);
    plan_release(&p);
    if (rc < 0)
        query_results_release(r);
    return rc;
}

int query_count(struct xdb *db, const struct query_opts *o, const struct xdb_facet *f, size_t n,
                int docs, struct xdb_result **out, struct cr_err *err)
{
    struct plan p;
    struct xdb_query q;
    int rc;

    *out = NULL;
    memset(&p, 0, sizeof(p));
    rc = query_rewrite(o->text, o->vocab, db, &p.text, err);
    if (rc == 0)
        rc = plan_filters(&p, db, o, err);
    if (rc == 0)
        rc = plan_bounds(&p, o, err);
    if (rc == 0) {
        p.parents = parents(db, o);
        plan_query(&p, o, &q);
        q.limit = 0;
        q.offset = 0;
        q.sort_slot = -1;
        q.exact = 1;
        q.facets = f;
        q.nfacets = n;
        q.facet_docs = docs;
        q.snippet_chars = 0;
        rc = xdb_search(db, &q, out, err);
    }
    plan_release(&p);
    return rc;
}

void query_results_release(struct query_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_decref(r->hits[i].record);
        for (size_t j = 0; j < r->hits[i].npages; j++)
            free(r->hits[i].pages[j].snippet);
        free(r->hits[i].pages);
    }
    free(r->hits);
    free(r->corrected);
    free(r->rewritten);
    for (size_t i = 0; i < QUERY_NFACETS; i++) {
        for (size_t j = 0; j < r->facets[i].n; j++)
            free(r->facets[i].values[j].value);
        free(r->facets[i].values);
    }
    memset(r, 0, sizeof(*r));
}
