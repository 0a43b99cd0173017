/*
 * /file/<sha256>: a stored report, as its own bytes, for the browser's
 * viewer (/file/<sha256>#page=12 opens it at a page) or a download.
 *
 * Only a file the catalogue holds can be served, and it is named by its
 * digest alone: the request must be exactly 64 lowercase hex digits, and the
 * path on disk is built by the store from that digest and the format the
 * catalogue recorded. Nothing in a request is ever used as a path, so there
 * is nothing to traverse.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/store.h"
#include "lib/xalloc.h"
#include "web/web_int.h"

static const struct {
    const char *format;
    const char *ctype;
    int inline_ok;    /* 1: the browser may show it; 0: download only */
} types[] = {
    {"pdf", "application/pdf", 1},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0},
    {"doc", "application/msword", 0},
    {"odt", "application/vnd.oasis.opendocument.text", 0},
    /* a page fetched from a partnership's site: never run on our origin */
    {"html", "text/plain; charset=utf-8", 0},
    {"bin", "application/octet-stream", 0},
};

/* A download name from the name the report came under: letters, digits, " .-_" only. */
static char *file_name(const struct catalog_report *rep)
{
    const char *name = rep->name && *rep->name ? rep->name : rep->sha256;
    const char *slash = strrchr(name, '/');
    struct buf b = BUF_INIT;

    for (const char *p = slash ? slash + 1 : name; *p && b.len < 120; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == ' ' || c == '.' || c == '-' || c == '_';
        buf_addch(&b, ok ? c : '_');
    }
    if (!b.len)
        buf_addstr(&b, rep->sha256);
    return buf_take(&b);
}

static void send_file(struct web_req *r, const struct catalog_report *rep, size_t type)
{
    const char *inm = web_req_header(r, "If-None-Match");
    char *path = store_blob_path(r->w->o.home->store, rep->sha256, rep->format);
    char etag[80], *disp, *name;
    struct stat st;
    int fd;

    snprintf(etag, sizeof(etag), "\"%s\"", rep->sha256);
    fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    free(path);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        web_error_page(r, 404, "File missing",
                       "The catalogue lists this report but its file is not in the store. "
                       "'casereview doctor' checks the repository.");
        return;
    }
    /* the bytes behind a digest never change */
    web_header(r, "ETag", etag);
    web_header(r, "Cache-Control", "private, max-age=31536000, immutable");
    if (inm && strstr(inm, rep->sha256)) {
        close(fd);
        r->status = 304;
        r->ctype = types[type].ctype;
        return;
    }
    name = file_name(rep);
    disp = xasprintf("%s; filename=\"%s\"", types[type].inline_ok ? "inline" : "attachment",
                     name);
    web_header(r, "Content-Disposition", disp);
    free(disp);
    free(name);
    r->ctype = types[type].ctype;
    r->fd = fd;
    r->fd_size = (uint64_t)st.st_size;
}

void web_page_file(struct web_req *r, const char *rest)
{
    struct web_thread *t;
    struct catalog_report rep;
    struct cr_err err;
    int found = 0;
    size_t type;

    if (!store_sha_ok(rest)) {
        web_error_page(r, 404, "No such file",
                       "Files are named by the 64 hexadecimal digits of their sha256.");
        return;
    }
    t = web_thread_get(r);
    if (!t->cat) {
        web_error_page(r, 503, "Cannot read the catalogue", t->cat_error);
        return;
    }
    cr_err_clear(&err);
    if (catalog_report_find(t->cat, rest, &rep, &found, &err) < 0) {
        web_error_page(r, 500, "Cannot read the catalogue", err.msg);
        return;
    }
    if (!found || strcmp(rep.sha256, rest) != 0) {
        if (found)
            catalog_report_release(&rep);
        web_error_page(r, 404, "No such file", "The repository holds no file with this sha256.");
        return;
    }
    for (type = 0; type < sizeof(types) / sizeof(types[0]); type++)
        if (rep.format && !strcmp(rep.format, types[type].format))
            break;
    if (type == sizeof(types) / sizeof(types[0]))
        type = sizeof(types) / sizeof(types[0]) - 1;
    send_file(r, &rep, type);
    catalog_report_release(&rep);
}
