#include "indexer/meta_int.h"

/*
 * Where fields come from beyond the report's own pages, and where they go:
 * the crawler's link context (the catalogue view crawl_report_links), the
 * user's corrections (meta_corrections), and the meta_* tables that keep
 * each report's fields, tags and items with their sources.
 */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/dates.h"
#include "lib/hints.h"
#include "lib/isotime.h"
#include "lib/xalloc.h"

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int meta_cover_fallback(struct catalog *c, const struct idx_report *r, char **cover,
                        struct meta_fields *f, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (*cover || r->nlines || !c)
        return 0;
    /* a re-tag has no layout: keep what the layout gave last time */
    rc = catalog_prepare(c,
                         "SELECT field, value, source FROM meta_fields WHERE report_id = ?"
                         " AND (field = 'cover' OR (field = 'title' AND source = 'layout'))",
                         &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, r->cat.id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!strcmp(col(st, 0), "cover"))
            *cover = xstrdup(col(st, 1));
        else
            meta_set(f, META_TITLE, col(st, 1), "layout");
    }
    sqlite3_finalize(st);
    return 0;
}

/* ---- the crawler's link context ---- */

static void apply_hints(const struct hints *h, const char *stored_child, const char *stored_type,
                        const char *stored_kind, const char *stored_pub, struct meta_fields *f)
{
    meta_set(f, META_CHILD, h->child ? h->child : stored_child ? stored_child : f->v[META_CHILD],
             h->child || stored_child ? "link" : f->src[META_CHILD]);
    if (h->review_type || stored_type)
        meta_set(f, META_REVIEW_TYPE, h->review_type ? h->review_type : stored_type, "link");
    if (h->document_kind || stored_kind)
        meta_set(f, META_DOCUMENT_KIND, h->document_kind ? h->document_kind : stored_kind,
                 "link");
    if (h->published || stored_pub)
        meta_set(f, META_PUBLISHED, h->published ? h->published : stored_pub, "link");
    if (h->event)
        meta_set(f, META_EVENT, h->event, "link");
}

static void apply_source(const char *partnership, const char *nation, struct meta_fields *f)
{
    char *id = NULL, *name = NULL, *nat = NULL;

    if (!partnership || !*partnership)
        return;
    if (meta_partnership_resolve(partnership, &id, &name, &nat)) {
        meta_set(f, META_PARTNERSHIP, id, "link");
        meta_set(f, META_PARTNERSHIP_NAME, name, "link");
        meta_set(f, META_NATION, nat, "link");
    } else {
        char *slug = meta_slug(partnership);
        meta_set(f, META_PARTNERSHIP, slug, "link");
        meta_set(f, META_PARTNERSHIP_NAME, partnership, "link");
        if (nation && *nation)
            meta_set(f, META_NATION, nation, "link");
        free(slug);
    }
    free(id);
    free(name);
    free(nat);
}

