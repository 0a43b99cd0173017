#include "lib/taxonomy.h"

/*
 * Loading the taxonomy. Each file is read line by line into "pending"
 * entries; once every file is read and valid, the entries are laid out per
 * kind (their addresses are stable from then on) and the phrase matcher is
 * built from their labels, synonyms, abbreviations and phrases.
 *
 * The file format (data/taxonomy/README.md):
 *     # comment
 *     [theme domestic-abuse]
 *     label: Domestic abuse
 *     synonym: domestic violence; coercive control
 *     abbrev: DA; DV
 *     phrase: controlling behaviour
 *     weak: police call-out
 *     min-score: 6
 *     min-pages: 2
 *     [negation absence]
 *     label: What did not happen
 *     before: no evidence of; no indication of
 *     after: was ruled out
 *     negates: theme
 *     window: 8
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/taxonomy_int.h"
#include "lib/xalloc.h"

#define DEFAULT_MIN_SCORE 6
#define DEFAULT_MIN_PAGES 2
#define DEFAULT_WINDOW 8    /* words between a negation cue and what it negates */
#define MAX_WINDOW 20

static const char *const kind_names[TAXONOMY_NKINDS] = {
    "theme", "topic", "review-type", "document-kind", "review-model", "abbreviation", "outcome",
    "negation", "section", "statement",
};

static const char *const nations[] = {"england", "wales", "scotland", "northern-ireland", NULL};

const char *taxonomy_kind_name(enum taxonomy_kind k)
{
    return k < TAXONOMY_NKINDS ? kind_names[k] : "?";
}

struct strlist {
    char **v;
    size_t n, alloc;
};

struct pending {
    struct taxonomy_entry e;
    struct strlist syn, abbr, phrase, weak, before, after;
    int negates_set;         /* a "negates:" line was read */
    int asserts_set;         /* an "asserts:" line was read */
    int weight_set;          /* a "weight:" line was read */
};

struct loader {
    struct taxonomy *t;
    struct pending *p;       /* owned array */
    size_t np, palloc;
    const char *file;        /* current file, owned by t->strings */
    int line;
    struct cr_err *err;
};

static char *keep(struct taxonomy *t, const char *s, size_t len)
{
    char *c = xstrndup(s, len);

    t->strings = xgrow(t->strings, sizeof(*t->strings), t->nstrings + 1, &t->strings_alloc);
    t->strings[t->nstrings++] = c;
    return c;
}

static void strlist_add(struct strlist *l, char *s)
{
    l->v = xgrow(l->v, sizeof(*l->v), l->n + 1, &l->alloc);
    l->v[l->n++] = s;
}

static int fail(struct loader *ld, const char *fmt, ...) CR_PRINTF(2, 3);
static int fail(struct loader *ld, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return cr_error(ld->err, CR_EINVAL, "taxonomy: '%s' line %d: %s", ld->file, ld->line, what);
}

static int valid_id(const char *s, size_t len)
{
    if (!len || len > 64 || s[0] == '-' || s[len - 1] == '-')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return 0;
    return 1;
}

