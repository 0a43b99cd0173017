#ifndef CASEREVIEW_CRAWLER_LINKS_H
#define CASEREVIEW_CRAWLER_LINKS_H
/*
 * Links of an HTML page, with the context a reader of the page sees around
 * each: the anchor text, the text of its enclosing list item, paragraph or
 * table row, and the nearest heading above it. Partnerships describe their
 * reports there ("Child F1 SCR: Learning event held April 2018; full report
 * published 15.05.2018"), and nowhere else.
 *
 * The page is parsed by libxml2's HTML parser (error-recovering, no network,
 * the page's own charset), never by regular expressions. Every link comes
 * out resolved and canonical (crawler/crawl_url.h), http(s) only, without
 * fragments, once per page (the first occurrence wins, except that a later
 * one with anchor text replaces one without). Texts are UTF-8 with
 * whitespace collapsed, each capped at LINKS_MAX_TEXT bytes.
 *
 * What this is not: it does not decide what to follow (the crawler does),
 * and derives no metadata from the texts (lib/hints does).
 */

#include <stddef.h>

#include "lib/cr_err.h"

#define LINKS_MAX_TEXT 2000 /* bytes of one anchor, context or heading kept */

struct links_link {
    char *url;           /* canonical absolute URL; owned */
    char *anchor;        /* text of the link ("" when it has none); owned */
    char *context;       /* text of the enclosing li / p / tr / dd (else the parent); owned */
    char *heading;       /* text of the nearest heading above; owned, NULL if none */
    const char *doc_ext; /* "pdf", "doc", "docx", "odt" by the URL's extension, else NULL; static */
};

struct links_page {
    struct links_link *links; /* owned, n of them, in document order */
    size_t n, alloc;
    size_t refused;           /* hrefs that were not http(s) URLs (mailto:, javascript:…) */
    size_t dropped;           /* links past CR_MAX_LINKS_PER_PAGE */
};

/*
 * Extracts the links of html (len bytes, borrowed) fetched from page_url
 * (the final URL after redirects; borrowed) into out, which it initialises
 * (release with links_page_release, also after an error). Returns 0, or
 * CR_ETOOBIG past CR_MAX_HTML, or CR_EFORMAT when nothing can be parsed.
 */
int links_extract(const char *html, size_t len, const char *page_url, struct links_page *out,
                  struct cr_err *err) CR_MUST_CHECK;
void links_page_release(struct links_page *p);

#endif
