#include "indexer/meta.h"

/*
 * Metadata derivation. Fields are read from the report's own pages first:
 * the "cover" (first-page lines in large print, the PDF's Title), then the
 * text of the first two pages; the crawler's link context and the user's
 * corrections then override them in that order (meta_sources.c). Themes,
 * topics, the review model and the numbered items come from tag.c.
 *
 * The title is the run of first-page lines set in the largest font that
 * reads as words: a cover page's heading ("Serious Case Review: Child T"),
 * not a logo initial or a page number. When the layout gives nothing
 * usable, the PDF's own Title (unless it is a converter's default such as
 * "Microsoft Word - draft3.docx"), then the first line of text, then the
 * file name.
 */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indexer/meta_int.h"
#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/dates.h"
#include "lib/hints.h"
#include "lib/xalloc.h"

#define TITLE_MIN_LETTERS 4
#define TITLE_MAX_LINES 4
#define COVER_MIN_SIZE 13.0     /* points: larger than body text */
#define FIRST_TEXT_MAX 24000    /* bytes of the first pages read for fields */
#define DATELINE_BYTES 600      /* a cover's date stands within this much of page 1 */
#define CONTENTS_LINE_MAX 80    /* bytes: a longer line is running text, not a contents entry */

static const char *const field_names[META_NFIELDS] = {
    "title",      "partnership", "partnership_name", "nation",         "review_type",
    "document_kind", "child",    "published",        "event",          "child_age",
    "incident_year", "outcome",  "age_band",         "review_model",   "review_id",
    "themes",     "topics",      "cover",            "source_url",     "fetched",
    "online",
};

const char *meta_field_name(enum meta_field f)
{
    return f < META_NFIELDS ? field_names[f] : "?";
}

int meta_field_by_name(const char *name)
{
    for (int i = 0; i < META_NFIELDS; i++)
        if (!strcmp(name, field_names[i]))
            return i;
    return -1;
}

void meta_set(struct meta_fields *f, enum meta_field i, const char *value, const char *src)
{
    free(f->v[i]);
    f->v[i] = value && *value ? xstrdup(value) : NULL;
    f->src[i] = f->v[i] ? src : NULL;
}

static size_t letters(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80)
            n++;
    return n;
}

/* Collapses runs of whitespace, trims, cuts at CR_MAX_TITLE on a character boundary. */
char *meta_clean(const char *s)
{
    struct buf b = BUF_INIT;
    int space = 0;

    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            buf_addch(&b, ' ');
        space = 0;
        buf_addch(&b, *s);
    }
    if (b.len > CR_MAX_TITLE) {
        size_t n = CR_MAX_TITLE;
        while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
            n--;
        buf_truncate(&b, n);
    }
    return buf_take(&b);
}

char *meta_title_from_lines(const struct idx_line *lines, size_t n)
{
    double tried = INFINITY;

    for (;;) {
        double best = 0;
        struct buf run = BUF_INIT;
        size_t i, used = 0;
        char *title;

        for (i = 0; i < n; i++)
            if (lines[i].page == 1 && lines[i].size > best && lines[i].size < tried - 0.01)
                best = lines[i].size;
        if (best <= 0)
            return NULL;
        tried = best;
        /* the first run of consecutive lines at this size */
        for (i = 0; i < n && used < TITLE_MAX_LINES; i++) {
            int same = lines[i].page == 1 && fabs(lines[i].size - best) < 0.5;
            if (!same && used)
                break;
            if (!same)
                continue;
            if (used++)
                buf_addch(&run, ' ');
            buf_addstr(&run, lines[i].text);
        }
        title = meta_clean(buf_str(&run));
        buf_release(&run);
        if (letters(title) >= TITLE_MIN_LETTERS)
            return title;
        free(title);
    }
}

