#include "lib/hints.h"

/*
 * Link hints. Each field is looked for in the anchor, then the context,
 * then the heading, and the first text that yields it wins:
 *  - review type and document kind: the taxonomy's phrases for them
 *    (taxonomy_scan); when one text names several, the entry with the
 *    highest rank wins ("national child safeguarding practice review" names
 *    both a national and a local review);
 *  - child: "Child X" and its relatives (hints_child);
 *  - dates: every date in the text (lib/dates.h), labelled by the words just
 *    before it: after "event"/"held" it is the learning event, after
 *    "published"/"added"/"uploaded" (or with no label) the publication date.
 *    A labelled publication date anywhere beats an unlabelled one.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/dates.h"
#include "lib/taxonomy_int.h"
#include "lib/xalloc.h"

#define LABEL_LOOKBACK 48 /* bytes before a date searched for "published", "held" */

void hints_release(struct hints *h)
{
    if (!h)
        return;
    FREE_AND_NULL(h->child);
    FREE_AND_NULL(h->review_type);
    FREE_AND_NULL(h->document_kind);
    FREE_AND_NULL(h->published);
    FREE_AND_NULL(h->event);
}

/* ---- review type and document kind ---- */

struct best {
    const struct taxonomy_entry *e;
    size_t start;
};

static int keep_best(const struct taxonomy_hit *h, void *ctx)
{
    struct best *b = ctx;

    if (!b->e || h->entry->rank > b->e->rank ||
        (h->entry->rank == b->e->rank && h->start < b->start)) {
        b->e = h->entry;
        b->start = h->start;
    }
    return 0;
}

static const struct taxonomy_entry *best_of(const struct taxonomy *t, const char *text,
                                            enum taxonomy_kind k)
{
    struct best b = {NULL, 0};

    if (t && text)
        (void)taxonomy_scan(t, text, strlen(text), TAXONOMY_MASK(k), keep_best, &b);
    return b.e;
}

/* ---- the child's pseudonym ---- */

static const char *const stop_names[] = {
    "The", "This", "That", "These", "Our", "Your", "Their", "New", "Read", "Download", "View",
    "Click", "See", "Final", "Latest", "Joint", "Multi", "Independent", "Annual", "Summary",
    "Published", "Publication", "Report", "Reports", "Review", "Reviews", "Briefing", "Full",
    "Update", "Updated", "Link", "Document", "Documents", "Safeguarding", "Children", "Child",
    "Partnership", "Board", "Learning", "From", "Into", "About", "With", "Following", "Case",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Spring", "Summer", "Autumn", "Winter", "Welsh",
    "English", "Scottish", "Council", "County", "City", "Borough", "Local", "Regional", NULL};

static const char *const place_endings[] = {"shire", "borough", "bury", "pool", "field",
                                            "wich", "mouth", "caster", "cester", "ingham",
                                            NULL};

static int name_word(const struct taxonomy *t, const char *s, int len);

static int word_len(const char *s)
{
    int n = 0;

    while (isalnum((unsigned char)s[n]))
        n++;
    return n;
}

/* "Jacob": a capital, then lowercase letters only, 3 to 20 of them, not a known word. */
int hints_name_word(const struct taxonomy *t, const char *s, size_t len)
{
    return len < 32 && name_word(t, s, (int)len);
}

static int name_word(const struct taxonomy *t, const char *s, int len)
{
    char w[32];

    if (len < 3 || len > 20 || !isupper((unsigned char)s[0]))
        return 0;
    for (int i = 1; i < len; i++)
        if (!islower((unsigned char)s[i]))
            return 0;
    memcpy(w, s, (size_t)len);
    w[len] = '\0';
    for (int i = 0; stop_names[i]; i++)
        if (!strcmp(w, stop_names[i]))
            return 0;
    for (int i = 0; place_endings[i]; i++) {
        size_t el = strlen(place_endings[i]);
        if ((size_t)len > el + 1 && !strcmp(w + len - el, place_endings[i]))
            return 0;
    }
    if (t) {
        struct tax_token tk;
        size_t i = 0;
        /* a word of the taxonomy's phrases ("Thematic", "Rapid") is not a name */
        if (tax_next_token(w, (size_t)len, &i, &tk) && tk.norm[0] &&
            tax_intern_find(&t->m.tokens, tk.norm) != UINT32_MAX)
            return 0;
    }
    return 1;
}

