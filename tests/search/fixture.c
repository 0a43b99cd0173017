/*
 * The search tests' fixture repository (see fixture.h). Everything is a
 * function of the report number, so tests can predict what they find; the
 * catalogue's fixture_meta table records it for SQL counts.
 */

#include "tests/search/fixture.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/catalog.h"
#include "lib/home.h"
#include "lib/isotime.h"
#include "lib/ixschema.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "tests/helpers.h" /* cmocka, with the headers it needs */

static const struct {
    const char *id, *name, *nation;
} partnerships[] = {
    {"northshire", "Northshire Safeguarding Children Partnership", "england"},
    {"westmere", "Westmere Safeguarding Children Partnership", "england"},
    {"eastvale", "Eastvale Regional Safeguarding Children Board", "wales"},
};

static const char *const themes[] = {"neglect", "domestic-abuse", "parental-mental-health",
                                     "sudi", "child-sexual-exploitation",
                                     "criminal-exploitation"};
static const char *const theme_text[] = {
    "The children lived with neglect: the home was cold and there was little food.",
    "There was domestic abuse in the household and the police were called.",
    "The mother lived with a mental health condition and missed appointments.",
    NULL, /* sudi: written out or abbreviated, see page_text() */
    "The young person was groomed and sexually exploited by adults.",
    "The boy was drawn into county lines drug dealing.",
};
static const char *const topics[] = {"information-sharing", "professional-curiosity",
                                     "voice-of-the-child", "escalation-challenge"};
static const char *const kinds[] = {"full-report", "executive-summary", "learning-brief",
                                    "7-minute-briefing"};
static const char *const kind_names[] = {"full report", "executive summary", "learning brief",
                                         "7 minute briefing"};

/* Reports 21, 22, 23 are briefings of the reviews of reports 0, 1, 2. */
static int base_of(int i)
{
    return i >= 21 && i < FX_REPORTS ? i - 21 : i;
}

static const char *kind_of(int i)
{
    return i >= 21 && i < FX_REPORTS ? "7-minute-briefing" : kinds[(i / 3) % 4];
}

static const char *type_of(int i)
{
    int b = base_of(i);

    if (!strcmp(partnerships[b % 3].nation, "wales"))
        return "cpr";
    return b % 4 == 0 ? "scr" : "cspr";
}

/* Reports added after the first FX_REPORTS (news tests) are all about sudi. */
static int has_theme(int i, int j)
{
    return (i * 7 + j * 3) % 5 < 2 || (j == 0 && i % 5 == 4) || (j == 3 && i >= FX_REPORTS);
}

static int has_topic(int i, int j)
{
    return (i * 5 + j * 11) % 4 < 2;
}

/* ISO date of report i: edges of years and months, some known only to month or year. */
static void published(int i, char *out, size_t n)
{
    static const char *const fixed[] = {"2018", "2019-01-01", "2021-12-31", "2020-06",
                                        "2020-06-30", "2020-07-01"};
    int y = 2017 + i % 8;

    if (i < 6)
        snprintf(out, n, "%s", fixed[i]);
    else if (i % 5 == 0)
        snprintf(out, n, "%d", y);
    else if (i % 5 == 1)
        snprintf(out, n, "%d-%02d", y, 1 + i % 12);
    else
        snprintf(out, n, "%d-%02d-%02d", y, 1 + i % 12, 1 + (i * 3) % 28);
}

static void slot_date(const char *iso, char *out)
{
    size_t len = strlen(iso);

    snprintf(out, 9, "%.4s%.2s%.2s", iso, len >= 7 ? iso + 5 : "00", len >= 10 ? iso + 8 : "00");
}

static int pages_of(int i)
{
    return 1 + i % 4;
}

static void child_of(int i, char *out, size_t n)
{
    snprintf(out, n, "Child %c", 'A' + base_of(i) % 26);
}

const char *fx_sha(int i)
{
    static char sha[STORE_SHA_HEX];
    char *bytes = xasprintf("%%PDF-1.4\n%% fictional casereview fixture report %d\n", i);

    store_hash_mem(bytes, strlen(bytes), sha);
    free(bytes);
    return sha;
}

