/*
 * Saved searches and news (/saved): how a practitioner hears of new reviews
 * on a theme. The page lists each saved search (search/saved.h, the same as
 * `casereview saved`) with the reports that entered the repository since it
 * was last marked as seen; a form on the search page saves the search in
 * view, and buttons here mark one as seen or forget it.
 *
 * These three POSTs are the only writes the server makes, and they touch
 * nothing but the saved searches: each opens its own short-lived writable
 * catalogue connection (the threads' handles stay read-only), and answers
 * with a redirect, so that reloading the page never repeats them. A POST
 * from another site's page is refused (see web_post_allowed).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/isotime.h"
#include "lib/xalloc.h"
#include "search/saved.h"
#include "web/web_int.h"

#define NEWS_SHOWN 10

static int web_field_of(enum filter_field f)
{
    for (int i = 0; i < WEB_F_COUNT; i++)
        if (web_fields[i].field == f)
            return i;
    return -1;
}

/* The search state of saved options (strings borrowed from o). */
static void state_of(const struct query_opts *o, struct web_search *s)
{
    memset(s, 0, sizeof(*s));
    s->q = o->text ? o->text : "";
    for (size_t i = 0; i < o->nfilters; i++) {
        int wf = web_field_of(o->filters[i].field);
        if (wf >= 0 && s->nvals[wf] < WEB_MAX_VALUES)
            s->vals[wf][s->nvals[wf]++] = o->filters[i].value;
    }
    s->from = o->from;
    s->to = o->to;
    s->sort = o->sort == QUERY_SORT_DATE_DESC ? WEB_SORT_NEWEST
              : o->sort == QUERY_SORT_DATE    ? WEB_SORT_OLDEST
                                              : WEB_SORT_RELEVANCE;
    s->page = 1;
    s->per_page = WEB_PER_PAGE;
}

/* "“neglect” · Theme: Neglect · Published from 2019" (HTML). */
static void describe(struct buf *b, const struct web *w, const struct web_search *s)
{
    if (*s->q) {
        buf_addstr(b, "“");
        web_esc(b, s->q);
        buf_addstr(b, "”");
    }
    for (int f = 0; f < WEB_F_COUNT; f++) {
        for (size_t i = 0; i < s->nvals[f]; i++) {
            buf_addf(b, "%s%s: ", b->len ? " · " : "", web_fields[f].label);
            web_label(b, w, web_fields[f].field, s->vals[f][i]);
        }
    }
    if (s->from || s->to) {
        buf_addstr(b, b->len ? " · Published " : "Published ");
        if (s->from) {
            buf_addstr(b, "from ");
            web_date(b, s->from);
        }
        if (s->to) {
            buf_addstr(b, s->from ? " to " : "up to ");
            web_date(b, s->to);
        }
    }
}

static void hidden_name(struct buf *b, const char *name)
{
    buf_addstr(b, "<input type=\"hidden\" name=\"name\" value=\"");
    web_esc(b, name);
    buf_addstr(b, "\">");
}

static void render_news(struct buf *b, struct web_req *r, const struct query_saved *sv)
{
    struct query_opts o = sv->opts;
    struct query_results res;
    struct cr_err err;

    o.vocab = r->w->o.vocab;
    o.added_after = sv->asked_at;
    o.offset = 0;
    o.limit = NEWS_SHOWN;
    o.exact = 1;
    o.no_snippets = 1;
    o.facets = 0;
    o.pages = 0;
    cr_err_clear(&err);
    if (!r->t->db || query_run(r->t->db, &o, &res, &err) < 0) {
        buf_addstr(b, "<p class=\"error\">");
        web_esc(b, r->t->db ? err.msg : "there is no index yet");
        buf_addstr(b, "</p>\n");
        return;
    }
    if (!res.total) {
        buf_addstr(b, "<p>Nothing new since ");
        web_date_time(b, sv->asked_at);
        buf_addstr(b, ".</p>\n");
    } else {
        buf_addf(b, "<p class=\"new\"><strong>%u new report%s</strong> since ", res.total,
                 res.total == 1 ? "" : "s");
        web_date_time(b, sv->asked_at);
        buf_addstr(b, ":</p>\n<ul>\n");
        for (size_t i = 0; i < res.n; i++) {
            json_t *rec = res.hits[i].record;
            const char *title = json_string_value(json_object_get(rec, "title"));
            buf_addf(b, "<li><a href=\"/report/%lld\">",
                     (long long)json_integer_value(json_object_get(rec, "id")));
            web_esc(b, title && *title ? title : "(untitled)");
            buf_addstr(b, "</a></li>\n");
        }
        buf_addstr(b, "</ul>\n");
    }
    query_results_release(&res);
}

struct listing {
    struct web_req *r;
    int n;
};

static int render_saved(const struct query_saved *sv, void *ctx)
{
    struct listing *l = ctx;
    struct buf *b = &l->r->body;
    struct web_search s;
    struct web_edit e = WEB_EDIT_NONE;
    struct buf what = BUF_INIT;

    l->n++;
    state_of(&sv->opts, &s);
    describe(&what, l->r->w, &s);
    buf_addstr(b, "<section class=\"saved\">\n<h2>");
    web_esc(b, sv->name);
    buf_addstr(b, "</h2>\n<p class=\"meta\">");
    buf_addstr(b, what.len ? what.data : "Every report");
    buf_addstr(b, " · saved ");
    web_date_time(b, sv->created_at);
    buf_addstr(b, " · <a href=\"");
    web_search_href(b, "/search", &s, &e);
    buf_addstr(b, "\">every report it finds</a></p>\n");
    render_news(b, l->r, sv);
    buf_addstr(b, "<div class=\"actions\"><form method=\"post\" action=\"/saved/seen\">");
    hidden_name(b, sv->name);
    buf_addstr(b, "<button type=\"submit\" class=\"secondary\">Mark as seen</button></form>"
                  "<form method=\"post\" action=\"/saved/remove\">");
    hidden_name(b, sv->name);
    buf_addstr(b, "<button type=\"submit\" class=\"secondary\">Forget this search</button>"
                  "</form></div>\n</section>\n");
    buf_release(&what);
    return 0;
}

