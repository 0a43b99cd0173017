/*
 * Tagging: themes, learning topics and the review model from the
 * taxonomy's phrases, and the numbered recommendations and learning points.
 *
 * Every page is scanned once (taxonomy_scan: one hash probe per word). A
 * theme or topic is tagged when its matches add up to its entry's
 * min-score, span min-pages distinct pages (never more than a third of a
 * short report's pages), and include at least one phrase stronger than
 * "weak": a passing mention is not a theme. One phrase counts at most
 * twice, so a common word repeated ("school", "records") does not make a
 * topic on its own.
 *
 * Where a mention stands changes what it weighs: under a heading of the
 * taxonomy's [section] entries its weight is scaled by the section's
 * percent (a name in the findings or the summary of what happened counts
 * half as much again, in how the review was done half, in a glossary or
 * reading list nothing). A name in a key section (150% or more) needs no
 * second page. A theme named in a plain statement of what happened (the
 * [statement] cues: "was seriously harmed by prolonged neglect") is tagged
 * on that statement alone. A mention in a negated clause (the [negation]
 * cues: "there was no evidence of neglect") is no evidence at all.
 */

#include "indexer/meta_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

#define MAX_PHRASES 8     /* distinct phrases kept as a tag's evidence */
#define PHRASE_REPEATS 2  /* matches of one phrase that count */
#define MAX_ITEMS 300     /* recommendations and learning points kept per report */
#define MAX_ITEM_TEXT 3000

#define KEY_PERCENT 150   /* a section at least this weighty is a key one */
#define MAX_MARKS 64      /* headings recognised per page */
#define HEADING_MAX 70    /* bytes of a heading line */
#define HEADING_WORDS 9
#define LEADIN_WORDS 6    /* words of a numbered lead-in: "4. What the review found." */

struct acc {
    int score;                      /* sum of weights × section percent */
    int counts[MAX_PHRASES];        /* matches of each phrase kept */
    int maxw;                       /* strongest weight seen */
    int key;                        /* a non-weak match stood in a key section */
    int stated;                     /* named in a plain statement of what happened */
    int last_page;                  /* the last counted match: page, */
    size_t last_end;                /* where it ends, */
    int last_gain;                  /* and what it added */
    int *pages;
    size_t npages, alloc;
    const char *phrases[MAX_PHRASES];
    int nphrases;
};

/* From byte at of a page on, mentions weigh percent. */
struct mark {
    size_t at;
    int percent;
};

struct scan {
    const struct taxonomy *t;
    struct acc *acc[TAXONOMY_NKINDS];
    int page;
    struct mark marks[MAX_MARKS + 1];  /* [0] is the section carried from the page before */
    size_t nmarks;
};

static int percent_at(const struct scan *s, size_t at)
{
    int p = s->marks[0].percent;

    for (size_t i = 1; i < s->nmarks && s->marks[i].at <= at; i++)
        p = s->marks[i].percent;
    return p;
}

static int on_hit(const struct taxonomy_hit *h, void *ctx)
{
    struct scan *s = ctx;
    struct acc *a = &s->acc[h->entry->kind][h->entry->index];
    int i, percent = 100, gain, weighed;

    /* "no indication of sexual exploitation", "neglect was ruled out": not evidence */
    if (h->negated)
        return 0;
    weighed = h->entry->kind == TAXONOMY_THEME || h->entry->kind == TAXONOMY_TOPIC;
    if (weighed)
        percent = percent_at(s, h->start);
    /* a key section raises what names the entry, not its looser phrases */
    if (percent > 100 && h->weight < TAXONOMY_NAME)
        percent = 100;
    if (percent == 0)
        return 0;
    if (h->weight > a->maxw)
        a->maxw = h->weight;
    if (h->weight >= TAXONOMY_NAME && percent >= KEY_PERCENT)
        a->key = 1;
    /* "Child T was seriously harmed by prolonged neglect": one plain statement is enough */
    if (h->weight >= TAXONOMY_NAME && h->asserted)
        a->stated = 1;
    if (!a->npages || a->pages[a->npages - 1] != s->page) {
        a->pages = xgrow(a->pages, sizeof(*a->pages), a->npages + 1, &a->alloc);
        a->pages[a->npages++] = s->page;
    }
    for (i = 0; i < a->nphrases; i++)
        if (!strcasecmp(a->phrases[i], h->phrase))
            break;
    if (i == a->nphrases && a->nphrases < MAX_PHRASES)
        a->phrases[a->nphrases++] = h->phrase;
    /* a word repeated is not more evidence: each phrase counts at most twice */
    if (i < MAX_PHRASES && a->counts[i]++ >= PHRASE_REPEATS)
        return 0;
    gain = h->weight * percent;
    /* overlapping phrases are one mention ("physical injuries", "injuries"): the strongest counts */
    if (weighed && a->last_page == s->page && h->start < a->last_end) {
        if (gain > a->last_gain) {
            a->score += gain - a->last_gain;
            a->last_gain = gain;
        }
        if (h->end > a->last_end)
            a->last_end = h->end;
        return 0;
    }
    a->score += gain;
    a->last_page = s->page;
    a->last_end = h->end;
    a->last_gain = gain;
    return 0;
}

