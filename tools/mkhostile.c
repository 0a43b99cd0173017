/*
 * mkhostile: writes the hostile and damaged PDFs of the reliability tests
 * into a folder, from code, so that no hand-edited binary is ever committed.
 *
 *     mkhostile OUTDIR [--big]
 *
 * Each file attacks one weakness of a PDF reader: nesting and reference
 * cycles that recurse, declared sizes that allocate, compressed streams that
 * expand a thousandfold, broken cross-reference tables, fonts that lie, pages
 * of no size, tens of thousands of empty pages, and active content
 * (JavaScript, forms, attachments, launch actions) that must never run.
 * --big makes the stress sizes (bigger bombs, deeper nests, more pages).
 *
 * The files that carry text say on their first page that they are fictional
 * test fixtures. Output is deterministic: the same run gives the same bytes.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FICTION "Fictional test fixture made by mkhostile: a hostile PDF, not a real case review."
/* Written into the attachment and the scripts: must never appear outside the store. */
#define PAYLOAD_MARK "casereview-hostile-payload-7f3a"

struct pdf {
    FILE *f;
    const char *path;
    long *off;     /* byte offset of object i, 0 = not written */
    int alloc;
    int max;       /* highest object number written */
};

struct sizes {
    unsigned long long bomb;  /* bytes a compression bomb expands to */
    unsigned long long text;  /* bytes of text operators in the text bomb */
    int nest;                 /* nesting depth of arrays and dictionaries */
    int tree;                 /* depth of the nested page tree */
    int empty_many;           /* pages of nothing, over the page cap */
    int empty_some;           /* pages of nothing, under the page cap */
    size_t title;             /* bytes of the info dictionary's title (past a worker frame) */
};

static void die(const char *what, const char *path)
{
    fprintf(stderr, "mkhostile: %s '%s': %s\n", what, path, strerror(errno));
    exit(1);
}

static void *xmalloc_or_die(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p) {
        fprintf(stderr, "mkhostile: out of memory\n");
        exit(1);
    }
    return p;
}

static void pdf_open(struct pdf *p, const char *dir, const char *name)
{
    static char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    memset(p, 0, sizeof(*p));
    p->path = path;
    p->f = fopen(path, "wb");
    if (!p->f)
        die("cannot create", path);
    fputs("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", p->f);
}

/* Starts object n; the caller writes its body and calls end(). */
static void obj(struct pdf *p, int n)
{
    if (n >= p->alloc) {
        int na = n * 2 + 16;
        long *o = realloc(p->off, (size_t)na * sizeof(*o));
        if (!o)
            die("out of memory for", p->path);
        memset(o + p->alloc, 0, (size_t)(na - p->alloc) * sizeof(*o));
        p->off = o;
        p->alloc = na;
    }
    p->off[n] = ftell(p->f);
    if (n > p->max)
        p->max = n;
    fprintf(p->f, "%d 0 obj\n", n);
}

static void end(struct pdf *p)
{
    fputs("\nendobj\n", p->f);
}