static void page_text(struct buf *b, int i, int page, int npages)
{
    buf_reset(b);
    if (page == 1)
        buf_addstr(b, "This is a fictional report made for testing casereview. ");
    buf_addf(b, "Page %d of the review. Safeguarding partners worked together. ", page);
    for (int j = 0; j < 6; j++) {
        if (!has_theme(i, j) || (page - 1) != j % npages)
            continue;
        if (j == 3)
            buf_addstr(b, i % 2 ? "The baby died and the SUDI protocol was followed. "
                                : "This was a sudden unexpected death in infancy. ");
        else
            buf_addf(b, "%s ", theme_text[j]);
    }
    if (has_topic(i, 1) && page == npages)
        buf_addstr(b, "Professionals showed too little professional curiosity. ");
    if (i % 3 == 1 && page == 1)
        buf_addstr(b, "An audit of case files was made. ");
    if (i == 7 && page == npages)
        buf_addstr(b, "The infant had bruising that was not explained. ");
}

static json_t *record(int i, const char *sha)
{
    char date[16], child[32];
    json_t *th = json_array(), *to = json_array();
    int b = base_of(i);

    published(i, date, sizeof(date));
    child_of(i, child, sizeof(child));
    for (int j = 0; j < 6; j++)
        if (has_theme(i, j))
            json_array_append_new(th, json_string(themes[j]));
    for (int j = 0; j < 4; j++)
        if (has_topic(i, j))
            json_array_append_new(to, json_string(topics[j]));
    return json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:o,s:o,s:s,s:s,s:b,"
                     "s:s,s:s,s:s,s:s}",
                     "id", i + 1, "sha256", sha, "title", "", "partnership",
                     partnerships[b % 3].name, "nation", partnerships[b % 3].nation,
                     "review_type", type_of(i), "document_kind", kind_of(i), "child", child,
                     "published", date, "review_id", "", "pages", pages_of(i), "themes", th,
                     "topics", to, "source_url", "http://127.0.0.1/fixture/report.pdf",
                     "fetched", "2024-03-01T10:00:00Z", "online", i % 2 == 0, "format", "pdf",
                     "name", "fixture.pdf", "added", "", "partnership_id",
                     partnerships[b % 3].id);
}

static char *title_of(int i)
{
    char child[32];
    const char *kind = kind_of(i);
    size_t k = 0;

    while (k < 3 && strcmp(kinds[k], kind))
        k++;
    child_of(i, child, sizeof(child));
    return xasprintf("%s review %s: %s", !strcmp(type_of(i), "scr") ? "Serious case" : "Practice",
                     child, kind_names[k]);
}

static void add_terms(struct xdb_doc *d, int i, const json_t *rec)
{
    char t[160], child[32], *slug;
    const char *date = json_string_value(json_object_get(rec, "published"));
    int b = base_of(i);

    child_of(i, child, sizeof(child));
    slug = filter_norm(child);
#define TERM(...) (snprintf(t, sizeof(t), __VA_ARGS__), xdb_doc_add_term(d, t))
    TERM(IX_P_REPORT "%.*s", IX_KEY_LEN, json_string_value(json_object_get(rec, "sha256")));
    TERM(IX_P_PARTNERSHIP "%s", partnerships[b % 3].id);
    TERM(IX_P_NATION "%s", partnerships[b % 3].nation);
    TERM(IX_P_TYPE "%s", type_of(i));
    TERM(IX_P_KIND "%s", kind_of(i));
    TERM(IX_P_CHILD "%s", slug);
    TERM(IX_P_YEAR "%.4s", date);
    TERM(IX_P_REVIEW "rev-%d", b);
    TERM(IX_P_FORMAT "pdf");
    for (int j = 0; j < 6; j++)
        if (has_theme(i, j))
            TERM(IX_P_THEME "%s", themes[j]);
    for (int j = 0; j < 4; j++)
        if (has_topic(i, j))
            TERM(IX_P_TOPIC "%s", topics[j]);
#undef TERM
    free(slug);
}