static int junk_info_title(const char *t)
{
    static const char *const junk[] = {"Microsoft Word", "Untitled", "untitled", "Slide 1",
                                       "PowerPoint Presentation", NULL};
    size_t len = strlen(t);

    for (int i = 0; junk[i]; i++)
        if (!strncmp(t, junk[i], strlen(junk[i])))
            return 1;
    if (len > 4 && (!strcasecmp(t + len - 4, ".pdf") || !strcasecmp(t + len - 4, ".doc")))
        return 1;
    if (len > 5 && !strcasecmp(t + len - 5, ".docx"))
        return 1;
    return letters(t) < TITLE_MIN_LETTERS;
}

static char *first_text_line(const struct idx_report *r)
{
    for (int p = 0; p < r->npages && p < 3; p++) {
        const char *s = r->pages[p].text;
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t len = nl ? (size_t)(nl - s) : strlen(s);
            char *line = xstrndup(s, len), *c = meta_clean(line);
            free(line);
            if (letters(c) >= TITLE_MIN_LETTERS)
                return c;
            free(c);
            if (!nl)
                break;
            s = nl + 1;
        }
    }
    return NULL;
}

static char *from_name(const char *name)
{
    const char *base = strrchr(name, '/');
    char *t = xstrdup(base ? base + 1 : name), *dot = strrchr(t, '.');

    if (dot && dot != t)
        *dot = '\0';
    for (char *p = t; *p; p++)
        if (*p == '_' || *p == '-')
            *p = ' ';
    return t;
}

static void derive_title(const struct idx_report *r, struct meta_fields *f)
{
    char *t = meta_title_from_lines(r->lines, r->nlines);
    const char *src = "layout";

    if (!t && r->info.title && !junk_info_title(r->info.title)) {
        t = meta_clean(r->info.title);
        src = "info";
    }
    if (!t) {
        t = first_text_line(r);
        src = "text";
    }
    if (!t) {
        t = from_name(r->cat.name ? r->cat.name : r->cat.sha256);
        src = "file name";
    }
    free(f->v[META_TITLE]);
    f->v[META_TITLE] = t;
    f->src[META_TITLE] = src;
}

/* The cover: first-page lines in large print, one per line. New string or NULL. */
static char *cover_of(const struct idx_report *r)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < r->nlines; i++) {
        if (r->lines[i].page != 1 || r->lines[i].size < COVER_MIN_SIZE)
            continue;
        buf_addstr(&b, r->lines[i].text);
        buf_addch(&b, '\n');
    }
    if (!b.len) {
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* The first pages' text, capped. New string. */
static char *first_text(const struct idx_report *r, int pages)
{
    struct buf b = BUF_INIT;

    for (int p = 0; p < r->npages && p < pages && b.len < FIRST_TEXT_MAX; p++) {
        size_t n = r->pages[p].len;
        if (b.len + n > FIRST_TEXT_MAX)
            n = FIRST_TEXT_MAX - b.len;
        while (n && n < r->pages[p].len && ((unsigned char)r->pages[p].text[n] & 0xC0) == 0x80)
            n--;
        buf_add(&b, r->pages[p].text, n);
        buf_addch(&b, '\n');
    }
    return buf_take(&b);
}

/* ---- review type and document kind: the best-named entry, cover first ---- */

struct votes {
    const struct taxonomy *t;
    enum taxonomy_kind kind;
    int *score;      /* per entry index of the kind */
    int weight;      /* of the text being scanned */
    const char *text;
    unsigned flags;  /* enum elect_flags */
};

enum elect_flags {
    ELECT_BODY = 1 << 0,    /* running text: "Appendix 2" points to a part, it is not the kind */
    ELECT_BY_RANK = 1 << 1, /* a short text (title, cover): the highest-ranked name wins */
};

/* "Appendix 2", "Annex B": a name followed by a number or a letter points to a part. */
static int part_reference(const char *text, size_t end)
{
    const char *s = text + end;

    while (*s == ' ')
        s++;
    /* "Appendix 2", "Annex B", but not "Learning brief A1" nor "Executive summary 2019" */
    if (isdigit((unsigned char)*s))
        return !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]);
    return isupper((unsigned char)*s) && !isalnum((unsigned char)s[1]);
}

