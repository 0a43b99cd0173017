/*
 * Taking results away: /pack, a learning pack for a trainer (the export of
 * search/export.h, zipped: the PDFs under readable names, index.html,
 * index.md and citations.ris), and /citations.ris alone, for a reference
 * manager. Both take the search page's URL state.
 *
 * A pack is built in a private temporary directory, zipped with libzip
 * (PDFs stored as they are, the text files deflated), opened, and the
 * directory removed before the first byte is sent: the response holds the
 * only reference to the zip, so a client that goes away leaves nothing
 * behind. One pack is built at a time; a second asks to retry (503). The
 * repository itself is only read.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "lib/home.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "search/export.h"
#include "search/saved.h"
#include "search/result.h"
#include "web/web_int.h"

#define MAX_CITATIONS 1000

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files in dir, sorted. *n gets the count. New array of new strings. */
static char **list_dir(const char *dir, size_t *n, struct cr_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t alloc = 0;

    *n = 0;
    if (!d) {
        cr_error(err, CR_EIO, "cannot read '%s': %s", dir, strerror(errno));
        return NULL;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = xgrow(names, sizeof(*names), *n + 1, &alloc);
        names[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof(*names), cmp_str);
    return names;
}

static int zip_fail(zip_t *z, const char *what, struct cr_err *err)
{
    return cr_error(err, CR_EIO, "cannot write the learning pack: %s: %s", what,
                    zip_strerror(z));
}

/* Zips every file of dir, under folder/, into zip_path. */
static int zip_dir(const char *dir, const char *folder, const char *zip_path, struct cr_err *err)
{
    int zerr = 0, rc = 0;
    size_t n = 0;
    char **names = list_dir(dir, &n, err);
    zip_t *z;

    if (!names && n == 0 && err && err->code)
        return err->code;
    z = zip_open(zip_path, ZIP_CREATE | ZIP_EXCL, &zerr);
    if (!z) {
        rc = cr_error(err, CR_EIO, "cannot create '%s' (libzip error %d)", zip_path, zerr);
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]), *entry;
        size_t len = strlen(names[i]);
        zip_source_t *src = zip_source_file(z, path, 0, -1) /* to the end */;
        zip_int64_t idx = -1;
        int pdf = len > 4 && !strcmp(names[i] + len - 4, ".pdf");

        entry = xasprintf("%s/%s", folder, names[i]);
        if (src)
            idx = zip_file_add(z, entry, src, ZIP_FL_ENC_UTF_8);
        if (!src || idx < 0) {
            zip_source_free(src);
            rc = zip_fail(z, names[i], err);
        } else if (zip_set_file_compression(z, (zip_uint64_t)idx,
                                            pdf ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0) {
            rc = zip_fail(z, names[i], err); /* PDFs are compressed already */
        }
        free(entry);
        free(path);
    }
    if (rc == 0 && zip_close(z) < 0) {
        rc = zip_fail(z, "closing", err);
        zip_discard(z);
    } else if (rc < 0) {
        zip_discard(z);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Builds the pack for o in a new temporary directory; *fd gets the open zip. */
static int build_pack(struct web_req *r, const struct query_opts *o, const char *what, int *fd,
                      size_t *n, uint64_t *size, struct cr_err *err)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/casereview-pack-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *out = NULL, *zip = NULL;
    struct result_export_opts e;
    struct stat st;
    int rc = 0;

    *fd = -1;
    if (!mkdtemp(dir)) {
        rc = cr_error(err, CR_EIO, "cannot make a temporary directory '%s': %s", dir,
                      strerror(errno));
        free(dir);
        return rc;
    }
    out = xasprintf("%s/pack", dir);
    zip = xasprintf("%s/casereview-learning-pack.zip", dir);
    memset(&e, 0, sizeof(e));
    e.store_dir = r->w->o.home->store;
    e.out_dir = out;
    e.vocab = r->w->o.vocab;
    e.what = what;
    rc = result_export(r->t->db, o, &e, n, err);
    if (rc == 0)
        rc = zip_dir(out, "casereview-learning-pack", zip, err);
    if (rc == 0) {
        *fd = open(zip, O_RDONLY | O_CLOEXEC);
        if (*fd < 0 || fstat(*fd, &st) < 0)
            rc = cr_error(err, CR_EIO, "cannot open '%s': %s", zip, strerror(errno));
        else
            *size = (uint64_t)st.st_size;
    }
    /* the open descriptor keeps the zip alive; nothing stays on disk */
    if (home_remove_tree(dir, NULL) < 0)
        log_warn("serve: cannot remove the temporary directory '%s'", dir);
    if (rc < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    free(zip);
    free(out);
    free(dir);
    return rc;
}

/* The search state of the request as query options; 0, or an error page sent. */
static int read_state(struct web_req *r, struct web_search *s, struct query_opts *o,
                      struct query_filter *filters)
{
    struct cr_err err;
    struct web_thread *t;

    cr_err_clear(&err);
    if (web_search_parse(r, s, &err) < 0) {
        web_error_page(r, 400, "Bad request", err.msg);
        return -1;
    }
    t = web_thread_get(r);
    if (!t->db) {
        web_error_page(r, 503, "No index yet", "Add reports and run 'casereview index' first.");
        return -1;
    }
    web_query_opts(r->w, s, o, filters);
    o->offset = 0;
    o->no_snippets = 1;
    return 0;
}

void web_page_citations(struct web_req *r)
{
    struct web_search s;
    struct query_filter filters[WEB_F_COUNT * WEB_MAX_VALUES];
    struct query_opts o;
    struct query_results res;
    struct cr_err err;

    if (read_state(r, &s, &o, filters) < 0)
        return;
    o.limit = MAX_CITATIONS;
    cr_err_clear(&err);
    if (query_run(r->t->db, &o, &res, &err) < 0) {
        web_error_page(r, web_status_of(err.code), "Cannot list the citations", err.msg);
        return;
    }
    for (size_t i = 0; i < res.n; i++) {
        json_t *rec = result_record(&res.hits[i], 0);
        result_ris(&r->body, rec, r->w->o.vocab, NULL);
        json_decref(rec);
    }
    query_results_release(&res);
    r->ctype = "application/x-research-info-systems; charset=utf-8";
    web_header(r, "Content-Disposition", "attachment; filename=\"casereview-citations.ris\"");
}

void web_page_pack(struct web_req *r)
{
    struct web_search s;
    struct query_filter filters[WEB_F_COUNT * WEB_MAX_VALUES];
    struct query_opts o;
    struct cr_err err;
    char *what;
    size_t n = 0;
    uint64_t size = 0;
    int fd = -1, rc;

    if (read_state(r, &s, &o, filters) < 0)
        return;
    o.limit = WEB_MAX_PACK;
    if (pthread_mutex_trylock(&r->w->pack_lock) != 0) {
        web_header(r, "Retry-After", "10");
        web_error_page(r, 503, "Busy", "Another learning pack is being made. Try again in a "
                                       "few seconds.");
        return;
    }
    what = query_saved_describe(&o);
    cr_err_clear(&err);
    rc = build_pack(r, &o, *what ? what : "every report", &fd, &n, &size, &err);
    pthread_mutex_unlock(&r->w->pack_lock);
    free(what);
    if (rc < 0) {
        web_error_page(r, web_status_of(rc), "Cannot make the learning pack", err.msg);
        return;
    }
    r->ctype = "application/zip";
    web_header(r, "Content-Disposition",
               "attachment; filename=\"casereview-learning-pack.zip\"");
    r->fd = fd;
    r->fd_size = size;
}
