/*
 * /report/<id>: one report. Every field the repository holds for it, its
 * themes and topics with the pages that earned them, links to open the file
 * at a page and to the address it was published at, and, with ?q=, the
 * pages that match the search with their snippets.
 *
 * The fields come from the display record the indexer stores with each page
 * (lib/ixschema.h), which carries the JSON field names of issue #5, and from
 * the catalogue where the index has nothing yet (a report not yet indexed,
 * or one whose extraction failed).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ixschema.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/query.h"
#include "web/web_int.h"

#define MAX_PAGE_HITS 50

static const char *rec_str(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));

    return s && *s ? s : NULL;
}

static int first_doc(uint32_t docid, void *ctx)
{
    *(uint32_t *)ctx = docid;
    return 1;
}

/* The display record of the report's first page, or NULL. New reference. */
static json_t *load_record(struct xdb *db, const char *sha)
{
    char term[96], *data = NULL;
    uint32_t docid = 0;
    size_t len = 0;
    json_t *rec = NULL;

    if (!db)
        return NULL;
    snprintf(term, sizeof(term), IX_P_UNIQUE "%.*s:1", IX_KEY_LEN, sha);
    if (xdb_each_posting(db, term, first_doc, &docid, NULL) < 0 || !docid)
        return NULL;
    if (xdb_get_data(db, docid, &data, &len, NULL) < 0)
        return NULL;
    {
        const char *sep = memchr(data, IX_TEXT_SEP, len);
        rec = json_loadb(data, sep ? (size_t)(sep - data) : len, 0, NULL);
    }
    free(data);
    if (rec && !json_is_object(rec)) {
        json_decref(rec);
        rec = NULL;
    }
    return rec;
}

/* How each field is shown, in order. */
enum kind { K_TEXT, K_ID, K_DATE, K_INT, K_BOOL_ONLINE };
static const struct {
    const char *key;
    const char *label;
    enum kind kind;
} fields[] = {
    {"partnership", "Partnership", K_ID},
    {"nation", "Nation", K_ID},
    {"review_type", "Review type", K_ID},
    {"document_kind", "Document", K_ID},
    {"child", "Child", K_TEXT},
    {"published", "Published", K_DATE},
    {"review_id", "Review", K_TEXT},
    {"outcome", "Outcome", K_ID},
    {"age_band", "Age of the child", K_ID},
    {"review_model", "Review model", K_ID},
    {"pages", "Pages", K_INT},
    {"format", "File format", K_TEXT},
    {"name", "First added as", K_TEXT},
    {"added", "Added to this repository", K_DATE},
    {"fetched", "Fetched", K_DATE},
};

/* The source of a field when the record says ("sources": {"published": "link text"}). */
static void field_source(struct buf *b, json_t *rec, const char *key)
{
    const char *src = json_string_value(json_object_get(json_object_get(rec, "sources"), key));

    if (!src || !*src)
        return;
    buf_addstr(b, " <span class=\"source\">(from ");
    web_esc(b, src);
    buf_addstr(b, ")</span>");
}

/* A date, or the date part of a timestamp ("2026-11-27T06:57:56Z"). */
static void show_date(struct buf *b, const char *s)
{
    char day[11];

    if (strlen(s) > 10 && s[10] == 'T') {
        memcpy(day, s, 10);
        day[10] = '\0';
        web_date(b, day);
        return;
    }
    web_date(b, s);
}

static void show_field(struct buf *b, json_t *v, enum kind kind)
{
    const char *s = json_string_value(v);

    if (kind == K_INT)
        buf_addf(b, "%lld", (long long)json_integer_value(v));
    else if (kind == K_ID)
        web_id_label(b, s);
    else if (kind == K_DATE)
        show_date(b, s);
    else
        web_esc(b, s);
}

static void render_fields(struct buf *b, json_t *rec)
{
    buf_addstr(b, "<h2>About this report</h2>\n<dl class=\"fields\">\n");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *v = json_object_get(rec, fields[i].key);
        int ok = fields[i].kind == K_INT ? json_is_integer(v)
                                         : json_is_string(v) && *json_string_value(v);
        if (!ok)
            continue;
        buf_addf(b, "<div><dt>%s</dt><dd>", fields[i].label);
        show_field(b, v, fields[i].kind);
        field_source(b, rec, fields[i].key);
        buf_addstr(b, "</dd></div>\n");
    }
    buf_addf(b, "<div><dt>sha256</dt><dd class=\"sha\">%s</dd></div>\n",
             rec_str(rec, "sha256") ? rec_str(rec, "sha256") : "");
    buf_addstr(b, "</dl>\n");
}

static void page_link(struct buf *b, const char *sha, long long page)
{
    buf_addf(b, "<a href=\"/file/%s#page=%lld\">%lld</a>", sha, page, page);
}

/*
 * Themes or topics: an id, or an object {"id", "label", "pages": [..]} when
 * the record carries the evidence; each links to the search for it.
 */
