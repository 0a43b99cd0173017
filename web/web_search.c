/*
 * The search page (/search) and the home page (/): the search box with the
 * query language, dates and sorting, the filters in force, a sidebar of
 * facets whose counts narrow the results on a click, the results (title,
 * partnership, type, kind, date, best page, highlighted snippet), "did you
 * mean", paging, and the ways out: compare, learning pack, citations, save.
 *
 * The search itself is search/query.h's, the same as the command line's;
 * this file only reads the state from the URL (web_params.c) and draws it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/query.h"
#include "web/web_int.h"

#define FACET_SHOWN 8     /* values shown before "more" */
#define FACET_MAX 60      /* values listed at most per facet */

static const char *const months[] = {"January", "February", "March",     "April",
                                     "May",     "June",     "July",      "August",
                                     "September", "October", "November", "December"};

void web_date(struct buf *b, const char *iso)
{
    size_t n = iso ? strlen(iso) : 0;
    int m = n >= 7 ? atoi(iso + 5) : 0;

    if (n == 10 && m >= 1 && m <= 12 && atoi(iso + 8) >= 1)
        buf_addf(b, "%d %s %.4s", atoi(iso + 8), months[m - 1], iso);
    else if (n == 7 && m >= 1 && m <= 12)
        buf_addf(b, "%s %.4s", months[m - 1], iso);
    else
        web_esc(b, iso);
}

void web_date_time(struct buf *b, const char *iso)
{
    char day[11];

    if (iso && strlen(iso) > 10 && iso[10] == 'T') {
        memcpy(day, iso, 10);
        day[10] = '\0';
        web_date(b, day);
        return;
    }
    web_date(b, iso);
}

static const char *rec_str(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));

    return s && *s ? s : NULL;
}

void web_record_meta(struct buf *b, const struct web *w, json_t *rec)
{
    static const struct {
        const char *key;
        int field;        /* -1: shown as it is */
    } parts[] = {
        {"partnership", -1},
        {"review_type", FILTER_TYPE},
        {"document_kind", FILTER_KIND},
    };
    const char *published = rec_str(rec, "published");
    int any = 0;

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const char *v = rec_str(rec, parts[i].key);
        if (!v)
            continue;
        if (any++)
            buf_addstr(b, " · ");
        if (parts[i].field < 0)
            web_esc(b, v);
        else
            web_label(b, w, (enum filter_field)parts[i].field, v);
    }
    if (published) {
        if (any++)
            buf_addstr(b, " · ");
        buf_addstr(b, "<time datetime=\"");
        web_esc(b, published);
        buf_addstr(b, "\">");
        web_date(b, published);
        buf_addstr(b, "</time>");
    }
}

void web_query_opts(const struct web *w, const struct web_search *s, struct query_opts *o,
                    struct query_filter *filters)
{
    static const enum query_sort sorts[] = {
        [WEB_SORT_RELEVANCE] = QUERY_SORT_RELEVANCE,
        [WEB_SORT_NEWEST] = QUERY_SORT_DATE_DESC,
        [WEB_SORT_OLDEST] = QUERY_SORT_DATE,
    };
    size_t n = 0;

    memset(o, 0, sizeof(*o));
    o->text = s->q;
    for (int f = 0; f < WEB_F_COUNT; f++)
        for (size_t i = 0; i < s->nvals[f]; i++)
            filters[n++] = (struct query_filter){web_fields[f].field, s->vals[f][i]};
    o->filters = filters;
    o->nfilters = n;
    o->from = s->from;
    o->to = s->to;
    o->vocab = w->o.vocab;
    o->sort = sorts[s->sort];
    o->offset = (s->page - 1) * s->per_page;
    o->limit = s->per_page;
    o->exact = 1;
}

int web_status_of(int rc)
{
    if (rc == CR_EQUERY || rc == CR_EINVAL)
        return 400;
    if (rc == CR_ENOTFOUND)
        return 503;
    return 500;
}

static int any_filter(const struct web_search *s)
{
    int any = s->from || s->to;

    for (int f = 0; f < WEB_F_COUNT; f++)
        any |= s->nvals[f] > 0;
    return any;
}

static void hidden(struct buf *b, const char *name, const char *value)
{
    buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    web_esc(b, value);
    buf_addstr(b, "\">\n");
}

static void sort_option(struct buf *b, const struct web_search *s, enum web_sort v,
                        const char *value, const char *label)
{
    buf_addf(b, "<option value=\"%s\"%s>%s</option>", value,
             s->sort == v ? " selected" : "", label);
}