static void objf(struct pdf *p, int n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void objf(struct pdf *p, int n, const char *fmt, ...)
{
    va_list ap;

    obj(p, n);
    va_start(ap, fmt);
    vfprintf(p->f, fmt, ap);
    va_end(ap);
    end(p);
}

/* A stream object; extra goes inside the dictionary ("/Filter /FlateDecode"). */
static void stream(struct pdf *p, int n, const char *extra, const void *data, size_t len)
{
    obj(p, n);
    fprintf(p->f, "<< /Length %zu %s >>\nstream\n", len, extra ? extra : "");
    fwrite(data, 1, len, p->f);
    fputs("\nendstream", p->f);
    end(p);
}

static void text_stream(struct pdf *p, int n, const char *text)
{
    char content[1024];
    int len = snprintf(content, sizeof(content), "BT /F1 11 Tf 56 760 Td (%s) Tj ET", text);

    stream(p, n, NULL, content, (size_t)len);
}

/* The cross-reference table, trailer and end; closes the file. */
static void finish(struct pdf *p, int root, const char *trailer_extra)
{
    long xref = ftell(p->f);

    fprintf(p->f, "xref\n0 %d\n0000000000 65535 f \n", p->max + 1);
    for (int i = 1; i <= p->max; i++) {
        if (p->off[i])
            fprintf(p->f, "%010ld 00000 n \n", p->off[i]);
        else
            fputs("0000000000 65535 f \n", p->f);
    }
    fprintf(p->f, "trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%ld\n%%%%EOF\n",
            p->max + 1, root, trailer_extra ? trailer_extra : "", xref);
    if (fclose(p->f) != 0)
        die("cannot write", p->path);
    free(p->off);
    p->f = NULL;
}

/* Objects 1 (catalogue), 2 (pages) are the caller's; 5 is always Helvetica. */
static void helvetica(struct pdf *p)
{
    objf(p, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
}

/* A one-page document whose page carries page_extra and whose text is text. */
static void one_page(struct pdf *p, const char *text, const char *page_extra,
                     const char *catalog_extra)
{
    objf(p, 1, "<< /Type /Catalog /Pages 2 0 R %s >>", catalog_extra ? catalog_extra : "");
    objf(p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> %s >>",
         page_extra ? page_extra : "");
    text_stream(p, 4, text);
    helvetica(p);
}

/* Arrays and dictionaries nested `depth` deep, in the page tree and the content. */
static void nested(const char *dir, const struct sizes *z)
{
    struct pdf p;
    size_t n = (size_t)z->nest, len = 0;
    char *content = xmalloc_or_die(4 * n + 256);

    pdf_open(&p, dir, "nested.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&p, 3);
    fputs("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
          "/Resources << /Font << /F1 5 0 R >> >> /Nest ", p.f);
    for (size_t i = 0; i < n; i++)
        fputs("<< /A ", p.f);
    fputs("0", p.f);
    for (size_t i = 0; i < n; i++)
        fputs(" >>", p.f);
    fputs(" >>", p.f);
    end(&p);
    len += (size_t)sprintf(content, "BT /F1 11 Tf 56 760 Td (%s) Tj ET\n", FICTION);
    for (size_t i = 0; i < n; i++)
        content[len++] = '[';
    for (size_t i = 0; i < n; i++)
        content[len++] = ']';
    content[len++] = '\n';
    for (size_t i = 0; i < n; i++) {
        content[len++] = 'q';
        content[len++] = ' ';
    }
    stream(&p, 4, NULL, content, len);
    helvetica(&p);
    finish(&p, 1, NULL);
    free(content);
}

/* A page tree `tree` levels deep: Pages → Pages → … → the one page. */
static void deep_tree(const char *dir, const struct sizes *z)
{
    struct pdf p;
    int first = 10;

    pdf_open(&p, dir, "deep-tree.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", first);
    for (int i = 0; i < z->tree; i++)
        objf(&p, first + i, "<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>",
             i ? first + i - 1 : 2, i + 1 < z->tree ? first + i + 1 : 3);
    objf(&p, 3,
         "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >>", first + z->tree - 1);
    text_stream(&p, 4, FICTION);
    helvetica(&p);
    finish(&p, 1, NULL);
}

/* Cycles: a Pages node that is its own grandchild, references that point at each other. */
static void cyclic(const char *dir)
{
    struct pdf p;

    pdf_open(&p, dir, "cyclic.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R /Outlines 12 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R 6 0 R 10 0 R] /Count 3 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >>");
    text_stream(&p, 4, FICTION);
    helvetica(&p);
    objf(&p, 6, "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R] /Count 2 >>");
    objf(&p, 7, "8 0 R");
    objf(&p, 8, "7 0 R");
    objf(&p, 9, "9 0 R");
    objf(&p, 10,
         "<< /Type /Page /Parent 6 0 R /MediaBox 9 0 R /Contents 7 0 R /Resources 9 0 R >>");
    objf(&p, 11, "<< /Length 11 0 R >>");
    objf(&p, 12, "<< /Type /Outlines /First 13 0 R /Last 13 0 R /Count 1 >>");
    objf(&p, 13, "<< /Title (loop) /Parent 12 0 R /Next 13 0 R /Prev 13 0 R /First 13 0 R >>");
    finish(&p, 1, "/Info 9 0 R");
}

/* A page tree that declares two billion pages and holds one. */
static void huge_count(const char *dir)
{
    struct pdf p;

    pdf_open(&p, dir, "huge-count.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R 3 0 R 3 0 R] /Count 2147483647 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >>");
    text_stream(&p, 4, FICTION);
    helvetica(&p);
    finish(&p, 1, NULL);
}

/*
 * A zlib stream that expands `chunk` (repeated) to `total` bytes. Each chunk is
 * compressed once after a full flush, which makes its compressed bytes
 * independent of what came before, so they can simply be repeated.
 */
static unsigned char *deflate_bomb(const char *chunk, size_t clen, unsigned long long total,
                                   size_t *out_len, int gz)
{
    z_stream zs;
    unsigned long long reps = total / clen;
    size_t cap = clen + 1024, one, tail;
    unsigned char *a = xmalloc_or_die(cap), *b = xmalloc_or_die(cap), *out;
    uLong adler = adler32(0L, Z_NULL, 0), ad_chunk, crc = crc32(0L, Z_NULL, 0), crc_chunk;
    size_t hl;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(1);
    zs.next_in = (Bytef *)chunk;
    zs.avail_in = (uInt)clen;
    zs.next_out = a;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FULL_FLUSH);
    zs.next_in = (Bytef *)chunk;
    zs.avail_in = (uInt)clen;
    zs.next_out = b;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FULL_FLUSH);
    one = cap - zs.avail_out;
    /* the second chunk's bytes are the ones every later chunk repeats */
    hl = gz ? 10 : 2;
    out = xmalloc_or_die(hl + one * reps + 64);
    memcpy(out, gz ? "\x1f\x8b\x08\0\0\0\0\0\0\x03" : "\x78\xda", hl);
    for (unsigned long long i = 0; i < reps; i++)
        memcpy(out + hl + one * i, b, one);
    zs.next_in = NULL;
    zs.avail_in = 0;
    zs.next_out = out + hl + one * reps;
    zs.avail_out = 32;
    deflate(&zs, Z_FINISH);
    tail = 32 - zs.avail_out;
    deflateEnd(&zs);
    ad_chunk = adler32(adler32(0L, Z_NULL, 0), (const Bytef *)chunk, (uInt)clen);
    crc_chunk = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)chunk, (uInt)clen);
    for (unsigned long long i = 0; i < reps; i++) {
        adler = adler32_combine(adler, ad_chunk, (z_off_t)clen);
        crc = crc32_combine(crc, crc_chunk, (z_off_t)clen);
    }
    *out_len = hl + one * reps + tail;
    if (gz) {
        /* RFC 1952: CRC-32 and the input size modulo 2^32, little-endian */
        uint32_t isize = (uint32_t)(reps * clen);
        for (int i = 0; i < 4; i++)
            out[(*out_len)++] = (unsigned char)(crc >> (8 * i));
        for (int i = 0; i < 4; i++)
            out[(*out_len)++] = (unsigned char)(isize >> (8 * i));
    } else {
        out[(*out_len)++] = (unsigned char)(adler >> 24);
        out[(*out_len)++] = (unsigned char)(adler >> 16);
        out[(*out_len)++] = (unsigned char)(adler >> 8);
        out[(*out_len)++] = (unsigned char)adler;
    }
    free(a);
    free(b);
    return out;
}