/* "[theme neglect]": starts a new pending entry. */
static int section(struct loader *ld, const char *s, size_t len)
{
    const char *sp, *end = s + len - 1;
    struct pending *p;
    int kind = -1;

    if (*end != ']')
        return fail(ld, "a section header ends with ']': %s", "[kind id]");
    sp = memchr(s + 1, ' ', len - 2);
    if (!sp)
        return fail(ld, "a section header is '[kind id]', e.g. '%s'", "[theme neglect]");
    for (int k = 0; k < TAXONOMY_NKINDS; k++)
        if ((size_t)(sp - s - 1) == strlen(kind_names[k]) && !memcmp(s + 1, kind_names[k], sp - s - 1))
            kind = k;
    if (kind < 0)
        return fail(ld, "unknown section kind in '%s' (theme, topic, review-type, "
                        "document-kind, review-model, abbreviation, outcome, negation, "
                        "section, statement)",
                    keep(ld->t, s, len));
    while (*sp == ' ')
        sp++;
    if (kind != TAXONOMY_ABBREV && !valid_id(sp, (size_t)(end - sp)))
        return fail(ld, "bad id '%s' (lowercase letters, digits and '-')",
                    keep(ld->t, sp, (size_t)(end - sp)));
    if (kind == TAXONOMY_ABBREV && (end == sp || memchr(sp, ' ', (size_t)(end - sp))))
        return fail(ld, "bad abbreviation '%s' (one word)", keep(ld->t, sp, (size_t)(end - sp)));
    ld->p = xgrow(ld->p, sizeof(*ld->p), ld->np + 1, &ld->palloc);
    p = &ld->p[ld->np++];
    memset(p, 0, sizeof(*p));
    p->e.kind = (enum taxonomy_kind)kind;
    p->e.id = keep(ld->t, sp, (size_t)(end - sp));
    p->e.file = ld->file;
    p->e.line = ld->line;
    p->e.min_score = DEFAULT_MIN_SCORE;
    p->e.min_pages = DEFAULT_MIN_PAGES;
    p->e.window = DEFAULT_WINDOW;
    p->e.percent = 100;
    for (size_t i = 0; i + 1 < ld->np; i++)
        if (ld->p[i].e.kind == p->e.kind && !strcmp(ld->p[i].e.id, p->e.id)) {
            char msg[256];
            snprintf(msg, sizeof(msg), "%s '%s' is already defined at '%s' line %d",
                     kind_names[kind], p->e.id, ld->p[i].e.file, ld->p[i].e.line);
            return fail(ld, "%s", msg);
        }
    return 0;
}

static int number(struct loader *ld, const char *v, int min, int max, int *out)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max) {
        char msg[128];
        snprintf(msg, sizeof(msg), "'%s' is not a number from %d to %d", v, min, max);
        return fail(ld, "%s", msg);
    }
    *out = (int)n;
    return 0;
}

/* A phrase must hold between 1 and TAX_PHRASE_TOKENS tokens of matchable length. */
static int check_phrase(struct loader *ld, const char *v)
{
    struct tax_token tk;
    size_t i = 0, len = strlen(v);
    int n = 0;

    while (tax_next_token(v, len, &i, &tk)) {
        if (!tk.norm[0])
            return fail(ld, "a word of '%s' is too long to match", v);
        n++;
    }
    if (n == 0)
        return fail(ld, "'%s' has no words to match", v);
    if (n > TAX_PHRASE_TOKENS)
        return fail(ld, "'%s' has too many words (at most 10)", v);
    return 0;
}

/* Splits a ';'-separated value into trimmed items added to l. */
static int list_value(struct loader *ld, const char *v, struct strlist *l, int phrases)
{
    while (*v) {
        const char *semi = strchr(v, ';'), *e = semi ? semi : v + strlen(v);
        const char *b = v;
        char *item;
        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (e > b) {
            item = keep(ld->t, b, (size_t)(e - b));
            if (phrases && check_phrase(ld, item) < 0)
                return CR_EINVAL;
            strlist_add(l, item);
        }
        if (!semi)
            break;
        v = semi + 1;
    }
    return 0;
}

static int single(struct loader *ld, const char **slot, const char *key, const char *v)
{
    if (*slot)
        return fail(ld, "'%s' is given twice for this entry", key);
    *slot = keep(ld->t, v, strlen(v));
    return 0;
}

/* "negates: theme; topic", "asserts: theme": the kinds whose hits a cue entry covers. */
static int covers_value(struct loader *ld, struct pending *p, const char *key, const char *v)
{
    struct strlist kinds = {NULL, 0, 0};
    int rc = list_value(ld, v, &kinds, 0);

    for (size_t i = 0; rc == 0 && i < kinds.n; i++) {
        int k = 0;
        while (k < TAXONOMY_NKINDS && strcmp(kinds.v[i], kind_names[k]))
            k++;
        if (k == TAXONOMY_NKINDS || k == TAXONOMY_NEGATION || k == TAXONOMY_SECTION ||
            k == TAXONOMY_STATEMENT)
            rc = fail(ld, "'%s:' names an unknown kind '%s' (theme, topic, review-type, "
                          "document-kind, review-model, abbreviation, outcome)",
                      key, kinds.v[i]);
        else
            p->e.covers |= TAXONOMY_MASK(k);
    }
    if (!strcmp(key, "negates"))
        p->negates_set = 1;
    else
        p->asserts_set = 1;
    free(kinds.v);
    return rc;
}