static void date_input(struct buf *b, const char *name, const char *label, const char *value)
{
    buf_addf(b, "<div><label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" type=\"text\" "
                "inputmode=\"numeric\" maxlength=\"10\" placeholder=\"YYYY\" "
                "pattern=\"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\" value=\"",
             name, label, name, name);
    web_esc(b, value ? value : "");
    buf_addstr(b, "\"></div>\n");
}

static void render_form(struct buf *b, const struct web_search *s, const char *error)
{
    buf_addstr(b, "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">\n"
                  "<label for=\"q\">Search the full text of the reports</label>\n"
                  "<div class=\"box\"><input id=\"q\" name=\"q\" type=\"search\" value=\"");
    web_esc(b, s->q);
    buf_addstr(b, "\" maxlength=\"4096\" aria-describedby=\"q-help");
    if (error)
        buf_addstr(b, " q-error\" aria-invalid=\"true");
    buf_addstr(b, "\"><button type=\"submit\">Search</button></div>\n");
    if (error) {
        buf_addstr(b, "<p id=\"q-error\" class=\"error\" role=\"alert\">");
        web_esc(b, error);
        buf_addstr(b, "</p>\n");
    }
    buf_addstr(b, "<p id=\"q-help\" class=\"help\">Words find their other forms (neglected "
                  "finds neglect). Use \"quoted phrases\", AND, OR, NOT in capitals, "
                  "parentheses, neglect* for words that start so, and fields such as "
                  "title:, theme:, partnership:, type:, rec: (in recommendations) or "
                  "published:2019..2021.</p>\n");
    /* the filters in force ride along with a new query */
    for (int f = 0; f < WEB_F_COUNT; f++)
        for (size_t i = 0; i < s->nvals[f]; i++)
            hidden(b, web_fields[f].param, s->vals[f][i]);
    if (s->from)
        hidden(b, "from", s->from);
    if (s->to)
        hidden(b, "to", s->to);
    if (s->sort != WEB_SORT_RELEVANCE)
        hidden(b, "sort", s->sort == WEB_SORT_NEWEST ? "-date" : "date");
    buf_addstr(b, "</form>\n");
    /* a form of its own, so that a plain search keeps a plain address (/search?q=…) */
    buf_addf(b, "<details class=\"more\"%s><summary>Dates and order</summary>\n"
                "<form class=\"filters\" action=\"/search\" method=\"get\">\n",
             s->from || s->to || s->sort != WEB_SORT_RELEVANCE ? " open" : "");
    if (*s->q)
        hidden(b, "q", s->q);
    for (int f = 0; f < WEB_F_COUNT; f++)
        for (size_t i = 0; i < s->nvals[f]; i++)
            hidden(b, web_fields[f].param, s->vals[f][i]);
    date_input(b, "from", "Published from", s->from);
    date_input(b, "to", "to", s->to);
    buf_addstr(b, "<div><label for=\"sort\">Order</label><select id=\"sort\" name=\"sort\">");
    sort_option(b, s, WEB_SORT_RELEVANCE, "relevance", "Best match first");
    sort_option(b, s, WEB_SORT_NEWEST, "-date", "Newest first");
    sort_option(b, s, WEB_SORT_OLDEST, "date", "Oldest first");
    buf_addstr(b, "</select></div>\n<div><button type=\"submit\" class=\"secondary\">Apply"
                  "</button></div>\n</form>\n</details>\n");
}