static int apply_links(struct catalog *c, const struct taxonomy *t, int64_t id,
                       struct meta_fields *f, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(
        c,
        "SELECT partnership, nation, url, anchor, context, heading, first_seen, online,"
        " hint_child, hint_review_type, hint_document_kind, hint_published"
        " FROM crawl_report_links WHERE report_id = ? ORDER BY last_seen DESC, first_seen LIMIT 1",
        &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct hints h;
        hints_parse(t, col(st, 3), col(st, 4), col(st, 5), &h);
        apply_source(col(st, 0), col(st, 1), f);
        apply_hints(&h, col(st, 8), col(st, 9), col(st, 10), col(st, 11), f);
        hints_release(&h);
        meta_set(f, META_SOURCE_URL, col(st, 2), "link");
        meta_set(f, META_FETCHED, col(st, 6), "link");
        meta_set(f, META_ONLINE, sqlite3_column_int(st, 7) ? "true" : "false", "link");
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = catalog_error(c, "reading link context", err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- the user's corrections ---- */

static void correct_partnership(const char *value, struct meta_fields *f)
{
    char *id = NULL, *name = NULL, *nation = NULL;

    if (meta_partnership_resolve(value, &id, &name, &nation)) {
        meta_set(f, META_PARTNERSHIP, id, "user");
        meta_set(f, META_PARTNERSHIP_NAME, name, "user");
        meta_set(f, META_NATION, nation, "user");
    } else {
        char *slug = meta_slug(value);
        meta_set(f, META_PARTNERSHIP, slug, "user");
        meta_set(f, META_PARTNERSHIP_NAME, value, "user");
        free(slug);
    }
    free(id);
    free(name);
    free(nation);
}

/* A user's list of tags replaces the derived ones of that kind. */
static void correct_tags(const struct taxonomy *t, enum taxonomy_kind k, const char *value,
                         struct meta_fields *f)
{
    char *list = xstrdup(value), *save = NULL;
    size_t out = 0;

    for (size_t i = 0; i < f->ntags; i++) {
        if (f->tags[i].kind == k) {
            free(f->tags[i].id);
            free(f->tags[i].pages);
            free(f->tags[i].phrases);
            continue;
        }
        f->tags[out++] = f->tags[i];
    }
    f->ntags = out;
    for (char *s = strtok_r(list, ", ", &save); s; s = strtok_r(NULL, ", ", &save)) {
        const struct taxonomy_entry *e = t ? taxonomy_find(t, k, s) : NULL;
        struct meta_tag *tg;
        f->tags = xgrow(f->tags, sizeof(*f->tags), f->ntags + 1, &f->tags_alloc);
        tg = &f->tags[f->ntags++];
        memset(tg, 0, sizeof(*tg));
        tg->kind = k;
        tg->id = xstrdup(e ? e->id : s);
        tg->phrases = xstrdup("");
        tg->user = 1;
    }
    free(list);
}

static int apply_corrections(struct catalog *c, const struct taxonomy *t, int64_t id,
                             struct meta_fields *f, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "SELECT field, value FROM meta_corrections WHERE report_id = ?",
                             &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int fi = meta_field_by_name(col(st, 0));
        const char *v = col(st, 1);
        if (fi == META_PARTNERSHIP)
            correct_partnership(v, f);
        else if (fi == META_THEMES)
            correct_tags(t, TAXONOMY_THEME, v, f);
        else if (fi == META_TOPICS)
            correct_tags(t, TAXONOMY_TOPIC, v, f);
        else if (fi >= 0)
            meta_set(f, (enum meta_field)fi, v, "user");
    }
    rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "reading corrections", err);
    sqlite3_finalize(st);
    return rc;
}

int meta_apply_sources(struct catalog *c, const struct taxonomy *t, int64_t id,
                       struct meta_fields *f, struct cr_err *err)
{
    int rc = apply_links(c, t, id, f, err);

    return rc < 0 ? rc : apply_corrections(c, t, id, f, err);
}

/* ---- fields that follow from others ---- */

static void tag_list(struct meta_fields *f, enum taxonomy_kind k, enum meta_field fi)
{
    struct buf b = BUF_INIT;
    int user = 0;

    for (size_t i = 0; i < f->ntags; i++) {
        if (f->tags[i].kind != k)
            continue;
        if (b.len)
            buf_addch(&b, ',');
        buf_addstr(&b, f->tags[i].id);
        user |= f->tags[i].user;
    }
    meta_set(f, fi, buf_str(&b), user ? "user" : "text");
    buf_release(&b);
}

static void finish_type(const struct taxonomy *t, struct meta_fields *f)
{
    const char *type = f->v[META_REVIEW_TYPE], *nation = f->v[META_NATION];
    const char *src = f->src[META_REVIEW_TYPE];

    if (!type)
        return;
    /* one abbreviation, two nations: "SCR" is a significant case review in Scotland */
    if (nation && !strcmp(nation, "scotland") && !strcmp(type, "scr") && strcmp(src, "user"))
        meta_set(f, META_REVIEW_TYPE, "significant-case-review", src);
    else if (nation && strcmp(nation, "scotland") && !strcmp(type, "learning-review") &&
             strcmp(src, "user"))
        meta_set(f, META_REVIEW_TYPE, "local-learning-review", src);
    if (!nation && t) {
        const struct taxonomy_entry *e = taxonomy_get(t, TAXONOMY_REVIEW_TYPE,
                                                      f->v[META_REVIEW_TYPE]);
        if (e && e->nation)
            meta_set(f, META_NATION, e->nation, "derived");
    }
}

void meta_finish(const struct taxonomy *t, struct meta_fields *f)
{
    tag_list(f, TAXONOMY_THEME, META_THEMES);
    tag_list(f, TAXONOMY_TOPIC, META_TOPICS);
    finish_type(t, f);
    if (f->v[META_PARTNERSHIP] && f->v[META_REVIEW_TYPE] && f->v[META_CHILD] &&
        (!f->src[META_REVIEW_ID] || strcmp(f->src[META_REVIEW_ID], "user"))) {
        char *child = meta_slug(f->v[META_CHILD]);
        char *rid = xasprintf("%s-%s-%s", f->v[META_PARTNERSHIP], f->v[META_REVIEW_TYPE], child);
        meta_set(f, META_REVIEW_ID, rid, "derived");
        free(child);
        free(rid);
    }
}

/* ---- the catalogue tables ---- */

static int exec_id(struct catalog *c, const char *sql, int64_t id, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, sql, &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : catalog_error(c, "writing metadata", err);
    sqlite3_finalize(st);
    return rc;
}

static int store_fields(struct catalog *c, int64_t id, const struct meta_fields *f,
                        struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "INSERT INTO meta_fields VALUES (?, ?, ?, ?)", &st, err);

    for (int i = 0; rc == 0 && i < META_NFIELDS; i++) {
        if (!f->v[i])
            continue;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, meta_field_name((enum meta_field)i), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->v[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, f->src[i] ? f->src[i] : "text", -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = catalog_error(c, "writing fields", err);
    }
    sqlite3_finalize(st);
    return rc;
}

static char *pages_text(const struct meta_tag *t)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < t->npages; i++)
        buf_addf(&b, "%s%d", i ? "," : "", t->pages[i]);
    return buf_take(&b);
}

