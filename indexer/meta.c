#include "indexer/meta.h"

/*
 * Metadata derivation. The title is the run of first-page lines set in the
 * largest font that reads as words: a cover page's heading ("Serious Case
 * Review: Child T"), not a logo initial or a page number. When the layout
 * gives nothing usable, the PDF's own Title (unless it is a converter's
 * default such as "Microsoft Word - draft3.docx"), then the first line of
 * text, then the file name.
 */

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/xalloc.h"

#define TITLE_MIN_LETTERS 4
#define TITLE_MAX_LINES 4

static size_t letters(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80)
            n++;
    return n;
}

/* Collapses runs of whitespace, trims, cuts at CR_MAX_TITLE on a character boundary. */
static char *clean(const char *s)
{
    struct buf b = BUF_INIT;
    int space = 0;

    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            buf_addch(&b, ' ');
        space = 0;
        buf_addch(&b, *s);
    }
    if (b.len > CR_MAX_TITLE) {
        size_t n = CR_MAX_TITLE;
        while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
            n--;
        buf_truncate(&b, n);
    }
    return buf_take(&b);
}

char *meta_title_from_lines(const struct idx_line *lines, size_t n)
{
    double tried = INFINITY;

    for (;;) {
        double best = 0;
        struct buf run = BUF_INIT;
        size_t i, used = 0;
        char *title;

        for (i = 0; i < n; i++)
            if (lines[i].page == 1 && lines[i].size > best && lines[i].size < tried - 0.01)
                best = lines[i].size;
        if (best <= 0)
            return NULL;
        tried = best;
        /* the first run of consecutive lines at this size */
        for (i = 0; i < n && used < TITLE_MAX_LINES; i++) {
            int same = lines[i].page == 1 && fabs(lines[i].size - best) < 0.5;
            if (!same && used)
                break;
            if (!same)
                continue;
            if (used++)
                buf_addch(&run, ' ');
            buf_addstr(&run, lines[i].text);
        }
        title = clean(buf_str(&run));
        buf_release(&run);
        if (letters(title) >= TITLE_MIN_LETTERS)
            return title;
        free(title);
    }
}

static int junk_info_title(const char *t)
{
    static const char *const junk[] = {"Microsoft Word", "Untitled", "untitled", "Slide 1",
                                       "PowerPoint Presentation", NULL};
    size_t len = strlen(t);

    for (int i = 0; junk[i]; i++)
        if (!strncmp(t, junk[i], strlen(junk[i])))
            return 1;
    if (len > 4 && (!strcasecmp(t + len - 4, ".pdf") || !strcasecmp(t + len - 4, ".doc")))
        return 1;
    if (len > 5 && !strcasecmp(t + len - 5, ".docx"))
        return 1;
    return letters(t) < TITLE_MIN_LETTERS;
}

static char *first_text_line(const struct idx_report *r)
{
    for (int p = 0; p < r->npages && p < 3; p++) {
        const char *s = r->pages[p].text;
        while (*s) {
            const char *nl = strchr(s, '\n');
            size_t len = nl ? (size_t)(nl - s) : strlen(s);
            char *line = xstrndup(s, len), *c = clean(line);
            free(line);
            if (letters(c) >= TITLE_MIN_LETTERS)
                return c;
            free(c);
            if (!nl)
                break;
            s = nl + 1;
        }
    }
    return NULL;
}

static char *from_name(const char *name)
{
    const char *base = strrchr(name, '/');
    char *t = xstrdup(base ? base + 1 : name), *dot = strrchr(t, '.');

    if (dot && dot != t)
        *dot = '\0';
    for (char *p = t; *p; p++)
        if (*p == '_' || *p == '-')
            *p = ' ';
    return t;
}

int meta_derive(struct catalog *c, const struct idx_report *r, struct meta_fields *f,
                struct cr_err *err)
{
    (void)c;
    (void)err;
    memset(f, 0, sizeof(*f));
    f->title = meta_title_from_lines(r->lines, r->nlines);
    f->title_source = "layout";
    if (!f->title && r->info.title && !junk_info_title(r->info.title)) {
        f->title = clean(r->info.title);
        f->title_source = "info";
    }
    if (!f->title) {
        f->title = first_text_line(r);
        f->title_source = "text";
    }
    if (!f->title) {
        f->title = from_name(r->cat.name ? r->cat.name : r->cat.sha256);
        f->title_source = "file name";
    }
    return 0;
}

void meta_fields_release(struct meta_fields *f)
{
    if (!f)
        return;
    free(f->title);
    memset(f, 0, sizeof(*f));
}
