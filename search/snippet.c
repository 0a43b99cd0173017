#include "search/snippet.h"

/*
 * Marker rendering. The markers are single bytes below 0x20 that the
 * extraction never leaves in page text, so a byte scan is enough and UTF-8
 * sequences pass through untouched.
 */

#include <string.h>

#include "lib/buf.h"
#include "search/query.h"

static void add_escaped(struct buf *b, char c)
{
    switch (c) {
    case '&':
        buf_addstr(b, "&amp;");
        break;
    case '<':
        buf_addstr(b, "&lt;");
        break;
    case '>':
        buf_addstr(b, "&gt;");
        break;
    case '"':
        buf_addstr(b, "&quot;");
        break;
    case '\'':
        buf_addstr(b, "&#39;");
        break;
    default:
        buf_addch(b, c);
    }
}

char *snippet_render(const char *s, enum snippet_style style)
{
    static const char *const on[] = {"", "**", "\033[1m", "<mark>"};
    static const char *const off[] = {"", "**", "\033[0m", "</mark>"};
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    for (; s && *s; s++) {
        if (*s == QUERY_HI_START[0])
            buf_addstr(&b, on[style]);
        else if (*s == QUERY_HI_END[0])
            buf_addstr(&b, off[style]);
        else if (*s == '\n' || *s == '\r' || *s == '\t')
            buf_addch(&b, ' ');
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            continue; /* no control byte reaches a terminal or a file */
        else if (style == SNIPPET_HTML)
            add_escaped(&b, *s);
        else
            buf_addch(&b, *s);
    }
    return buf_take(&b);
}

char *snippet_html_escape(const char *s)
{
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    for (; s && *s; s++)
        add_escaped(&b, *s);
    return buf_take(&b);
}
