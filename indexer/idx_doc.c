#include "indexer/idx_doc.h"

/*
 * Page documents. The report's record is built once as a JSON object; each
 * page's data is that object with its page number, a newline, and the page
 * text (the snippet source). Deleting by R<key> before adding makes a
 * rewrite exact even when a report's page count changed.
 */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/ixschema.h"
#include "lib/xalloc.h"

static json_t *record(const struct idx_report *r, const struct meta_fields *f)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer(r->cat.id));
    json_object_set_new(o, "sha256", json_string(r->cat.sha256));
    json_object_set_new(o, "title", json_string(f->title));
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

static void add_values(struct xdb_doc *d, const struct idx_report *r, int page)
{
    char num[32];

    xdb_doc_add_value(d, IX_SLOT_KEY, r->cat.sha256, IX_KEY_LEN);
    snprintf(num, sizeof(num), "%05d", page);
    xdb_doc_add_value(d, IX_SLOT_PAGE, num, strlen(num));
    if (r->cat.added_at)
        xdb_doc_add_value(d, IX_SLOT_ADDED, r->cat.added_at, strlen(r->cat.added_at));
    snprintf(num, sizeof(num), "%lld", (long long)r->cat.id);
    xdb_doc_add_value(d, IX_SLOT_REPORT_ID, num, strlen(num));
}

static int write_page(struct xdb *db, const struct idx_report *r, const struct meta_fields *f,
                      json_t *rec, int page, struct cr_err *err)
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
    xdb_doc_index_text(d, f->title, strlen(f->title), IX_P_TITLE, 1);
    if (page == 1)
        xdb_doc_index_text(d, f->title, strlen(f->title), "", 1);
    snprintf(term, sizeof(term), IX_P_REPORT "%.*s", IX_KEY_LEN, r->cat.sha256);
    xdb_doc_add_term(d, term);
    snprintf(term, sizeof(term), IX_P_FORMAT "%s", r->cat.format);
    xdb_doc_add_term(d, term);
    add_values(d, r, page);

    snprintf(term, sizeof(term), IX_P_UNIQUE "%.*s:%d", IX_KEY_LEN, r->cat.sha256, page);
    rc = xdb_replace(db, term, d, err);
    xdb_doc_free(d);
    if (rc < 0)
        cr_err_prefix(err, "page %d", page);
    return rc;
}

int idx_doc_write(struct xdb *db, const struct idx_report *r, const struct meta_fields *f,
                  struct cr_err *err)
{
    json_t *rec;
    int rc = idx_doc_delete(db, r->cat.sha256, err);

    if (rc < 0)
        return rc;
    rec = record(r, f);
    for (int p = 1; p <= r->npages && rc == 0; p++)
        rc = write_page(db, r, f, rec, p, err);
    json_decref(rec);
    return rc;
}
