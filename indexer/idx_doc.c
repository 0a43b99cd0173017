#include "indexer/idx_doc.h"

/*
 * Page documents and the report document (lib/ixschema.h). The report's
 * record is built once as a JSON object; each page's data is that object
 * with its page number, a newline, and the page text (the snippet source).
 * Deleting by R<key> before adding makes a rewrite exact even when a
 * report's page count changed, and takes the report document with it.
 *
 * The report document gathers its pages' terms as they are written, as
 * boolean terms. Not their wdf: a report document's length would then be
 * the sum of its pages', which doubles the collection's total length and
 * halves every page's length against the average (BM25 then clamps most
 * pages to its minimum normalised length), and it raises each word's wdf
 * bound, which loosens the matcher's pruning. Counting needs neither.
 */

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/dates.h"
#include "lib/ixschema.h"
#include "lib/xalloc.h"

/* Scalar fields of the record, under issue #5's JSON names; null when unknown. */
static const enum meta_field record_fields[] = {
    META_PARTNERSHIP_NAME, META_NATION, META_REVIEW_TYPE, META_DOCUMENT_KIND, META_CHILD,
    META_PUBLISHED, META_REVIEW_ID, META_OUTCOME, META_AGE_BAND, META_REVIEW_MODEL,
    META_SOURCE_URL, META_FETCHED,
};

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *tag_array(const struct meta_fields *f, enum taxonomy_kind k)
{
    json_t *a = json_array();

    for (size_t i = 0; i < f->ntags; i++)
        if (f->tags[i].kind == k)
            json_array_append_new(a, json_string(f->tags[i].id));
    return a;
}

static json_t *record(const struct idx_report *r, const struct meta_fields *f)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(r->cat.id));
    json_object_set_new(o, "sha256", json_string(r->cat.sha256));
    json_object_set_new(o, "title", json_string(f->v[META_TITLE]));
    for (size_t i = 0; i < sizeof(record_fields) / sizeof(record_fields[0]); i++) {
        enum meta_field fi = record_fields[i];
        const char *name = fi == META_PARTNERSHIP_NAME ? "partnership" : meta_field_name(fi);
        json_object_set_new(o, name, str_or_null(f->v[fi]));
    }
    json_object_set_new(o, "partnership_id", str_or_null(f->v[META_PARTNERSHIP]));
    json_object_set_new(o, "themes", tag_array(f, TAXONOMY_THEME));
    json_object_set_new(o, "topics", tag_array(f, TAXONOMY_TOPIC));
    json_object_set_new(o, "online", f->v[META_ONLINE] ? json_boolean(!strcmp(f->v[META_ONLINE],
                                                                              "true"))
                                                       : json_null());
    json_object_set_new(o, "pages", json_integer(r->npages));
    json_object_set_new(o, "format", json_string(r->cat.format));
    json_object_set_new(o, "name", json_string(r->cat.name ? r->cat.name : ""));
    json_object_set_new(o, "added", json_string(r->cat.added_at ? r->cat.added_at : ""));
    return o;
}

char *idx_doc_record(const struct idx_report *r, const struct meta_fields *f)
{
    json_t *o = record(r, f);
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

    json_decref(o);
    if (!s)
        CR_BUG("json_dumps failed");
    return s;
}

int idx_doc_delete(struct xdb *db, const char *sha256, struct cr_err *err)
{
    char term[80];

    snprintf(term, sizeof(term), IX_P_REPORT "%.*s", IX_KEY_LEN, sha256);
    return xdb_delete_term(db, term, err);
}

static void add_term(struct xdb_doc *d, const char *prefix, const char *value)
{
    char term[256];

    if (!value || !*value)
        return;
    snprintf(term, sizeof(term), "%s%s", prefix, value);
    xdb_doc_add_term(d, term);
}

static void add_value(struct xdb_doc *d, unsigned slot, const char *value)
{
    if (value && *value)
        xdb_doc_add_value(d, slot, value, strlen(value));
}