/* ---- headings ---- */

struct heading_hit {
    const struct taxonomy_entry *e;
};

/* The longest section name starting the heading. */
static int first_section(const struct taxonomy_hit *h, void *ctx)
{
    struct heading_hit *hh = ctx;

    if (h->start == 0)
        hh->e = h->entry;
    return 0;
}

/* "3.", "3.1", "(3)", "4)": the numbering at the start of a line; its length. */
static size_t numbering(const char *s, size_t len)
{
    size_t i = 0;

    if (i < len && s[i] == '(')
        i++;
    while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.'))
        i++;
    if (i == 0 || (s[0] == '(' && i == 1))
        return 0;
    if (i < len && s[i] == ')')
        i++;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

static int words_in(const char *s, size_t len)
{
    int n = 0;

    for (size_t i = 0; i < len; i++)
        if (isalnum((unsigned char)s[i]) && (i == 0 || !isalnum((unsigned char)s[i - 1])))
            n++;
    return n;
}

/* A line set as a heading: short, capitalised, not ending a sentence. */
static int heading_shape(const char *s, size_t len)
{
    size_t num = numbering(s, len);

    s += num;
    len -= num;
    return len && len <= HEADING_MAX && isupper((unsigned char)*s) &&
           words_in(s, len) <= HEADING_WORDS && !strchr(".,;", s[len - 1]);
}

/*
 * The section a line opens, or NULL: a short line of its own ("3. Key
 * findings", "Glossary"), or the lead-in of a line up to its first ". " or
 * ": " ("4. What the review found. In five…", "Finding 2: the GP…").
 */
static const struct taxonomy_entry *heading_of(const struct taxonomy *t, const char *s,
                                               size_t len)
{
    struct heading_hit hh = {NULL};
    size_t num, n, i;

    num = numbering(s, len);
    s += num;
    len -= num;
    if (!len || !isupper((unsigned char)*s))
        return NULL;
    n = len;
    for (i = 0; i + 1 < len; i++)
        if ((s[i] == '.' || s[i] == ':') && s[i + 1] == ' ')
            break;
    if (i + 1 < len) {
        n = i;
        if (words_in(s, n) > LEADIN_WORDS)
            return NULL;
    } else if (!heading_shape(s, len)) {
        return NULL;
    }
    (void)taxonomy_scan(t, s, n, TAXONOMY_MASK(TAXONOMY_SECTION), first_section, &hh);
    return hh.e;
}

static void mark(struct scan *s, size_t at, int percent)
{
    if (s->nmarks <= MAX_MARKS)
        s->marks[s->nmarks++] = (struct mark){at, percent};
}

/*
 * The headings of one page, after the section carried over from the page
 * before. A contents line weighs nothing; a section that weighs less than
 * running text (a glossary, the review's method) ends at the next numbered
 * heading, named or not ("2. The family"), or with its page, while a
 * weightier one runs on through its own subheadings. Unnumbered short
 * lines do not end it: a glossary's entries look just like headings.
 */
static void page_sections(struct scan *s, const char *text, size_t len)
{
    int cur = s->nmarks ? s->marks[s->nmarks - 1].percent : 100;

    if (cur < 100)
        cur = 100;

    s->marks[0] = (struct mark){0, cur};
    s->nmarks = 1;
    for (size_t b = 0; b < len;) {
        const char *nl = memchr(text + b, '\n', len - b);
        size_t e = nl ? (size_t)(nl - text) : len, lb = b, le = e;
        const struct taxonomy_entry *sec;
        while (lb < le && isspace((unsigned char)text[lb]))
            lb++;
        while (le > lb && isspace((unsigned char)text[le - 1]))
            le--;
        sec = heading_of(s->t, text + lb, le - lb);
        if (sec) {
            cur = sec->percent;
            mark(s, b, cur);
        } else if (le > lb && meta_contents_line(text + lb, le - lb)) {
            mark(s, b, 0);
            mark(s, e, cur);
        } else if (cur < 100 && numbering(text + lb, le - lb) &&
                   heading_shape(text + lb, le - lb)) {
            cur = 100;
            mark(s, b, cur);
        }
        b = e + 1;
    }
    /* the last mark carries to the next page */
    mark(s, len, cur);
}

static char *join_phrases(const struct acc *a)
{
    struct buf b = BUF_INIT;

    for (int i = 0; i < a->nphrases; i++)
        buf_addf(&b, "%s%s", i ? "; " : "", a->phrases[i]);
    return buf_take(&b);
}

static void add_tag(struct meta_fields *f, const struct taxonomy_entry *e, struct acc *a)
{
    struct meta_tag *t;

    f->tags = xgrow(f->tags, sizeof(*f->tags), f->ntags + 1, &f->tags_alloc);
    t = &f->tags[f->ntags++];
    memset(t, 0, sizeof(*t));
    t->kind = e->kind;
    t->id = xstrdup(e->id);
    t->score = (a->score + 50) / 100;
    t->pages = a->pages;
    t->npages = a->npages;
    t->phrases = join_phrases(a);
    a->pages = NULL;
}

static int by_score(const void *x, const void *y)
{
    const struct meta_tag *a = x, *b = y;

    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->score != b->score)
        return b->score - a->score;
    return strcmp(a->id, b->id);
}