static int key_value(struct loader *ld, const char *key, const char *v)
{
    struct pending *p = ld->np ? &ld->p[ld->np - 1] : NULL;

    if (!p)
        return fail(ld, "'%s:' before any '[kind id]' section", key);
    if (!*v)
        return fail(ld, "'%s:' has no value", key);
    if (!strcmp(key, "label"))
        return single(ld, &p->e.label, key, v);
    if (!strcmp(key, "synonym") || !strcmp(key, "synonyms"))
        return list_value(ld, v, &p->syn, 1);
    if (!strcmp(key, "abbrev"))
        return list_value(ld, v, &p->abbr, 1);
    if (!strcmp(key, "phrase") || !strcmp(key, "phrases"))
        return list_value(ld, v, &p->phrase, 1);
    if (!strcmp(key, "weak"))
        return list_value(ld, v, &p->weak, 1);
    if (!strcmp(key, "means"))
        return single(ld, &p->e.means, key, v);
    if (!strcmp(key, "before"))
        return list_value(ld, v, &p->before, 1);
    if (!strcmp(key, "after"))
        return list_value(ld, v, &p->after, 1);
    if (!strcmp(key, "negates") || !strcmp(key, "asserts"))
        return covers_value(ld, p, key, v);
    if (!strcmp(key, "window"))
        return number(ld, v, 0, MAX_WINDOW, &p->e.window);
    if (!strcmp(key, "weight")) {
        p->weight_set = 1;
        return number(ld, v, 0, 1000, &p->e.percent);
    }
    if (!strcmp(key, "rank"))
        return number(ld, v, 0, 1000, &p->e.rank);
    if (!strcmp(key, "min-score"))
        return number(ld, v, 1, 1000, &p->e.min_score);
    if (!strcmp(key, "min-pages"))
        return number(ld, v, 1, 100, &p->e.min_pages);
    if (!strcmp(key, "nation")) {
        for (int i = 0; nations[i]; i++)
            if (!strcmp(v, nations[i]))
                return single(ld, &p->e.nation, key, v);
        return fail(ld, "unknown nation '%s' (england, wales, scotland, northern-ireland)", v);
    }
    return fail(ld, "unknown key '%s' (label, synonym, abbrev, phrase, weak, means, rank, "
                    "min-score, min-pages, nation, before, after, negates, asserts, window, "
                    "weight)",
                key);
}

static int parse_line(struct loader *ld, char *s)
{
    size_t len;
    char *colon;

    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    if (!len || s[0] == '#')
        return 0;
    if (s[0] == '[')
        return section(ld, s, len);
    colon = strchr(s, ':');
    if (!colon)
        return fail(ld, "expected '[kind id]' or 'key: value', got '%s'", s);
    *colon = '\0';
    for (char *k = colon; k > s && isspace((unsigned char)k[-1]); k--)
        k[-1] = '\0';
    for (colon++; isspace((unsigned char)*colon); colon++)
        ;
    return key_value(ld, s, colon);
}

static int load_file(struct loader *ld, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;

    ld->file = keep(ld->t, path, strlen(path));
    ld->line = 0;
    if (!f)
        return cr_error(ld->err, CR_EIO, "taxonomy: cannot open '%s': %s", path, strerror(errno));
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        ld->line++;
        if ((size_t)n > CR_MAX_LINE)
            rc = fail(ld, "the line is longer than %s bytes", "65536");
        else if (memchr(line, '\0', (size_t)n))
            rc = fail(ld, "the line holds a NUL byte%s", "");
        else
            rc = parse_line(ld, line);
    }
    if (rc == 0 && ferror(f))
        rc = cr_error(ld->err, CR_EIO, "taxonomy: cannot read '%s'", path);
    free(line);
    fclose(f);
    return rc;
}

