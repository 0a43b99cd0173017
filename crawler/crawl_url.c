#include "crawler/crawl_url.h"

/*
 * URL handling over libcurl's URL API (CURLU). curl resolves and parses;
 * this file adds what the crawler's canonical form needs (lower-case host,
 * no default port, no fragment), refuses every scheme but http(s), and
 * handles the one case curl 7.88 resolves wrongly (a bare "#fragment").
 */

#include <curl/curl.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/xalloc.h"

static const char *url_error(CURLUcode uc)
{
    switch (uc) {
    case CURLUE_UNSUPPORTED_SCHEME:
        return "not an http or https URL";
    case CURLUE_MALFORMED_INPUT:
        return "malformed URL";
    case CURLUE_BAD_HOSTNAME:
        return "bad host name";
    case CURLUE_BAD_PORT_NUMBER:
        return "bad port number";
    default:
        return curl_url_strerror(uc);
    }
}

/* Lower-cases the host and drops the fragment; checks the scheme. */
static int canonicalise(CURLU *h, char **out, const char *shown, struct cr_err *err)
{
    char *scheme = NULL, *host = NULL, *url = NULL;
    int rc = 0;

    if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcasecmp(scheme, "http") && strcasecmp(scheme, "https"))) {
        rc = cr_error(err, CR_EINVAL, "'%s': not an http or https URL", shown);
        goto out;
    }
    if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
        rc = cr_error(err, CR_EINVAL, "'%s': no host", shown);
        goto out;
    }
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (curl_url_set(h, CURLUPART_HOST, host, 0) != CURLUE_OK ||
        curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_URL, &url, CURLU_NO_DEFAULT_PORT) != CURLUE_OK) {
        rc = cr_error(err, CR_EINVAL, "'%s': malformed URL", shown);
        goto out;
    }
    if (strlen(url) > CR_MAX_URL) {
        rc = cr_error(err, CR_EINVAL, "'%.80s…': URL longer than %u bytes", shown, CR_MAX_URL);
        goto out;
    }
    *out = xstrdup(url);
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(url);
    return rc;
}

/* HTML's URL parsing strips leading and trailing ASCII whitespace. */
static char *trimmed(const char *s)
{
    size_t len;

    while (*s && strchr(" \t\r\n\f", *s))
        s++;
    len = strlen(s);
    while (len && strchr(" \t\r\n\f", s[len - 1]))
        len--;
    return xstrndup(s, len);
}

int crawl_url_resolve(const char *base, const char *href, char **out, struct cr_err *err)
{
    CURLU *h = NULL;
    CURLUcode uc;
    char *t = trimmed(href ? href : "");
    int rc = 0;

    *out = NULL;
    if (!*t || t[0] == '#') {
        rc = cr_error(err, CR_EINVAL, "'%s': a link to the same page", t);
        goto out;
    }
    if (strlen(t) > CR_MAX_URL) {
        rc = cr_error(err, CR_EINVAL, "'%.80s…': URL longer than %u bytes", t, CR_MAX_URL);
        goto out;
    }
    h = curl_url();
    if (!h)
        CR_BUG("curl_url: out of memory");
    if (base) {
        uc = curl_url_set(h, CURLUPART_URL, base, 0);
        if (uc != CURLUE_OK) {
            rc = cr_error(err, CR_EINVAL, "'%s': %s", base, url_error(uc));
            goto out;
        }
    }
    /* CURLU_URLENCODE encodes the spaces pages leave in hrefs */
    uc = curl_url_set(h, CURLUPART_URL, t, CURLU_URLENCODE);
    if (uc != CURLUE_OK) {
        rc = cr_error(err, CR_EINVAL, "'%s': %s", t, url_error(uc));
        goto out;
    }
    rc = canonicalise(h, out, t, err);
    if (rc == 0 && base) {
        /*
         * curl resolves some hrefs against a base into a URL it would not
         * parse on its own (a host of stray percent signs, "//cdn.e%%7f"):
         * what comes out must read back as itself, or it is not a URL.
         */
        char *again = NULL;
        struct cr_err e2;
        if (crawl_url_resolve(NULL, *out, &again, &e2) < 0 || strcmp(again, *out)) {
            rc = cr_error(err, CR_EINVAL, "'%s': malformed URL", t);
            free(*out);
            *out = NULL;
        }
        free(again);
    }
out:
    curl_url_cleanup(h);
    free(t);
    return rc;
}

