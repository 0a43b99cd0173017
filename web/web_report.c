/*
 * /report/<id>: one report. Every field the repository holds for it and
 * where each came from, its themes and learning topics with the pages and
 * phrases that earned them, its recommendations and learning points, the
 * other documents of its review, links to open the file at a page and to
 * the address it was published at ("no longer online since …" when it has
 * gone), and, with ?q=, the pages that match the search with their snippets.
 *
 * The fields come from what the indexer's metadata derivation stored in the
 * catalogue (indexer/meta.h meta_load, the data of `casereview show`); a
 * report not yet described shows what the catalogue knows of its file.
 * Whether its source is still online comes from the crawler's view
 * crawl_report_status (lib/schema_crawl.c names it a reader's contract).
 */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/meta.h"
#include "lib/log.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/query.h"
#include "web/web_int.h"

#define MAX_PAGE_HITS 200

/* How each field is shown, in the order a reader wants them. */
enum kind { K_TEXT, K_ID, K_DATE };
static const struct {
    enum meta_field field;
    const char *label;
    enum kind kind;
    int filter;           /* the filter_field for labels, -1 when none */
} fields[] = {
    {META_PARTNERSHIP_NAME, "Partnership", K_TEXT, -1},
    {META_NATION, "Nation", K_ID, FILTER_NATION},
    {META_REVIEW_TYPE, "Review type", K_ID, FILTER_TYPE},
    {META_DOCUMENT_KIND, "Document", K_ID, FILTER_KIND},
    {META_CHILD, "Child", K_TEXT, -1},
    {META_PUBLISHED, "Published", K_DATE, -1},
    {META_EVENT, "Learning event", K_DATE, -1},
    {META_INCIDENT_YEAR, "Year of the incident", K_TEXT, -1},
    {META_CHILD_AGE, "Age of the child", K_TEXT, -1},
    {META_AGE_BAND, "Age band", K_ID, FILTER_AGE},
    {META_OUTCOME, "Outcome", K_ID, FILTER_OUTCOME},
    {META_REVIEW_MODEL, "Review model", K_ID, FILTER_MODEL},
    {META_REVIEW_ID, "Review", K_TEXT, -1},
    {META_FETCHED, "First fetched", K_DATE, -1},
};

/* Where a value came from, as meta.h names the sources, for people. */
static const char *source_words(const char *src)
{
    static const struct {
        const char *src, *words;
    } names[] = {
        {"user", "corrected by a user"},
        {"link", "from the link to it on the partnership's site"},
        {"text", "from the report's text"},
        {"layout", "from the report's first page"},
        {"info", "from the PDF's properties"},
        {"derived", "worked out from the other fields"},
    };

    for (size_t i = 0; src && i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(src, names[i].src))
            return names[i].words;
    return src;
}

static void field_row(struct buf *b, const char *label)
{
    buf_addf(b, "<div><dt>%s</dt><dd>", label);
}

static void field_end(struct buf *b, const char *src)
{
    if (src) {
        buf_addstr(b, " <span class=\"source\">(");
        web_esc(b, source_words(src));
        buf_addstr(b, ")</span>");
    }
    buf_addstr(b, "</dd></div>\n");
}

static void render_fields(struct buf *b, const struct web *w, const struct catalog_report *rep,
                          const struct meta_fields *f)
{
    buf_addstr(b, "<h2>About this report</h2>\n<dl class=\"fields\">\n");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = f->v[fields[i].field], *src = f->src[fields[i].field];
        if (!v || !*v)
            continue;
        field_row(b, fields[i].label);
        if (fields[i].kind == K_ID && fields[i].filter >= 0)
            web_label(b, w, (enum filter_field)fields[i].filter, v);
        else if (fields[i].kind == K_DATE)
            web_date_time(b, v);
        else
            web_esc(b, v);
        field_end(b, src);
    }
    buf_addf(b, "<div><dt>Pages</dt><dd>%d</dd></div>\n", rep->pages);
    buf_addstr(b, "<div><dt>File</dt><dd>");
    web_esc(b, rep->name ? rep->name : "");
    if (rep->bytes >= 1024 * 1024)
        buf_addf(b, " (%s, %.1f MB)</dd></div>\n", rep->format ? rep->format : "?",
                 (double)rep->bytes / (1024.0 * 1024.0));
    else
        buf_addf(b, " (%s, %lld KB)</dd></div>\n", rep->format ? rep->format : "?",
                 (long long)(rep->bytes + 1023) / 1024);
    buf_addstr(b, "<div><dt>Added to this repository</dt><dd>");
    web_date_time(b, rep->added_at ? rep->added_at : "");
    buf_addf(b, "</dd></div>\n<div><dt>sha256</dt><dd class=\"sha\">%s</dd></div>\n</dl>\n",
             rep->sha256);
}

static void page_link(struct buf *b, const char *sha, int page)
{
    buf_addf(b, "<a href=\"/file/%s#page=%d\">%d</a>", sha, page, page);
}