static void render_tags(struct buf *b, json_t *rec, const char *key, const char *heading,
                        const char *param, const char *sha)
{
    json_t *arr = json_object_get(rec, key), *v;
    size_t i;

    if (!json_is_array(arr) || !json_array_size(arr))
        return;
    buf_addf(b, "<h2>%s</h2>\n<ul class=\"tags\">\n", heading);
    json_array_foreach(arr, i, v) {
        const char *id = json_is_string(v) ? json_string_value(v) : rec_str(v, "id");
        const char *label = json_is_object(v) ? rec_str(v, "label") : NULL;
        json_t *pages = json_is_object(v) ? json_object_get(v, "pages") : NULL, *p;
        size_t j;

        if (!id)
            continue;
        buf_addf(b, "<li><a href=\"/search?%s=", param);
        web_urlenc(b, id);
        buf_addstr(b, "\">");
        if (label)
            web_esc(b, label);
        else
            web_id_label(b, id);
        buf_addstr(b, "</a>");
        if (json_is_array(pages) && json_array_size(pages)) {
            buf_addstr(b, " <span class=\"pages\">pages ");
            json_array_foreach(pages, j, p) {
                if (!json_is_integer(p))
                    continue;
                if (j)
                    buf_addstr(b, ", ");
                page_link(b, sha, (long long)json_integer_value(p));
            }
            buf_addstr(b, "</span>");
        }
        buf_addstr(b, "</li>\n");
    }
    buf_addstr(b, "</ul>\n");
}

static void render_recommendations(struct buf *b, json_t *rec)
{
    json_t *arr = json_object_get(rec, "recommendations"), *v;
    size_t i;

    if (!json_is_array(arr) || !json_array_size(arr))
        return;
    buf_addstr(b, "<h2>Recommendations</h2>\n<ol class=\"recs\">\n");
    json_array_foreach(arr, i, v) {
        const char *text = json_is_string(v) ? json_string_value(v) : rec_str(v, "text");
        if (!text)
            continue;
        buf_addstr(b, "<li>");
        web_esc(b, text);
        buf_addstr(b, "</li>\n");
    }
    buf_addstr(b, "</ol>\n");
}

/* Where the report was published, and whether it still is. */
static void render_source(struct buf *b, json_t *rec)
{
    const char *url = rec_str(rec, "source_url");
    json_t *online = json_object_get(rec, "online");
    const char *gone = rec_str(rec, "offline_since");

    if (!url)
        return;
    buf_addstr(b, "<h2>Where it was published</h2>\n<p class=\"source-url\">");
    if (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7)) {
        buf_addstr(b, "<a rel=\"noreferrer noopener\" href=\"");
        web_esc(b, url);
        buf_addstr(b, "\">");
        web_esc(b, url);
        buf_addstr(b, "</a>");
    } else {
        web_esc(b, url); /* never a link: javascript:, data: and such stay text */
    }
    buf_addstr(b, "</p>\n");
    if (json_is_false(online)) {
        buf_addstr(b, "<p class=\"offline\">No longer online");
        if (gone) {
            buf_addstr(b, " since ");
            show_date(b, gone);
        }
        buf_addstr(b, ": the copy here is the one kept when it was fetched.</p>\n");
    }
}

/*
 * The pages of this report that match q, best first, with snippets.
 * TODO(#6): use search/'s page listing (issue #5, --pages) once it lands;
 * until then the same index query, restricted to the report's pages.
 */
static int render_matches(struct buf *b, struct xdb *db, const char *sha, const char *q,
                          struct cr_err *err)
{
    static const struct xdb_prefix prefixes[] = {{"title", IX_P_TITLE, 0}};
    char term[96];
    const char *terms[1] = {term};
    struct xdb_filter_group only = {terms, 1, 0};
    struct xdb_query xq;
    struct xdb_result *res = NULL;
    int rc;

    snprintf(term, sizeof(term), IX_P_REPORT "%.*s", IX_KEY_LEN, sha);
    memset(&xq, 0, sizeof(xq));
    xq.text = q;
    xq.flags = XDB_Q_WILDCARD;
    xq.prefixes = prefixes;
    xq.nprefixes = 1;
    xq.filters = &only;
    xq.nfilters = 1;
    xq.collapse_slot = -1;
    xq.sort_slot = -1;
    xq.limit = MAX_PAGE_HITS;
    xq.snippet_chars = QUERY_SNIPPET_CHARS;
    xq.hi_start = QUERY_HI_START;
    xq.hi_end = QUERY_HI_END;
    xq.text_sep = IX_TEXT_SEP;
    rc = xdb_search(db, &xq, &res, err);
    if (rc < 0)
        return rc;
    buf_addstr(b, "<h2 id=\"matches\">Pages that match <q>");
    web_esc(b, q);
    buf_addf(b, "</q> (%u)</h2>\n", res->estimated);
    if (res->nhits)
        buf_addstr(b, "<ol class=\"pagehits\">\n");
    for (size_t i = 0; i < res->nhits; i++) {
        const struct xdb_hit *h = &res->hits[i];
        json_t *rec = json_loadb(h->data, strcspn(h->data, "\n"), 0, NULL);
        long long page = (long long)json_integer_value(json_object_get(rec, "page"));

        buf_addf(b, "<li><a href=\"/file/%s#page=%lld\">Page %lld</a>", sha, page, page);
        if (h->snippet && *h->snippet) {
            buf_addstr(b, "<p class=\"snippet\">");
            web_snippet(b, h->snippet);
            buf_addstr(b, "</p>");
        }
        buf_addstr(b, "</li>\n");
        json_decref(rec);
    }
    if (res->nhits)
        buf_addstr(b, "</ol>\n");
    xdb_result_free(res);
    return 0;
}