/* The report's boolean filter terms and value slots (lib/ixschema.h). */
static void add_meta(struct xdb_doc *d, const struct meta_fields *f)
{
    static const struct {
        enum meta_field field;
        const char *prefix;
        unsigned slot;
    } scalar[] = {
        {META_PARTNERSHIP, IX_P_PARTNERSHIP, IX_SLOT_PARTNERSHIP},
        {META_NATION, IX_P_NATION, IX_SLOT_NATION},
        {META_REVIEW_TYPE, IX_P_TYPE, IX_SLOT_TYPE},
        {META_DOCUMENT_KIND, IX_P_KIND, IX_SLOT_KIND},
        {META_REVIEW_MODEL, IX_P_MODEL, IX_SLOT_MODEL},
        {META_OUTCOME, IX_P_OUTCOME, IX_SLOT_OUTCOME},
        {META_AGE_BAND, IX_P_AGE, IX_SLOT_AGE_BAND},
        {META_REVIEW_ID, IX_P_REVIEW, IX_SLOT_REVIEW},
    };
    struct dates_date pub;
    char key[DATES_KEY_LEN], year[8], *child;
    struct buf themes = BUF_INIT, topics = BUF_INIT;

    for (size_t i = 0; i < sizeof(scalar) / sizeof(scalar[0]); i++) {
        add_term(d, scalar[i].prefix, f->v[scalar[i].field]);
        add_value(d, scalar[i].slot, f->v[scalar[i].field]);
    }
    if (f->v[META_CHILD]) {
        child = idx_doc_child_term(f->v[META_CHILD]);
        add_term(d, IX_P_CHILD, child);
        free(child);
    }
    if (f->v[META_PUBLISHED] && dates_parse_iso(f->v[META_PUBLISHED], &pub) == 0) {
        dates_key(&pub, key);
        snprintf(year, sizeof(year), "%04d", pub.year);
        add_value(d, IX_SLOT_PUBLISHED, key);
        add_value(d, IX_SLOT_YEAR, year);
        add_term(d, IX_P_YEAR, year);
    }
    for (size_t i = 0; i < f->ntags; i++) {
        struct buf *b = f->tags[i].kind == TAXONOMY_THEME ? &themes : &topics;
        add_term(d, f->tags[i].kind == TAXONOMY_THEME ? IX_P_THEME : IX_P_TOPIC, f->tags[i].id);
        if (b->len)
            buf_addch(b, IX_LIST_SEP);
        buf_addstr(b, f->tags[i].id);
    }
    add_value(d, IX_SLOT_THEMES, themes.data);
    add_value(d, IX_SLOT_TOPICS, topics.data);
    xdb_doc_bundle(d, IX_SLOT_FACETS, IX_FACETS_FIRST, IX_FACETS_COUNT, IX_BUNDLE_SEP);
    buf_release(&themes);
    buf_release(&topics);
}

char *idx_doc_child_term(const char *child)
{
    struct buf b = BUF_INIT;

    for (const char *s = child; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isspace(c)) {
            if (b.len && b.data[b.len - 1] != '-')
                buf_addch(&b, '-');
        } else if (isalnum(c) || c >= 0x80 || c == '-') {
            buf_addch(&b, (char)tolower(c));
        }
    }
    return buf_take(&b);
}

/* The recommendations and learning points that start on this page, as XR free text. */
static void add_items(struct xdb_doc *d, const struct meta_fields *f, int page)
{
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].page == page)
            xdb_doc_index_text(d, f->items[i].text, strlen(f->items[i].text), IX_P_REC, 1);
}

/* Values of the report's own: IX_SLOT_PAGE for a page, IX_SLOT_PAGES for the report document. */
static void add_values(struct xdb_doc *d, const struct idx_report *r, int page)
{
    char num[32];

    xdb_doc_add_value(d, IX_SLOT_KEY, r->cat.sha256, IX_KEY_LEN);
    snprintf(num, sizeof(num), page ? "%05d" : "%d", page ? page : r->npages);
    xdb_doc_add_value(d, page ? IX_SLOT_PAGE : IX_SLOT_PAGES, num, strlen(num));
    if (r->cat.added_at)
        xdb_doc_add_value(d, IX_SLOT_ADDED, r->cat.added_at, strlen(r->cat.added_at));
    snprintf(num, sizeof(num), "%lld", (long long)r->cat.id);
    xdb_doc_add_value(d, IX_SLOT_REPORT_ID, num, strlen(num));
}

