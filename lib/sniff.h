#ifndef CASEREVIEW_LIB_SNIFF_H
#define CASEREVIEW_LIB_SNIFF_H
/*
 * What a file is, judged by its first bytes and never by its name or a
 * server's Content-Type (a "PDF" link often returns an HTML error page).
 */

#include <stddef.h>

/*
 * Returns "pdf", "docx", "odt", "doc", "html" or NULL (unknown), a static
 * string. head is the file's first bytes (4096 are plenty).
 */
const char *sniff_format(const void *head, size_t len);

/* A plain-words description of what the bytes look like, for messages. */
const char *sniff_describe(const void *head, size_t len);

#endif
