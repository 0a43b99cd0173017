/*
 * HTML for the web pages: escaping, URL encoding and the frame every page
 * shares (head, navigation, the notice about what the reports describe).
 *
 * Everything a page shows from a report passes through web_esc(), which
 * escapes the five characters that matter in text and quoted attributes and
 * also repairs what a PDF may hold: invalid UTF-8 becomes U+FFFD and control
 * characters are dropped, so that no byte from a report can end an element
 * or an attribute early.
 */

#include <stdio.h>
#include <string.h>

#include "lib/version.h"
#include "search/query.h"
#include "web/web_int.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates and values past U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void web_esc_n(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned char c = p[i];
        size_t len;

        switch (c) {
        case '&': buf_addstr(b, "&amp;"); i++; continue;
        case '<': buf_addstr(b, "&lt;"); i++; continue;
        case '>': buf_addstr(b, "&gt;"); i++; continue;
        case '"': buf_addstr(b, "&quot;"); i++; continue;
        case '\'': buf_addstr(b, "&#39;"); i++; continue;
        case '\n': case '\r': case '\t': buf_addch(b, ' '); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            i++;
            continue;
        }
        len = utf8_len(p + i, n - i);
        if (!len) {
            buf_addstr(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        buf_add(b, p + i, len);
        i += len;
    }
}

void web_esc(struct buf *b, const char *s)
{
    if (s)
        web_esc_n(b, s, strlen(s));
}

void web_snippet(struct buf *b, const char *s)
{
    int open = 0;

    if (!s)
        return;
    while (*s) {
        size_t n = strcspn(s, QUERY_HI_START QUERY_HI_END);

        web_esc_n(b, s, n);
        s += n;
        if (!*s)
            break;
        if (*s == QUERY_HI_START[0] && !open) {
            buf_addstr(b, "<mark>");
            open = 1;
        } else if (*s == QUERY_HI_END[0] && open) {
            buf_addstr(b, "</mark>");
            open = 0;
        }
        s++;
    }
    if (open)
        buf_addstr(b, "</mark>");
}

void web_urlenc(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_addch(b, (char)*p);
        } else if (*p == ' ') {
            buf_addch(b, '+');
        } else {
            buf_addch(b, '%');
            buf_addch(b, hex[*p >> 4]);
            buf_addch(b, hex[*p & 15]);
        }
    }
}

static int alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

void web_id_label(struct buf *b, const char *id)
{
    size_t start = b->len;
    const char *p = id;

    while (*p) {
        size_t n = strcspn(p, "-");
        int joins;

        web_esc_n(b, p, n);
        p += n;
        if (!*p)
            break;
        joins = p > id && alnum(p[-1]) && alnum(p[1]);
        if (joins && digit(p[-1]) && digit(p[1]))
            buf_addstr(b, "\u2013"); /* a range: "1-4" reads 1–4 */
        else
            buf_addch(b, joins ? ' ' : '-');
        p++;
    }
    if (b->len > start && b->data[start] >= 'a' && b->data[start] <= 'z')
        b->data[start] = (char)(b->data[start] - 'a' + 'A');
}

void web_label(struct buf *b, const struct web *w, enum filter_field f, const char *id)
{
    const char *label = w && w->o.vocab ? filter_vocab_label(w->o.vocab, f, id) : id;

    if (label && label != id && strcmp(label, id))
        web_esc(b, label);
    else
        web_id_label(b, id);
}

static const struct {
    const char *href;
    const char *label;
} nav_items[] = {
    [WEB_NAV_SEARCH] = {"/search", "Search"},
    [WEB_NAV_COMPARE] = {"/compare", "Compare"},
    [WEB_NAV_SAVED] = {"/saved", "Saved searches"},
};

void web_page_start(struct buf *b, const char *title, enum web_nav nav)
{
    buf_addstr(b, "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>");
    web_esc(b, title);
    buf_addstr(b, " – casereview</title>\n"
                  "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                  "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n"
                  "</head>\n<body>\n"
                  "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
                  "<header class=\"site\">\n"
                  "<a class=\"brand\" href=\"/\">casereview</a>\n"
                  "<nav aria-label=\"Main\"><ul>\n");
    for (size_t i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++) {
        if (!nav_items[i].href)
            continue;
        buf_addf(b, "<li><a href=\"%s\"%s>%s</a></li>\n", nav_items[i].href,
                 (size_t)nav == i ? " aria-current=\"page\"" : "", nav_items[i].label);
    }
    buf_addstr(b, "</ul></nav>\n</header>\n"
                  "<p class=\"notice\">These are published reviews of cases in which children "
                  "died or were seriously harmed through abuse or neglect. They describe what "
                  "happened to them, and some of it is distressing to read.</p>\n"
                  "<main id=\"main\" tabindex=\"-1\">\n");
}

void web_page_end(struct buf *b)
{
    buf_addstr(b, "</main>\n<footer class=\"site\"><p>casereview " CASEREVIEW_VERSION
                  ": a local, searchable copy of published child safeguarding case reviews, "
                  "served from this computer.</p></footer>\n</body>\n</html>\n");
}

void web_error_page(struct web_req *r, int status, const char *title, const char *msg)
{
    struct buf *b = &r->body;

    buf_reset(b);
    r->status = status;
    r->ctype = "text/html; charset=utf-8";
    web_page_start(b, title, WEB_NAV_NONE);
    buf_addstr(b, "<h1>");
    web_esc(b, title);
    buf_addstr(b, "</h1>\n<p>");
    web_esc(b, msg);
    buf_addstr(b, "</p>\n<p><a href=\"/search\">Search the reports</a></p>\n");
    web_page_end(b);
}