static void add_values(struct xdb_doc *d, int i, int page, const json_t *rec, const char *added)
{
    struct buf th = BUF_INIT, to = BUF_INIT;
    char v[64], date[9];
    int b = base_of(i);

#define VAL(slot, ...) (snprintf(v, sizeof(v), __VA_ARGS__), xdb_doc_add_value(d, slot, v, strlen(v)))
    VAL(IX_SLOT_KEY, "%.*s", IX_KEY_LEN, json_string_value(json_object_get(rec, "sha256")));
    if (page)
        VAL(IX_SLOT_PAGE, "%05d", page);
    else /* the report document */
        VAL(IX_SLOT_PAGES, "%d", pages_of(i));
    slot_date(json_string_value(json_object_get(rec, "published")), date);
    VAL(IX_SLOT_PUBLISHED, "%s", date);
    VAL(IX_SLOT_ADDED, "%s", added);
    VAL(IX_SLOT_PARTNERSHIP, "%s", partnerships[b % 3].id);
    VAL(IX_SLOT_NATION, "%s", partnerships[b % 3].nation);
    VAL(IX_SLOT_TYPE, "%s", type_of(i));
    VAL(IX_SLOT_KIND, "%s", kind_of(i));
    VAL(IX_SLOT_YEAR, "%.4s", date);
    VAL(IX_SLOT_REVIEW, "rev-%d", b);
    VAL(IX_SLOT_REPORT_ID, "%d", i + 1);
#undef VAL
    for (int j = 0; j < 6; j++)
        if (has_theme(i, j)) {
            if (th.len)
                buf_addch(&th, IX_LIST_SEP);
            buf_addstr(&th, themes[j]);
        }
    for (int j = 0; j < 4; j++)
        if (has_topic(i, j)) {
            if (to.len)
                buf_addch(&to, IX_LIST_SEP);
            buf_addstr(&to, topics[j]);
        }
    xdb_doc_add_value(d, IX_SLOT_THEMES, th.data ? th.data : "", th.len);
    xdb_doc_add_value(d, IX_SLOT_TOPICS, to.data ? to.data : "", to.len);
    xdb_doc_bundle(d, IX_SLOT_FACETS, IX_FACETS_FIRST, IX_FACETS_COUNT, IX_BUNDLE_SEP);
    buf_release(&th);
    buf_release(&to);
}

/* Writes page `page` of report i and gathers its terms into the report document rd. */
static void write_page(struct xdb *db, int i, int page, json_t *rec, const char *title,
                       const char *added, struct xdb_doc *rd)
{
    struct xdb_doc *d = xdb_doc_new(db);
    struct buf text = BUF_INIT, data = BUF_INIT;
    struct cr_err err;
    char uniq[100], *js;
    const char *rec_text = "Recommendation 1: the partnership should audit escalation.";

    page_text(&text, i, page, pages_of(i));
    json_object_set_new(rec, "page", json_integer(page));
    js = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    buf_addf(&data, "%s%c%s", js, IX_TEXT_SEP, text.data);
    free(js);
    xdb_doc_set_data(d, data.data, data.len);
    xdb_doc_index_text(d, text.data, text.len, "", 1);
    xdb_doc_index_text(d, title, strlen(title), IX_P_TITLE, 1);
    if (page == 1)
        xdb_doc_index_text(d, title, strlen(title), "", 1);
    if (page == pages_of(i) && i % 3 == 0) {
        xdb_doc_index_text(d, rec_text, strlen(rec_text), "", 1);
        xdb_doc_index_text(d, rec_text, strlen(rec_text), IX_P_REC, 1);
    }
    add_terms(d, i, rec);
    add_values(d, i, page, rec, added);
    xdb_doc_merge_terms(rd, d);
    xdb_doc_add_term(d, IX_T_PAGE);
    snprintf(uniq, sizeof(uniq), IX_P_UNIQUE "%.*s:%d", IX_KEY_LEN, fx_sha(i), page);
    assert_int_equal(xdb_replace(db, uniq, d, &err), 0);
    xdb_doc_free(d);
    buf_release(&text);
    buf_release(&data);
}