static int vote(const struct taxonomy_hit *h, void *ctx)
{
    struct votes *v = ctx;

    if ((v->flags & ELECT_BODY) && part_reference(v->text, h->end))
        return 0;
    v->score[h->entry->index] += v->weight * (h->weight >= TAXONOMY_NAME ? 2 : 1);
    return 0;
}

static const struct taxonomy_entry *elect(const struct taxonomy *t, enum taxonomy_kind k,
                                          const char *const *texts, const int *weights,
                                          int ntexts, int min, unsigned flags)
{
    size_t n = taxonomy_count(t, k);
    int *score = xcalloc(n ? n : 1, sizeof(*score)), best = -1;
    struct votes v = {t, k, score, 0, NULL, flags};
    const struct taxonomy_entry *win = NULL;

    for (int i = 0; i < ntexts; i++) {
        if (!texts[i])
            continue;
        v.weight = weights[i];
        v.text = texts[i];
        (void)taxonomy_scan(t, texts[i], strlen(texts[i]), TAXONOMY_MASK(k), vote, &v);
    }
    for (size_t i = 0; i < n; i++) {
        const struct taxonomy_entry *e = taxonomy_at(t, k, i);
        if (score[i] < min)
            continue;
        if ((flags & ELECT_BY_RANK) && win && e->rank != win->rank) {
            if (e->rank > win->rank)
                win = e;
            continue;
        }
        if (score[i] > best || (score[i] == best && win && e->rank > win->rank)) {
            best = score[i];
            win = e;
        }
    }
    free(score);
    return win;
}

/* ---- dates ---- */

/* Where the word saying "published" stands in the 40 bytes before a date, or -1. */
static long published_label(const char *text, size_t start)
{
    static const char *const words[] = {"publish", "date added", "added", "uploaded",
                                        "issued", "date of publication", NULL};
    size_t b = start > 40 ? start - 40 : 0;
    long at = -1;

    for (int w = 0; words[w]; w++) {
        size_t wl = strlen(words[w]);
        for (size_t i = b; i + wl <= start; i++)
            if (!strncasecmp(text + i, words[w], wl) && (long)i > at)
                at = (long)i;
    }
    return at;
}

struct quoting {
    const char *text;
    const char *own_kind;   /* this document's kind, or NULL */
    int other;              /* another document was named */
};

static int other_document(const struct taxonomy_hit *h, void *ctx)
{
    struct quoting *q = ctx;
    size_t i = h->start;

    if (h->weight < TAXONOMY_NAME || (q->own_kind && !strcmp(h->entry->id, q->own_kind)))
        return 0;
    while (i > 0 && q->text[i - 1] == ' ')
        i--;
    /* "this briefing, published…" is the document itself */
    if (i >= 4 && !strncasecmp(q->text + i - 4, "this", 4))
        return 0;
    q->other = 1;
    return 0;
}

/*
 * A publication date that belongs to another document: the sentence before
 * its label names a document of another kind ("the full report, published
 * 15.05.2018", "the overview report, which your partnership published on…").
 */
static int quoted_date(const struct taxonomy *t, const char *text, size_t label,
                       const char *own_kind)
{
    struct quoting q = {text, own_kind, 0};
    size_t b = label;

    while (b > 0 && label - b < 160 && !strchr(".!?", text[b - 1]) &&
           !(text[b - 1] == '\n' && b >= 2 && text[b - 2] == '\n'))
        b--;
    (void)taxonomy_scan(t, text + b, label - b, TAXONOMY_MASK(TAXONOMY_DOC_KIND),
                        other_document, &q);
    return q.other;
}

/* "SUSR CASB 01/2025": a review's code, not a date of publication. */
static int review_code(const char *text, size_t start, const struct dates_date *d)
{
    size_t i = start;

    if (!d->month || d->day)
        return 0;
    while (i > 0 && text[i - 1] == ' ')
        i--;
    return i >= 2 && isupper((unsigned char)text[i - 1]) && isupper((unsigned char)text[i - 2]);
}

