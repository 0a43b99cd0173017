#include "search/filter.h"

/*
 * Fields and the vocabulary of their values. The vocabulary is small (a few
 * hundred names), so lookups are linear scans over normalised names; the
 * index is asked only when the vocabulary does not know a value, and for
 * the list of known ids when a value is unknown and suggestions are needed.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/ixschema.h"
#include "lib/xalloc.h"

static const struct filter_field_info fields[FILTER_NFIELDS] = {
    [FILTER_THEME] = {"theme", IX_P_THEME, IX_SLOT_THEMES, IX_LIST_SEP, "themes", "theme", 1},
    [FILTER_TOPIC] = {"topic", IX_P_TOPIC, IX_SLOT_TOPICS, IX_LIST_SEP, "topics", "topic", 1},
    [FILTER_PARTNERSHIP] = {"partnership", IX_P_PARTNERSHIP, IX_SLOT_PARTNERSHIP, 0,
                            "partnership", "partnership", 1},
    [FILTER_NATION] = {"nation", IX_P_NATION, IX_SLOT_NATION, 0, "nation", "nation", 1},
    [FILTER_TYPE] = {"type", IX_P_TYPE, IX_SLOT_TYPE, 0, "review_type", "review type", 1},
    [FILTER_KIND] = {"kind", IX_P_KIND, IX_SLOT_KIND, 0, "document_kind", "document kind", 1},
    [FILTER_CHILD] = {"child", IX_P_CHILD, -1, 0, "child", "child", 0},
    [FILTER_YEAR] = {"year", IX_P_YEAR, IX_SLOT_YEAR, 0, "published", "year", 0},
    [FILTER_REVIEW] = {"review", IX_P_REVIEW, IX_SLOT_REVIEW, 0, "review_id", "review", 0},
    [FILTER_OUTCOME] = {"outcome", IX_P_OUTCOME, IX_SLOT_OUTCOME, 0, "outcome", "outcome", 1},
    [FILTER_AGE] = {"age", IX_P_AGE, IX_SLOT_AGE_BAND, 0, "age_band", "age band", 1},
    [FILTER_MODEL] = {"model", IX_P_MODEL, IX_SLOT_MODEL, 0, "review_model", "review model", 1},
};

const struct filter_field_info *filter_field(enum filter_field f)
{
    return &fields[f];
}

int filter_field_by_name(const char *name)
{
    for (int i = 0; i < FILTER_NFIELDS; i++)
        if (!strcmp(fields[i].name, name))
            return i;
    return -1;
}

struct entry {
    enum filter_field field;
    char *id;
    char *label;      /* owned, NULL: the id */
    char **names;     /* normalised, owned */
    size_t n, alloc;
};

struct abbrev {
    char *abbr;       /* as written */
    char **exp;       /* owned */
    size_t n, alloc;
};

struct filter_vocab {
    struct entry *e;
    size_t n, alloc;
    struct abbrev *a;
    size_t na, aalloc;
};

static int is_sep(unsigned char c)
{
    return isspace(c) || c == '-' || c == '_' || c == '\'';
}

char *filter_norm(const char *s)
{
    struct buf b = BUF_INIT;
    int pending = 0;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (is_sep(c)) {
            pending = b.len > 0;
            continue;
        }
        if (pending)
            buf_addch(&b, '-');
        pending = 0;
        buf_addch(&b, (char)tolower(c));
    }
    return buf_take(&b);
}

size_t filter_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b), *row, d;

    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    row = xcalloc(lb + 1, sizeof(*row));
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
        }
    }
    d = row[lb];
    free(row);
    return d > cap ? cap + 1 : d;
}

struct filter_vocab *filter_vocab_new(void)
{
    return xcalloc(1, sizeof(struct filter_vocab));
}

void filter_vocab_free(struct filter_vocab *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->e[i].id);
        free(v->e[i].label);
        for (size_t j = 0; j < v->e[i].n; j++)
            free(v->e[i].names[j]);
        free(v->e[i].names);
    }
    for (size_t i = 0; i < v->na; i++) {
        free(v->a[i].abbr);
        for (size_t j = 0; j < v->a[i].n; j++)
            free(v->a[i].exp[j]);
        free(v->a[i].exp);
    }
    free(v->e);
    free(v->a);
    free(v);
}