/* Filters in force, each a link that removes it. */
static void render_active(struct buf *b, const struct web *w, const struct web_search *s)
{
    if (!any_filter(s))
        return;
    buf_addstr(b, "<div class=\"active\"><h2 class=\"visually-hidden\">Filters in force</h2>"
                  "<ul>\n");
    for (int f = 0; f < WEB_F_COUNT; f++) {
        for (size_t i = 0; i < s->nvals[f]; i++) {
            struct web_edit e = WEB_EDIT_NONE;
            e.field = f;
            e.value = s->vals[f][i];
            e.remove = 1;
            e.keep_page = 0;
            buf_addstr(b, "<li><a href=\"");
            web_search_href(b, "/search", s, &e);
            buf_addf(b, "\"><span class=\"visually-hidden\">Remove </span>%s: ",
                     web_fields[f].label);
            web_label(b, w, web_fields[f].field, s->vals[f][i]);
            buf_addstr(b, " <span aria-hidden=\"true\">×</span></a></li>\n");
        }
    }
    if (s->from || s->to) {
        struct web_edit e = WEB_EDIT_NONE;
        e.drop_dates = 1;
        e.keep_page = 0;
        buf_addstr(b, "<li><a href=\"");
        web_search_href(b, "/search", s, &e);
        buf_addstr(b, "\"><span class=\"visually-hidden\">Remove </span>Published ");
        if (s->from && s->to && !strcmp(s->from, s->to)) {
            buf_addstr(b, "in ");
            web_date(b, s->from);
        } else {
            if (s->from) {
                buf_addstr(b, "from ");
                web_date(b, s->from);
            }
            if (s->to) {
                buf_addstr(b, s->from ? " to " : "up to ");
                web_date(b, s->to);
            }
        }
        buf_addstr(b, " <span aria-hidden=\"true\">×</span></a></li>\n");
    }
    buf_addstr(b, "</ul></div>\n");
}

/* One facet value: a link that adds it (or, when in force, removes it), and its count. */
static void facet_value(struct buf *b, const struct web *w, const struct web_search *s, int wf,
                        const struct query_facet_count *v)
{
    struct web_edit e = WEB_EDIT_NONE;
    int on;

    e.keep_page = 0;
    if (wf < 0) { /* years: a date range of one year */
        on = s->from && s->to && !strcmp(s->from, v->value) && !strcmp(s->to, v->value);
        if (on)
            e.drop_dates = 1;
        else
            e.set_from = e.set_to = v->value;
    } else {
        on = web_search_has(s, wf, v->value);
        e.field = wf;
        e.value = v->value;
        e.remove = on;
    }
    buf_addstr(b, "<li><a href=\"");
    web_search_href(b, "/search", s, &e);
    buf_addf(b, "\"%s>", on ? " aria-current=\"true\"" : "");
    if (on)
        buf_addstr(b, "<span class=\"visually-hidden\">Remove </span>");
    if (wf < 0)
        web_esc(b, v->value);
    else
        web_label(b, w, web_fields[wf].field, v->value);
    buf_addf(b, "</a> <span class=\"count\">%u<span class=\"visually-hidden\"> report%s"
                "</span></span></li>\n",
             v->count, v->count == 1 ? "" : "s");
}

static int web_field_of(enum filter_field f)
{
    for (int i = 0; i < WEB_F_COUNT; i++)
        if (web_fields[i].field == f)
            return i;
    return -1;
}

static void render_facet(struct buf *b, const struct web *w, const struct web_search *s,
                         const struct query_facet_result *fr)
{
    int wf = web_field_of(fr->field);
    const char *heading = wf >= 0 ? web_fields[wf].plural : "Years";
    size_t n = fr->n < FACET_MAX ? fr->n : FACET_MAX;

    if (!n)
        return;
    buf_addf(b, "<h3>%s</h3>\n<ul>\n", heading);
    for (size_t i = 0; i < n && i < FACET_SHOWN; i++)
        facet_value(b, w, s, wf, &fr->values[i]);
    buf_addstr(b, "</ul>\n");
    if (n > FACET_SHOWN) {
        buf_addf(b, "<details><summary>%zu more <span class=\"visually-hidden\">%s</span>"
                    "</summary>\n<ul>\n", n - FACET_SHOWN, heading);
        for (size_t i = FACET_SHOWN; i < n; i++)
            facet_value(b, w, s, wf, &fr->values[i]);
        buf_addstr(b, "</ul>\n</details>\n");
    }
}

static void render_facets(struct buf *b, const struct web *w, const struct web_search *s,
                          const struct query_results *res)
{
    static const enum query_facet order[] = {
        QUERY_FACET_THEME, QUERY_FACET_TOPIC, QUERY_FACET_TYPE,        QUERY_FACET_KIND,
        QUERY_FACET_NATION, QUERY_FACET_PARTNERSHIP, QUERY_FACET_YEAR,
    };

    if (!res->has_facets || !res->total)
        return;
    buf_addstr(b, "<aside class=\"facets\" aria-labelledby=\"facets-h\">\n"
                  "<h2 id=\"facets-h\">Narrow the results</h2>\n");
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        render_facet(b, w, s, &res->facets[order[i]]);
    buf_addstr(b, "</aside>\n");
}