/* A date told as part of the story ("in March 2020", "on 3 May"), not a dateline. */
static int narrative(const char *text, size_t start)
{
    static const char *const words[] = {"in ", "on ", "since ", "from ", "until ", "by ",
                                        "after ", "before ", "of ", "and ", NULL};
    size_t i = start;

    while (i > 0 && text[i - 1] == ' ')
        i--;
    for (int w = 0; words[w]; w++) {
        size_t n = strlen(words[w]) - 1;
        if (i >= n && !strncasecmp(text + i - n, words[w], n) &&
            (i == n || !isalpha((unsigned char)text[i - n - 1])))
            return 1;
    }
    return 0;
}

/* A line that is only a date ("May 2018" alone on a cover). */
static int date_alone_on_line(const char *text, size_t start, size_t end)
{
    size_t i = start;

    while (i > 0 && text[i - 1] != '\n')
        if (isalnum((unsigned char)text[--i]))
            return 0;
    for (i = end; text[i] && text[i] != '\n'; i++)
        if (isalnum((unsigned char)text[i]))
            return 0;
    return 1;
}

/*
 * The publication date: the first date labelled "published" (or "date
 * added"…) on the cover, else on the first pages; else a dateline (a date
 * alone on its line, or early and not part of the story); else a date
 * that the document quotes for another one ("the full report, published
 * 15.05.2018"), which a briefing often shares.
 */
static void derive_dates(const struct taxonomy *t, const char *cover, const char *text,
                         struct meta_fields *f)
{
    const char *texts[2] = {cover, text};
    char iso[DATES_ISO_LEN], alone[DATES_ISO_LEN] = "", quoted[DATES_ISO_LEN] = "";
    struct dates_date d;
    size_t from, s, e;
    struct hints h;
    long label;

    for (int i = 0; i < 2 && !f->v[META_PUBLISHED]; i++) {
        for (from = 0; texts[i] && dates_next(texts[i], from, &d, &s, &e); from = e) {
            dates_iso(&d, iso);
            if (review_code(texts[i], s, &d))
                continue;
            label = published_label(texts[i], s);
            if (label >= 0 && quoted_date(t, texts[i], (size_t)label, f->v[META_DOCUMENT_KIND])) {
                if (!quoted[0])
                    memcpy(quoted, iso, sizeof(iso));
                continue;
            }
            if (label >= 0) {
                meta_set(f, META_PUBLISHED, iso, "text");
                break;
            }
            /* a dateline: alone on its line, or early on page 1 and not part of the story */
            if (!alone[0] && !d.bare_year && !d.financial_year &&
                (i == 0 || date_alone_on_line(texts[i], s, e) ||
                 (s < DATELINE_BYTES && !narrative(texts[i], s))))
                memcpy(alone, iso, sizeof(iso));
        }
    }
    if (!f->v[META_PUBLISHED] && (alone[0] || quoted[0]))
        meta_set(f, META_PUBLISHED, alone[0] ? alone : quoted, "text");
    /* the learning event, as the link hints read it */
    hints_parse(NULL, NULL, text, NULL, &h);
    meta_set(f, META_EVENT, h.event, "text");
    hints_release(&h);
}

/* The year of the first dated event of the first pages that is not the publication. */
static void derive_incident_year(const char *text, struct meta_fields *f)
{
    struct dates_date d, pub;
    size_t from = 0, s, e;
    char year[8];

    if (!text || !f->v[META_PUBLISHED] || dates_parse_iso(f->v[META_PUBLISHED], &pub) < 0)
        return;
    for (; dates_next(text, from, &d, &s, &e); from = e) {
        if (d.bare_year || d.financial_year || published_label(text, s) >= 0 || d.year > pub.year ||
            d.year < pub.year - 8)
            continue;
        if (d.year == pub.year && d.month >= pub.month)
            continue;
        snprintf(year, sizeof(year), "%04d", d.year);
        meta_set(f, META_INCIDENT_YEAR, year, "text");
        return;
    }
}

/* ---- outcome ---- */

