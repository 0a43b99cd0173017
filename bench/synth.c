/*
 * bench/synth INDEX REPORTS PAGES_PER_REPORT [FIRST LAST]: writes a synthetic repository
 * of fictional reports straight into a Xapian index, in the layout of
 * lib/ixschema.h (one document per page with the report's filter terms,
 * values and display record, and one report document with its pages'
 * terms), for the search benchmark. No PDFs: the text
 * is generated from a vocabulary of the field and of plain English, drawn
 * with a Zipf law as real text is, with the field's phrases ("professional
 * curiosity", "sudden unexpected death in infancy"…) sown through it and
 * metadata (partnership, nation, type, kind, date, themes, topics) drawn
 * for each report. Deterministic: the same arguments give the same index.
 * With FIRST and LAST, only reports FIRST..LAST are written (all are still
 * drawn, so that shards built in parallel and merged with xapian-compact
 * make the same repository as one run).
 */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/synth_words.h"
#include "lib/buf.h"
#include "lib/ixschema.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "lib/xdb.h"

static unsigned long long rng = 88172645463325252ull;

static unsigned long long next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(next() % n);
}

/*
 * The vocabulary: synth_words (plain English, then the field's words), then
 * a long tail of made-up words, as a real text's vocabulary has; drawn with
 * a Zipf law over ranks, so that the field's words fall in the middle.
 */
#define TAIL_WORDS 8000
#define NVOCAB (SYNTH_NWORDS + TAIL_WORDS)

static double *zipf;   /* cumulative weights */
static char **vocab;

static void zipf_init(void)
{
    static const char *const syl[] = {"bar", "cor", "den", "fel", "gan", "hol", "kin", "lum",
                                      "mar", "nor", "pel", "quin", "ros", "sel", "tam", "ver",
                                      "wil", "yon", "zan", "ash"};
    double sum = 0;

    zipf = xcalloc(NVOCAB, sizeof(*zipf));
    vocab = xcalloc(NVOCAB, sizeof(*vocab));
    for (size_t i = 0; i < NVOCAB; i++) {
        size_t t = i - SYNTH_NWORDS;
        vocab[i] = i < SYNTH_NWORDS ? xstrdup(synth_words[i])
                                    : xasprintf("%s%s%s", syl[t % 20], syl[(t / 20) % 20],
                                                t >= 400 ? syl[(t / 400) % 20] : "");
        sum += 1.0 / (double)(i + 1);
        zipf[i] = sum;
    }
    for (size_t i = 0; i < NVOCAB; i++)
        zipf[i] /= sum;
}