static int check_entry(struct loader *ld, const struct pending *p)
{
    ld->file = p->e.file;
    ld->line = p->e.line;
    if (!p->e.label)
        return fail(ld, "'%s' has no 'label:'", p->e.id);
    if (p->e.kind == TAXONOMY_ABBREV && !p->e.means)
        return fail(ld, "abbreviation '%s' has no 'means:'", p->e.id);
    if (p->e.kind != TAXONOMY_ABBREV && p->e.means)
        return fail(ld, "'means:' is for abbreviations only (in '%s')", p->e.id);
    if (p->e.nation && p->e.kind != TAXONOMY_REVIEW_TYPE)
        return fail(ld, "'nation:' is for review types only (in '%s')", p->e.id);
    if (p->e.kind != TAXONOMY_NEGATION && p->e.kind != TAXONOMY_STATEMENT &&
        (p->before.n || p->after.n))
        return fail(ld, "'before:' and 'after:' are for negations and statements only (in '%s')",
                    p->e.id);
    if (p->e.kind != TAXONOMY_NEGATION && p->negates_set)
        return fail(ld, "'negates:' is for negations only (in '%s')", p->e.id);
    if (p->e.kind != TAXONOMY_STATEMENT && p->asserts_set)
        return fail(ld, "'asserts:' is for statements only (in '%s')", p->e.id);
    if ((p->e.kind == TAXONOMY_NEGATION || p->e.kind == TAXONOMY_STATEMENT) && !p->before.n &&
        !p->after.n)
        return fail(ld, "%s '%s' has no 'before:' or 'after:' cue", kind_names[p->e.kind],
                    p->e.id);
    if (p->e.kind == TAXONOMY_NEGATION && !p->negates_set)
        return fail(ld, "negation '%s' has no 'negates:' (theme, topic…)", p->e.id);
    if (p->e.kind == TAXONOMY_STATEMENT && !p->asserts_set)
        return fail(ld, "statement '%s' has no 'asserts:' (theme, topic…)", p->e.id);
    if (p->e.kind != TAXONOMY_SECTION && p->weight_set)
        return fail(ld, "'weight:' is for sections only (in '%s')", p->e.id);
    return 0;
}

/* ---- the matcher ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static uint64_t hash_u64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

uint32_t tax_intern_find(const struct tax_intern *in, const char *norm)
{
    if (!in->cap)
        return UINT32_MAX;
    for (size_t i = hash_str(norm) & (in->cap - 1);; i = (i + 1) & (in->cap - 1)) {
        if (!in->keys[i])
            return UINT32_MAX;
        if (!strcmp(in->keys[i], norm))
            return in->ids[i];
    }
}

static void intern_put(struct tax_intern *in, char *key, uint32_t id)
{
    size_t i = hash_str(key) & (in->cap - 1);

    while (in->keys[i])
        i = (i + 1) & (in->cap - 1);
    in->keys[i] = key;
    in->ids[i] = id;
    in->n++;
}

static uint32_t intern(struct tax_intern *in, const char *norm)
{
    uint32_t id = tax_intern_find(in, norm);

    if (id != UINT32_MAX)
        return id;
    if ((in->n + 1) * 2 > in->cap) {
        struct tax_intern bigger = {NULL, NULL, in->cap ? in->cap * 2 : 64, 0};
        bigger.keys = xcalloc(bigger.cap, sizeof(*bigger.keys));
        bigger.ids = xcalloc(bigger.cap, sizeof(*bigger.ids));
        for (size_t i = 0; i < in->cap; i++)
            if (in->keys[i])
                intern_put(&bigger, in->keys[i], in->ids[i]);
        free(in->keys);
        free(in->ids);
        *in = bigger;
    }
    id = (uint32_t)in->n;
    intern_put(in, xstrdup(norm), id);
    return id;
}

uint32_t tax_edge_find(const struct tax_edges *e, uint32_t node, uint32_t tok)
{
    uint64_t key = (((uint64_t)node << 32) | tok) + 1;

    if (!e->cap)
        return 0;
    for (size_t i = hash_u64(key) & (e->cap - 1);; i = (i + 1) & (e->cap - 1)) {
        if (!e->keys[i])
            return 0;
        if (e->keys[i] == key)
            return e->child[i];
    }
}

static void edge_put(struct tax_edges *e, uint64_t key, uint32_t child)
{
    size_t i = hash_u64(key) & (e->cap - 1);

    while (e->keys[i])
        i = (i + 1) & (e->cap - 1);
    e->keys[i] = key;
    e->child[i] = child;
    e->n++;
}

static uint32_t new_node(struct tax_matcher *m)
{
    m->nodes = xgrow(m->nodes, sizeof(*m->nodes), m->nnodes + 1, &m->nodes_alloc);
    memset(&m->nodes[m->nnodes], 0, sizeof(m->nodes[0]));
    return (uint32_t)m->nnodes++;
}

static uint32_t edge_add(struct tax_matcher *m, uint32_t node, uint32_t tok)
{
    struct tax_edges *e = &m->edges;
    uint32_t child = tax_edge_find(e, node, tok);

    if (child)
        return child;
    if ((e->n + 1) * 2 > e->cap) {
        struct tax_edges bigger = {NULL, NULL, e->cap ? e->cap * 2 : 256, 0};
        bigger.keys = xcalloc(bigger.cap, sizeof(*bigger.keys));
        bigger.child = xcalloc(bigger.cap, sizeof(*bigger.child));
        for (size_t i = 0; i < e->cap; i++)
            if (e->keys[i])
                edge_put(&bigger, e->keys[i], e->child[i]);
        free(e->keys);
        free(e->child);
        *e = bigger;
    }
    child = new_node(m);
    edge_put(e, (((uint64_t)node << 32) | tok) + 1, child);
    return child;
}

static void add_phrase(struct tax_matcher *m, const char *phrase, uint32_t entry, int weight,
                       int caps, enum tax_cue cue)
{
    struct tax_token tk;
    struct tax_node *n;
    uint32_t node = 0;
    size_t i = 0, len = strlen(phrase);

    while (tax_next_token(phrase, len, &i, &tk))
        node = edge_add(m, node, intern(&m->tokens, tk.norm));
    n = &m->nodes[node];
    for (uint32_t j = 0; j < n->nouts; j++)
        if (n->outs[j].entry == entry && n->outs[j].caps == caps && n->outs[j].cue == cue) {
            if (weight > n->outs[j].weight)
                n->outs[j].weight = (uint8_t)weight;
            return;
        }
    n->outs = xgrow(n->outs, sizeof(*n->outs), n->nouts + 1, &n->outs_alloc);
    n->outs[n->nouts].entry = entry;
    n->outs[n->nouts].weight = (uint8_t)weight;
    n->outs[n->nouts].caps = (uint8_t)caps;
    n->outs[n->nouts].cue = (uint8_t)cue;
    n->outs[n->nouts++].phrase = phrase;
}

/* ---- laying out ---- */

