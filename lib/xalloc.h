#ifndef CASEREVIEW_LIB_XALLOC_H
#define CASEREVIEW_LIB_XALLOC_H
/*
 * Allocation that cannot fail: on exhaustion these print "out of memory" and
 * abort, so callers do not check (small allocations only; memory grown by
 * outside input goes through a capped struct buf, see lib/buf.h).
 * Everything returned is new: the caller frees it with free().
 */

#include <stdarg.h>
#include <stddef.h>

#include "lib/cr_err.h"

#ifdef __cplusplus
extern "C" {
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copies at most n bytes of s and NUL-terminates. */
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) CR_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) CR_PRINTF(1, 0);

/* Grows *arr (of *alloc elements of size elem) to hold at least need elements. */
void *xgrow(void *arr, size_t elem, size_t need, size_t *alloc);

/* free() then set the pointer to NULL. */
#define FREE_AND_NULL(p) \
    do { \
        free(p); \
        (p) = NULL; \
    } while (0)

#ifdef __cplusplus
}
#endif

#include "lib/banned.h"

#endif
