#ifndef CASEREVIEW_SEARCH_SNIPPET_H
#define CASEREVIEW_SEARCH_SNIPPET_H
/*
 * Snippets as each output wants them. query_run returns snippets with the
 * matched words between QUERY_HI_START and QUERY_HI_END (control
 * characters); these functions turn the markers into bold on a terminal,
 * **stars** in plain text, JSON and Markdown, <mark> in HTML, or nothing.
 * Line breaks of the page become spaces, so a snippet is one line.
 */

enum snippet_style {
    SNIPPET_PLAIN = 0,  /* markers dropped */
    SNIPPET_STARS,      /* **word** */
    SNIPPET_ANSI,       /* bold on, bold off (a terminal) */
    SNIPPET_HTML        /* text HTML-escaped, <mark>word</mark> */
};

/* s rendered in style. New string (free()). s may be NULL (gives ""). */
char *snippet_render(const char *s, enum snippet_style style);

/* Appends s HTML-escaped (& < > " ') to a new string. */
char *snippet_html_escape(const char *s);

#endif