static const char *word(void)
{
    double u = (double)(next() >> 11) / 9007199254740992.0;
    size_t lo = 0, hi = NVOCAB - 1;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (zipf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return vocab[lo];
}

struct report {
    int id;
    char sha[65];
    const char *partnership, *nation, *type, *kind;
    char pname[96], child[32], published[16], slot_date[9], review[48], title[160];
    int themes[4], nthemes, topics[4], ntopics, pages;
};

static void draw_report(struct report *r, int id, int pages)
{
    static const char *const types_en[] = {"scr", "cspr", "cspr", "local-learning-review",
                                           "rapid-review", "thematic-review"};
    static const char *const kinds[] = {"full-report", "full-report", "executive-summary",
                                        "learning-brief", "7-minute-briefing", "presentation"};
    char bytes[64];
    int y = 2010 + pick(16), p = pick(SYNTH_NPARTNERSHIPS);

    memset(r, 0, sizeof(*r));
    r->id = id;
    snprintf(bytes, sizeof(bytes), "synthetic report %d", id);
    store_hash_mem(bytes, strlen(bytes), r->sha);
    r->partnership = synth_partnerships[p];
    snprintf(r->pname, sizeof(r->pname), "%c%s Safeguarding Children Partnership",
             r->partnership[0] - 32, r->partnership + 1);
    r->nation = p % 10 == 0 ? "wales" : p % 10 == 1 ? "scotland" : p % 25 == 2 ? "northern-ireland"
                                                                                  : "england";
    r->type = !strcmp(r->nation, "wales") ? "cpr" : !strcmp(r->nation, "scotland")
                                                        ? "learning-review"
                                                        : !strcmp(r->nation, "northern-ireland")
                                                              ? "cmr"
                                                              : types_en[pick(6)];
    r->kind = kinds[pick(6)];
    snprintf(r->child, sizeof(r->child), "Child %c%d", 'A' + pick(26), pick(9));
    if (pick(10) == 0) {
        snprintf(r->published, sizeof(r->published), "%d", y);
        snprintf(r->slot_date, sizeof(r->slot_date), "%d0000", y);
    } else {
        int m = 1 + pick(12), d = 1 + pick(28);
        snprintf(r->published, sizeof(r->published), "%d-%02d-%02d", y, m, d);
        snprintf(r->slot_date, sizeof(r->slot_date), "%d%02d%02d", y, m, d);
    }
    snprintf(r->review, sizeof(r->review), "%s-%s-%d", r->partnership, r->type, id / 3);
    snprintf(r->title, sizeof(r->title), "%s: %s (%s)",
             !strcmp(r->type, "scr") ? "Serious case review" : "Practice review", r->child,
             r->kind);
    r->nthemes = 1 + pick(4);
    for (int i = 0; i < r->nthemes; i++)
        r->themes[i] = pick(SYNTH_NTHEMES);
    r->ntopics = 1 + pick(4);
    for (int i = 0; i < r->ntopics; i++)
        r->topics[i] = pick(SYNTH_NTOPICS);
    r->pages = pages / 2 + pick(pages + 1);
}

/* A page of 180 to 260 words in sentences, with the report's themes' phrases. */
static void page_text(struct buf *b, const struct report *r, int page)
{
    int words = 180 + pick(81), in_sentence = 0;

    buf_reset(b);
    if (page == 1)
        buf_addf(b, "This is a fictional report made for a benchmark. %s. ", r->title);
    for (int i = 0; i < words; i++) {
        const char *w = word();
        if (pick(40) == 0) {
            const struct synth_phrase *ph = &synth_phrases[pick(SYNTH_NPHRASES)];
            w = ph->text;
        } else if (pick(30) == 0 && r->nthemes) {
            w = synth_theme_phrases[r->themes[pick((unsigned)r->nthemes)]];
        }
        if (!in_sentence) {
            buf_addch(b, (char)(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]));
            buf_addstr(b, w + 1);
        } else {
            buf_addch(b, ' ');
            buf_addstr(b, w);
        }
        in_sentence = pick(14) != 0;
        if (!in_sentence)
            buf_addstr(b, ". ");
    }
    buf_addstr(b, ".");
}

static char *record(const struct report *r, int page)
{
    json_t *th = json_array(), *to = json_array(), *o;
    char *s;

    for (int i = 0; i < r->nthemes; i++)
        json_array_append_new(th, json_string(synth_themes[r->themes[i]]));
    for (int i = 0; i < r->ntopics; i++)
        json_array_append_new(to, json_string(synth_topics[r->topics[i]]));
    o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:n,s:n,s:i,s:o,s:o,s:n,s:n,"
                  "s:n,s:s,s:s,s:s,s:i}",
                  "id", r->id, "sha256", r->sha, "title", r->title, "partnership", r->pname,
                  "nation", r->nation, "review_type", r->type, "document_kind", r->kind, "child",
                  r->child, "published", r->published, "review_id", r->review, "outcome",
                  "age_band", "review_model", "pages", r->pages, "themes", th, "topics", to,
                  "source_url", "fetched", "online", "format", "pdf", "name", "synthetic.pdf",
                  "partnership_id", r->partnership, "page", page);
    if (!page) /* the report document */
        json_object_del(o, "page");
    s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static void add_list_value(struct xdb_doc *d, unsigned slot, const int *v, int n,
                           const char *const *names)
{
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    for (int i = 0; i < n; i++) {
        if (b.len)
            buf_addch(&b, IX_LIST_SEP);
        buf_addstr(&b, names[v[i]]);
    }
    xdb_doc_add_value(d, slot, b.data, b.len);
    buf_release(&b);
}