/* An identifier such as "F1", "YK", "PP", "A": 1-3 capitals then 0-2 digits. */
static int id_len(const char *s)
{
    int n = 0, d = 0;

    while (n < 3 && isupper((unsigned char)s[n]))
        n++;
    if (n == 0)
        return 0;
    while (d < 2 && isdigit((unsigned char)s[n + d]))
        d++;
    if (isalnum((unsigned char)s[n + d]))
        return 0;
    return n + d;
}

static int is_known_abbrev(const struct taxonomy *t, const char *s, int len)
{
    char w[8];

    if (!t || len < 2 || len >= (int)sizeof(w))
        return 0;
    memcpy(w, s, (size_t)len);
    w[len] = '\0';
    for (int k = 0; k < TAXONOMY_NKINDS; k++) {
        const struct taxonomy_entry *e = taxonomy_find(t, (enum taxonomy_kind)k, w);
        if (e)
            for (size_t i = 0; e->abbrevs[i]; i++)
                if (!strcmp(e->abbrevs[i], w))
                    return 1;
        if (e && k == TAXONOMY_ABBREV)
            return 1;
    }
    return 0;
}

/*
 * Skips spaces and opening quotes. strncmp, not memcmp: s may end less than
 * three bytes before its buffer does.
 */
static const char *skip_quotes(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\'' || *s == '"')
            s++;
        else if (!strncmp(s, "\xe2\x80\x98", 3) || !strncmp(s, "\xe2\x80\x9c", 3))
            s += 3;
        else
            return s;
    }
}

static const char *skip_close_quotes(const char *s)
{
    for (;;) {
        if (*s == '\'' || *s == '"')
            s++;
        else if (!strncmp(s, "\xe2\x80\x99", 3) || !strncmp(s, "\xe2\x80\x9d", 3))
            s += 3;
        else
            return s;
    }
}

/* A list separator before another identifier: ", ", " and ", " & ". Its length or 0. */
static int list_sep(const char *s)
{
    static const char *const seps[] = {", and ", " and ", " & ", ", ", ",", "/", NULL};

    for (int i = 0; seps[i]; i++)
        if (!strncmp(s, seps[i], strlen(seps[i])))
            return (int)strlen(seps[i]);
    return 0;
}

static const struct {
    const char *word;   /* as written, capitalised */
    const char *out;    /* how the pseudonym is written */
    int list;           /* may name several */
} triggers[] = {
    {"Children", "Children", 1}, {"Child", "Child", 1},       {"Baby", "Baby", 0},
    {"Infant", "Infant", 0},     {"Young Person", "Young Person", 0},
    {"Young People", "Young People", 1}, {"Family", "Family", 0},
    {"Siblings", "Siblings", 1}, {"Sibling Group", "Sibling Group", 0},
    {"Person", "Person", 0},
};

/* The trigger word at s ("Child", "CHILD", "child"), or -1. */
static int trigger_at(const char *s)
{
    for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
        size_t n = strlen(triggers[i].word);
        if (!strncasecmp(s, triggers[i].word, n) && !isalnum((unsigned char)s[n]))
            return (int)i;
    }
    return -1;
}

/* Appends text[from, to) with quotes left out. */
static void add_unquoted(struct buf *b, const char *from, const char *to)
{
    while (from < to) {
        const char *q = skip_close_quotes(from);
        if (q != from) {
            from = q;
            continue;
        }
        q = skip_quotes(from);
        if (q != from) {
            if (from[0] == ' ' && (!b->len || b->data[b->len - 1] != ' '))
                buf_addch(b, ' ');
            from = q;
            continue;
        }
        buf_addch(b, *from++);
    }
}

/*
 * "Child F1", "Children N, B and YK", "Child I and Child M" at s (a word
 * start), as written but for quotes, or NULL. A lowercase trigger ("media
 * statement child K") is accepted, but not before "I" (the pronoun).
 */