static void render_hit(struct buf *b, const struct web *w, const struct web_search *s,
                       const struct query_hit *h)
{
    json_t *rec = h->record;
    const char *title = rec_str(rec, "title"), *sha = rec_str(rec, "sha256");
    json_int_t id = json_integer_value(json_object_get(rec, "id"));
    json_int_t pages = json_integer_value(json_object_get(rec, "pages"));
    size_t meta_at;

    buf_addf(b, "<li class=\"hit\">\n<h3><a href=\"/report/%lld", (long long)id);
    if (*s->q) {
        buf_addstr(b, "?q=");
        web_urlenc(b, s->q); /* its output holds no HTML specials */
    }
    buf_addstr(b, "\">");
    web_esc(b, title ? title : "(untitled)");
    buf_addstr(b, "</a></h3>\n");
    meta_at = b->len;
    buf_addstr(b, "<p class=\"meta\">");
    web_record_meta(b, w, rec);
    if (b->len == meta_at + strlen("<p class=\"meta\">"))
        buf_truncate(b, meta_at); /* nothing known yet beyond the title */
    else
        buf_addstr(b, "</p>\n");
    if (h->snippet && *h->snippet) {
        buf_addstr(b, "<p class=\"snippet\">");
        web_snippet(b, h->snippet);
        buf_addstr(b, "</p>\n");
    }
    buf_addstr(b, "<p class=\"links\">");
    if (sha && store_sha_ok(sha))
        buf_addf(b, "<a href=\"/file/%s#page=%d\">Open the PDF at page %d</a> · ", sha,
                 h->best_page, h->best_page);
    buf_addf(b, "%lld page%s</p>\n</li>\n", (long long)pages, pages == 1 ? "" : "s");
}

static void render_pager(struct buf *b, const struct web_search *s, uint32_t total)
{
    unsigned pages = (unsigned)((total + s->per_page - 1) / s->per_page);

    if (pages > WEB_MAX_PAGE)
        pages = WEB_MAX_PAGE;
    if (pages <= 1)
        return;
    buf_addstr(b, "<nav class=\"pager\" aria-label=\"Result pages\"><ul>\n");
    if (s->page > 1) {
        struct web_edit e = WEB_EDIT_NONE;
        e.keep_page = 0;
        e.page = s->page - 1;
        buf_addstr(b, "<li><a rel=\"prev\" href=\"");
        web_search_href(b, "/search", s, &e);
        buf_addstr(b, "\">Previous</a></li>\n");
    }
    buf_addf(b, "<li aria-current=\"page\">Page %u of %u</li>\n", s->page, pages);
    if (s->page < pages) {
        struct web_edit e = WEB_EDIT_NONE;
        e.keep_page = 0;
        e.page = s->page + 1;
        buf_addstr(b, "<li><a rel=\"next\" href=\"");
        web_search_href(b, "/search", s, &e);
        buf_addstr(b, "\">Next</a></li>\n");
    }
    buf_addstr(b, "</ul></nav>\n");
}

/* What to do with these results: compare them, take them away, be told of new ones. */
static void render_actions(struct buf *b, const struct web_search *s, uint32_t total)
{
    struct web_edit e = WEB_EDIT_NONE;

    if (!total)
        return;
    e.keep_page = 0;
    buf_addstr(b, "<section class=\"take\" aria-labelledby=\"take-h\">\n"
                  "<h2 id=\"take-h\">Use these results</h2>\n<ul>\n<li><a href=\"");
    web_search_href(b, "/compare", s, &e);
    buf_addstr(b, "\">Compare them</a> by partnership, nation, year or review type against "
                  "themes or learning topics</li>\n<li><a href=\"");
    web_search_href(b, "/pack", s, &e);
    buf_addf(b, "\">Download a learning pack</a> (.zip: the PDFs with readable names, an "
                "index and citations)%s</li>\n<li><a href=\"",
             total > WEB_MAX_PACK ? "; the first " WEB_MAX_PACK_S " reports" : "");
    web_search_href(b, "/citations.ris", s, &e);
    buf_addstr(b, "\">Download the citations</a> (.ris, for Zotero, EndNote or Mendeley)"
                  "</li>\n</ul>\n");
    buf_addstr(b, "<form class=\"save\" action=\"/saved\" method=\"post\">\n"
                  "<label for=\"save-name\">Save this search, to be told of new reports "
                  "that match it</label>\n<div class=\"box\"><input id=\"save-name\" "
                  "name=\"name\" type=\"text\" maxlength=\"64\" required>"
                  "<button type=\"submit\" class=\"secondary\">Save</button></div>\n");
    if (*s->q)
        hidden(b, "q", s->q);
    for (int f = 0; f < WEB_F_COUNT; f++)
        for (size_t i = 0; i < s->nvals[f]; i++)
            hidden(b, web_fields[f].param, s->vals[f][i]);
    if (s->from)
        hidden(b, "from", s->from);
    if (s->to)
        hidden(b, "to", s->to);
    buf_addstr(b, "</form>\n</section>\n");
}

