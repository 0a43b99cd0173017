#ifndef CASEREVIEW_LIB_BUF_H
#define CASEREVIEW_LIB_BUF_H
/*
 * A growable byte buffer, always NUL-terminated (after curl's dynbuf and
 * git's strbuf).
 *
 * Two kinds, chosen at buf_init():
 *  - capped (max > 0): for anything grown by outside input. buf_append() and
 *    buf_appendf() fail with CR_ETOOBIG instead of growing past max bytes.
 *  - unbounded (max == 0): for text the program itself composes. The void
 *    helpers buf_add*() are for these only; used on a capped buffer that would
 *    overflow they are a bug (CR_BUG).
 *
 * Invariants: data is NULL or points at cap bytes; len < cap; data[len] == 0.
 */

#include <stdarg.h>
#include <stddef.h>

#include "lib/cr_err.h"

struct buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;  /* bytes used, not counting the NUL */
    size_t cap;  /* bytes allocated */
    size_t max;  /* largest len allowed, 0 = unbounded */
};

#define BUF_INIT {NULL, 0, 0, 0}

void buf_init(struct buf *b, size_t max);
/* Frees the storage; the buffer is empty and reusable (same max). */
void buf_release(struct buf *b);
/* Empties without freeing. */
void buf_reset(struct buf *b);
/* Hands the storage to the caller (new; free()), never NULL; b is emptied. */
char *buf_take(struct buf *b);
/* The contents as a C string; borrowed until the next change. Never NULL. */
const char *buf_str(const struct buf *b);

/* Appends len bytes; CR_ETOOBIG (err filled) past the cap, b unchanged. */
int buf_append(struct buf *b, const void *data, size_t len, struct cr_err *err) CR_MUST_CHECK;
int buf_appendf(struct buf *b, struct cr_err *err, const char *fmt, ...)
    CR_PRINTF(3, 4) CR_MUST_CHECK;

/* Unbounded buffers only. */
void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) CR_PRINTF(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) CR_PRINTF(2, 0);

/* Removes trailing ASCII whitespace. */
void buf_rtrim(struct buf *b);
/* Shortens to len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);

#endif
