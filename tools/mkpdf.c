/*
 * mkpdf: the fixture builder. Turns a small text format into a real,
 * multi-page PDF with cairo's PDF surface, so that the sample reports and the
 * test fixtures are generated from text kept in the repository, never
 * edited by hand.
 *
 * Input (UTF-8 text):
 *   # comment                     ignored
 *   @title TEXT                   the PDF's Title (info dictionary)
 *   @author TEXT                  the PDF's Author
 *   @subject TEXT / @keywords TEXT
 *   @created YYYY-MM-DD           the PDF's CreationDate (default 2020-01-01)
 *   @outlines                     draw all text as outlines: a PDF with no text layer
 *   @expect KEY=VALUE             ignored here (read by the tests: expected metadata)
 *   @page                         start a new page
 *   @heading TEXT                 a line in 24 pt (cover titles)
 *   @subheading TEXT              a line in 15 pt
 *   @small TEXT                   a line in 8 pt
 *   @blank N                      N empty lines
 *   anything else                 body text in 11 pt; lines join into paragraphs,
 *                                 a blank line ends a paragraph
 * Text that runs past the bottom of a page continues on a new one.
 *
 * Output is deterministic for a given input (fixed dates), so fixtures have
 * stable sha256s.
 */

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 56.0
#define BODY 11.0

struct doc {
    cairo_surface_t *surface;
    cairo_t *cr;
    double y;            /* baseline of the next line */
    int outlines;        /* draw glyph outlines instead of text */
    int started;         /* anything drawn on the current page */
    int shown;           /* pages finished so far */
    char para[65536];    /* body text gathered for the current paragraph */
    size_t para_len;
};

static void new_page(struct doc *d)
{
    if (d->started) {
        cairo_show_page(d->cr);
        d->shown++;
    }
    d->y = MARGIN;
    d->started = 0;
}

static void draw(struct doc *d, const char *text, double size, int bold)
{
    cairo_select_font_face(d->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(d->cr, size);
    if (d->y + size * 1.4 > PAGE_H - MARGIN)
        new_page(d);
    d->y += size * 1.4;
    cairo_move_to(d->cr, MARGIN, d->y);
    if (d->outlines) {
        cairo_text_path(d->cr, text);
        cairo_fill(d->cr);
    } else {
        cairo_show_text(d->cr, text);
    }
    d->started = 1;
}

/* Draws the gathered paragraph, wrapped to the text width. */
static void flush_para(struct doc *d)
{
    char line[4096];
    size_t ll = 0;
    char *word, *save = NULL;

    if (!d->para_len)
        return;
    d->para[d->para_len] = '\0';
    cairo_select_font_face(d->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(d->cr, BODY);
    line[0] = '\0';
    for (word = strtok_r(d->para, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
        char trial[4096];
        cairo_text_extents_t ext;
        int tl = snprintf(trial, sizeof(trial), "%s%s%s", line, ll ? " " : "", word);
        cairo_text_extents(d->cr, trial, &ext);
        /* a line past the buffer is far past the page width too: break it there */
        if (ll && (ext.x_advance > PAGE_W - 2 * MARGIN || tl >= (int)sizeof(trial))) {
            draw(d, line, BODY, 0);
            snprintf(line, sizeof(line), "%s", word);
        } else {
            snprintf(line, sizeof(line), "%s", trial);
        }
        ll = strlen(line);
    }
    if (ll)
        draw(d, line, BODY, 0);
    d->y += BODY * 0.6;
    d->para_len = 0;
}

static void add_para(struct doc *d, const char *text)
{
    size_t n = strlen(text);

    if (d->para_len + n + 2 >= sizeof(d->para))
        flush_para(d);
    if (d->para_len)
        d->para[d->para_len++] = ' ';
    memcpy(d->para + d->para_len, text, n);
    d->para_len += n;
}

static const char *arg(const char *line, const char *directive)
{
    size_t n = strlen(directive);

    if (strncmp(line, directive, n))
        return NULL;
    if (line[n] == ' ')
        return line + n + 1;
    if (line[n] == '\0')
        return line + n;
    return NULL;
}

/* First pass: metadata directives, which cairo wants before any drawing. */
static void metadata(cairo_surface_t *s, FILE *in, int *outlines)
{
    char line[8192], date[64];
    const char *a;
    int have_date = 0;

    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\r\n")] = '\0';
        if ((a = arg(line, "@title")))
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, a);
        else if ((a = arg(line, "@author")))
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, a);
        else if ((a = arg(line, "@subject")))
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, a);
        else if ((a = arg(line, "@keywords")))
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, a);
        else if ((a = arg(line, "@created"))) {
            snprintf(date, sizeof(date), "%.10sT00:00:00Z", a);
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
            have_date = 1;
        } else if (!strcmp(line, "@outlines"))
            *outlines = 1;
    }
    if (!have_date)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2020-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "2020-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "casereview mkpdf");
    rewind(in);
}

static void body(struct doc *d, FILE *in)
{
    char line[8192];
    const char *a;

    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#')
            continue;
        if (line[0] == '@' && !arg(line, "@page") && !arg(line, "@heading") &&
            !arg(line, "@subheading") && !arg(line, "@small") && !arg(line, "@blank"))
            continue; /* metadata, handled in the first pass */
        if (line[0] != '@' && line[0]) {
            add_para(d, line);
            continue;
        }
        flush_para(d);
        if (arg(line, "@page"))
            new_page(d);
        else if ((a = arg(line, "@heading")))
            draw(d, a, 24, 1);
        else if ((a = arg(line, "@subheading")))
            draw(d, a, 15, 1);
        else if ((a = arg(line, "@small")))
            draw(d, a, 8, 0);
        else if ((a = arg(line, "@blank")))
            d->y += BODY * 1.4 * atoi(a);
    }
    flush_para(d);
}

int main(int argc, char **argv)
{
    struct doc *d;
    FILE *in;
    cairo_status_t st;

    if (argc != 3) {
        fprintf(stderr, "usage: mkpdf INPUT.txt OUTPUT.pdf\n");
        return 2;
    }
    in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    d = calloc(1, sizeof(*d));
    if (!d)
        return 1;
    d->surface = cairo_pdf_surface_create(argv[2], PAGE_W, PAGE_H);
    metadata(d->surface, in, &d->outlines);
    d->cr = cairo_create(d->surface);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    d->y = MARGIN;
    body(d, in);
    fclose(in);
    if (d->started || !d->shown)
        cairo_show_page(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    st = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    free(d);
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "mkpdf: %s: %s\n", argv[2], cairo_status_to_string(st));
        return 1;
    }
    return 0;
}