static void terms_and_values(struct xdb_doc *d, const struct report *r, int page)
{
    char t[160], *child = xstrdup(r->child);

    for (char *p = child; *p; p++)
        *p = *p == ' ' ? '-' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
#define TERM(...) (snprintf(t, sizeof(t), __VA_ARGS__), xdb_doc_add_term(d, t))
#define VAL(slot, ...) (snprintf(t, sizeof(t), __VA_ARGS__), xdb_doc_add_value(d, slot, t, strlen(t)))
    TERM(IX_P_REPORT "%.*s", IX_KEY_LEN, r->sha);
    TERM(IX_P_PARTNERSHIP "%s", r->partnership);
    TERM(IX_P_NATION "%s", r->nation);
    TERM(IX_P_TYPE "%s", r->type);
    TERM(IX_P_KIND "%s", r->kind);
    TERM(IX_P_CHILD "%s", child);
    TERM(IX_P_YEAR "%.4s", r->published);
    TERM(IX_P_REVIEW "%s", r->review);
    TERM(IX_P_FORMAT "pdf");
    for (int i = 0; i < r->nthemes; i++)
        TERM(IX_P_THEME "%s", synth_themes[r->themes[i]]);
    for (int i = 0; i < r->ntopics; i++)
        TERM(IX_P_TOPIC "%s", synth_topics[r->topics[i]]);
    VAL(IX_SLOT_KEY, "%.*s", IX_KEY_LEN, r->sha);
    if (page)
        VAL(IX_SLOT_PAGE, "%05d", page);
    else /* the report document */
        VAL(IX_SLOT_PAGES, "%d", r->pages);
    VAL(IX_SLOT_PUBLISHED, "%s", r->slot_date);
    VAL(IX_SLOT_ADDED, "2026-01-01T00:00:00Z");
    VAL(IX_SLOT_PARTNERSHIP, "%s", r->partnership);
    VAL(IX_SLOT_NATION, "%s", r->nation);
    VAL(IX_SLOT_TYPE, "%s", r->type);
    VAL(IX_SLOT_KIND, "%s", r->kind);
    VAL(IX_SLOT_YEAR, "%.4s", r->published);
    VAL(IX_SLOT_REVIEW, "%s", r->review);
    VAL(IX_SLOT_REPORT_ID, "%d", r->id);
#undef TERM
#undef VAL
    add_list_value(d, IX_SLOT_THEMES, r->themes, r->nthemes, synth_themes);
    add_list_value(d, IX_SLOT_TOPICS, r->topics, r->ntopics, synth_topics);
    xdb_doc_bundle(d, IX_SLOT_FACETS, IX_FACETS_FIRST, IX_FACETS_COUNT, IX_BUNDLE_SEP);
    free(child);
}

/* The report document (lib/ixschema.h): rd holds its pages' terms. */
static int write_report_doc(struct xdb *db, const struct report *r, struct xdb_doc *rd,
                            struct cr_err *err)
{
    char uniq[64], *js = record(r, 0);

    xdb_doc_set_data(rd, js, strlen(js));
    free(js);
    terms_and_values(rd, r, 0);
    xdb_doc_bundle(rd, IX_SLOT_REPORT_FACETS, IX_FACETS_FIRST, IX_FACETS_COUNT, IX_BUNDLE_SEP);
    xdb_doc_add_term(rd, IX_T_REPORT);
    snprintf(uniq, sizeof(uniq), IX_P_UNIQUE "%.*s", IX_KEY_LEN, r->sha);
    return xdb_replace(db, uniq, rd, err);
}