void web_page_saved(struct web_req *r)
{
    struct web_thread *t = web_thread_get(r);
    struct listing l = {r, 0};
    struct buf *b = &r->body;
    const char *done = web_param(r, "done"), *name = web_param(r, "name");
    struct cr_err err;

    if (!t->cat) {
        web_error_page(r, 503, "Cannot read the catalogue", t->cat_error);
        return;
    }
    web_page_start(b, "Saved searches", WEB_NAV_SAVED);
    buf_addstr(b, "<h1>Saved searches</h1>\n");
    if (done && name && (!strcmp(done, "saved") || !strcmp(done, "seen") ||
                         !strcmp(done, "removed"))) {
        buf_addstr(b, "<p class=\"done\" role=\"status\">");
        buf_addstr(b, !strcmp(done, "saved") ? "Saved" : !strcmp(done, "seen") ? "Marked as seen"
                                                                               : "Forgot");
        buf_addstr(b, " “");
        web_esc(b, name);
        buf_addstr(b, "”.</p>\n");
    }
    buf_addstr(b, "<p>Each search lists the reports that entered the repository since you last "
                  "marked it as seen. Save a search from the bottom of its results.</p>\n");
    cr_err_clear(&err);
    if (query_saved_each(t->cat, render_saved, &l, &err) < 0) {
        buf_addstr(b, "<p class=\"error\">");
        web_esc(b, err.msg);
        buf_addstr(b, "</p>\n");
    } else if (!l.n) {
        buf_addstr(b, "<p>No search is saved yet.</p>\n");
    }
    web_page_end(b);
}

/* Sends the browser back to the list with what was done. */
static void redirect(struct web_req *r, const char *done, const char *name)
{
    struct buf u = BUF_INIT;

    buf_addf(&u, "/saved?done=%s&name=", done);
    web_urlenc(&u, name);
    web_header(r, "Location", u.data);
    buf_release(&u);
    r->status = 303;
    buf_addstr(&r->body, "See /saved\n");
    r->ctype = "text/plain; charset=utf-8";
}

/* A short-lived writable catalogue for one change. */
static int open_rw(struct web_req *r, struct catalog **c, struct cr_err *err)
{
    return catalog_open(c, r->w->o.home->catalog, 0, err);
}

static void save(struct web_req *r, const char *name)
{
    struct web_search s;
    struct query_filter filters[WEB_F_COUNT * WEB_MAX_VALUES];
    struct query_opts o;
    struct query_results res;
    struct catalog *c = NULL;
    struct cr_err err;
    int rc;

    cr_err_clear(&err);
    rc = web_search_parse(r, &s, &err);
    if (rc == 0) {
        /* a search that cannot run (an unknown theme…) is not worth keeping */
        web_query_opts(r->w, &s, &o, filters);
        o.limit = 1;
        o.no_snippets = 1;
        rc = r->t->db ? query_run(r->t->db, &o, &res, &err) : 0;
        if (rc == 0 && r->t->db)
            query_results_release(&res);
    }
    if (rc == 0)
        rc = open_rw(r, &c, &err);
    if (rc == 0)
        rc = query_saved_put(c, name, &o, &err);
    catalog_close(c);
    if (rc < 0) {
        web_error_page(r, web_status_of(rc), "Cannot save the search", err.msg);
        return;
    }
    redirect(r, "saved", name);
}

static void seen_or_remove(struct web_req *r, const char *name, int remove)
{
    struct catalog *c = NULL;
    struct cr_err err;
    char now[ISOTIME_LEN];
    int found = 1, rc;

    cr_err_clear(&err);
    rc = open_rw(r, &c, &err);
    if (rc == 0 && remove) {
        rc = query_saved_remove(c, name, &found, &err);
    } else if (rc == 0) {
        isotime_format(isotime_now(), now);
        rc = query_saved_asked(c, name, now, &err);
    }
    catalog_close(c);
    if (rc < 0) {
        web_error_page(r, web_status_of(rc), "Cannot change the saved search", err.msg);
        return;
    }
    if (!found) {
        web_error_page(r, 404, "No such saved search", "It may have been forgotten already.");
        return;
    }
    redirect(r, remove ? "removed" : "seen", name);
}

void web_post_saved(struct web_req *r, const char *rest)
{
    const char *name = web_param(r, "name");

    web_thread_get(r);
    if (!name || !*name) {
        web_error_page(r, 400, "No name", "Give the saved search a name.");
        return;
    }
    if (!*rest)
        save(r, name);
    else if (!strcmp(rest, "/seen"))
        seen_or_remove(r, name, 0);
    else if (!strcmp(rest, "/remove"))
        seen_or_remove(r, name, 1);
    else
        web_error_page(r, 404, "Page not found", "There is no page at this address.");
}
