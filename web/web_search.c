/*
 * The search page (/search) and the home page (/): the search box with the
 * query language, the active filters, the results (title, partnership,
 * type, kind, date, best page, highlighted snippet), "did you mean" and
 * paging. The search itself is search/query.h's, the same as the command
 * line's; this file only reads the state from the URL and draws it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/query.h"
#include "web/web_int.h"

static const char *const months[] = {"January", "February", "March",     "April",
                                     "May",     "June",     "July",      "August",
                                     "September", "October", "November", "December"};

void web_date(struct buf *b, const char *iso)
{
    size_t n = iso ? strlen(iso) : 0;
    int m = n >= 7 ? atoi(iso + 5) : 0;

    if (n == 10 && m >= 1 && m <= 12)
        buf_addf(b, "%d %s %.4s", atoi(iso + 8), months[m - 1], iso);
    else if (n == 7 && m >= 1 && m <= 12)
        buf_addf(b, "%s %.4s", months[m - 1], iso);
    else
        web_esc(b, iso);
}

static const char *rec_str(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));

    return s && *s ? s : NULL;
}

void web_record_meta(struct buf *b, json_t *rec)
{
    static const char *const keys[] = {"partnership", "review_type", "document_kind"};
    const char *published = rec_str(rec, "published");
    int any = 0;

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = rec_str(rec, keys[i]);
        if (!v)
            continue;
        if (any++)
            buf_addstr(b, " · ");
        web_id_label(b, v);
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

static void hidden(struct buf *b, const char *name, const char *value)
{
    buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    web_esc(b, value);
    buf_addstr(b, "\">\n");
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
                  "parentheses, and title:word.</p>\n");
    /* the filters in force ride along with a new query */
    for (int f = 0; f < WEB_F_COUNT; f++)
        for (size_t i = 0; i < s->nvals[f]; i++)
            hidden(b, web_fields[f].param, s->vals[f][i]);
    if (s->from)
        hidden(b, "from", s->from);
    if (s->to)
        hidden(b, "to", s->to);
    buf_addstr(b, "</form>\n");
}

/* Filters in force, each with a link that removes it. */
static void render_active(struct buf *b, const struct web_search *s)
{
    int any = s->from || s->to;

    for (int f = 0; f < WEB_F_COUNT; f++)
        any |= s->nvals[f] > 0;
    if (!any)
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
            web_id_label(b, s->vals[f][i]);
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
        if (s->from) {
            buf_addstr(b, "from ");
            web_date(b, s->from);
        }
        if (s->to) {
            buf_addstr(b, s->from ? " to " : "up to ");
            web_date(b, s->to);
        }
        buf_addstr(b, " <span aria-hidden=\"true\">×</span></a></li>\n");
    }
    buf_addstr(b, "</ul></div>\n");
}

static void render_hit(struct buf *b, const struct web_search *s, const struct query_hit *h)
{
    json_t *rec = h->record;
    const char *title = rec_str(rec, "title"), *sha = rec_str(rec, "sha256");
    json_int_t id = json_integer_value(json_object_get(rec, "id"));
    json_int_t pages = json_integer_value(json_object_get(rec, "pages"));
    size_t meta_at;

    buf_addf(b, "<li class=\"hit\">\n<h3><a href=\"/report/%lld", (long long)id);
    if (*s->q) {
        buf_addstr(b, "?q=");
        web_urlenc(b, s->q); /* urlenc output holds no HTML specials but '&', never made */
    }
    buf_addstr(b, "\">");
    web_esc(b, title ? title : "(untitled)");
    buf_addstr(b, "</a></h3>\n");
    meta_at = b->len;
    buf_addstr(b, "<p class=\"meta\">");
    web_record_meta(b, rec);
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

static void render_results(struct buf *b, const struct web_search *s,
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
            render_hit(b, s, &res->hits[i]);
        buf_addstr(b, "</ol>\n");
    }
    render_pager(b, s, res->total);
    buf_addstr(b, "</section>\n");
}

/* The filters and sorting that search/ does not offer yet, named rather than ignored. */
static void render_unsupported(struct buf *b, const struct web_search *s)
{
    int any = s->from || s->to || s->sort != WEB_SORT_RELEVANCE;

    for (int f = 0; f < WEB_F_COUNT; f++)
        any |= s->nvals[f] > 0;
    if (any)
        buf_addstr(b, "<p class=\"warning\" role=\"status\">Filtering and sorting are not "
                      "available in this version yet: these results are for the words "
                      "alone.</p>\n");
}

/* Runs the search for s; fills res, or returns an error page. 0 on success. */
static int run(struct web_req *r, const struct web_search *s, struct query_results *res,
               struct cr_err *err)
{
    struct web_thread *t = web_thread_get(r);
    struct query_opts o;

    if (!t->db)
        return cr_error(err, CR_ENOTFOUND, "there is no index yet: add reports and run "
                                           "'casereview index', then reload this page");
    memset(&o, 0, sizeof(o));
    o.text = s->q;
    o.offset = (s->page - 1) * s->per_page;
    o.limit = s->per_page;
    o.exact = 1;
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
        rc = query_validate(s.q, &err);
    if (rc == 0)
        rc = run(r, &s, &res, &err);
    if (rc < 0)
        r->status = rc == CR_ENOTFOUND ? 503 : (rc == CR_EINVAL || rc == CR_EQUERY) ? 400 : 500;
    web_page_start(b, home ? "Search the case reviews" : *s.q ? s.q : "All reports",
                   WEB_NAV_SEARCH);
    buf_addstr(b, home ? "<h1>Search the case reviews</h1>\n" : "<h1>Search</h1>\n");
    render_form(b, &s, rc < 0 ? err.msg : NULL);
    if (rc == 0) {
        render_active(b, &s);
        render_unsupported(b, &s);
        render_results(b, &s, &res);
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