static unsigned char *bomb(const char *chunk, size_t clen, unsigned long long total,
                           size_t *out_len)
{
    return deflate_bomb(chunk, clen, total, out_len, 0);
}

/*
 * bomb.gz, not a PDF: a gzip stream of `bomb` zero bytes, for a web server
 * that sends it with Content-Encoding: gzip (tests/reliability/test_web).
 */
static void gzip_bomb(const char *dir, const struct sizes *z)
{
    size_t clen = 1 << 20, blen;
    char *chunk = xmalloc_or_die(clen), path[4096];
    unsigned char *data;
    FILE *f;

    memset(chunk, 0, clen);
    data = deflate_bomb(chunk, clen, z->bomb, &blen, 1);
    snprintf(path, sizeof(path), "%s/bomb.gz", dir);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, blen, f) != blen || fclose(f) != 0)
        die("cannot write", path);
    free(data);
    free(chunk);
}

/* Content that inflates to `bytes` of white space after one line of text. */
static void bomb_space(const char *dir, const struct sizes *z)
{
    size_t clen = 1 << 20, blen;
    char *chunk = xmalloc_or_die(clen);
    unsigned char *data;
    struct pdf p;

    memset(chunk, ' ', clen);
    data = bomb(chunk, clen, z->bomb, &blen);
    pdf_open(&p, dir, "bomb-space.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 6 0 R] "
         "/Resources << /Font << /F1 5 0 R >> >> >>");
    text_stream(&p, 4, FICTION);
    helvetica(&p);
    stream(&p, 6, "/Filter /FlateDecode", data, blen);
    finish(&p, 1, NULL);
    free(data);
    free(chunk);
}