/* Writes page `page` and adds its terms to the report document rd. */
static int write_page(struct xdb *db, const struct idx_report *r, const struct meta_fields *f,
                      json_t *rec, int page, struct xdb_doc *rd, struct cr_err *err)
{
    const struct idx_page *pg = &r->pages[page - 1];
    struct xdb_doc *d = xdb_doc_new(db);
    struct buf data = BUF_INIT;
    char term[128], *js;
    int rc;

    json_object_set_new(rec, "page", json_integer(page));
    js = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!js)
        CR_BUG("json_dumps failed");
    buf_addstr(&data, js);
    buf_addch(&data, IX_TEXT_SEP);
    buf_add(&data, pg->text, pg->len);
    free(js);
    xdb_doc_set_data(d, data.data, data.len);
    buf_release(&data);

    xdb_doc_index_text(d, pg->text, pg->len, "", 1);
    xdb_doc_index_text(d, f->v[META_TITLE], strlen(f->v[META_TITLE]), IX_P_TITLE, 1);
    if (page == 1)
        xdb_doc_index_text(d, f->v[META_TITLE], strlen(f->v[META_TITLE]), "", 1);
    add_meta(d, f);
    add_items(d, f, page);
    snprintf(term, sizeof(term), IX_P_REPORT "%.*s", IX_KEY_LEN, r->cat.sha256);
    xdb_doc_add_term(d, term);
    snprintf(term, sizeof(term), IX_P_FORMAT "%s", r->cat.format);
    xdb_doc_add_term(d, term);
    add_values(d, r, page);
    xdb_doc_merge_terms(rd, d);
    xdb_doc_add_term(d, IX_T_PAGE);

    snprintf(term, sizeof(term), IX_P_UNIQUE "%.*s:%d", IX_KEY_LEN, r->cat.sha256, page);
    rc = xdb_replace(db, term, d, err);
    xdb_doc_free(d);
    if (rc < 0)
        cr_err_prefix(err, "page %d", page);
    return rc;
}

/* Sets rd's data to rec, a page's record, without the page number. */
static void set_record(struct xdb_doc *rd, json_t *rec)
{
    char *js;

    json_object_del(rec, "page");
    js = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!js)
        CR_BUG("json_dumps failed");
    xdb_doc_set_data(rd, js, strlen(js));
    free(js);
}

/* The report document: rd holds its pages' terms; the record without a page, the values. */
static int write_report(struct xdb *db, const struct idx_report *r, const struct meta_fields *f,
                        json_t *rec, struct xdb_doc *rd, struct cr_err *err)
{
    char term[64];
    int rc;

    set_record(rd, rec);
    add_meta(rd, f);
    add_values(rd, r, 0);
    xdb_doc_bundle(rd, IX_SLOT_REPORT_FACETS, IX_FACETS_FIRST, IX_FACETS_COUNT, IX_BUNDLE_SEP);
    xdb_doc_add_term(rd, IX_T_REPORT);
    snprintf(term, sizeof(term), IX_P_UNIQUE "%.*s", IX_KEY_LEN, r->cat.sha256);
    rc = xdb_replace(db, term, rd, err);
    if (rc < 0)
        cr_err_prefix(err, "report document");
    return rc;
}

int idx_doc_write(struct xdb *db, const struct idx_report *r, const struct meta_fields *f,
                  struct cr_err *err)
{
    struct xdb_doc *rd;
    json_t *rec;
    int rc = idx_doc_delete(db, r->cat.sha256, err);

    if (rc < 0 || r->npages < 1)
        return rc;
    rec = record(r, f);
    rd = xdb_doc_new(db);
    for (int p = 1; p <= r->npages && rc == 0; p++)
        rc = write_page(db, r, f, rec, p, rd, err);
    if (rc == 0)
        rc = write_report(db, r, f, rec, rd, err);
    xdb_doc_free(rd);
    json_decref(rec);
    return rc;
}