static const char *const *take_list(struct taxonomy *t, struct strlist *l)
{
    const char **v = xcalloc(l->n + 1, sizeof(*v));

    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[i];
    t->lists = xgrow(t->lists, sizeof(*t->lists), t->nlists + 1, &t->lists_alloc);
    t->lists[t->nlists++] = v;
    return v;
}

static void add_entry_phrases(struct taxonomy *t, const struct pending *p, uint32_t g)
{
    struct tax_matcher *m = &t->m;

    if (p->e.kind == TAXONOMY_NEGATION || p->e.kind == TAXONOMY_STATEMENT) {
        /* a cue entry's label names it for people; only its cues are matched */
        for (size_t i = 0; i < p->before.n; i++)
            add_phrase(m, p->before.v[i], g, 0, 0, TAX_CUE_BEFORE);
        for (size_t i = 0; i < p->after.n; i++)
            add_phrase(m, p->after.v[i], g, 0, 0, TAX_CUE_AFTER);
        if (p->e.window > t->max_window)
            t->max_window = p->e.window;
        return;
    }
    add_phrase(m, p->e.label, g, TAXONOMY_NAME, 0, TAX_EVIDENCE);
    if (p->e.kind == TAXONOMY_ABBREV) {
        add_phrase(m, p->e.id, g, TAXONOMY_NAME, 1, TAX_EVIDENCE);
        add_phrase(m, p->e.means, g, TAXONOMY_NAME, 0, TAX_EVIDENCE);
    }
    for (size_t i = 0; i < p->syn.n; i++)
        add_phrase(m, p->syn.v[i], g, TAXONOMY_NAME, 0, TAX_EVIDENCE);
    for (size_t i = 0; i < p->abbr.n; i++)
        add_phrase(m, p->abbr.v[i], g, TAXONOMY_NAME, 1, TAX_EVIDENCE);
    for (size_t i = 0; i < p->phrase.n; i++)
        add_phrase(m, p->phrase.v[i], g, TAXONOMY_PHRASE, 0, TAX_EVIDENCE);
    for (size_t i = 0; i < p->weak.n; i++)
        add_phrase(m, p->weak.v[i], g, TAXONOMY_WEAK, 0, TAX_EVIDENCE);
}