static int write_report(struct xdb *db, const struct report *r, struct buf *text, int skip,
                        struct cr_err *err)
{
    struct xdb_doc *rd = skip ? NULL : xdb_doc_new(db);
    int rc = 0;

    for (int page = 1; page <= r->pages && rc == 0; page++) {
        if (skip) {
            /* draw what the page would hold, to keep the sequence */
            page_text(text, r, page);
            if (page == r->pages)
                (void)pick(SYNTH_NPHRASES);
            continue;
        }
        struct xdb_doc *d = xdb_doc_new(db);
        char uniq[64], *js = record(r, page);
        struct buf data = BUF_INIT;

        page_text(text, r, page);
        buf_addf(&data, "%s%c%s", js, IX_TEXT_SEP, text->data);
        free(js);
        xdb_doc_set_data(d, data.data, data.len);
        buf_release(&data);
        xdb_doc_index_text(d, text->data, text->len, "", 1);
        xdb_doc_index_text(d, r->title, strlen(r->title), IX_P_TITLE, 1);
        if (page == r->pages) {
            const char *rec = synth_phrases[pick(SYNTH_NPHRASES)].text;
            xdb_doc_index_text(d, rec, strlen(rec), IX_P_REC, 1);
        }
        terms_and_values(d, r, page);
        xdb_doc_merge_terms(rd, d);
        xdb_doc_add_term(d, IX_T_PAGE);
        snprintf(uniq, sizeof(uniq), IX_P_UNIQUE "%.*s:%d", IX_KEY_LEN, r->sha, page);
        rc = xdb_replace(db, uniq, d, err);
        xdb_doc_free(d);
    }
    if (rd && rc == 0)
        rc = write_report_doc(db, r, rd, err);
    xdb_doc_free(rd);
    return rc;
}

int main(int argc, char **argv)
{
    struct xdb *db = NULL;
    struct cr_err err;
    struct buf text = BUF_INIT;
    long reports, pages, total = 0, first = 1, last;
    time_t t0 = time(NULL);

    if ((argc != 4 && argc != 6) || (reports = atol(argv[2])) < 1 ||
        (pages = atol(argv[3])) < 1) {
        fprintf(stderr, "usage: synth INDEX REPORTS PAGES_PER_REPORT [FIRST LAST]\n");
        return 2;
    }
    last = reports;
    if (argc == 6) {
        first = atol(argv[4]);
        last = atol(argv[5]);
    }
    zipf_init();
    if (xdb_open(&db, argv[1], XDB_WRITE | XDB_OVERWRITE, &err) < 0 ||
        xdb_set_metadata(db, IX_META_VERSION, IX_FORMAT_VERSION, &err) < 0) {
        fprintf(stderr, "synth: %s\n", err.msg);
        return 3;
    }
    for (long i = 1; i <= reports; i++) {
        struct report r;
        draw_report(&r, (int)i, (int)pages);
        if (write_report(db, &r, &text, i < first || i > last, &err) < 0) {
            fprintf(stderr, "synth: %s\n", err.msg);
            return 3;
        }
        total += i >= first && i <= last ? r.pages : 0;
        if (i % 500 == 0 && i >= first && i <= last && xdb_commit(db, &err) < 0) {
            fprintf(stderr, "synth: %s\n", err.msg);
            return 3;
        }
        if (i % 1000 == 0)
            fprintf(stderr, "synth: %ld reports, %ld pages, %lds\n", i, total,
                    (long)(time(NULL) - t0));
    }
    if (xdb_commit(db, &err) < 0) {
        fprintf(stderr, "synth: %s\n", err.msg);
        return 3;
    }
    xdb_close(db);
    buf_release(&text);
    for (size_t i = 0; i < NVOCAB; i++)
        free(vocab[i]);
    free(vocab);
    free(zipf);
    printf("synth: %ld reports, %ld pages in %lds\n", reports, total, (long)(time(NULL) - t0));
    return 0;
}