/* Fills rec from the catalogue row when the index has no record. */
static json_t *record_from_catalogue(const struct catalog_report *rep)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(rep->id));
    json_object_set_new(o, "sha256", json_string(rep->sha256));
    if (rep->title)
        json_object_set_new(o, "title", json_string(rep->title));
    if (rep->pages)
        json_object_set_new(o, "pages", json_integer(rep->pages));
    json_object_set_new(o, "format", json_string(rep->format ? rep->format : ""));
    json_object_set_new(o, "name", json_string(rep->name ? rep->name : ""));
    json_object_set_new(o, "added", json_string(rep->added_at ? rep->added_at : ""));
    return o;
}

static void render_state(struct buf *b, const struct catalog_report *rep, int indexed)
{
    if (rep->state && !strcmp(rep->state, "failed")) {
        buf_addstr(b, "<p class=\"warning\">Its text could not be read (");
        web_esc(b, rep->fail_reason ? rep->fail_reason : "failed");
        if (rep->fail_detail) {
            buf_addstr(b, ": ");
            web_esc(b, rep->fail_detail);
        }
        buf_addstr(b, "), so searches do not find it.</p>\n");
    } else if (!indexed) {
        buf_addstr(b, "<p class=\"warning\">Not indexed yet: run 'casereview index' and "
                      "searches will find it.</p>\n");
    }
}

static void render_report(struct web_req *r, const struct catalog_report *rep, json_t *rec,
                          int indexed)
{
    struct buf *b = &r->body;
    const char *title = rec_str(rec, "title"), *q = web_param(r, "q");
    struct cr_err err;
    size_t meta_at;

    web_page_start(b, title ? title : "Report", WEB_NAV_NONE);
    buf_addstr(b, "<article class=\"report\">\n<h1>");
    web_esc(b, title ? title : "(untitled)");
    buf_addstr(b, "</h1>\n<p class=\"meta\">");
    meta_at = b->len;
    web_record_meta(b, rec);
    if (b->len == meta_at)
        buf_addf(b, "Report %lld", (long long)rep->id);
    buf_addstr(b, "</p>\n");
    render_state(b, rep, indexed);
    buf_addf(b, "<p class=\"actions\"><a class=\"button\" href=\"/file/%s\">Open the %s</a>",
             rep->sha256, rep->format && !strcmp(rep->format, "pdf") ? "PDF" : "file");
    buf_addstr(b, " <a href=\"/search\">Back to the search</a></p>\n");
    if (q && *q && indexed && r->t->db) {
        cr_err_clear(&err);
        if (query_validate(q, &err) < 0 || render_matches(b, r->t->db, rep->sha256, q, &err) < 0) {
            buf_addstr(b, "<p class=\"error\">");
            web_esc(b, err.msg);
            buf_addstr(b, "</p>\n");
        }
    }
    render_fields(b, rec);
    render_tags(b, rec, "themes", "Themes", "theme", rep->sha256);
    render_tags(b, rec, "topics", "Learning topics", "topic", rep->sha256);
    render_recommendations(b, rec);
    render_source(b, rec);
    buf_addstr(b, "</article>\n");
    web_page_end(b);
}

void web_page_report(struct web_req *r, const char *rest)
{
    struct web_thread *t;
    struct catalog_report rep;
    struct cr_err err;
    json_t *rec;
    int found = 0, indexed;
    size_t n = strlen(rest);

    if (n == 0 || n > 15 || strspn(rest, "0123456789") != n) {
        web_error_page(r, 404, "No such report", "Reports are numbered: /report/12.");
        return;
    }
    t = web_thread_get(r);
    if (!t->cat) {
        web_error_page(r, 503, "Cannot read the catalogue", t->cat_error);
        return;
    }
    cr_err_clear(&err);
    if (catalog_report_get(t->cat, strtoll(rest, NULL, 10), &rep, &found, &err) < 0) {
        web_error_page(r, 500, "Cannot read the catalogue", err.msg);
        return;
    }
    if (!found) {
        web_error_page(r, 404, "No such report", "The repository holds no report with this "
                                                 "number; it may have been removed.");
        return;
    }
    rec = load_record(t->db, rep.sha256);
    indexed = rec != NULL;
    if (!rec)
        rec = record_from_catalogue(&rep);
    render_report(r, &rep, rec, indexed);
    json_decref(rec);
    catalog_report_release(&rep);
}