static void derive_outcome(const struct taxonomy *t, const char *text, struct meta_fields *f)
{
    const char *texts[1] = {text};
    const int weights[1] = {1};
    const struct taxonomy_entry *e = elect(t, TAXONOMY_OUTCOME, texts, weights, 1, 2, 0);

    if (e)
        meta_set(f, META_OUTCOME, e->id, "text");
}

static void derive_age(const char *text, struct meta_fields *f)
{
    char written[64];
    int m = meta_age_months(text, written, sizeof(written));

    if (m < 0)
        return;
    meta_set(f, META_CHILD_AGE, written, "text");
    meta_set(f, META_AGE_BAND, meta_age_band(m), "derived");
}

/* ---- putting it together ---- */

int meta_contents_line(const char *s, size_t len)
{
    size_t e = len, d;

    if (memmem(s, len, "...", 3) || memmem(s, len, "\xe2\x80\xa6", 3))
        return 1;
    while (e > 0 && isspace((unsigned char)s[e - 1]))
        e--;
    d = e;
    while (d > 0 && isdigit((unsigned char)s[d - 1]))
        d--;
    return d < e && e - d <= 3 && d > 0 && (s[d - 1] == ' ' || s[d - 1] == '\t');
}

/* "Contents" or "Table of contents" at the start of a line: the length of the words, else 0. */
static size_t contents_heading(const char *s, size_t len)
{
    static const char *const words[] = {"table of contents", "contents", NULL};

    while (len && isspace((unsigned char)*s))
        s++, len--;
    for (int i = 0; words[i]; i++) {
        size_t n = strlen(words[i]);
        if (len >= n && !strncasecmp(s, words[i], n) && (len == n || !isalnum((unsigned char)s[n])))
            return n;
    }
    return 0;
}

/*
 * text with the lines of a contents list blanked out. New string. The list
 * runs from a "Contents" line over short lines, blank ones included, to the
 * first line of running text (long, or ending a sentence); a "Contents"
 * line that goes on (a list run into one paragraph) is blanked whole.
 */
static char *without_contents(const char *text)
{
    char *out = xstrdup(text);
    int in_list = 0;

    for (char *s = out; *s;) {
        char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s), e = len;
        while (e && isspace((unsigned char)s[e - 1]))
            e--;
        if (in_list && e && (len > CONTENTS_LINE_MAX || s[e - 1] == '.'))
            in_list = 0;
        if (contents_heading(s, len)) {
            in_list = 1;
            memset(s, ' ', len);
        } else if (in_list || meta_contents_line(s, len)) {
            memset(s, ' ', len);
        }
        s += len + (nl != NULL);
    }
    return out;
}

static void derive_type_kind(const struct taxonomy *t, const struct idx_report *r,
                             const char *cover, struct meta_fields *f)
{
    const char *p1 = r->npages > 0 ? r->pages[0].text : NULL;
    const char *p2 = r->npages > 1 ? r->pages[1].text : NULL;
    const char *texts[4] = {cover, r->info.title, p1, p2};
    const int tw[4] = {10, 6, 2, 1}, kw[3] = {10, 6, 2};
    const struct taxonomy_entry *e;
    char *rest[3];

    e = elect(t, TAXONOMY_REVIEW_TYPE, texts, tw, 4, 2, 0);
    if (e)
        meta_set(f, META_REVIEW_TYPE, e->id, "text");
    /*
     * A document says what it is in its title ("Appendix 2: Chronology", when the layout or
     * the PDF gave one, not a first line of text); else on its cover
     * or in its PDF title; page 1 only when they do not (a briefing's page 1 names "the full
     * report" it comes from). Never in a contents list or a pointer to one of its parts
     * ("Appendix 1 Terms of reference ... 12", "see Appendix 2").
     */
    e = NULL;
    if (f->src[META_TITLE] && (!strcmp(f->src[META_TITLE], "layout") ||
                               !strcmp(f->src[META_TITLE], "info")))
        e = elect(t, TAXONOMY_DOC_KIND, (const char *const *)&f->v[META_TITLE], kw, 1, 4,
                  ELECT_BY_RANK);
    for (int i = 0; i < 3; i++)
        rest[i] = texts[i] ? without_contents(texts[i]) : NULL;
    if (!e)
        e = elect(t, TAXONOMY_DOC_KIND, (const char *const *)rest, kw, 2, 4,
                  ELECT_BODY | ELECT_BY_RANK);
    if (!e)
        e = elect(t, TAXONOMY_DOC_KIND, (const char *const *)rest + 2, kw + 2, 1, 4, ELECT_BODY);
    for (int i = 0; i < 3; i++)
        free(rest[i]);
    if (e)
        meta_set(f, META_DOCUMENT_KIND, e->id, "text");
    else
        meta_set(f, META_DOCUMENT_KIND, "full-report", "derived"); /* what most documents are */
}

