#include "search/export.h"

/*
 * The export. It runs the search for every matching report (no snippets:
 * the pack lists documents, not passages), then copies and checks each
 * blob, then writes the three index files from the same records, so that
 * the lists and the files agree.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <sqlite3.h>

#include "lib/buf.h"
#include "lib/home.h"
#include "lib/store.h"
#include "lib/xalloc.h"
#include "search/result.h"
#include "search/snippet.h"

#define EXPORT_MAX 100000 /* reports in one pack */

static int dir_is_empty(const char *path, struct cr_err *err)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int files = 0;

    if (!d)
        return cr_error(err, CR_EIO, "cannot open '%s': %s", path, strerror(errno));
    while ((e = readdir(d)))
        files += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    if (files)
        return cr_error(err, CR_EUSAGE, "'%s' is not empty: export into a new or empty "
                                        "folder", path);
    return 0;
}

/* Writes data to dir/name durably: a temporary file, fsync, rename. */
static int write_file(const char *dir, const char *name, const void *data, size_t len,
                      struct cr_err *err)
{
    char *path = xasprintf("%s/%s", dir, name), *tmp = xasprintf("%s/.%s.tmp", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = 0;
    const char *p = data;

    if (fd < 0) {
        rc = cr_error(err, CR_EIO, "cannot create '%s': %s", tmp, strerror(errno));
        goto out;
    }
    while (len > 0 && rc == 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            rc = cr_error(err, CR_EIO, "cannot write '%s': %s", tmp, strerror(errno));
        else {
            p += w;
            len -= (size_t)w;
        }
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = cr_error(err, CR_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    if (close(fd) < 0 && rc == 0)
        rc = cr_error(err, CR_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    if (rc == 0 && rename(tmp, path) < 0)
        rc = cr_error(err, CR_EIO, "cannot rename '%s': %s", tmp, strerror(errno));
    if (rc < 0)
        unlink(tmp);
out:
    free(path);
    free(tmp);
    return rc;
}

/* Copies the blob of rec to dir/name and checks the copy's sha256. */
static int copy_blob(const char *store_dir, const json_t *rec, const char *dir, const char *name,
                     struct cr_err *err)
{
    const char *sha = json_string_value(json_object_get(rec, "sha256"));
    const char *fmt = json_string_value(json_object_get(rec, "format"));
    char *src = sha ? store_blob_path(store_dir, sha, fmt ? fmt : "pdf") : NULL;
    char *dst = xasprintf("%s/%s", dir, name), *data = NULL, got[STORE_SHA_HEX];
    size_t len = 0;
    int rc = 0;
    FILE *f;

    if (!src) {
        rc = cr_error(err, CR_ECORRUPT, "'%s': the index holds no valid sha256", name);
        goto out;
    }
    f = fopen(src, "rb");
    if (!f) {
        rc = cr_error(err, CR_ENOTFOUND, "'%s': the stored file '%s' is missing (%s)", name,
                      src, strerror(errno));
        goto out;
    }
    {
        struct buf b = BUF_INIT;
        char chunk[65536];
        size_t r;
        while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
            buf_add(&b, chunk, r);
        fclose(f);
        len = b.len;
        data = buf_take(&b);
    }
    rc = write_file(dir, name, data, len, err);
    if (rc == 0)
        rc = store_hash_file(dst, got, NULL, err);
    if (rc == 0 && strcmp(got, sha))
        rc = cr_error(err, CR_ECORRUPT, "'%s' does not match its sha256 (the stored file is "
                      "damaged: run 'casereview doctor')", name);
out:
    free(data);
    free(src);
    free(dst);
    return rc;
}

/* name, or "name (2)" … when an earlier file of the pack took it. New. */
static char *unique_name(char *name, char **taken, size_t n)
{
    char *dot = strrchr(name, '.');
    int k = 1;

    for (;;) {
        int clash = 0;
        char *cand = k == 1 ? xstrdup(name)
                            : xasprintf("%.*s (%d)%s", (int)(dot ? dot - name : (long)strlen(name)),
                                        name, k, dot ? dot : "");
        for (size_t i = 0; i < n && !clash; i++)
            clash = !strcasecmp(taken[i], cand);
        if (!clash) {
            free(name);
            return cand;
        }
        free(cand);
        k++;
    }
}

/*
 * The report's recommendations from the catalogue (meta's meta_items), as
 * an array of {label, text, page}; empty without a catalogue or when the
 * metadata found none. New reference.
 */
static json_t *recommendations(struct catalog *c, const json_t *rec)
{
    json_t *out = json_array();
    sqlite3_stmt *st = NULL;

    if (!c || catalog_prepare(c, "SELECT label, text, page FROM meta_items WHERE report_id = ? "
                                 "AND kind = 'recommendation' ORDER BY seq", &st, NULL) < 0)
        return out; /* an older catalogue without the table: no recommendations to list */
    sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(rec, "id")));
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(out, json_pack("{s:s,s:s,s:i}", "label",
                                             (const char *)sqlite3_column_text(st, 0), "text",
                                             (const char *)sqlite3_column_text(st, 1), "page",
                                             sqlite3_column_int(st, 2)));
    sqlite3_finalize(st);
    return out;
}

static void md_recommendations(struct buf *b, const json_t *recs)
{
    size_t i;
    json_t *r;

    if (!json_array_size(recs))
        return;
    buf_truncate(b, b->len - 1); /* result_md ends the entry with a blank line */
    buf_addstr(b, "   - Recommendations:\n");
    json_array_foreach(recs, i, r) {
        buf_addf(b, "     %zu. ", i + 1);
        for (const char *p = json_string_value(json_object_get(r, "text")); p && *p; p++) {
            if (strchr("\\`*_[]<>#|", *p))
                buf_addch(b, '\\');
            buf_addch(b, (*p == '\n' || *p == '\r') ? ' ' : *p);
        }
        buf_addf(b, " (page %lld)\n", (long long)json_integer_value(json_object_get(r, "page")));
    }
    buf_addch(b, '\n');
}

static void html_recommendations(struct buf *b, const json_t *recs)
{
    size_t i;
    json_t *r;

    if (!json_array_size(recs))
        return;
    buf_addstr(b, "<dt>Recommendations</dt><dd><ol>\n");
    json_array_foreach(recs, i, r) {
        char *t = snippet_html_escape(json_string_value(json_object_get(r, "text")));
        buf_addf(b, "<li>%s (page %lld)</li>\n", t,
                 (long long)json_integer_value(json_object_get(r, "page")));
        free(t);
    }
    buf_addstr(b, "</ol></dd>\n");
}

static void html_item(struct buf *b, const json_t *rec, const char *file,
                      const struct filter_vocab *v, const json_t *recs)
{
    static const struct {
        const char *label;
        enum filter_field f;
    } rows[] = {{"Partnership", FILTER_PARTNERSHIP}, {"Review type", FILTER_TYPE},
                {"Document", FILTER_KIND}};
    char *t = snippet_html_escape(json_string_value(json_object_get(rec, "title")));
    char *f = snippet_html_escape(file);
    char *themes, *topics, *e;

    buf_addf(b, "<li><h2><a href=\"%s\">%s</a></h2>\n<dl>\n", f, *t ? t : "(untitled)");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *id = json_string_value(json_object_get(rec, filter_field(rows[i].f)->json));
        if (!id || !*id)
            continue;
        e = snippet_html_escape(filter_vocab_label(v, rows[i].f, id));
        buf_addf(b, "<dt>%s</dt><dd>%s</dd>\n", rows[i].label, e);
        free(e);
    }
    e = snippet_html_escape(json_string_value(json_object_get(rec, "published")));
    if (*e)
        buf_addf(b, "<dt>Published</dt><dd>%s</dd>\n", e);
    free(e);
    e = snippet_html_escape(json_string_value(json_object_get(rec, "child")));
    if (*e)
        buf_addf(b, "<dt>Child</dt><dd>%s</dd>\n", e);
    free(e);
    themes = result_labels(rec, FILTER_THEME, v, "; ");
    topics = result_labels(rec, FILTER_TOPIC, v, "; ");
    e = snippet_html_escape(themes);
    if (*e)
        buf_addf(b, "<dt>Themes</dt><dd>%s</dd>\n", e);
    free(e);
    e = snippet_html_escape(topics);
    if (*e)
        buf_addf(b, "<dt>Learning topics</dt><dd>%s</dd>\n", e);
    free(e);
    e = snippet_html_escape(json_string_value(json_object_get(rec, "source_url")));
    if (*e)
        buf_addf(b, "<dt>Source</dt><dd><a href=\"%s\">%s</a></dd>\n", e, e);
    free(e);
    html_recommendations(b, recs);
    buf_addstr(b, "</dl></li>\n");
    free(themes);
    free(topics);
    free(t);
    free(f);
}

static void html_page(struct buf *b, const struct query_results *r, char **files,
                      const struct result_export_opts *e)
{
    char *what = snippet_html_escape(e->what);

    buf_addstr(b, "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>Reading list</title>\n<style>body{font-family:sans-serif;"
                  "max-width:48rem;margin:auto;padding:1rem;line-height:1.5}dt{font-weight:bold}"
                  "dd{margin:0 0 .3rem 1rem}</style>\n</head>\n<body>\n<h1>Reading list</h1>\n");
    buf_addf(b, "<p>%zu report%s%s%s.</p>\n", r->n, r->n == 1 ? "" : "s", *what ? " for: " : "",
             what);
    buf_addstr(b, "<p>These reports describe the abuse, neglect and deaths of children. "
                  "Take care when reading them.</p>\n<ol>\n");
    for (size_t i = 0; i < r->n; i++) {
        json_t *rec = result_record(&r->hits[i], 0), *recs = recommendations(e->cat, rec);
        html_item(b, rec, files[i], e->vocab, recs);
        json_decref(recs);
        json_decref(rec);
    }
    buf_addstr(b, "</ol>\n</body>\n</html>\n");
    free(what);
}

static int write_indexes(const struct query_results *r, char **files,
                         const struct result_export_opts *e, struct cr_err *err)
{
    struct buf md = BUF_INIT, ris = BUF_INIT, html = BUF_INIT;
    int rc;

    result_md_header(&md, r->n, e->what);
    for (size_t i = 0; i < r->n; i++) {
        json_t *rec = result_record(&r->hits[i], 0), *recs = recommendations(e->cat, rec);
        json_object_set_new(rec, "snippet", json_string(""));
        result_md(&md, rec, i + 1, e->vocab, files[i]);
        md_recommendations(&md, recs);
        json_decref(recs);
        result_ris(&ris, rec, e->vocab, files[i]);
        json_decref(rec);
    }
    html_page(&html, r, files, e);
    rc = write_file(e->out_dir, "index.md", md.data, md.len, err);
    if (rc == 0)
        rc = write_file(e->out_dir, "citations.ris", ris.data ? ris.data : "", ris.len, err);
    if (rc == 0)
        rc = write_file(e->out_dir, "index.html", html.data, html.len, err);
    buf_release(&md);
    buf_release(&ris);
    buf_release(&html);
    return rc;
}

int result_export(struct xdb *db, const struct query_opts *o, const struct result_export_opts *e,
                  size_t *n, struct cr_err *err)
{
    struct query_opts q = *o;
    struct query_results r;
    char **files = NULL;
    int rc;

    *n = 0;
    memset(&r, 0, sizeof(r));
    rc = home_mkdirs(e->out_dir, err);
    if (rc == 0)
        rc = dir_is_empty(e->out_dir, err);
    if (rc < 0)
        return rc;
    q.limit = o->limit ? o->limit : EXPORT_MAX;
    q.no_snippets = 1;
    q.pages = 0;
    q.facets = 0;
    q.exact = 1;
    rc = query_run(db, &q, &r, err);
    if (rc < 0)
        return rc;
    files = xcalloc(r.n + 1, sizeof(*files));
    for (size_t i = 0; i < r.n && rc == 0; i++) {
        files[i] = unique_name(result_file_name(r.hits[i].record, e->vocab), files, i);
        rc = copy_blob(e->store_dir, r.hits[i].record, e->out_dir, files[i], err);
    }
    if (rc == 0)
        rc = write_indexes(&r, files, e, err);
    if (rc == 0)
        *n = r.n;
    for (size_t i = 0; i < r.n; i++)
        free(files[i]);
    free(files);
    query_results_release(&r);
    return rc;
}