static int store_tags(struct catalog *c, int64_t id, const struct meta_fields *f,
                      struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "INSERT OR REPLACE INTO meta_tags VALUES (?, ?, ?, ?, ?, ?, ?)",
                             &st, err);

    for (size_t i = 0; rc == 0 && i < f->ntags; i++) {
        const struct meta_tag *t = &f->tags[i];
        char *pages = pages_text(t);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, t->kind == TAXONOMY_THEME ? "theme" : "topic", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, t->id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, t->score);
        sqlite3_bind_text(st, 5, pages, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, t->phrases ? t->phrases : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, t->user ? "user" : "text", -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = catalog_error(c, "writing tags", err);
        free(pages);
    }
    sqlite3_finalize(st);
    return rc;
}

static int store_items(struct catalog *c, int64_t id, const struct meta_fields *f,
                       struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c, "INSERT INTO meta_items VALUES (?, ?, ?, ?, ?, ?)", &st, err);

    for (size_t i = 0; rc == 0 && i < f->nitems; i++) {
        const struct meta_item *it = &f->items[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 3, it->kind == META_ITEM_RECOMMENDATION ? "recommendation" : "learning",
                          -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, it->page);
        sqlite3_bind_text(st, 5, it->label, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, it->text, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = catalog_error(c, "writing recommendations", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int meta_store(struct catalog *c, int64_t id, const struct meta_fields *f, struct cr_err *err)
{
    int rc = exec_id(c, "DELETE FROM meta_fields WHERE report_id = ?", id, err);

    if (rc == 0)
        rc = exec_id(c, "DELETE FROM meta_tags WHERE report_id = ?", id, err);
    if (rc == 0)
        rc = exec_id(c, "DELETE FROM meta_items WHERE report_id = ?", id, err);
    if (rc == 0)
        rc = store_fields(c, id, f, err);
    if (rc == 0)
        rc = store_tags(c, id, f, err);
    if (rc == 0)
        rc = store_items(c, id, f, err);
    return rc;
}

/* Source names are static strings: map what the catalogue holds back to them. */
static const char *static_source(const char *s)
{
    static const char *const known[] = {"user", "link", "text", "layout", "info", "derived",
                                        "file name", NULL};

    for (int i = 0; known[i]; i++)
        if (s && !strcmp(s, known[i]))
            return known[i];
    return "text";
}

static int parse_pages(const char *s, int **pages, size_t *n)
{
    size_t alloc = 0;

    *pages = NULL;
    *n = 0;
    while (s && *s) {
        char *end;
        long p = strtol(s, &end, 10);
        if (end == s)
            break;
        *pages = xgrow(*pages, sizeof(**pages), *n + 1, &alloc);
        (*pages)[(*n)++] = (int)p;
        s = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static int load_tags(struct catalog *c, int64_t id, struct meta_fields *f, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c,
                             "SELECT kind, tag, score, pages, phrases, source FROM meta_tags"
                             " WHERE report_id = ? ORDER BY kind = 'topic', score DESC, tag",
                             &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct meta_tag *t;
        f->tags = xgrow(f->tags, sizeof(*f->tags), f->ntags + 1, &f->tags_alloc);
        t = &f->tags[f->ntags++];
        memset(t, 0, sizeof(*t));
        t->kind = !strcmp(col(st, 0), "theme") ? TAXONOMY_THEME : TAXONOMY_TOPIC;
        t->id = xstrdup(col(st, 1));
        t->score = sqlite3_column_int(st, 2);
        parse_pages(col(st, 3), &t->pages, &t->npages);
        t->phrases = xstrdup(col(st, 4) ? col(st, 4) : "");
        t->user = !strcmp(col(st, 5), "user");
    }
    rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "reading tags", err);
    sqlite3_finalize(st);
    return rc;
}

static int load_items(struct catalog *c, int64_t id, struct meta_fields *f, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c,
                             "SELECT kind, page, label, text FROM meta_items"
                             " WHERE report_id = ? ORDER BY seq", &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct meta_item *it;
        f->items = xgrow(f->items, sizeof(*f->items), f->nitems + 1, &f->items_alloc);
        it = &f->items[f->nitems++];
        it->kind = !strcmp(col(st, 0), "learning") ? META_ITEM_LEARNING
                                                   : META_ITEM_RECOMMENDATION;
        it->page = sqlite3_column_int(st, 1);
        it->label = xstrdup(col(st, 2));
        it->text = xstrdup(col(st, 3));
    }
    rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "reading recommendations", err);
    sqlite3_finalize(st);
    return rc;
}

int meta_load(struct catalog *c, int64_t id, struct meta_fields *f, int *found,
              struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    memset(f, 0, sizeof(*f));
    *found = 0;
    rc = catalog_prepare(c, "SELECT field, value, source FROM meta_fields WHERE report_id = ?",
                         &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int fi = meta_field_by_name(col(st, 0));
        *found = 1;
        if (fi >= 0)
            meta_set(f, (enum meta_field)fi, col(st, 1), static_source(col(st, 2)));
    }
    rc = rc == SQLITE_DONE ? 0 : catalog_error(c, "reading fields", err);
    sqlite3_finalize(st);
    if (rc == 0)
        rc = load_tags(c, id, f, err);
    if (rc == 0)
        rc = load_items(c, id, f, err);
    return rc;
}

/* ---- corrections ---- */

static const char *const enums[][8] = {
    {"nation", "england", "wales", "scotland", "northern-ireland", NULL},
    {"outcome", "died", "harmed", NULL},
    {"age_band", "under-1", "1-4", "5-9", "10-14", "15-17", NULL},
};

static int check_value(const struct taxonomy *t, int fi, const char *value, struct cr_err *err)
{
    static const struct {
        int field;
        enum taxonomy_kind kind;
    } by_tax[] = {{META_REVIEW_TYPE, TAXONOMY_REVIEW_TYPE},
                  {META_DOCUMENT_KIND, TAXONOMY_DOC_KIND},
                  {META_REVIEW_MODEL, TAXONOMY_MODEL}};
    struct dates_date d;

    for (size_t i = 0; i < sizeof(by_tax) / sizeof(by_tax[0]); i++)
        if (by_tax[i].field == fi && (!t || !taxonomy_get(t, by_tax[i].kind, value)))
            return cr_error(err, CR_EINVAL, "'%s' is not a %s id (see doc/ids.md)", value,
                            taxonomy_kind_name(by_tax[i].kind));
    for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
        int ok = 0;
        if (strcmp(enums[i][0], meta_field_name((enum meta_field)fi)))
            continue;
        for (int j = 1; enums[i][j]; j++)
            ok |= !strcmp(enums[i][j], value);
        if (!ok)
            return cr_error(err, CR_EINVAL, "'%s' is not a value of %s", value, enums[i][0]);
    }
    if ((fi == META_PUBLISHED || fi == META_EVENT) && dates_parse_iso(value, &d) < 0 &&
        dates_parse(value, &d) < 0)
        return cr_error(err, CR_EINVAL, "'%s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                        value);
    if (fi == META_THEMES || fi == META_TOPICS) {
        enum taxonomy_kind k = fi == META_THEMES ? TAXONOMY_THEME : TAXONOMY_TOPIC;
        char *list = xstrdup(value), *save = NULL;
        int rc = 0;
        for (char *s = strtok_r(list, ",", &save); s && rc == 0; s = strtok_r(NULL, ",", &save))
            if (!t || !taxonomy_find(t, k, s))
                rc = cr_error(err, CR_EINVAL, "'%s' is not a %s", s, taxonomy_kind_name(k));
        free(list);
        return rc;
    }
    return 0;
}

/* Dates are stored in ISO form whatever shape the user typed. */
static char *normal_value(const struct taxonomy *t, int fi, const char *value)
{
    struct dates_date d;
    char iso[DATES_ISO_LEN];

    if ((fi == META_PUBLISHED || fi == META_EVENT) && dates_parse_iso(value, &d) < 0 &&
        dates_parse(value, &d) == 0) {
        dates_iso(&d, iso);
        return xstrdup(iso);
    }
    if (fi == META_THEMES || fi == META_TOPICS) {
        enum taxonomy_kind k = fi == META_THEMES ? TAXONOMY_THEME : TAXONOMY_TOPIC;
        char *list = xstrdup(value), *save = NULL;
        struct buf b = BUF_INIT;
        for (char *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
            const struct taxonomy_entry *e = taxonomy_find(t, k, s);
            buf_addf(&b, "%s%s", b.len ? "," : "", e ? e->id : s);
        }
        free(list);
        return buf_take(&b);
    }
    return xstrdup(value);
}

int meta_correct(struct catalog *c, const struct taxonomy *t, int64_t id, const char *field,
                 const char *value, struct cr_err *err)
{
    int fi = meta_field_by_name(field), rc;
    char now[ISOTIME_LEN], *v = NULL;
    sqlite3_stmt *st = NULL;

    if (fi < 0 || fi == META_COVER || fi == META_PARTNERSHIP_NAME || fi >= META_SOURCE_URL)
        return cr_error(err, CR_EINVAL, "'%s' is not a field that can be corrected", field);
    if (value && *value && (rc = check_value(t, fi, value, err)) < 0)
        return rc;
    if (!value || !*value) {
        rc = catalog_prepare(c, "DELETE FROM meta_corrections WHERE report_id = ? AND field = ?",
                             &st, err);
    } else {
        rc = catalog_prepare(c, "INSERT OR REPLACE INTO meta_corrections VALUES (?, ?, ?, ?)", &st,
                             err);
        v = normal_value(t, fi, value);
        isotime_format(isotime_now(), now);
        if (rc == 0) {
            sqlite3_bind_text(st, 3, v, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        }
    }
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, meta_field_name((enum meta_field)fi), -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : catalog_error(c, "saving the correction", err);
    }
    sqlite3_finalize(st);
    free(v);
    if (rc == 0)
        rc = catalog_report_touch(c, id, err);
    return rc;
}

int meta_siblings(struct catalog *c, int64_t id, const char *review_id, meta_sibling_fn *fn,
                  void *ctx, struct cr_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = catalog_prepare(c,
                             "SELECT f.report_id, k.value, t.value FROM meta_fields f"
                             " LEFT JOIN meta_fields k ON k.report_id = f.report_id"
                             "   AND k.field = 'document_kind'"
                             " LEFT JOIN meta_fields t ON t.report_id = f.report_id"
                             "   AND t.field = 'title'"
                             " WHERE f.field = 'review_id' AND f.value = ? AND f.report_id != ?"
                             " ORDER BY f.report_id",
                             &st, err);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, review_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int64(st, 0), col(st, 1), col(st, 2), ctx))
            break;
    rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : catalog_error(c, "reading the review", err);
    sqlite3_finalize(st);
    return rc;
}