static struct entry *find_id(const struct filter_vocab *v, enum filter_field f, const char *id)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->e[i].field == f && !strcmp(v->e[i].id, id))
            return &v->e[i];
    return NULL;
}

static void add_name(struct entry *e, const char *name)
{
    char *n = filter_norm(name);

    for (size_t i = 0; i < e->n; i++) {
        if (!strcmp(e->names[i], n)) {
            free(n);
            return;
        }
    }
    e->names = xgrow(e->names, sizeof(*e->names), e->n + 1, &e->alloc);
    e->names[e->n++] = n;
}

void filter_vocab_add(struct filter_vocab *v, enum filter_field f, const char *id,
                      const char *label, const char *name)
{
    /* names of one id come one after the other: try the last entry first */
    struct entry *last = v->n ? &v->e[v->n - 1] : NULL;
    struct entry *e = last && last->field == f && !strcmp(last->id, id) ? last : NULL;

    if (!e)
        e = find_id(v, f, id);

    if (!e) {
        v->e = xgrow(v->e, sizeof(*v->e), v->n + 1, &v->alloc);
        e = &v->e[v->n++];
        memset(e, 0, sizeof(*e));
        e->field = f;
        e->id = xstrdup(id);
        add_name(e, id);
    }
    if (label && !e->label)
        e->label = xstrdup(label);
    if (label)
        add_name(e, label);
    if (name)
        add_name(e, name);
}

void filter_vocab_add_abbrev(struct filter_vocab *v, const char *abbr, const char *expansion)
{
    struct abbrev *a = NULL;

    for (size_t i = 0; i < v->na && !a; i++)
        if (!strcmp(v->a[i].abbr, abbr))
            a = &v->a[i];
    if (!a) {
        v->a = xgrow(v->a, sizeof(*v->a), v->na + 1, &v->aalloc);
        a = &v->a[v->na++];
        memset(a, 0, sizeof(*a));
        a->abbr = xstrdup(abbr);
    }
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->exp[i], expansion))
            return;
    a->exp = xgrow(a->exp, sizeof(*a->exp), a->n + 1, &a->alloc);
    a->exp[a->n++] = xstrdup(expansion);
}

void filter_vocab_add_nations(struct filter_vocab *v)
{
    filter_vocab_add(v, FILTER_NATION, "england", "England", NULL);
    filter_vocab_add(v, FILTER_NATION, "wales", "Wales", "Cymru");
    filter_vocab_add(v, FILTER_NATION, "scotland", "Scotland", NULL);
    filter_vocab_add(v, FILTER_NATION, "northern-ireland", "Northern Ireland", "NI");
}

const char *filter_vocab_label(const struct filter_vocab *v, enum filter_field f, const char *id)
{
    const struct entry *e = v ? find_id(v, f, id) : NULL;

    return e && e->label ? e->label : id;
}

const char *const *filter_vocab_abbrev(const struct filter_vocab *v, const char *word,
                                       size_t *n)
{
    size_t len = strlen(word);

    *n = 0;
    for (size_t i = 0; v && i < v->na; i++) {
        const struct abbrev *a = &v->a[i];
        int same = len >= 3 ? !strcasecmp(a->abbr, word) : !strcmp(a->abbr, word);
        if (same) {
            *n = a->n;
            return (const char *const *)a->exp;
        }
    }
    return NULL;
}

const char *const *filter_vocab_abbrev_of(const struct filter_vocab *v, const char *phrase,
                                          size_t *n)
{
    static _Thread_local const char *hit[8]; /* one per thread: the web server's pool */
    char *p = filter_norm(phrase);

    *n = 0;
    for (size_t i = 0; v && i < v->na && *n < 8; i++) {
        for (size_t j = 0; j < v->a[i].n; j++) {
            char *e = filter_norm(v->a[i].exp[j]);
            int same = !strcmp(e, p);
            free(e);
            if (same) {
                hit[(*n)++] = v->a[i].abbr;
                break;
            }
        }
    }
    free(p);
    return *n ? hit : NULL;
}