int crawl_url_canon(const char *url, char **out, struct cr_err *err)
{
    return crawl_url_resolve(NULL, url, out, err);
}

static char *part(const char *url, CURLUPart which, unsigned flags)
{
    CURLU *h = curl_url();
    char *p = NULL, *copy = NULL;

    if (!h)
        CR_BUG("curl_url: out of memory");
    if (curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(h, which, &p, flags) == CURLUE_OK && p)
        copy = xstrdup(p);
    curl_free(p);
    curl_url_cleanup(h);
    return copy;
}

char *crawl_url_origin(const char *url)
{
    char *scheme = part(url, CURLUPART_SCHEME, 0), *host = part(url, CURLUPART_HOST, 0);
    char *port = part(url, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT), *o = NULL;

    if (scheme && host)
        o = port ? xasprintf("%s://%s:%s", scheme, host, port) : xasprintf("%s://%s", scheme, host);
    free(scheme);
    free(host);
    free(port);
    return o;
}

char *crawl_url_site(const char *url)
{
    char *host = part(url, CURLUPART_HOST, 0), *site;

    if (!host)
        return NULL;
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    site = xstrdup(strncmp(host, "www.", 4) ? host : host + 4);
    free(host);
    return site;
}

char *crawl_url_path(const char *url)
{
    char *path = part(url, CURLUPART_PATH, 0), *query = part(url, CURLUPART_QUERY, 0), *out;

    out = xasprintf("%s%s%s", path && *path ? path : "/", query ? "?" : "", query ? query : "");
    free(path);
    free(query);
    return out;
}

/* The extension of the path's last segment, lower case, into ext (size n); "" if none. */
static void path_ext(const char *url, char *ext, size_t n)
{
    char *path = part(url, CURLUPART_PATH, 0);
    const char *slash, *dot;
    size_t i = 0;

    ext[0] = '\0';
    if (!path)
        return;
    slash = strrchr(path, '/');
    dot = strrchr(slash ? slash : path, '.');
    if (dot) {
        for (dot++; *dot && i + 1 < n; dot++)
            ext[i++] = (char)tolower((unsigned char)*dot);
        ext[i] = '\0';
        if (*dot)
            ext[0] = '\0'; /* longer than any we know */
    }
    free(path);
}

const char *crawl_url_doc_ext(const char *url)
{
    static const char *const docs[] = {"pdf", "docx", "doc", "odt", NULL};
    char ext[8];

    path_ext(url, ext, sizeof(ext));
    for (int i = 0; docs[i]; i++)
        if (!strcmp(ext, docs[i]))
            return docs[i];
    return NULL;
}

int crawl_url_not_page(const char *url)
{
    static const char *const skip[] = {
        "jpg", "jpeg", "png", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "mp3", "mp4",
        "m4a", "wav", "avi", "mov", "wmv", "webm", "zip", "gz", "tgz", "rar", "7z", "exe",
        "msi", "dmg", "css", "js", "json", "xml", "rss", "atom", "ics", "csv", "xls", "xlsx",
        "ppt", "pptx", "pps", "rtf", "txt", "epub", "woff", "woff2", "ttf", "eot", NULL};
    char ext[8];

    path_ext(url, ext, sizeof(ext));
    for (int i = 0; skip[i]; i++)
        if (!strcmp(ext, skip[i]))
            return 1;
    return 0;
}

char *crawl_url_name(const char *url)
{
    char *path = part(url, CURLUPART_PATH, 0), *dec = NULL, *name;
    const char *seg;
    int len = 0;

    seg = path ? strrchr(path, '/') : NULL;
    seg = seg ? seg + 1 : path;
    if (seg && *seg)
        dec = curl_easy_unescape(NULL, seg, 0, &len);
    if (!dec || len == 0) {
        curl_free(dec);
        free(path);
        name = part(url, CURLUPART_HOST, 0);
        return name ? name : xstrdup("document");
    }
    name = xstrndup(dec, (size_t)len);
    for (char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            *p = '_';
    curl_free(dec);
    free(path);
    return name;
}