static void decide(const struct taxonomy *t, enum taxonomy_kind k, struct acc *acc, int npages,
                   struct meta_fields *f)
{
    for (size_t i = 0; i < taxonomy_count(t, k); i++) {
        const struct taxonomy_entry *e = taxonomy_at(t, k, i);
        int need_pages = e->min_pages, third = (npages + 2) / 3;
        if (need_pages > third)
            need_pages = third > 0 ? third : 1;
        if (acc[i].key)
            need_pages = 1;
        if (acc[i].stated || (acc[i].score >= e->min_score * 100 &&
                               (int)acc[i].npages >= need_pages && acc[i].maxw > TAXONOMY_WEAK))
            add_tag(f, e, &acc[i]);
    }
}

static void decide_model(const struct taxonomy *t, struct acc *acc, struct meta_fields *f)
{
    const struct taxonomy_entry *best = NULL;
    int score = 0;

    for (size_t i = 0; i < taxonomy_count(t, TAXONOMY_MODEL); i++) {
        const struct taxonomy_entry *e = taxonomy_at(t, TAXONOMY_MODEL, i);
        if (acc[i].score >= e->min_score * 100 && acc[i].score > score) {
            best = e;
            score = acc[i].score;
        }
    }
    if (best)
        meta_set(f, META_REVIEW_MODEL, best->id, "text");
}

void tag_report(const struct taxonomy *t, const struct idx_report *r, struct meta_fields *f)
{
    static const enum taxonomy_kind kinds[] = {TAXONOMY_THEME, TAXONOMY_TOPIC, TAXONOMY_MODEL};
    struct scan s;
    unsigned mask = 0;

    memset(&s, 0, sizeof(s));
    s.t = t;
    for (size_t k = 0; k < 3; k++) {
        size_t n = taxonomy_count(t, kinds[k]);
        s.acc[kinds[k]] = xcalloc(n ? n : 1, sizeof(struct acc));
        mask |= TAXONOMY_MASK(kinds[k]);
    }
    for (int p = 0; p < r->npages; p++) {
        s.page = p + 1;
        page_sections(&s, r->pages[p].text, r->pages[p].len);
        (void)taxonomy_scan(t, r->pages[p].text, r->pages[p].len, mask, on_hit, &s);
    }
    decide(t, TAXONOMY_THEME, s.acc[TAXONOMY_THEME], r->npages, f);
    decide(t, TAXONOMY_TOPIC, s.acc[TAXONOMY_TOPIC], r->npages, f);
    decide_model(t, s.acc[TAXONOMY_MODEL], f);
    if (f->ntags)
        qsort(f->tags, f->ntags, sizeof(*f->tags), by_score);
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < taxonomy_count(t, kinds[k]); i++)
            free(s.acc[kinds[k]][i].pages);
        free(s.acc[kinds[k]]);
    }
}