/* ---- Bringing an index of the first layout (pages only) up ---- */

struct docids {
    uint32_t *v;
    size_t n, alloc;
};

static int take_docid(uint32_t docid, void *ctx)
{
    struct docids *ids = ctx;

    ids->v = xgrow(ids->v, sizeof(*ids->v), ids->n + 1, &ids->alloc);
    ids->v[ids->n++] = docid;
    return 0;
}

/* The report document's data from a page's: the record without its page number and text. */
static void set_report_record(struct xdb_doc *rd, const char *data, size_t len)
{
    const char *sep = memchr(data, IX_TEXT_SEP, len);
    json_t *rec = json_loadb(data, sep ? (size_t)(sep - data) : len, 0, NULL);

    if (!rec || !json_is_object(rec)) {
        json_decref(rec);
        rec = json_object(); /* a damaged record stays damaged, but the report is counted */
    }
    set_record(rd, rec);
    json_decref(rec);
}

/* Marks page docid of report key as a page, and gathers its terms (and the first's values) into rd. */
static int upgrade_page(struct xdb *db, const char *key, uint32_t docid, int first,
                        struct xdb_doc *rd, struct cr_err *err)
{
    struct xdb_doc *d = NULL;
    char *data = NULL, uniq[64];
    size_t len = 0;
    int rc = xdb_get_value(db, docid, IX_SLOT_PAGE, &data, &len, err), page;

    page = rc == 0 ? atoi(data) : 0;
    FREE_AND_NULL(data);
    if (rc < 0 || page < 1)
        return rc < 0 ? rc : 1; /* no page number: a report document, replaced below */
    rc = xdb_doc_load(db, docid, &d, err);
    if (rc == 0 && first)
        rc = xdb_get_data(db, docid, &data, &len, err);
    if (rc < 0)
        goto out;
    if (first) {
        xdb_doc_copy_values(rd, d);
        set_report_record(rd, data, len);
    }
    snprintf(uniq, sizeof(uniq), IX_P_UNIQUE "%s:%d", key, page);
    xdb_doc_remove_term(d, uniq); /* xdb_replace() puts it back */
    xdb_doc_remove_term(d, IX_T_PAGE);
    xdb_doc_merge_terms(rd, d);
    xdb_doc_add_term(d, IX_T_PAGE);
    rc = xdb_replace(db, uniq, d, err);
out:
    xdb_doc_free(d);
    free(data);
    return rc;
}

int idx_doc_upgrade(struct xdb *db, const char *key, int *pages, struct cr_err *err)
{
    struct docids ids = {NULL, 0, 0};
    struct xdb_doc *rd = NULL;
    char term[64], num[16];
    int rc;

    *pages = 0;
    snprintf(term, sizeof(term), IX_P_REPORT "%s", key);
    /* the docids first: the loop rewrites the documents the postings name */
    rc = xdb_each_posting(db, term, take_docid, &ids, err);
    rd = xdb_doc_new(db);
    for (size_t i = 0; rc >= 0 && i < ids.n; i++) {
        rc = upgrade_page(db, key, ids.v[i], *pages == 0, rd, err);
        *pages += rc == 0;
    }
    if (rc >= 0 && *pages > 0) {
        snprintf(num, sizeof(num), "%d", *pages);
        xdb_doc_add_value(rd, IX_SLOT_PAGE, "", 0);
        xdb_doc_add_value(rd, IX_SLOT_PAGES, num, strlen(num));
        xdb_doc_bundle(rd, IX_SLOT_REPORT_FACETS, IX_FACETS_FIRST, IX_FACETS_COUNT, IX_BUNDLE_SEP);
        xdb_doc_add_term(rd, IX_T_REPORT);
        snprintf(term, sizeof(term), IX_P_UNIQUE "%s", key);
        rc = xdb_replace(db, term, rd, err);
    }
    xdb_doc_free(rd);
    free(ids.v);
    if (rc < 0)
        cr_err_prefix(err, "report %s", key);
    return rc < 0 ? rc : 0;
}