/* Themes or topics, each linking to the search for it, with its evidence. */
static void render_tags(struct buf *b, const struct web *w, const struct meta_fields *f,
                        enum taxonomy_kind kind, const char *sha)
{
    int field = kind == TAXONOMY_THEME ? FILTER_THEME : FILTER_TOPIC;
    const char *param = kind == TAXONOMY_THEME ? "theme" : "topic";
    int any = 0;

    for (size_t i = 0; i < f->ntags; i++) {
        const struct meta_tag *t = &f->tags[i];
        if (t->kind != kind)
            continue;
        if (!any++)
            buf_addf(b, "<h2>%s</h2>\n<ul class=\"tags\">\n",
                     kind == TAXONOMY_THEME ? "Themes" : "Learning topics");
        buf_addf(b, "<li><a href=\"/search?%s=", param);
        web_urlenc(b, t->id);
        buf_addstr(b, "\">");
        web_label(b, w, (enum filter_field)field, t->id);
        buf_addstr(b, "</a>");
        if (t->user) {
            buf_addstr(b, " <span class=\"pages\">(set by a user)</span>");
        } else if (t->npages) {
            buf_addf(b, " <span class=\"pages\">page%s ", t->npages == 1 ? "" : "s");
            for (size_t p = 0; p < t->npages; p++) {
                if (p)
                    buf_addstr(b, ", ");
                page_link(b, sha, t->pages[p]);
            }
            if (t->phrases && *t->phrases) {
                buf_addstr(b, ": “");
                web_esc(b, t->phrases);
                buf_addstr(b, "”");
            }
            buf_addstr(b, "</span>");
        }
        buf_addstr(b, "</li>\n");
    }
    if (any)
        buf_addstr(b, "</ul>\n");
}

static void render_items(struct buf *b, const struct meta_fields *f, const char *sha)
{
    static const char *const heads[] = {"Recommendations", "Learning points"};

    for (int k = 0; k < 2; k++) {
        int any = 0;
        for (size_t i = 0; i < f->nitems; i++) {
            const struct meta_item *it = &f->items[i];
            if ((int)it->kind != k)
                continue;
            if (!any++)
                buf_addf(b, "<h2>%s</h2>\n<ul class=\"recs\">\n", heads[k]);
            buf_addstr(b, "<li><span class=\"label\">");
            web_esc(b, it->label);
            /* "1" reads as "1." in a list; "Learning point 3" stays as it is */
            buf_addstr(b, it->label[0] && !it->label[strspn(it->label, "0123456789")] ? ".</span> "
                                                                                     : "</span> ");
            web_esc(b, it->text);
            buf_addstr(b, " <span class=\"pages\">(page ");
            page_link(b, sha, it->page);
            buf_addstr(b, ")</span></li>\n");
        }
        if (any)
            buf_addstr(b, "</ul>\n");
    }
}

struct siblings {
    struct buf *b;
    const struct web *w;
    int n;
};

static int sibling(int64_t id, const char *kind, const char *title, void *ctx)
{
    struct siblings *s = ctx;

    if (!s->n++)
        buf_addstr(s->b, "<h2>Other documents of this review</h2>\n<ul>\n");
    buf_addf(s->b, "<li><a href=\"/report/%lld\">", (long long)id);
    web_esc(s->b, title && *title ? title : "(untitled)");
    buf_addstr(s->b, "</a>");
    if (kind && *kind) {
        buf_addstr(s->b, " (");
        web_label(s->b, s->w, FILTER_KIND, kind);
        buf_addstr(s->b, ")");
    }
    buf_addstr(s->b, "</li>\n");
    return 0;
}

