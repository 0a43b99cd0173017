/*
 * The search state in a URL. Every state of the search page is a plain
 * address (/search?q=neglect&theme=domestic-abuse&from=2019&page=2), so it
 * can be bookmarked, shared and reached with the back button; this file
 * reads that state from a request and writes the links that change it.
 *
 * Parameters not named here are ignored, as a browser or a bookmark may add
 * its own. Values are checked for shape only; whether a theme or a
 * partnership exists is search/'s to say.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "web/web_int.h"

#define MAX_VALUE 200 /* bytes of one filter value (an id, a label or a synonym) */

const struct web_field_info web_fields[WEB_F_COUNT] = {
    [WEB_F_THEME] = {"theme", "Theme", "Themes", FILTER_THEME},
    [WEB_F_TOPIC] = {"topic", "Learning topic", "Learning topics", FILTER_TOPIC},
    [WEB_F_PARTNERSHIP] = {"partnership", "Partnership", "Partnerships", FILTER_PARTNERSHIP},
    [WEB_F_NATION] = {"nation", "Nation", "Nations", FILTER_NATION},
    [WEB_F_TYPE] = {"type", "Review type", "Review types", FILTER_TYPE},
    [WEB_F_KIND] = {"kind", "Document", "Documents", FILTER_KIND},
};

static const char *const sort_names[] = {
    [WEB_SORT_RELEVANCE] = "relevance",
    [WEB_SORT_NEWEST] = "-date",
    [WEB_SORT_OLDEST] = "date",
};

const char *web_param(const struct web_req *r, const char *key)
{
    for (size_t i = 0; i < r->nparams; i++)
        if (!strcmp(r->params[i].key, key))
            return r->params[i].val;
    return NULL;
}

size_t web_param_all(const struct web_req *r, const char *key, const char **vals, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nparams && n < max; i++)
        if (!strcmp(r->params[i].key, key))
            vals[n++] = r->params[i].val;
    return n;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* YYYY, YYYY-MM or YYYY-MM-DD with a plausible year, month and day. */
static int date_ok(const char *s)
{
    size_t n = strlen(s);

    if ((n != 4 && n != 7 && n != 10) || !digits(s, 4) || atoi(s) < 1900 || atoi(s) > 2199)
        return 0;
    if (n >= 7 && (s[4] != '-' || !digits(s + 5, 2) || atoi(s + 5) < 1 || atoi(s + 5) > 12))
        return 0;
    if (n == 10 && (s[7] != '-' || !digits(s + 8, 2) || atoi(s + 8) < 1 || atoi(s + 8) > 31))
        return 0;
    return 1;
}

static int value_ok(const char *v)
{
    size_t n = strlen(v);

    if (n > MAX_VALUE)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20)
            return 0;
    return 1;
}

static int parse_dates(const struct web_req *r, struct web_search *s, struct cr_err *err)
{
    const char *from = web_param(r, "from"), *to = web_param(r, "to");

    if (from && *from) {
        if (!date_ok(from))
            return cr_error(err, CR_EINVAL, "'from' must be a year, year-month or date "
                                            "(2019, 2019-06 or 2019-06-30)");
        s->from = from;
    }
    if (to && *to) {
        if (!date_ok(to))
            return cr_error(err, CR_EINVAL, "'to' must be a year, year-month or date "
                                            "(2021, 2021-03 or 2021-03-31)");
        s->to = to;
    }
    return 0;
}

