#include "crawler/crawl_sources.h"

/*
 * Sources lists, a small tab-separated format a person can edit. Every
 * field is checked (the URL is canonicalised, the nation is a known id),
 * and a bad line stops the load with its file and line number.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_url.h"
#include "lib/caps.h"
#include "lib/xalloc.h"

#define MAX_FIELDS 4
#define MAX_SOURCES 100000

int crawl_nation_ok(const char *s)
{
    static const char *const ids[] = {"england", "wales", "scotland", "northern-ireland", NULL};

    for (int i = 0; ids[i]; i++)
        if (!strcmp(s, ids[i]))
            return 1;
    return 0;
}

int crawl_sources_add(struct crawl_source_list *list, const char *url, const char *name,
                      const char *nation, const char *evidence, struct cr_err *err)
{
    struct crawl_source *s;
    char *canon = NULL;
    int rc = crawl_url_canon(url, &canon, err);

    if (rc < 0)
        return rc;
    for (size_t i = 0; i < list->n; i++) {
        if (!strcmp(list->v[i].url, canon)) {
            free(canon);
            return 0;
        }
    }
    if (list->n >= MAX_SOURCES) {
        free(canon);
        return cr_error(err, CR_ETOOBIG, "more than %d sources", MAX_SOURCES);
    }
    list->v = xgrow(list->v, sizeof(*list->v), list->n + 1, &list->alloc);
    s = &list->v[list->n++];
    s->url = canon;
    s->name = name && *name ? xstrdup(name) : NULL;
    s->nation = nation && *nation ? xstrdup(nation) : NULL;
    s->evidence = evidence && *evidence ? xstrdup(evidence) : NULL;
    return 0;
}

/* Splits line at tabs into at most MAX_FIELDS trimmed fields (in place). */
static int split(char *line, char **f)
{
    int n = 0;

    for (char *p = line;; ) {
        char *tab = strchr(p, '\t');
        if (n == MAX_FIELDS)
            return n + 1; /* too many */
        if (tab)
            *tab = '\0';
        while (*p == ' ')
            p++;
        for (size_t len = strlen(p); len && p[len - 1] == ' '; len--)
            p[len - 1] = '\0';
        f[n++] = p;
        if (!tab)
            return n;
        p = tab + 1;
    }
}

static int parse_line(struct crawl_source_list *list, char *line, const char *what, int lineno,
                      struct cr_err *err)
{
    char *f[MAX_FIELDS];
    int n, rc;

    if (!*line || line[0] == '#' || !strncmp(line, "name\t", 5))
        return 0;
    n = split(line, f);
    if (n == 1 && !*f[0])
        return 0;
    if (n == 1)
        rc = crawl_sources_add(list, f[0], NULL, NULL, NULL, err);
    else if (n < 3 || n > MAX_FIELDS)
        return cr_error(err, CR_EINVAL,
                        "'%s' line %d: expected name, nation, URL and where it was found, "
                        "separated by tabs",
                        what, lineno);
    else if (*f[1] && !crawl_nation_ok(f[1]))
        return cr_error(err, CR_EINVAL,
                        "'%s' line %d: unknown nation '%s' (england, wales, scotland or "
                        "northern-ireland)",
                        what, lineno, f[1]);
    else
        rc = crawl_sources_add(list, f[2], f[0], f[1], n > 3 ? f[3] : NULL, err);
    if (rc < 0)
        cr_err_prefix(err, "'%s' line %d", what, lineno);
    return rc;
}

int crawl_sources_parse(const char *text, size_t len, const char *what,
                        struct crawl_source_list *list, struct cr_err *err)
{
    size_t i = 0;
    int lineno = 0, rc = 0;

    memset(list, 0, sizeof(*list));
    while (i < len && rc == 0) {
        size_t j = i;
        char *line;
        while (j < len && text[j] != '\n')
            j++;
        lineno++;
        if (j - i > CR_MAX_LINE) {
            rc = cr_error(err, CR_ETOOBIG, "'%s' line %d: longer than %d bytes", what, lineno,
                          CR_MAX_LINE);
            break;
        }
        line = xstrndup(text + i, j - i);
        if (memchr(text + i, '\0', j - i))
            rc = cr_error(err, CR_EINVAL, "'%s' line %d: not text", what, lineno);
        else {
            size_t l = strlen(line);
            if (l && line[l - 1] == '\r')
                line[l - 1] = '\0';
            rc = parse_line(list, line, what, lineno, err);
        }
        free(line);
        i = j + 1;
    }
    if (rc < 0)
        crawl_sources_release(list);
    return rc;
}

int crawl_sources_load(const char *path, struct crawl_source_list *list, struct cr_err *err)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, alloc = 0, n;
    char chunk[65536];
    int rc;

    memset(list, 0, sizeof(*list));
    if (!f)
        return cr_error(err, errno == ENOENT ? CR_ENOTFOUND : CR_EIO, "cannot open '%s': %s",
                        path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (len + n > 64u << 20) {
            fclose(f);
            free(text);
            return cr_error(err, CR_ETOOBIG, "'%s': larger than 64 MB", path);
        }
        text = xgrow(text, 1, len + n + 1, &alloc);
        memcpy(text + len, chunk, n);
        len += n;
    }
    if (ferror(f)) {
        rc = cr_error(err, CR_EIO, "cannot read '%s': %s", path, strerror(errno));
        fclose(f);
        free(text);
        return rc;
    }
    fclose(f);
    rc = crawl_sources_parse(text ? text : "", len, path, list, err);
    free(text);
    return rc;
}

void crawl_sources_release(struct crawl_source_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++) {
        free(list->v[i].url);
        free(list->v[i].name);
        free(list->v[i].nation);
        free(list->v[i].evidence);
    }
    free(list->v);
    memset(list, 0, sizeof(*list));
}