static char *child_at(const struct taxonomy *t, const char *s)
{
    int tr = trigger_at(s), n, lower;
    const char *p, *last;
    struct buf b = BUF_INIT;

    if (tr < 0)
        return NULL;
    lower = islower((unsigned char)s[0]);
    p = skip_quotes(s + strlen(triggers[tr].word));
    n = id_len(p);
    if (!n || p == s + strlen(triggers[tr].word) || is_known_abbrev(t, p, n) ||
        (lower && n == 1 && p[0] == 'I'))
        return NULL;
    last = p + n;
    p = skip_close_quotes(last);
    while (triggers[tr].list) {
        int sep = list_sep(p), m;
        const char *q;
        if (!sep)
            break;
        q = skip_quotes(p + sep);
        if (!strncmp(q, "Child ", 6))
            q = skip_quotes(q + 6);
        m = id_len(q);
        if (!m || is_known_abbrev(t, q, m))
            break;
        last = q + m;
        p = skip_close_quotes(last);
    }
    buf_addstr(&b, triggers[tr].out);
    add_unquoted(&b, s + strlen(triggers[tr].word), last);
    return buf_take(&b);
}

/* The review type hit nearest the start of text, for the name rules. */
static int first_type(const struct taxonomy_hit *h, void *ctx)
{
    struct taxonomy_hit *first = ctx;

    if (!first->entry || h->start < first->start)
        *first = *h;
    return 0;
}

static int is_sep_char(const char *s)
{
    return *s == ':' || *s == '-' || *s == '|' || *s == '(' || *s == ',' ||
           !strncmp(s, "\xe2\x80\x93", 3) || !strncmp(s, "\xe2\x80\x94", 3);
}

/* "Jacob SCR…" (the name opens its segment) or "SCR: Jacob" (the name closes it). */
static char *name_near_type(const struct taxonomy *t, const char *text)
{
    struct taxonomy_hit h = {0};
    const char *p, *q;
    int len;

    (void)taxonomy_scan(t, text, strlen(text), TAXONOMY_MASK(TAXONOMY_REVIEW_TYPE), first_type,
                        &h);
    if (!h.entry)
        return NULL;
    /* before: the word just before the type, opening the text or a segment */
    p = text + h.start;
    while (p > text && p[-1] == ' ')
        p--;
    q = p;
    while (q > text && isalpha((unsigned char)q[-1]))
        q--;
    len = (int)(p - q);
    if (len && name_word(t, q, len)) {
        const char *r = q;
        while (r > text && r[-1] == ' ')
            r--;
        if (r == text || is_sep_char(r - 1) || ((unsigned char)r[-1] & 0xC0) == 0x80)
            return xstrndup(q, (size_t)len);
    }
    /* after: TYPE, a separator, the name, then the end or more punctuation */
    p = text + h.end;
    while (*p == ' ')
        p++;
    if (!is_sep_char(p))
        return NULL;
    p += ((unsigned char)*p & 0x80) ? 3 : 1;
    while (*p == ' ')
        p++;
    len = word_len(p);
    q = p + len;
    while (*q == ' ')
        q++;
    if (len && name_word(t, p, len) && (!*q || is_sep_char(q) || *q == '.' || *q == ';'))
        return xstrndup(p, (size_t)len);
    return NULL;
}

/* text with every run of whitespace (and no-break spaces) as one space, trimmed. New. */
static char *squash(const char *text)
{
    struct buf b = BUF_INIT;
    int space = 0;

    for (const char *s = text; *s; s++) {
        if (isspace((unsigned char)*s) || !memcmp(s, "\xc2\xa0", 2)) {
            s += (unsigned char)*s == 0xC2;
            space = b.len > 0;
            continue;
        }
        if (space)
            buf_addch(&b, ' ');
        space = 0;
        buf_addch(&b, *s);
    }
    return buf_take(&b);
}

static char *child_in(const struct taxonomy *t, const char *text)
{
    for (const char *s = text; *s; s++) {
        char *c;
        if (s > text && isalnum((unsigned char)s[-1]))
            continue;
        c = child_at(t, s);
        if (c)
            return c;
    }
    return t ? name_near_type(t, text) : NULL;
}