/* A cover line that is a first name alone ("Nathan" in large print over the review's title). */
static char *name_line(const struct taxonomy *t, const char *cover)
{
    for (const char *s = cover; *s;) {
        const char *nl = strchr(s, '\n'), *e = nl ? nl : s + strlen(s), *b = s;
        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        if (e > b && hints_name_word(t, b, (size_t)(e - b)))
            return xstrndup(b, (size_t)(e - b));
        if (!nl)
            break;
        s = nl + 1;
    }
    return NULL;
}

static void derive_child(const struct taxonomy *t, const struct idx_report *r, const char *cover,
                         const char *text, struct meta_fields *f)
{
    char *c = hints_child(t, cover);
    const char *src = "layout";

    if (!c && r->info.title && !junk_info_title(r->info.title)) {
        c = hints_child(t, r->info.title);
        src = "info";
    }
    if (!c && f->v[META_TITLE]) {
        c = hints_child(t, f->v[META_TITLE]);
        src = "text";
    }
    if (!c && cover) {
        c = name_line(t, cover);
        src = "layout";
    }
    if (!c) {
        c = hints_child(t, text);
        src = "text";
    }
    meta_set(f, META_CHILD, c, src);
    free(c);
}

static void derive_from_text(const struct taxonomy *t, const struct idx_report *r,
                             const char *cover, struct meta_fields *f)
{
    char *text = first_text(r, 2);

    derive_type_kind(t, r, cover, f);
    derive_child(t, r, cover, text, f);
    derive_dates(t, cover, text, f);
    if (!f->v[META_PUBLISHED] && r->info.created && strlen(r->info.created) >= 10) {
        char day[11];
        memcpy(day, r->info.created, 10);
        day[10] = '\0';
        meta_set(f, META_PUBLISHED, day, "info");
    }
    derive_incident_year(text, f);
    derive_outcome(t, text, f);
    derive_age(text, f);
    meta_partnership_from_text(t, r, cover, text, f);
    free(text);
}

int meta_derive(struct catalog *c, const struct taxonomy *t, const struct idx_report *r,
                struct meta_fields *f, struct cr_err *err)
{
    char *cover = NULL;
    int rc;

    memset(f, 0, sizeof(*f));
    derive_title(r, f);
    cover = cover_of(r);
    rc = meta_cover_fallback(c, r, &cover, f, err);
    if (rc < 0)
        goto out;
    meta_set(f, META_COVER, cover, "layout");
    if (t) {
        derive_from_text(t, r, cover, f);
        tag_report(t, r, f);
    }
    tag_items(r, f);
    if (c)
        rc = meta_apply_sources(c, t, r->cat.id, f, err);
    meta_finish(t, f);
out:
    free(cover);
    return rc;
}

void meta_fields_release(struct meta_fields *f)
{
    if (!f)
        return;
    for (int i = 0; i < META_NFIELDS; i++)
        free(f->v[i]);
    for (size_t i = 0; i < f->ntags; i++) {
        free(f->tags[i].id);
        free(f->tags[i].pages);
        free(f->tags[i].phrases);
    }
    free(f->tags);
    for (size_t i = 0; i < f->nitems; i++) {
        free(f->items[i].label);
        free(f->items[i].text);
    }
    free(f->items);
    memset(f, 0, sizeof(*f));
}