/*
 * Content that inflates to `text` bytes of text-showing operators, all drawn
 * at one place in a readable size (Poppler drops text off the page, and
 * beyond 50,000 tiny characters): text without end.
 */
static void bomb_text(const char *dir, const struct sizes *z)
{
    static const char line[] = "(casereview hostile fixture text without end) Tj 0 0 Td\n";
    size_t ll = sizeof(line) - 1, per = (1 << 20) / ll, clen = per * ll, blen;
    char *chunk = xmalloc_or_die(clen);
    unsigned char *data;
    struct pdf p;

    for (size_t i = 0; i < per; i++)
        memcpy(chunk + i * ll, line, ll);
    data = bomb(chunk, clen, z->text, &blen);
    pdf_open(&p, dir, "bomb-text.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 6 0 R 7 0 R] "
         "/Resources << /Font << /F1 5 0 R >> >> >>");
    stream(&p, 4, NULL, "BT /F1 11 Tf 56 760 Td (" FICTION ") Tj 0 -20 Td ",
           strlen("BT /F1 11 Tf 56 760 Td (" FICTION ") Tj 0 -20 Td "));
    helvetica(&p);
    stream(&p, 6, "/Filter /FlateDecode", data, blen);
    stream(&p, 7, NULL, " ET", 3);
    finish(&p, 1, NULL);
    free(data);
    free(chunk);
}

/*
 * A font whose ToUnicode map and font program inflate to `bomb` bytes each:
 * the text extractor reads the map whole into memory.
 */
static void bomb_font(const char *dir, const struct sizes *z)
{
    static const char content[] = "BT /F1 11 Tf 56 760 Td (" FICTION ") Tj ET\n"
                                  "BT /F2 11 Tf 56 700 Td (font bomb) Tj ET\n";
    size_t clen = 1 << 20, blen;
    char *chunk = xmalloc_or_die(clen);
    unsigned char *data;
    struct pdf p;

    memset(chunk, 0, clen);
    data = bomb(chunk, clen, z->bomb, &blen);
    pdf_open(&p, dir, "bomb-font.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>");
    stream(&p, 4, NULL, content, sizeof(content) - 1);
    helvetica(&p);
    objf(&p, 6,
         "<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 "
         "/FontDescriptor 7 0 R /Encoding /WinAnsiEncoding /ToUnicode 8 0 R >>");
    objf(&p, 7,
         "<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] "
         "/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 "
         "/FontFile2 8 0 R >>");
    stream(&p, 8, "/Filter /FlateDecode", data, blen);
    finish(&p, 1, NULL);
    free(data);
    free(chunk);
}

/* Objects, but a cross-reference table and trailer that point nowhere useful. */
static void broken_xref(const char *dir)
{
    FILE *f;
    char path[4096];

    snprintf(path, sizeof(path), "%s/broken-xref.pdf", dir);
    f = fopen(path, "wb");
    if (!f)
        die("cannot create", path);
    fputs("%PDF-1.4\n"
          "1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nendobj\n"
          "2 0 obj\n<< /Type /Pages /Kids [3 0 R /Count 1 >>\nendobj\n"
          "3 0 obj\n<< /Type /Pag /Parent 2 0 R /Contents 4 0 R\nendobj\n"
          "4 0 obj\n<< /Length 999999999 >>\nstream\nBT (broken) Tj ET\nendobj\n"
          "xref\n0 5\n0000000000 65535 f \nXXXXXXXXXX 00000 n \n0000000009 9999999 n \n"
          "-000000001 00000 n \n9999999999 00000 n \n"
          "trailer\n<< /Size -4 /Root 7 0 R /Prev 12 >>\nstartxref\n999999999\n%%EOF\n"
          "xref\n0 2147483647\ntrailer\n<< /Size 2147483647 /Root 1 0 R /Prev 300 >>\n"
          "startxref\n300\n%%EOF\n",
          f);
    if (fclose(f) != 0)
        die("cannot write", path);
}