/* Where the report was published, and whether it still is (the crawler's view). */
static void render_source(struct buf *b, struct catalog *cat, int64_t id,
                          const struct meta_fields *f)
{
    const char *url = f->v[META_SOURCE_URL];
    sqlite3_stmt *st = NULL;
    int online = -1;
    char *gone = NULL;

    if (!url)
        return;
    if (catalog_prepare(cat, "SELECT online, gone_since FROM crawl_report_status "
                             "WHERE report_id = ?", &st, NULL) == 0) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            online = sqlite3_column_int(st, 0);
            if (sqlite3_column_text(st, 1))
                gone = xstrdup((const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
    }
    if (online < 0 && f->v[META_ONLINE])
        online = !strcmp(f->v[META_ONLINE], "true");
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
    if (online == 0) {
        buf_addstr(b, "<p class=\"offline\">No longer online");
        if (gone) {
            buf_addstr(b, " since ");
            web_date_time(b, gone);
        }
        buf_addstr(b, ". The copy here is the one kept when it was fetched.</p>\n");
    }
    free(gone);
}

/* The pages of this report that match q, by page, with their snippets. */
static int render_matches(struct web_req *r, const struct catalog_report *rep, const char *q,
                          struct cr_err *err)
{
    struct buf *b = &r->body;
    struct query_opts o;
    struct query_results res;
    int rc;

    memset(&o, 0, sizeof(o));
    o.text = q;
    o.vocab = r->w->o.vocab;
    o.sha256 = rep->sha256;
    o.pages = 1;
    o.limit = 1;
    rc = query_run(r->t->db, &o, &res, err);
    if (rc < 0)
        return rc;
    buf_addstr(b, "<h2 id=\"matches\">Pages that match <q>");
    web_esc(b, q);
    buf_addf(b, "</q> (%zu)</h2>\n", res.n ? res.hits[0].npages : 0);
    if (res.n && res.hits[0].npages) {
        buf_addstr(b, "<ol class=\"pagehits\">\n");
        for (size_t i = 0; i < res.hits[0].npages && i < MAX_PAGE_HITS; i++) {
            const struct query_page *p = &res.hits[0].pages[i];
            buf_addf(b, "<li><a href=\"/file/%s#page=%d\">Page %d</a>", rep->sha256, p->page,
                     p->page);
            if (p->snippet && *p->snippet) {
                buf_addstr(b, "<p class=\"snippet\">");
                web_snippet(b, p->snippet);
                buf_addstr(b, "</p>");
            }
            buf_addstr(b, "</li>\n");
        }
        buf_addstr(b, "</ol>\n");
    } else {
        buf_addstr(b, "<p>None of its pages match.</p>\n");
    }
    query_results_release(&res);
    return 0;
}

static void render_state(struct buf *b, const struct catalog_report *rep)
{
    if (rep->state && !strcmp(rep->state, "failed")) {
        buf_addstr(b, "<p class=\"warning\">Its text could not be read (");
        web_esc(b, rep->fail_reason ? rep->fail_reason : "failed");
        if (rep->fail_detail) {
            buf_addstr(b, ": ");
            web_esc(b, rep->fail_detail);
        }
        buf_addstr(b, "), so searches do not find it.</p>\n");
    } else if (!rep->state || strcmp(rep->state, "indexed")) {
        buf_addstr(b, "<p class=\"warning\">Not indexed yet: once 'casereview index' has run, "
                      "searches will find it.</p>\n");
    }
}

static void render_report(struct web_req *r, const struct catalog_report *rep,
                          const struct meta_fields *f)
{
    struct buf *b = &r->body;
    const char *title = f->v[META_TITLE] ? f->v[META_TITLE] : rep->title;
    const char *q = web_param(r, "q");
    struct siblings sib = {b, r->w, 0};
    struct cr_err err;

    web_page_start(b, title ? title : "Report", WEB_NAV_NONE);
    buf_addstr(b, "<article class=\"report\">\n<h1>");
    web_esc(b, title ? title : "(untitled)");
    buf_addf(b, "</h1>\n<p class=\"meta\">Report %lld</p>\n", (long long)rep->id);
    render_state(b, rep);
    buf_addf(b, "<p class=\"actions\"><a class=\"button\" href=\"/file/%s\">Open the %s</a>",
             rep->sha256, rep->format && !strcmp(rep->format, "pdf") ? "PDF" : "file");
    buf_addstr(b, " <a href=\"/search\">Search the reports</a></p>\n");
    cr_err_clear(&err);
    if (q && *q && r->t->db && render_matches(r, rep, q, &err) < 0) {
        buf_addstr(b, "<p class=\"error\" role=\"alert\">");
        web_esc(b, err.msg);
        buf_addstr(b, "</p>\n");
    }
    render_fields(b, r->w, rep, f);
    render_tags(b, r->w, f, TAXONOMY_THEME, rep->sha256);
    render_tags(b, r->w, f, TAXONOMY_TOPIC, rep->sha256);
    render_items(b, f, rep->sha256);
    /* the other documents are a help, not the page: a failure to list them shows nothing */
    if (f->v[META_REVIEW_ID] &&
        meta_siblings(r->t->cat, rep->id, f->v[META_REVIEW_ID], sibling, &sib, &err) < 0)
        log_debug("serve: report %lld: %s", (long long)rep->id, err.msg);
    if (sib.n)
        buf_addstr(b, "</ul>\n");
    render_source(b, r->t->cat, rep->id, f);
    buf_addstr(b, "</article>\n");
    web_page_end(b);
}

void web_page_report(struct web_req *r, const char *rest)
{
    struct web_thread *t;
    struct catalog_report rep;
    struct meta_fields f;
    struct cr_err err;
    int found = 0, described = 0;
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
    if (meta_load(t->cat, rep.id, &f, &described, &err) < 0) {
        web_error_page(r, 500, "Cannot read the catalogue", err.msg);
        catalog_report_release(&rep);
        return;
    }
    render_report(r, &rep, &f);
    meta_fields_release(&f);
    catalog_report_release(&rep);
}