/* ---- Compiled form ---- */

/*
 * One line per entry, "E<field>\t<id>\t<label>\t<name>…" (names normalised,
 * so reading back normalises nothing), one per abbreviation,
 * "A<abbr>\t<expansion>…", after a header with the stamp, and ".\n" at
 * the end, so that a cut copy is refused. Bump the format's number when
 * what a vocabulary holds changes.
 */
#define DUMP_MAGIC "casereview-vocab 1 "

static int dump_str(struct buf *b, char lead, const char *s)
{
    if (strpbrk(s, "\t\n"))
        return -1;
    buf_addch(b, lead);
    buf_addstr(b, s);
    return 0;
}

char *filter_vocab_dump(const struct filter_vocab *v, uint64_t stamp)
{
    struct buf b = BUF_INIT;
    int bad = 0;

    buf_addf(&b, DUMP_MAGIC "%016llx\n", (unsigned long long)stamp);
    for (size_t i = 0; i < v->n; i++) {
        const struct entry *e = &v->e[i];
        buf_addf(&b, "E%d", (int)e->field);
        bad |= dump_str(&b, '\t', e->id) | dump_str(&b, '\t', e->label ? e->label : "");
        for (size_t j = 0; j < e->n; j++)
            bad |= dump_str(&b, '\t', e->names[j]);
        buf_addch(&b, '\n');
    }
    for (size_t i = 0; i < v->na; i++) {
        bad |= dump_str(&b, 'A', v->a[i].abbr);
        for (size_t j = 0; j < v->a[i].n; j++)
            bad |= dump_str(&b, '\t', v->a[i].exp[j]);
        buf_addch(&b, '\n');
    }
    buf_addstr(&b, ".\n");
    if (bad) {
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* The tab-separated fields of line [p, end) as new strings; returns their count. */
static size_t split_line(const char *p, const char *end, char ***out)
{
    size_t n = 0, alloc = 0;

    *out = NULL;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        *out = xgrow(*out, sizeof(**out), n + 1, &alloc);
        (*out)[n++] = xstrndup(p, (size_t)(stop - p));
        if (!tab)
            return n;
        p = tab + 1;
    }
}

/* Adds one "E…" or "A…" line (without its lead byte), taking its strings; -1 if malformed. */
static int parse_line(struct filter_vocab *v, char kind, const char *p, const char *end)
{
    char **f;
    size_t n = split_line(p, end, &f);
    char *stop = NULL;
    long field = kind == 'E' ? strtol(f[0], &stop, 10) : 0;

    if (kind == 'E' && n >= 3 && stop != f[0] && !*stop && field >= 0 &&
        field < FILTER_NFIELDS) {
        struct entry *e;
        v->e = xgrow(v->e, sizeof(*v->e), v->n + 1, &v->alloc);
        e = &v->e[v->n++];
        memset(e, 0, sizeof(*e));
        e->field = (enum filter_field)field;
        e->id = f[1];
        e->label = *f[2] ? f[2] : NULL;
        if (!*f[2])
            free(f[2]);
        free(f[0]);
        e->alloc = n - 2;
        e->names = xcalloc(e->alloc, sizeof(*e->names));
        for (size_t i = 3; i < n; i++)
            e->names[e->n++] = f[i];
    } else if (kind == 'A' && n >= 2) {
        struct abbrev *a;
        v->a = xgrow(v->a, sizeof(*v->a), v->na + 1, &v->aalloc);
        a = &v->a[v->na++];
        memset(a, 0, sizeof(*a));
        a->abbr = f[0];
        a->alloc = n - 1;
        a->exp = xcalloc(a->alloc, sizeof(*a->exp));
        for (size_t i = 1; i < n; i++)
            a->exp[a->n++] = f[i];
    } else {
        for (size_t i = 0; i < n; i++)
            free(f[i]);
        free(f);
        return -1;
    }
    free(f);
    return 0;
}

struct filter_vocab *filter_vocab_parse(const char *s, size_t len, uint64_t stamp)
{
    const char *p = s, *end = s + len;
    size_t ml = strlen(DUMP_MAGIC);
    struct filter_vocab *v;
    char *stop = NULL;

    if (len < ml + 19 || memcmp(s, DUMP_MAGIC, ml) || memcmp(end - 3, "\n.\n", 3))
        return NULL;
    if (strtoull(s + ml, &stop, 16) != stamp || stop != s + ml + 16 || *stop != '\n')
        return NULL;
    v = filter_vocab_new();
    for (p = stop + 1; p < end - 2;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl || (*p != 'E' && *p != 'A') || parse_line(v, *p, p + 1, nl) < 0) {
            filter_vocab_free(v);
            return NULL;
        }
        p = nl + 1;
    }
    return v;
}

