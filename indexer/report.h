#ifndef CASEREVIEW_INDEXER_REPORT_H
#define CASEREVIEW_INDEXER_REPORT_H
/*
 * A report while the indexer holds it: its catalogue row plus what
 * extraction produced (pages, the PDF's info dictionary, the first pages'
 * lines with font sizes). Shared by the indexer's files (idx.c collects it,
 * meta.c reads it, idx_doc.c writes it to the index).
 *
 * Memory: page texts are capped per page by the worker and per report here
 * (CR_MAX_REPORT_TEXT); a report over the cap fails as "too-big".
 */

#include <stddef.h>

#include "lib/catalog.h"

struct idx_page {
    char *text;          /* owned, NUL-terminated, valid UTF-8 */
    size_t len;
};

struct idx_line {
    int page;            /* 1-based */
    double size;         /* largest font size on the line, points */
    char *text;          /* owned */
};

/* The PDF info dictionary, each NULL when absent. */
struct idx_info {
    char *title, *author, *subject, *keywords, *creator, *producer;
    char *created, *modified; /* ISO 8601 UTC */
};

struct idx_report {
    struct catalog_report cat;  /* the catalogue row (owned strings) */
    char *path;                 /* blob path in the store; owned */
    struct idx_page *pages;     /* npages of them, page i+1 at [i]; owned */
    int npages;
    size_t pages_alloc;
    size_t text_bytes;          /* sum of page lengths */
    struct idx_line *lines;     /* owned */
    size_t nlines, lines_alloc;
    struct idx_info info;
    int over_cap;               /* text beyond CR_MAX_REPORT_TEXT was refused */
};

/* Frees everything the report owns and zeroes it. */
void idx_report_release(struct idx_report *r);

/* Non-whitespace characters over all pages (to tell a text layer from none). */
size_t idx_report_visible_chars(const struct idx_report *r);

#endif