/* ---- recommendations and learning points ---- */

/*
 * Items are read from the report's text as one stream (PDF line breaks fall
 * anywhere, and a numbered list may be run into one paragraph): a section
 * heading ("4. Recommendations", "Key learning") opens a list whose items
 * are numbered in sequence ("1.", "2)", or "4.1", "4.2" under a heading
 * numbered 4); "Recommendation 3:" and "Learning point 2:" are items
 * wherever they stand. A list ends at the next section heading.
 */

static const struct {
    const char *word;
    enum meta_item_kind kind;
} section_words[] = {
    {"Recommendations", META_ITEM_RECOMMENDATION}, {"RECOMMENDATIONS", META_ITEM_RECOMMENDATION},
    {"Learning points", META_ITEM_LEARNING},       {"Key learning", META_ITEM_LEARNING},
    {"Learning", META_ITEM_LEARNING},              {"Key findings", META_ITEM_LEARNING},
    {"Findings", META_ITEM_LEARNING},              {"Lessons learned", META_ITEM_LEARNING},
    {"Key messages", META_ITEM_LEARNING},
};

static const char *const end_words[] = {"Conclusion", "Conclusions", "Summary", "Introduction",
                                        "Background", "Appendix", "Glossary", "References",
                                        "Next steps", "Acknowledgements", "Contents",
                                        "Methodology", "Actions", NULL};

static const struct {
    const char *word;
    enum meta_item_kind kind;
} labels[] = {{"Recommendation ", META_ITEM_RECOMMENDATION},
              {"Learning point ", META_ITEM_LEARNING},
              {"Learning Point ", META_ITEM_LEARNING},
              {"Finding ", META_ITEM_LEARNING}};

struct items {
    struct meta_fields *f;
    const char *text;
    const size_t *page_at;     /* offset where page i+1 starts */
    int npages;
    int open;                  /* an item is being gathered from start */
    size_t start;
    int in_list;
    enum meta_item_kind kind;
    int expect;                /* the next item number */
    int section;               /* the heading's own number, 0 if none */
};

static int page_of(const struct items *it, size_t off)
{
    int p = 1;

    while (p < it->npages && it->page_at[p] <= off)
        p++;
    return p;
}

static void close_item(struct items *it, size_t end)
{
    struct meta_item *m;
    char *raw;

    if (!it->open)
        return;
    it->open = 0;
    m = &it->f->items[it->f->nitems - 1];
    if (end - it->start > MAX_ITEM_TEXT)
        end = it->start + MAX_ITEM_TEXT;
    raw = xstrndup(it->text + it->start, end - it->start);
    m->text = meta_clean(raw);
    free(raw);
    if (!*m->text) {
        free(m->label);
        free(m->text);
        it->f->nitems--;
    }
}

static void open_item(struct items *it, enum meta_item_kind kind, size_t at, const char *label,
                      size_t text_start)
{
    struct meta_item *m;

    close_item(it, at);
    if (it->f->nitems >= MAX_ITEMS)
        return;
    it->f->items = xgrow(it->f->items, sizeof(*it->f->items), it->f->nitems + 1,
                         &it->f->items_alloc);
    m = &it->f->items[it->f->nitems++];
    m->kind = kind;
    m->page = page_of(it, at);
    m->label = xstrdup(label);
    m->text = NULL;
    it->open = 1;
    it->start = text_start;
}

static size_t skip_space(const char *s, size_t i)
{
    while (s[i] && isspace((unsigned char)s[i]))
        i++;
    return i;
}

/* "Recommendation 3:" at i: opens an item and returns where its text starts, else 0. */
static size_t labelled(struct items *it, size_t i)
{
    const char *s = it->text + i;

    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
        size_t n = strlen(labels[k].word), d = 0;
        char label[48];
        if (strncmp(s, labels[k].word, n))
            continue;
        while (isdigit((unsigned char)s[n + d]) && d < 3)
            d++;
        if (!d || !(s[n + d] == ':' || s[n + d] == '.' || s[n + d] == ' ' || s[n + d] == '\n'))
            continue;
        snprintf(label, sizeof(label), "%.*s", (int)(n + d), s);
        open_item(it, labels[k].kind, i, label, i + n + d + 1);
        return i + n + d + 1;
    }
    return 0;
}