/* ---- Resolution ---- */

struct idlist {
    char **ids;
    size_t n, alloc;
    size_t plen;          /* length of the term prefix to strip */
};

static int collect_term(const char *term, size_t len, uint32_t freq, void *ctx)
{
    struct idlist *l = ctx;

    (void)freq;
    l->ids = xgrow(l->ids, sizeof(*l->ids), l->n + 1, &l->alloc);
    l->ids[l->n++] = xstrndup(term + l->plen, len - l->plen);
    return 0;
}

static void idlist_release(struct idlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ids[i]);
    free(l->ids);
}

/* Ids of field f that the index holds (empty without db or on error). */
static void index_ids(struct xdb *db, enum filter_field f, struct idlist *l)
{
    memset(l, 0, sizeof(*l));
    l->plen = strlen(fields[f].prefix);
    if (db && xdb_each_term(db, fields[f].prefix, collect_term, l, NULL) < 0) {
        idlist_release(l);
        memset(l, 0, sizeof(*l));
    }
}

static const struct entry *find_name(const struct filter_vocab *v, enum filter_field f,
                                     const char *norm)
{
    for (size_t i = 0; v && i < v->n; i++) {
        if (v->e[i].field != f)
            continue;
        for (size_t j = 0; j < v->e[i].n; j++)
            if (!strcmp(v->e[i].names[j], norm))
                return &v->e[i];
    }
    return NULL;
}

/* An abbreviation that expands to a name of field f ("DA" → domestic-abuse). */
static const struct entry *find_abbrev(const struct filter_vocab *v, enum filter_field f,
                                       const char *typed)
{
    size_t n;
    const char *const *exp = filter_vocab_abbrev(v, typed, &n);

    for (size_t i = 0; exp && i < n; i++) {
        char *norm = filter_norm(exp[i]);
        const struct entry *e = find_name(v, f, norm);
        free(norm);
        if (e)
            return e;
    }
    return NULL;
}

struct cand {
    const char *id;
    const char *label;
    size_t dist;
};

static void consider(struct cand *best, size_t nbest, const char *id, const char *label,
                     const char *name, const char *norm)
{
    size_t d = filter_distance(norm, name, 64);

    if (*norm && strstr(name, norm))
        d = d < 2 ? d : 2; /* a part of a longer name is close */
    for (size_t i = 0; i < nbest; i++) {
        if (best[i].id && !strcmp(best[i].id, id)) {
            if (d < best[i].dist)
                best[i].dist = d;
            return;
        }
    }
    for (size_t i = 0; i < nbest; i++) {
        if (!best[i].id || d < best[i].dist) {
            memmove(&best[i + 1], &best[i], (nbest - i - 1) * sizeof(*best));
            best[i].id = id;
            best[i].label = label;
            best[i].dist = d;
            return;
        }
    }
}