/* The report document of report i (lib/ixschema.h): rd holds its pages' terms. */
static void write_report(struct xdb *db, int i, json_t *rec, const char *added,
                         struct xdb_doc *rd)
{
    struct cr_err err;
    char uniq[100], *js;

    json_object_del(rec, "page");
    js = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    xdb_doc_set_data(rd, js, strlen(js));
    free(js);
    add_terms(rd, i, rec);
    add_values(rd, i, 0, rec, added);
    xdb_doc_add_term(rd, IX_T_REPORT);
    snprintf(uniq, sizeof(uniq), IX_P_UNIQUE "%.*s", IX_KEY_LEN, fx_sha(i));
    assert_int_equal(xdb_replace(db, uniq, rd, &err), 0);
}

static void record_meta(struct catalog *c, int i, const json_t *rec)
{
    static const char *const keys[] = {"partnership_id", "nation", "review_type",
                                       "document_kind", "published", "child"};
    struct cr_err err;

    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        /* the field is named as the tests count it: "partnership" holds the id */
        char *sql = xasprintf("INSERT INTO fixture_meta VALUES (%d, '%s', '%s')", i + 1,
                              k ? keys[k] : "partnership",
                              json_string_value(json_object_get(rec, keys[k])));
        assert_int_equal(catalog_exec(c, sql, &err), 0);
        free(sql);
    }
    for (int j = 0; j < 6; j++) {
        char *sql = xasprintf("INSERT INTO fixture_meta VALUES (%d, 'theme', '%s')", i + 1,
                              themes[j]);
        if (has_theme(i, j))
            assert_int_equal(catalog_exec(c, sql, &err), 0);
        free(sql);
    }
    for (int j = 0; j < 4; j++) {
        char *sql = xasprintf("INSERT INTO fixture_meta VALUES (%d, 'topic', '%s')", i + 1,
                              topics[j]);
        if (has_topic(i, j))
            assert_int_equal(catalog_exec(c, sql, &err), 0);
        free(sql);
    }
}

static void store_blob(struct home *h, int i)
{
    struct store *s = NULL;
    struct store_writer *w = NULL;
    struct cr_err err;
    char sha[STORE_SHA_HEX];
    char *bytes = xasprintf("%%PDF-1.4\n%% fictional casereview fixture report %d\n", i);
    int was_new;

    assert_int_equal(store_open(&s, h->store, &err), 0);
    assert_int_equal(store_writer_new(s, 0, &w, &err), 0);
    assert_int_equal(store_writer_write(w, bytes, strlen(bytes), &err), 0);
    assert_int_equal(store_writer_commit(w, "pdf", sha, &was_new, &err), 0);
    assert_string_equal(sha, fx_sha(i));
    store_free(s);
    free(bytes);
}