static int parse_page(const struct web_req *r, struct web_search *s, struct cr_err *err)
{
    const char *page = web_param(r, "page"), *sort = web_param(r, "sort");

    if (page && *page) {
        if (strlen(page) > 6 || !digits(page, strlen(page)) || atoi(page) < 1 ||
            atoi(page) > WEB_MAX_PAGE)
            return cr_error(err, CR_EINVAL, "'page' must be a number from 1 to %d "
                                            "(refine the search to see further)", WEB_MAX_PAGE);
        s->page = (unsigned)atoi(page);
    }
    if (sort && *sort) {
        size_t i;
        for (i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
            if (!strcmp(sort, sort_names[i]))
                break;
        if (i == sizeof(sort_names) / sizeof(sort_names[0]))
            return cr_error(err, CR_EINVAL, "'sort' must be relevance, date or -date");
        s->sort = (enum web_sort)i;
    }
    return 0;
}

int web_search_parse(const struct web_req *r, struct web_search *s, struct cr_err *err)
{
    const char *q = web_param(r, "q");
    int rc;

    memset(s, 0, sizeof(*s));
    s->q = q ? q : "";
    s->page = 1;
    s->per_page = WEB_PER_PAGE;
    for (int f = 0; f < WEB_F_COUNT; f++) {
        const char *vals[WEB_MAX_VALUES];
        size_t n = web_param_all(r, web_fields[f].param, vals, WEB_MAX_VALUES);
        for (size_t i = 0; i < n; i++) {
            if (!*vals[i] || web_search_has(s, f, vals[i]))
                continue;
            if (!value_ok(vals[i]))
                return cr_error(err, CR_EINVAL, "'%s' holds a value that is too long or has "
                                "control characters", web_fields[f].param);
            s->vals[f][s->nvals[f]++] = vals[i];
        }
    }
    rc = parse_dates(r, s, err);
    if (rc == 0)
        rc = parse_page(r, s, err);
    return rc;
}

int web_search_has(const struct web_search *s, int field, const char *value)
{
    for (size_t i = 0; i < s->nvals[field]; i++)
        if (!strcmp(s->vals[field][i], value))
            return 1;
    return 0;
}

static void param(struct buf *u, const char *key, const char *val)
{
    buf_addch(u, u->len && strchr(u->data, '?') ? '&' : '?');
    buf_addstr(u, key);
    buf_addch(u, '=');
    web_urlenc(u, val);
}

static void href_fields(struct buf *u, const struct web_search *s, const struct web_edit *e)
{
    for (int f = 0; f < WEB_F_COUNT; f++) {
        int editing = e->field == f;
        if (editing && e->drop_field)
            continue;
        for (size_t i = 0; i < s->nvals[f]; i++)
            if (!(editing && e->remove && !strcmp(s->vals[f][i], e->value)))
                param(u, web_fields[f].param, s->vals[f][i]);
        if (editing && !e->remove && !e->drop_field && e->value && !web_search_has(s, f, e->value))
            param(u, web_fields[f].param, e->value);
    }
}

void web_search_href(struct buf *b, const char *path, const struct web_search *s,
                     const struct web_edit *e)
{
    struct buf u = BUF_INIT;
    const char *q = e->q ? e->q : s->q;
    int sort = e->sort >= 0 ? e->sort : (int)s->sort;
    unsigned page = e->keep_page ? s->page : e->page;

    buf_addstr(&u, path);
    if (q && *q)
        param(&u, "q", q);
    href_fields(&u, s, e);
    if (e->set_from || e->set_to) {
        if (e->set_from)
            param(&u, "from", e->set_from);
        if (e->set_to)
            param(&u, "to", e->set_to);
    } else if (!e->drop_dates) {
        if (s->from)
            param(&u, "from", s->from);
        if (s->to)
            param(&u, "to", s->to);
    }
    if (sort != WEB_SORT_RELEVANCE)
        param(&u, "sort", sort_names[sort]);
    if (page > 1) {
        char num[16];
        snprintf(num, sizeof(num), "%u", page);
        param(&u, "page", num);
    }
    if (e->extra) {
        buf_addch(&u, strchr(u.data, '?') ? '&' : '?');
        buf_addstr(&u, e->extra);
    }
    web_esc(b, u.data);
    buf_release(&u);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes one form component (+ and %XX); NULL on a bad escape or a NUL byte. */
static char *form_decode(const char *s, size_t n)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            buf_addch(&b, ' ');
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                buf_release(&b);
                return NULL;
            }
            buf_addch(&b, (char)(hi * 16 + lo));
            i += 2;
        } else {
            buf_addch(&b, s[i]);
        }
    }
    return buf_take(&b);
}

void web_form_parse(struct web_req *r, const char *body, size_t len)
{
    size_t i = 0;

    if (memchr(body, 0, len)) {
        r->params_bad = 1;
        return;
    }
    while (i < len) {
        size_t end = i, eq;
        char *key, *val;

        while (end < len && body[end] != '&')
            end++;
        for (eq = i; eq < end && body[eq] != '='; eq++)
            ;
        if (end > i) {
            if (r->nparams >= WEB_MAX_PARAMS) {
                r->params_bad = 1;
                return;
            }
            key = form_decode(body + i, eq - i);
            val = form_decode(body + eq + (eq < end), end - eq - (eq < end));
            if (!key || !val) {
                free(key);
                free(val);
                r->params_bad = 1;
                return;
            }
            r->params[r->nparams].key = key;
            r->params[r->nparams].val = val;
            r->nparams++;
        }
        i = end + 1;
    }
}