static void lay_out(struct taxonomy *t, struct pending *p, size_t np, int matcher)
{
    size_t base[TAXONOMY_NKINDS];

    for (size_t i = 0; i < np; i++) {
        enum taxonomy_kind k = p[i].e.kind;
        t->entries[k] = xgrow(t->entries[k], sizeof(*t->entries[k]), t->count[k] + 1,
                              &t->alloc[k]);
        p[i].e.index = t->count[k];
        p[i].e.synonyms = take_list(t, &p[i].syn);
        p[i].e.abbrevs = take_list(t, &p[i].abbr);
        t->entries[k][t->count[k]++] = p[i].e;
    }
    t->all = xcalloc(np ? np : 1, sizeof(*t->all));
    new_node(&t->m); /* the root */
    for (int k = 0; k < TAXONOMY_NKINDS; k++) {
        base[k] = t->nall;
        for (size_t i = 0; i < t->count[k]; i++)
            t->all[t->nall++] = &t->entries[k][i];
    }
    for (size_t i = 0; matcher && i < np; i++)
        add_entry_phrases(t, &p[i], (uint32_t)(base[p[i].e.kind] + p[i].e.index));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt files of dir, sorted. */
static int list_files(const char *dir, struct strlist *files, struct cr_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return cr_error(err, CR_EIO, "taxonomy: cannot open the folder '%s': %s", dir,
                        strerror(errno));
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len > 4 && de->d_name[0] != '.' && !strcmp(de->d_name + len - 4, ".txt"))
            strlist_add(files, xasprintf("%s/%s", dir, de->d_name));
    }
    closedir(d);
    if (files->n)
        qsort(files->v, files->n, sizeof(*files->v), by_name);
    if (!files->n)
        return cr_error(err, CR_ENOTFOUND, "taxonomy: no *.txt files in '%s'", dir);
    return 0;
}

static void pending_free(struct pending *p, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        free(p[i].syn.v);
        free(p[i].abbr.v);
        free(p[i].phrase.v);
        free(p[i].weak.v);
        free(p[i].before.v);
        free(p[i].after.v);
    }
    free(p);
}

static int load_dir(struct taxonomy **out, const char *dir, int matcher, struct cr_err *err)
{
    struct taxonomy *t = xcalloc(1, sizeof(*t));
    struct loader ld = {t, NULL, 0, 0, NULL, 0, err};
    struct strlist files = {NULL, 0, 0};
    int rc;

    *out = NULL;
    rc = list_files(dir, &files, err);
    for (size_t i = 0; rc == 0 && i < files.n; i++)
        rc = load_file(&ld, files.v[i]);
    for (size_t i = 0; rc == 0 && i < ld.np; i++)
        rc = check_entry(&ld, &ld.p[i]);
    if (rc == 0)
        lay_out(t, ld.p, ld.np, matcher);
    pending_free(ld.p, ld.np);
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    if (rc < 0) {
        taxonomy_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

char *taxonomy_data_path(const char *rel)
{
    const char *env = getenv("CASEREVIEW_DATA");
    char exe[PATH_MAX], *slash;
    ssize_t n;

    if (env && *env)
        return xasprintf("%s/%s", env, rel);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 4 && (slash = strrchr(exe, '/')); up++) {
            struct stat st;
            char *cand;
            *slash = '\0';
            cand = xasprintf("%s/data/taxonomy", exe);
            if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
                free(cand);
                return xasprintf("%s/data/%s", exe, rel);
            }
            free(cand);
        }
    }
    return xasprintf("/usr/share/casereview/%s", rel);
}