void fx_repo_add(struct fx_repo *r, int i, long now)
{
    struct home h;
    struct catalog *c = NULL;
    struct xdb *db = NULL;
    struct xdb_doc *rd;
    struct cr_err err;
    char nowbuf[32], added[32], *title, *sha = xstrdup(fx_sha(i));
    int64_t id;
    int was_new;
    json_t *rec;

    snprintf(nowbuf, sizeof(nowbuf), "%ld", now);
    setenv("CASEREVIEW_NOW", nowbuf, 1);
    assert_int_equal(home_open(&h, r->home, HOME_CREATE, &err), 0);
    assert_int_equal(catalog_open(&c, h.catalog, 0, &err), 0);
    assert_int_equal(catalog_exec(c, "CREATE TABLE IF NOT EXISTS fixture_meta("
                                     "report_id INTEGER, field TEXT, value TEXT)", &err), 0);
    store_blob(&h, i);
    assert_int_equal(catalog_report_add(c, sha, "pdf", 60, "fixture.pdf", &id, &was_new, &err), 0);
    assert_int_equal(id, i + 1);
    title = title_of(i);
    assert_int_equal(catalog_report_mark_indexed(c, id, 1, pages_of(i), title, &err), 0);
    rec = record(i, sha);
    json_object_set_new(rec, "title", json_string(title));
    json_object_set_new(rec, "review_id", json_sprintf("rev-%d", base_of(i)));
    isotime_format((time_t)now, added);
    json_object_set_new(rec, "added", json_string(added));
    record_meta(c, i, rec);
    assert_int_equal(xdb_open(&db, h.index, XDB_WRITE | XDB_CREATE, &err), 0);
    assert_int_equal(xdb_set_metadata(db, IX_META_VERSION, IX_FORMAT_VERSION, &err), 0);
    rd = xdb_doc_new(db);
    for (int p = 1; p <= pages_of(i); p++)
        write_page(db, i, p, rec, title, added, rd);
    write_report(db, i, rec, added, rd);
    xdb_doc_free(rd);
    assert_int_equal(xdb_commit(db, &err), 0);
    xdb_close(db);
    json_decref(rec);
    free(title);
    free(sha);
    catalog_close(c);
    home_release(&h);
    unsetenv("CASEREVIEW_NOW");
    r->nreports++;
}

void fx_repo_build(struct fx_repo *r)
{
    memset(r, 0, sizeof(*r));
    r->dir = th_tmpdir();
    r->home = xasprintf("%s/home", r->dir);
    for (int i = 0; i < FX_REPORTS; i++)
        fx_repo_add(r, i, 1700000000L + i);
}

void fx_repo_free(struct fx_repo *r)
{
    th_rm_rf(r->dir);
    free(r->dir);
    free(r->home);
    memset(r, 0, sizeof(*r));
}

struct filter_vocab *fx_vocab(void)
{
    struct filter_vocab *v = filter_vocab_new();

    filter_vocab_add_nations(v);
    filter_vocab_add(v, FILTER_THEME, "domestic-abuse", "Domestic abuse", "domestic violence");
    filter_vocab_add(v, FILTER_THEME, "domestic-abuse", NULL, "DA");
    filter_vocab_add(v, FILTER_THEME, "neglect", "Neglect", NULL);
    filter_vocab_add(v, FILTER_THEME, "sudi", "Sudden unexpected death in infancy", "SUDI");
    filter_vocab_add(v, FILTER_THEME, "parental-mental-health", "Parental mental health", NULL);
    filter_vocab_add(v, FILTER_THEME, "child-sexual-exploitation", "Child sexual exploitation",
                     "CSE");
    filter_vocab_add(v, FILTER_THEME, "criminal-exploitation", "Criminal exploitation",
                     "county lines");
    filter_vocab_add(v, FILTER_TOPIC, "professional-curiosity", "Professional curiosity", NULL);
    filter_vocab_add(v, FILTER_TOPIC, "information-sharing", "Information sharing", NULL);
    filter_vocab_add(v, FILTER_TOPIC, "voice-of-the-child", "Voice of the child", NULL);
    filter_vocab_add(v, FILTER_TOPIC, "escalation-challenge", "Escalation and challenge", NULL);
    filter_vocab_add(v, FILTER_TYPE, "scr", "Serious case review", "SCR");
    filter_vocab_add(v, FILTER_TYPE, "cspr", "Child safeguarding practice review", "CSPR");
    filter_vocab_add(v, FILTER_TYPE, "cpr", "Child practice review", "CPR");
    filter_vocab_add(v, FILTER_KIND, "full-report", "Full report", "overview report");
    filter_vocab_add(v, FILTER_KIND, "7-minute-briefing", "7 minute briefing", "7MB");
    for (int i = 0; i < 3; i++)
        filter_vocab_add(v, FILTER_PARTNERSHIP, partnerships[i].id, partnerships[i].name, NULL);
    filter_vocab_add_abbrev(v, "SUDI", "sudden unexpected death in infancy");
    filter_vocab_add_abbrev(v, "DA", "domestic abuse");
    filter_vocab_add_abbrev(v, "SCR", "serious case review");
    return v;
}
