#include "search/saved.h"

/*
 * Saved searches. The spec is JSON so that new options can be added
 * without a migration: {"q": text, "filters": [[field, value]…], "from",
 * "to", "sort", "by_review"}. Unknown keys are ignored; a spec that cannot
 * be read is reported by name, never dropped.
 */

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/isotime.h"
#include "lib/xalloc.h"

static const char *const sort_names[] = {"relevance", "date", "-date"};

static char *spec_of(const struct query_opts *o)
{
    json_t *filters = json_array(), *spec;
    char *s;

    for (size_t i = 0; i < o->nfilters; i++)
        json_array_append_new(filters, json_pack("[s,s]", filter_field(o->filters[i].field)->name,
                                                 o->filters[i].value));
    spec = json_pack("{s:s,s:o,s:s?,s:s?,s:s,s:b}", "q", o->text ? o->text : "", "filters",
                     filters, "from", o->from, "to", o->to, "sort", sort_names[o->sort],
                     "by_review", o->by_review);
    s = json_dumps(spec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(spec);
    if (!s)
        CR_BUG("json_dumps failed");
    return s;
}

static char *dup_or_null(const json_t *v)
{
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static int opts_of(const char *name, const char *spec, struct query_opts *o, struct cr_err *err)
{
    json_t *j = json_loads(spec, 0, NULL), *filters;
    struct query_filter *f;
    const char *sort;

    memset(o, 0, sizeof(*o));
    if (!json_is_object(j)) {
        json_decref(j);
        return cr_error(err, CR_ECORRUPT, "saved search '%s' cannot be read", name);
    }
    o->text = dup_or_null(json_object_get(j, "q"));
    o->from = dup_or_null(json_object_get(j, "from"));
    o->to = dup_or_null(json_object_get(j, "to"));
    o->by_review = json_is_true(json_object_get(j, "by_review"));
    sort = json_string_value(json_object_get(j, "sort"));
    for (int i = 0; sort && i < 3; i++)
        if (!strcmp(sort, sort_names[i]))
            o->sort = (enum query_sort)i;
    filters = json_object_get(j, "filters");
    f = xcalloc(json_array_size(filters) + 1, sizeof(*f));
    for (size_t i = 0; i < json_array_size(filters); i++) {
        const char *field = json_string_value(json_array_get(json_array_get(filters, i), 0));
        const char *value = json_string_value(json_array_get(json_array_get(filters, i), 1));
        int fi = field ? filter_field_by_name(field) : -1;
        if (fi < 0 || !value)
            continue;
        f[o->nfilters].field = (enum filter_field)fi;
        f[o->nfilters++].value = xstrdup(value);
    }
    o->filters = f;
    json_decref(j);
    return 0;
}

static int check_name(const char *name, struct cr_err *err)
{
    size_t len = strlen(name);

    if (!len || len > 64)
        return cr_error(err, CR_EUSAGE, "a saved search's name is 1 to 64 characters");
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return cr_error(err, CR_EUSAGE, "a saved search's name cannot hold control "
                                            "characters");
    return 0;
}

int query_saved_put(struct catalog *c, const char *name, const struct query_opts *o,
                    struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char now[ISOTIME_LEN], *spec;
    int rc = check_name(name, err);

    if (rc < 0)
        return rc;
    isotime_format(isotime_now(), now);
    spec = spec_of(o);
    rc = catalog_prepare(c, "INSERT OR REPLACE INTO saved_searches(name, spec, created_at, "
                            "asked_at) VALUES (?, ?, ?, ?)", &st, err);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, spec, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = catalog_error(c, "saving the search", err);
    }
    sqlite3_finalize(st);
    free(spec);
    return rc;
}

static int load_row(sqlite3_stmt *st, struct query_saved *s, struct cr_err *err)
{
    memset(s, 0, sizeof(*s));
    s->name = xstrdup((const char *)sqlite3_column_text(st, 0));
    s->spec = xstrdup((const char *)sqlite3_column_text(st, 1));
    s->created_at = xstrdup((const char *)sqlite3_column_text(st, 2));
    s->asked_at = xstrdup((const char *)sqlite3_column_text(st, 3));
    return opts_of(s->name, s->spec, &s->opts, err);
}

static const char select_sql[] =
    "SELECT name, spec, created_at, asked_at FROM saved_searches";

int query_saved_each(struct catalog *c, query_saved_fn *fn, void *ctx, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "SELECT name, spec, created_at, asked_at FROM saved_searches "
                                "ORDER BY name", &st, err);
    int step;

    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct query_saved s;
        rc = load_row(st, &s, err);
        if (rc == 0)
            rc = fn(&s, ctx);
        query_saved_release(&s);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = catalog_error(c, "reading saved searches", err);
    sqlite3_finalize(st);
    return rc;
}