/* FNV-1a of a file's identity: name, size, modification time, inode; path missing: its name. */
static uint64_t stamp_file(uint64_t h, const char *path)
{
    struct stat st;
    uint64_t parts[5] = {0, 0, 0, 0, 0};

    for (const char *p = path; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ull;
    }
    if (stat(path, &st) == 0) {
        parts[0] = (uint64_t)st.st_size;
        parts[1] = (uint64_t)st.st_mtim.tv_sec;
        parts[2] = (uint64_t)st.st_mtim.tv_nsec;
        parts[3] = (uint64_t)st.st_ino;
        parts[4] = (uint64_t)st.st_dev;
    }
    for (size_t i = 0; i < 5; i++) {
        h ^= parts[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t taxonomy_data_stamp(void)
{
    char *dir = taxonomy_data_path("taxonomy"), *tsv = taxonomy_data_path("partnerships.tsv");
    struct strlist files = {NULL, 0, 0};
    struct cr_err err;
    uint64_t h = 1469598103934665603ull;

    if (list_files(dir, &files, &err) < 0) {
        h = 0;
    } else {
        for (size_t i = 0; i < files.n; i++)
            h = stamp_file(h, files.v[i]);
        h = stamp_file(h, tsv);
        h = h ? h : 1;
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    free(dir);
    free(tsv);
    return h;
}

int taxonomy_load(struct taxonomy **out, const char *dir, struct cr_err *err)
{
    return load_dir(out, dir, 1, err);
}

int taxonomy_load_names(struct taxonomy **out, struct cr_err *err)
{
    char *dir = taxonomy_data_path("taxonomy");
    int rc = load_dir(out, dir, 0, err);

    free(dir);
    return rc;
}

int taxonomy_load_default(struct taxonomy **out, struct cr_err *err)
{
    char *dir = taxonomy_data_path("taxonomy");
    int rc = taxonomy_load(out, dir, err);

    free(dir);
    return rc;
}

void taxonomy_free(struct taxonomy *t)
{
    if (!t)
        return;
    for (int k = 0; k < TAXONOMY_NKINDS; k++)
        free(t->entries[k]);
    free(t->all);
    for (size_t i = 0; i < t->nstrings; i++)
        free(t->strings[i]);
    free(t->strings);
    for (size_t i = 0; i < t->nlists; i++)
        free((void *)t->lists[i]);
    free(t->lists);
    for (size_t i = 0; i < t->m.tokens.cap; i++)
        free(t->m.tokens.keys[i]);
    free(t->m.tokens.keys);
    free(t->m.tokens.ids);
    free(t->m.edges.keys);
    free(t->m.edges.child);
    for (size_t i = 0; i < t->m.nnodes; i++)
        free(t->m.nodes[i].outs);
    free(t->m.nodes);
    free(t);
}

size_t taxonomy_count(const struct taxonomy *t, enum taxonomy_kind k)
{
    return k < TAXONOMY_NKINDS ? t->count[k] : 0;
}

const struct taxonomy_entry *taxonomy_at(const struct taxonomy *t, enum taxonomy_kind k, size_t i)
{
    return k < TAXONOMY_NKINDS && i < t->count[k] ? &t->entries[k][i] : NULL;
}

const struct taxonomy_entry *taxonomy_get(const struct taxonomy *t, enum taxonomy_kind k,
                                          const char *id)
{
    for (size_t i = 0; k < TAXONOMY_NKINDS && i < t->count[k]; i++)
        if (!strcmp(t->entries[k][i].id, id))
            return &t->entries[k][i];
    return NULL;
}

/* Lowercase, without spaces, '-', '_', '.', and without a final plural 's'. */
static void fold_name(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; *s && n + 1 < cap; s++)
        if (!strchr(" -_.'\t", *s))
            out[n++] = (char)tolower((unsigned char)*s);
    if (n > 3 && out[n - 1] == 's' && out[n - 2] != 's')
        n--;
    out[n] = '\0';
}

static int name_is(const char *a, const char *folded)
{
    char f[256];

    fold_name(a, f, sizeof(f));
    return !strcmp(f, folded);
}

const struct taxonomy_entry *taxonomy_find(const struct taxonomy *t, enum taxonomy_kind k,
                                           const char *name)
{
    char want[256];

    if (k >= TAXONOMY_NKINDS || !name)
        return NULL;
    fold_name(name, want, sizeof(want));
    if (!want[0])
        return NULL;
    for (size_t i = 0; i < t->count[k]; i++) {
        const struct taxonomy_entry *e = &t->entries[k][i];
        if (name_is(e->id, want) || name_is(e->label, want))
            return e;
        for (size_t j = 0; e->synonyms[j]; j++)
            if (name_is(e->synonyms[j], want))
                return e;
        for (size_t j = 0; e->abbrevs[j]; j++)
            if (name_is(e->abbrevs[j], want))
                return e;
    }
    return NULL;
}