/* The item number expected next at i ("3." / "3)" / "4.3"): where its text starts, else 0. */
static size_t next_number(struct items *it, size_t i)
{
    char want[24];
    size_t n;
    const char *s = it->text + i;

    if (it->section)
        snprintf(want, sizeof(want), "%d.%d", it->section, it->expect);
    for (int form = it->section ? 0 : 1; form < 2; form++) {
        if (form == 1)
            snprintf(want, sizeof(want), "%d", it->expect);
        n = strlen(want);
        if (strncmp(s, want, n) || isdigit((unsigned char)s[n]))
            continue;
        if ((s[n] == '.' || s[n] == ')') && isspace((unsigned char)s[n + 1]))
            return i + n + 2;
        if (form == 0 && isspace((unsigned char)s[n]))
            return i + n + 1;
    }
    return 0;
}

static int word_at(const char *s, const char *w)
{
    size_t n = strlen(w);

    return !strncmp(s, w, n) && !isalnum((unsigned char)s[n]);
}

/* "Recommendation 1" or "Learning point 1" at s. */
static int labelled_peek(const char *s)
{
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
        if (!strncmp(s, labels[k].word, strlen(labels[k].word)))
            return 1;
    return 0;
}

/* A heading that opens a list at i: the list's kind, and the heading's number if any. */
static size_t section_at(struct items *it, size_t i)
{
    const char *s = it->text + i;
    size_t j;

    for (size_t k = 0; k < sizeof(section_words) / sizeof(section_words[0]); k++) {
        if (!word_at(s, section_words[k].word))
            continue;
        size_t b = i;
        int num = 0;
        char sub[16];

        j = skip_space(it->text, i + strlen(section_words[k].word));
        while (b > 0 && it->text[b - 1] == ' ')
            b--;
        if (b >= 2 && it->text[b - 1] == '.' && isdigit((unsigned char)it->text[b - 2])) {
            size_t d = b - 1;
            while (d > 0 && isdigit((unsigned char)it->text[d - 1]))
                d--;
            num = atoi(it->text + d);
        }
        snprintf(sub, sizeof(sub), "%d.1", num);
        /* a heading is followed by its first item ("1.", "4.1" under "4."), or ends its line */
        if (!(it->text[j] == '1' || (num && !strncmp(it->text + j, sub, strlen(sub))) ||
              !strncmp(it->text + j, "\xe2\x80\xa2", 3) || memchr(it->text + i, '\n', j - i) ||
              labelled_peek(it->text + j)))
            continue;
        close_item(it, i);
        it->in_list = 1;
        it->kind = section_words[k].kind;
        it->expect = 1;
        it->section = num && !strncmp(it->text + j, sub, strlen(sub)) ? num : 0;
        return j;
    }
    return 0;
}

static int ends_list(const char *s)
{
    size_t i = 0;

    while (isdigit((unsigned char)s[i]))
        i++;
    if (i && s[i] == '.')
        i = skip_space(s, i + 1);
    for (int k = 0; end_words[k]; k++)
        if (word_at(s + i, end_words[k]))
            return 1;
    return 0;
}

void tag_items(const struct idx_report *r, struct meta_fields *f)
{
    struct buf all = BUF_INIT;
    size_t *page_at = xcalloc((size_t)r->npages + 1, sizeof(*page_at)), i = 0, next;
    struct items it;

    for (int p = 0; p < r->npages; p++) {
        page_at[p] = all.len;
        buf_add(&all, r->pages[p].text, r->pages[p].len);
        buf_addch(&all, '\n');
    }
    memset(&it, 0, sizeof(it));
    it.f = f;
    it.text = buf_str(&all);
    it.page_at = page_at;
    it.npages = r->npages;
    while (it.text[i]) {
        if (i > 0 && isalnum((unsigned char)it.text[i - 1])) {
            i++;
            continue;
        }
        if ((next = labelled(&it, i)) || (next = section_at(&it, i))) {
            i = next;
            continue;
        }
        if ((it.in_list || it.open) && ends_list(it.text + i) &&
            (i == 0 || isspace((unsigned char)it.text[i - 1]))) {
            close_item(&it, i);
            it.in_list = 0;
        } else if (it.in_list && (next = next_number(&it, i))) {
            char label[24];
            snprintf(label, sizeof(label), it.section ? "%d.%d" : "%d", it.section, it.expect);
            if (!it.section)
                snprintf(label, sizeof(label), "%d", it.expect);
            open_item(&it, it.kind, i, label, next);
            it.expect++;
            i = next;
            continue;
        }
        i++;
    }
    close_item(&it, all.len);
    buf_release(&all);
    free(page_at);
}
