#ifndef CASEREVIEW_CRAWLER_CRAWL_URL_H
#define CASEREVIEW_CRAWLER_CRAWL_URL_H
/*
 * URLs as the crawler handles them: resolved against the page they were
 * found on, in one canonical form (lower-case scheme and host, no default
 * port, no fragment, spaces encoded), and only http or https.
 *
 * The canonical form is the frontier's key: two spellings of one URL are
 * fetched once. Parsing and resolution are libcurl's URL API (RFC 3986).
 *
 * What this is not: nothing here ever turns a URL into a file path; the
 * store names files by their sha256 only.
 */

#include "lib/cr_err.h"

/*
 * Resolves href (as written in a page, borrowed) against base (an absolute
 * URL, borrowed) into *out (new, free()). Returns 0, or CR_EINVAL with a
 * message when href is not an http(s) URL (mailto:, javascript:, data:,
 * file:, ftp:…), is empty or only a fragment of the same page, is longer
 * than CR_MAX_URL, or cannot be parsed.
 */
int crawl_url_resolve(const char *base, const char *href, char **out,
                      struct cr_err *err) CR_MUST_CHECK;

/* The canonical form of an absolute URL (crawl_url_resolve with no base). */
int crawl_url_canon(const char *url, char **out, struct cr_err *err) CR_MUST_CHECK;

/* "scheme://host[:port]" of a canonical URL, new string; NULL if it has none. */
char *crawl_url_origin(const char *url);
/* The host without a leading "www.", lower case, new string; NULL if none. */
char *crawl_url_site(const char *url);
/* The path and query ("/a/b.pdf?x=1"), new string; "/" when empty. */
char *crawl_url_path(const char *url);

/*
 * The document format a link's path names by its extension: "pdf", "doc",
 * "docx", "odt", or NULL (a static string). Only a hint for routing: what a
 * fetched file is, is decided by its bytes.
 */
const char *crawl_url_doc_ext(const char *url);

/* 1 when the path's extension says it is not a web page (images, media, archives…). */
int crawl_url_not_page(const char *url);

/*
 * A display name for a document fetched from url: its last path segment,
 * percent-decoded, with control characters and '/' replaced; the host when
 * the path is empty. Never used as a path. New string.
 */
char *crawl_url_name(const char *url);

#endif