char *hints_child(const struct taxonomy *t, const char *text)
{
    char *sq, *c;

    if (!text)
        return NULL;
    sq = squash(text);
    c = child_in(t, sq);
    free(sq);
    return c;
}

/* ---- dates ---- */

enum label { L_NONE, L_PUBLISHED, L_EVENT, L_CODE };

static int has_word(const char *s, size_t len, const char *w)
{
    size_t wl = strlen(w);

    for (size_t i = 0; i + wl <= len; i++)
        if (!strncasecmp(s + i, w, wl) && (i == 0 || !isalpha((unsigned char)s[i - 1])))
            return 1;
    return 0;
}

/* What the words in text[from, start) say about the date at start. */
static enum label label_of(const char *text, size_t from, size_t start,
                           const struct dates_date *d)
{
    static const char *const pub[] = {"publish", "added", "uploaded", "posted", "released",
                                      "issued", "updated", NULL};
    size_t b = start > from + LABEL_LOOKBACK ? start - LABEL_LOOKBACK : from, e = start;
    const char *semi;

    /* a ';' ends the previous statement: "held April 2018; published …" */
    while ((semi = memchr(text + b, ';', e - b)))
        b = (size_t)(semi - text) + 1;
    if (has_word(text + b, e - b, "event") || has_word(text + b, e - b, "held"))
        return L_EVENT;
    for (int i = 0; pub[i]; i++)
        if (has_word(text + b, e - b, pub[i]))
            return L_PUBLISHED;
    /* "CPR CTMSB 06-2021": a review's code, not a date of publication */
    if (d->month && !d->day && start >= 2) {
        size_t i = start;
        while (i > b && text[i - 1] == ' ')
            i--;
        /* two capitals before the date, both within the look-back ("J March 2021" is not one) */
        if (i >= b + 2 && isupper((unsigned char)text[i - 1]) &&
            isupper((unsigned char)text[i - 2]))
            return L_CODE;
    }
    return L_NONE;
}

struct found {
    char published[DATES_ISO_LEN], unlabelled[DATES_ISO_LEN], event[DATES_ISO_LEN];
};

static void dates_of(const char *text, struct found *f)
{
    size_t from = 0, start, end, prev = 0;
    struct dates_date d;

    while (text && dates_next(text, from, &d, &start, &end)) {
        enum label l = label_of(text, prev, start, &d);
        char iso[DATES_ISO_LEN];
        dates_iso(&d, iso);
        if (l == L_EVENT && !f->event[0])
            memcpy(f->event, iso, sizeof(iso));
        else if (l == L_PUBLISHED && !f->published[0])
            memcpy(f->published, iso, sizeof(iso));
        else if (l == L_NONE && !f->unlabelled[0])
            memcpy(f->unlabelled, iso, sizeof(iso));
        from = prev = end;
    }
}

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

int hints_parse(const struct taxonomy *t, const char *anchor, const char *context,
                const char *heading, struct hints *out)
{
    const char *texts[3] = {anchor, context, heading};
    struct found f[3];
    char *sq;
    int n;

    memset(out, 0, sizeof(*out));
    memset(f, 0, sizeof(f));
    for (int i = 0; i < 3; i++) {
        const struct taxonomy_entry *e;
        if (!texts[i] || !*texts[i])
            continue;
        sq = squash(texts[i]);
        if (!out->review_type && (e = best_of(t, sq, TAXONOMY_REVIEW_TYPE)))
            out->review_type = xstrdup(e->id);
        if (!out->document_kind && (e = best_of(t, sq, TAXONOMY_DOC_KIND)))
            out->document_kind = xstrdup(e->id);
        if (!out->child)
            out->child = child_in(t, sq);
        dates_of(sq, &f[i]);
        free(sq);
    }
    for (int i = 0; i < 3 && !out->published; i++)
        out->published = dup_or_null(f[i].published);
    for (int i = 0; i < 3 && !out->published; i++)
        out->published = dup_or_null(f[i].unlabelled);
    for (int i = 0; i < 3 && !out->event; i++)
        out->event = dup_or_null(f[i].event);
    n = !!out->child + !!out->review_type + !!out->document_kind + !!out->published + !!out->event;
    return n;
}
