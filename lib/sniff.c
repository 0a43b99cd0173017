#include "lib/sniff.h"

/*
 * Magic numbers. PDF: "%PDF-" within the first 1024 bytes (ISO 32000-1
 * 7.5.2 allows leading junk, and readers accept it there). Office Open XML
 * and OpenDocument are zip files; the member names in the first local header
 * tell them apart well enough for routing. OLE2 compound files are .doc.
 */

#include <string.h>

static int has(const unsigned char *h, size_t len, const char *needle, size_t within)
{
    size_t n = strlen(needle);

    if (within > len)
        within = len;
    if (within < n)
        return 0;
    for (size_t i = 0; i + n <= within; i++)
        if (!memcmp(h + i, needle, n))
            return 1;
    return 0;
}

static int starts_html(const unsigned char *h, size_t len)
{
    size_t i = 0;

    if (len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
        i = 3;
    while (i < len && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
        i++;
    if (i >= len || h[i] != '<')
        return 0;
    return has(h + i, len - i, "html", 512) || has(h + i, len - i, "HTML", 512) ||
           has(h + i, len - i, "<head", 512) || has(h + i, len - i, "<body", 512) ||
           has(h + i, len - i, "<!--", 8);
}

const char *sniff_format(const void *head, size_t len)
{
    const unsigned char *h = head;

    if (has(h, len, "%PDF-", 1024))
        return "pdf";
    if (len >= 8 && !memcmp(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return "doc";
    if (len >= 4 && !memcmp(h, "PK\x03\x04", 4)) {
        if (has(h, len, "mimetypeapplication/vnd.oasis.opendocument.text", 200))
            return "odt";
        if (has(h, len, "word/", len) || has(h, len, "[Content_Types].xml", len))
            return "docx";
        return NULL;
    }
    if (starts_html(h, len))
        return "html";
    return NULL;
}

const char *sniff_describe(const void *head, size_t len)
{
    const unsigned char *h = head;
    const char *f = sniff_format(head, len);
    size_t i, printable = 0;

    if (len == 0)
        return "an empty file";
    if (f && !strcmp(f, "html"))
        return "an HTML page";
    if (f)
        return f;
    if (len >= 4 && !memcmp(h, "PK\x03\x04", 4))
        return "a zip archive";
    for (i = 0; i < len; i++)
        if (h[i] >= 0x20 || h[i] == '\n' || h[i] == '\r' || h[i] == '\t' || h[i] >= 0x80)
            printable++;
    return printable == len ? "a text file" : "an unknown binary file";
}