static void render_results(struct buf *b, const struct web *w, const struct web_search *s,
                           const struct query_results *res)
{
    unsigned first = (s->page - 1) * s->per_page;

    buf_addstr(b, "<section class=\"results\" aria-labelledby=\"results-h\">\n");
    if (res->total == 0 && res->n == 0)
        buf_addstr(b, "<h2 id=\"results-h\">No reports match</h2>\n");
    else if (res->n == 0)
        buf_addf(b, "<h2 id=\"results-h\">%u report%s match; this page is past the last</h2>\n",
                 res->total, res->total == 1 ? "" : "s");
    else
        buf_addf(b, "<h2 id=\"results-h\">%u report%s match%s <span class=\"range\">"
                    "(%u–%zu)</span></h2>\n",
                 res->total, res->total == 1 ? "" : "s", res->total == 1 ? "es" : "",
                 first + 1, first + res->n);
    if (res->corrected) {
        struct web_edit e = WEB_EDIT_NONE;
        e.q = res->corrected;
        e.keep_page = 0;
        buf_addstr(b, "<p class=\"suggest\">Did you mean <a href=\"");
        web_search_href(b, "/search", s, &e);
        buf_addstr(b, "\">");
        web_esc(b, res->corrected);
        buf_addstr(b, "</a>?</p>\n");
    }
    if (res->n) {
        buf_addf(b, "<ol class=\"hits\" start=\"%u\">\n", first + 1);
        for (size_t i = 0; i < res->n; i++)
            render_hit(b, w, s, &res->hits[i]);
        buf_addstr(b, "</ol>\n");
    }
    render_pager(b, s, res->total);
    render_actions(b, s, res->total);
    buf_addstr(b, "</section>\n");
}

/* Runs the search for s into res. */
static int run(struct web_req *r, const struct web_search *s, struct query_results *res,
               struct cr_err *err)
{
    struct web_thread *t = web_thread_get(r);
    struct query_filter filters[WEB_F_COUNT * WEB_MAX_VALUES];
    struct query_opts o;

    if (!t->db)
        return cr_error(err, CR_ENOTFOUND, "there is no index yet: add reports and run "
                                           "'casereview index', then reload this page");
    web_query_opts(r->w, s, &o, filters);
    o.facets = 1;
    return query_run(t->db, &o, res, err);
}

static void search_page(struct web_req *r, int home)
{
    struct web_search s;
    struct query_results res;
    struct cr_err err;
    struct buf *b = &r->body;
    int rc;

    cr_err_clear(&err);
    memset(&res, 0, sizeof(res));
    rc = web_search_parse(r, &s, &err);
    if (rc == 0)
        rc = run(r, &s, &res, &err);
    if (rc < 0)
        r->status = web_status_of(rc);
    web_page_start(b, home ? "Search the case reviews" : *s.q ? s.q : "All reports",
                   WEB_NAV_SEARCH);
    buf_addstr(b, home ? "<h1>Search the case reviews</h1>\n" : "<h1>Search</h1>\n");
    render_form(b, &s, rc < 0 ? err.msg : NULL);
    if (rc == 0) {
        render_active(b, r->w, &s);
        if (res.has_facets && res.total)
            /* on a narrow screen the facets come after the results: a way down to them */
            buf_addstr(b, "<p class=\"jump\"><a href=\"#facets-h\">Narrow the results by "
                          "theme, topic, type, partnership or year</a></p>\n");
        buf_addstr(b, "<div class=\"layout\">\n");
        render_results(b, r->w, &s, &res);
        render_facets(b, r->w, &s, &res);
        buf_addstr(b, "</div>\n");
    }
    web_page_end(b);
    query_results_release(&res);
}

void web_page_search(struct web_req *r)
{
    search_page(r, 0);
}

void web_page_home(struct web_req *r)
{
    search_page(r, 1);
}