/* Fills n bytes from a fixed-seed generator (xorshift): deterministic garbage. */
static void garbage(unsigned char *out, size_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;

    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (unsigned char)x;
    }
}

/* Fonts that lie: garbage font program, absurd widths and ranges, a Type 3 glyph that draws itself. */
static void bad_font(const char *dir)
{
    static const char cmap[] =
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "2147483647 begincodespacerange <0000> <FFFFFFFF> endcodespacerange\n"
        "99999999 beginbfrange <0000> <FFFF> <0041> <FFFF> <0000> [<00> <01>] endbfrange\n"
        "3 beginbfchar <01> <D800DC00D800> <02> <> <FFFFFFFFFFFF> <0041> endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n";
    static const char content[] =
        "BT /F1 11 Tf 56 760 Td (" FICTION ") Tj ET\n"
        "BT /F2 11 Tf 56 700 Td (ABCDEF bad font text) Tj ET\n"
        "BT /F3 11 Tf 56 650 Td (aaaa) Tj ET\n"
        "BT /F4 -1e38 Tf 1e38 0 0 1e38 0 0 Tm (huge) Tj ET\n";
    static const char glyph[] = "0 0 d0 BT /F3 1 Tf (a) Tj ET";
    unsigned char junk[65536];
    struct pdf p;

    garbage(junk, sizeof(junk), 7);
    pdf_open(&p, dir, "bad-font.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 10 0 R /F4 6 0 R >> >> >>");
    stream(&p, 4, NULL, content, sizeof(content) - 1);
    helvetica(&p);
    objf(&p, 6,
         "<< /Type /Font /Subtype /TrueType /BaseFont /Junk /FirstChar 4294967295 "
         "/LastChar -2147483648 /Widths [1e308 -1e308 0] /FontDescriptor 7 0 R "
         "/ToUnicode 9 0 R /Encoding << /Differences [0 /a 4294967296 /b -1 /c] >> >>");
    objf(&p, 7,
         "<< /Type /FontDescriptor /FontName /Junk /Flags -1 /FontBBox [0 0 0 0] "
         "/ItalicAngle 1e300 /Ascent 1e300 /Descent -1e300 /CapHeight 0 /StemV 0 "
         "/FontFile2 8 0 R >>");
    stream(&p, 8, "/Length1 4294967295", junk, sizeof(junk));
    stream(&p, 9, NULL, cmap, sizeof(cmap) - 1);
    objf(&p, 10,
         "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0] "
         "/CharProcs << /a 11 0 R >> /Encoding << /Differences [97 /a] >> /FirstChar 97 "
         "/LastChar 97 /Widths [1000] /Resources << /Font << /F3 10 0 R >> >> >>");
    stream(&p, 11, NULL, glyph, sizeof(glyph) - 1);
    finish(&p, 1, NULL);
}

/* A form XObject that draws itself, and one image of absurd declared size. */
static void recursive_form(const char *dir)
{
    static const char content[] = "BT /F1 11 Tf 56 760 Td (" FICTION ") Tj ET /X1 Do /Im1 Do";
    static const char form[] = "/X1 Do /X1 Do";
    struct pdf p;

    pdf_open(&p, dir, "recursive-form.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R /Im1 7 0 R >> >> >>");
    stream(&p, 4, NULL, content, sizeof(content) - 1);
    helvetica(&p);
    stream(&p, 6, "/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
                  "/Resources << /XObject << /X1 6 0 R >> >>",
           form, sizeof(form) - 1);
    stream(&p, 7, "/Type /XObject /Subtype /Image /Width 2147483647 /Height 2147483647 "
                  "/ColorSpace /DeviceRGB /BitsPerComponent 8",
           "\0\0\0", 3);
    finish(&p, 1, NULL);
}