static int unknown(const struct filter_vocab *v, const struct idlist *ix, enum filter_field f,
                   const char *typed, const char *norm, struct cr_err *err)
{
    struct cand best[3];
    struct buf b = BUF_INIT;
    int rc;

    memset(best, 0, sizeof(best));
    for (size_t i = 0; v && i < v->n; i++) {
        if (v->e[i].field != f)
            continue;
        for (size_t j = 0; j < v->e[i].n; j++)
            consider(best, 3, v->e[i].id, v->e[i].label, v->e[i].names[j], norm);
    }
    for (size_t i = 0; i < ix->n; i++)
        consider(best, 3, ix->ids[i], filter_vocab_label(v, f, ix->ids[i]), ix->ids[i], norm);
    buf_addf(&b, "unknown %s '%s'", fields[f].label, typed);
    for (size_t i = 0; i < 3 && best[i].id; i++) {
        buf_addstr(&b, i ? ", " : "; closest known: ");
        buf_addstr(&b, best[i].id);
        if (best[i].label && strcmp(best[i].label, best[i].id))
            buf_addf(&b, " (%s)", best[i].label);
    }
    if (!best[0].id)
        buf_addf(&b, "; no %s is known yet", fields[f].label);
    rc = cr_error(err, CR_EQUERY, "%s", b.data);
    buf_release(&b);
    return rc;
}

/* The one id in ix that starts with norm followed by '-', or NULL. */
static const char *unique_prefix(const struct idlist *ix, const char *norm)
{
    const char *hit = NULL;
    size_t len = strlen(norm);

    for (size_t i = 0; i < ix->n; i++) {
        if (!strncmp(ix->ids[i], norm, len) && ix->ids[i][len] == '-') {
            if (hit)
                return NULL;
            hit = ix->ids[i];
        }
    }
    return hit;
}

int filter_resolve(const struct filter_vocab *v, struct xdb *db, enum filter_field f,
                   const char *typed, char **id, struct cr_err *err)
{
    char *norm = filter_norm(typed);
    const struct entry *e;
    struct idlist ix;
    const char *hit;
    int rc = 0;

    *id = NULL;
    if (!*norm) {
        free(norm);
        return cr_error(err, CR_EQUERY, "an empty %s", fields[f].label);
    }
    if (!fields[f].resolve) {
        *id = norm;
        return 0;
    }
    e = find_name(v, f, norm);
    if (!e)
        e = find_abbrev(v, f, typed);
    if (e) {
        *id = xstrdup(e->id);
        free(norm);
        return 0;
    }
    index_ids(db, f, &ix);
    hit = NULL;
    for (size_t i = 0; i < ix.n && !hit; i++)
        if (!strcmp(ix.ids[i], norm))
            hit = ix.ids[i];
    if (!hit && f == FILTER_PARTNERSHIP)
        hit = unique_prefix(&ix, norm);
    if (hit)
        *id = xstrdup(hit);
    else
        rc = unknown(v, &ix, f, typed, norm, err);
    idlist_release(&ix);
    free(norm);
    return rc;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int filter_date_bound(const char *typed, const char *pad, char *out, struct cr_err *err)
{
    size_t len = strlen(typed);

    if (len == 4 && digits(typed, 4)) {
        snprintf(out, 9, "%.4s%s%s", typed, pad, pad);
    } else if (len == 7 && digits(typed, 4) && typed[4] == '-' && digits(typed + 5, 2)) {
        snprintf(out, 9, "%.4s%.2s%s", typed, typed + 5, pad);
    } else if (len == 10 && digits(typed, 4) && typed[4] == '-' && digits(typed + 5, 2) &&
               typed[7] == '-' && digits(typed + 8, 2)) {
        snprintf(out, 9, "%.4s%.2s%.2s", typed, typed + 5, typed + 8);
    } else {
        return cr_error(err, CR_EQUERY, "bad date '%s' (use YYYY, YYYY-MM or YYYY-MM-DD)",
                        typed);
    }
    if (len >= 7 && (memcmp(out + 4, "01", 2) < 0 || memcmp(out + 4, "12", 2) > 0))
        return cr_error(err, CR_EQUERY, "bad month in the date '%s'", typed);
    if (len == 10 && (memcmp(out + 6, "01", 2) < 0 || memcmp(out + 6, "31", 2) > 0))
        return cr_error(err, CR_EQUERY, "bad day in the date '%s'", typed);
    return 0;
}