int query_saved_get(struct catalog *c, const char *name, struct query_saved *s, int *found,
                    struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    char *sql = xasprintf("%s WHERE name = ?", select_sql);
    int rc = catalog_prepare(c, sql, &st, err), step;

    *found = 0;
    memset(s, 0, sizeof(*s));
    free(sql);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = 1;
        rc = load_row(st, s, err);
    } else if (step != SQLITE_DONE) {
        rc = catalog_error(c, "reading a saved search", err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int exec_name(struct catalog *c, const char *sql, const char *a, const char *name,
                     int *changed, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, sql, &st, err), i = 1;

    if (rc < 0)
        return rc;
    if (a)
        sqlite3_bind_text(st, i++, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = catalog_error(c, "updating saved searches", err);
    else if (changed)
        *changed = sqlite3_changes(catalog_db(c)) > 0;
    sqlite3_finalize(st);
    return rc;
}

int query_saved_asked(struct catalog *c, const char *name, const char *at, struct cr_err *err)
{
    return exec_name(c, "UPDATE saved_searches SET asked_at = ? WHERE name = ?", at, name, NULL,
                     err);
}

int query_saved_remove(struct catalog *c, const char *name, int *found, struct cr_err *err)
{
    return exec_name(c, "DELETE FROM saved_searches WHERE name = ?", NULL, name, found, err);
}

void query_saved_release(struct query_saved *s)
{
    free(s->name);
    free(s->created_at);
    free(s->asked_at);
    free(s->spec);
    free((char *)s->opts.text);
    free((char *)s->opts.from);
    free((char *)s->opts.to);
    for (size_t i = 0; i < s->opts.nfilters; i++)
        free((char *)s->opts.filters[i].value);
    free((struct query_filter *)s->opts.filters);
    memset(s, 0, sizeof(*s));
}

/* Appends s quoted for a POSIX shell when it needs quoting. */
static void shell_word(struct buf *b, const char *s)
{
    if (*s && !strpbrk(s, " \t\n'\"\\$`*?[]()<>|&;#~!")) {
        buf_addstr(b, s);
        return;
    }
    buf_addch(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_addstr(b, "'\\''");
        else
            buf_addch(b, *s);
    }
    buf_addch(b, '\'');
}

char *query_saved_describe(const struct query_opts *o)
{
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    for (size_t i = 0; i < o->nfilters; i++) {
        buf_addf(&b, "%s--%s ", b.len ? "" : "", filter_field(o->filters[i].field)->name);
        shell_word(&b, o->filters[i].value);
        buf_addch(&b, ' ');
    }
    if (o->from) {
        buf_addstr(&b, "--from ");
        shell_word(&b, o->from);
        buf_addch(&b, ' ');
    }
    if (o->to) {
        buf_addstr(&b, "--to ");
        shell_word(&b, o->to);
        buf_addch(&b, ' ');
    }
    if (o->by_review)
        buf_addstr(&b, "--by-review ");
    if (o->text && *o->text)
        shell_word(&b, o->text);
    buf_rtrim(&b);
    return buf_take(&b);
}