/* Pages of no size, negative size and absurd size, each with a line of text. */
static void zero_size(const char *dir)
{
    static const char *const boxes[] = {"[0 0 0 0]", "[0 0 -1e38 1e38]",
                                        "[1e308 1e308 -1e308 -1e308]", "[]"};
    struct pdf p;

    pdf_open(&p, dir, "zero-size.pdf");
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    objf(&p, 2, "<< /Type /Pages /Kids [10 0 R 11 0 R 12 0 R 13 0 R] /Count 4 >>");
    text_stream(&p, 4, FICTION);
    helvetica(&p);
    for (int i = 0; i < 4; i++)
        objf(&p, 10 + i,
             "<< /Type /Page /Parent 2 0 R /MediaBox %s /CropBox [0 0 0 0] /Rotate 45 "
             "/UserUnit 0 /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
             boxes[i]);
    finish(&p, 1, NULL);
}

/* n pages with no content at all. */
static void empty_pages(const char *dir, const char *name, int n)
{
    struct pdf p;
    int first = 10;

    pdf_open(&p, dir, name);
    objf(&p, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    obj(&p, 2);
    fputs("<< /Type /Pages /Kids [", p.f);
    for (int i = 0; i < n; i++)
        fprintf(p.f, "%d 0 R%s", first + i, (i + 1) % 16 ? " " : "\n");
    fprintf(p.f, "] /Count %d /MediaBox [0 0 595 842] >>", n);
    end(&p);
    for (int i = 0; i < n; i++)
        objf(&p, first + i, "<< /Type /Page /Parent 2 0 R >>");
    finish(&p, 1, NULL);
}

/*
 * Active content: JavaScript on open and on page view, a form, an embedded
 * file, a file-attachment annotation, launch and URI actions. The payload
 * would create files named after PAYLOAD_MARK if anything ran it.
 */
static void active(const char *dir)
{
    static const char js[] =
        "app.alert('" PAYLOAD_MARK "'); this.exportDataObject({cName: '" PAYLOAD_MARK ".sh', "
        "nLaunch: 2}); app.launchURL('file:///tmp/" PAYLOAD_MARK "', true);";
    static const char attachment[] = "#!/bin/sh\ntouch /tmp/" PAYLOAD_MARK "-ran\n"
                                     "echo " PAYLOAD_MARK "\n";
    struct pdf p;

    pdf_open(&p, dir, "active-content.pdf");
    objf(&p, 1,
         "<< /Type /Catalog /Pages 2 0 R /OpenAction 20 0 R "
         "/AA << /WC 20 0 R /WS 20 0 R /DP 20 0 R >> "
         "/AcroForm << /Fields [9 0 R] /NeedAppearances true /XFA 23 0 R >> "
         "/Names << /EmbeddedFiles << /Names [(" PAYLOAD_MARK ".sh) 10 0 R] >> "
         "/JavaScript << /Names [(init) 20 0 R] >> >> >>");
    objf(&p, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    objf(&p, 3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> /Annots [9 0 R 12 0 R 13 0 R 14 0 R] "
         "/AA << /O 20 0 R /C 21 0 R >> >>");
    text_stream(&p, 4, FICTION " It carries scripts, a form and an attachment.");
    helvetica(&p);
    objf(&p, 9,
         "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (" PAYLOAD_MARK ") "
         "/Rect [56 600 300 620] /P 3 0 R /AA << /K 20 0 R /F 20 0 R /V 20 0 R /C 20 0 R >> >>");
    objf(&p, 10, "<< /Type /Filespec /F (" PAYLOAD_MARK ".sh) /UF (" PAYLOAD_MARK ".sh) "
                 "/EF << /F 11 0 R >> >>");
    stream(&p, 11, "/Type /EmbeddedFile /Subtype /application#2Fx-sh", attachment,
           sizeof(attachment) - 1);
    objf(&p, 12,
         "<< /Type /Annot /Subtype /FileAttachment /FS 10 0 R /Rect [56 500 80 520] "
         "/Contents (attachment) >>");
    objf(&p, 13,
         "<< /Type /Annot /Subtype /Link /Rect [56 400 300 420] /A 22 0 R >>");
    objf(&p, 14,
         "<< /Type /Annot /Subtype /Link /Rect [56 300 300 320] "
         "/A << /S /URI /URI (file:///etc/passwd) >> >>");
    objf(&p, 20, "<< /S /JavaScript /JS (%s) /Next 22 0 R >>", js);
    objf(&p, 21, "<< /S /JavaScript /JS 24 0 R >>");
    objf(&p, 22,
         "<< /S /Launch /F (/bin/sh) /Win << /F (cmd.exe) /P (/c echo " PAYLOAD_MARK ") >> "
         "/Unix (/bin/sh -c 'touch /tmp/" PAYLOAD_MARK "-launch') /NewWindow true >>");
    stream(&p, 23, NULL, "<xdp:xdp><script>" PAYLOAD_MARK "</script></xdp:xdp>",
           strlen("<xdp:xdp><script>" PAYLOAD_MARK "</script></xdp:xdp>"));
    stream(&p, 24, NULL, js, sizeof(js) - 1);
    finish(&p, 1, NULL);
}

/* A trailer and table that declare two billion objects. */
static void huge_xref(const char *dir)
{
    struct pdf p;
    long xref;

    pdf_open(&p, dir, "huge-xref.pdf");
    one_page(&p, FICTION, NULL, NULL);
    xref = ftell(p.f);
    fprintf(p.f, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i <= 5; i++)
        fprintf(p.f, "%010ld 00000 n \n", p.off[i]);
    fprintf(p.f, "2000000000 2\n0000000009 00000 n \n0000000009 00000 n \n"
                 "trailer\n<< /Size 2147483647 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
            xref);
    if (fclose(p.f) != 0)
        die("cannot write", p.path);
    free(p.off);
}

/* An info dictionary of absurd strings and dates. */
static void huge_info(const char *dir, const struct sizes *z)
{
    size_t n = z->title;
    char *title = xmalloc_or_die(n + 1);
    struct pdf p;

    memset(title, 'T', n);
    title[n] = '\0';
    pdf_open(&p, dir, "huge-info.pdf");
    one_page(&p, FICTION, NULL, NULL);
    obj(&p, 6);
    fprintf(p.f, "<< /Title (%s) /Author <FEFFD800D800DFFFFFFE0000> /Subject (\\377\\376\\000) "
                 "/CreationDate (D:99999999999999+99'99') /ModDate (D:0000) "
                 "/Keywords [1 2 3] /Producer 6 0 R >>",
            title);
    end(&p);
    finish(&p, 1, "/Info 6 0 R");
    free(title);
}

/* A PDF header followed by noise. */
static void noise(const char *dir)
{
    size_t n = 1 << 20;
    unsigned char *junk = xmalloc_or_die(n);
    char path[4096];
    FILE *f;

    garbage(junk, n, 12345);
    snprintf(path, sizeof(path), "%s/noise.pdf", dir);
    f = fopen(path, "wb");
    if (!f)
        die("cannot create", path);
    fputs("%PDF-1.7\n", f);
    fwrite(junk, 1, n, f);
    if (fclose(f) != 0)
        die("cannot write", path);
    free(junk);
}

int main(int argc, char **argv)
{
    struct sizes z = {1ull << 30, 256ull << 20, 100000, 5000, 30000, 5000, 9u << 20};

    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--big"))) {
        fprintf(stderr, "usage: mkhostile OUTDIR [--big]\n");
        return 2;
    }
    if (argc == 3)
        z = (struct sizes){8ull << 30, 2ull << 30, 1000000, 50000, 200000, 5000, 16u << 20};
    nested(argv[1], &z);
    deep_tree(argv[1], &z);
    cyclic(argv[1]);
    huge_count(argv[1]);
    bomb_space(argv[1], &z);
    bomb_text(argv[1], &z);
    bomb_font(argv[1], &z);
    broken_xref(argv[1]);
    bad_font(argv[1]);
    recursive_form(argv[1]);
    zero_size(argv[1]);
    empty_pages(argv[1], "empty-many.pdf", z.empty_many);
    empty_pages(argv[1], "empty-some.pdf", z.empty_some);
    active(argv[1]);
    huge_xref(argv[1]);
    huge_info(argv[1], &z);
    noise(argv[1]);
    gzip_bomb(argv[1], &z);
    return 0;
}
