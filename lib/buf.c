#include "lib/buf.h"

/*
 * Growable buffers. Growth doubles; the cap is checked before any
 * allocation, so a hostile input never makes us allocate past it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_take(struct buf *b)
{
    char *p = b->data ? b->data : xstrdup("");

    buf_init(b, b->max);
    return p;
}

const char *buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}

static int grow(struct buf *b, size_t extra)
{
    size_t need;

    if (extra > (size_t)-1 - b->len - 1)
        return -1;
    need = b->len + extra;
    if (b->max && need > b->max)
        return -1;
    if (need + 1 > b->cap) {
        size_t n = b->cap ? b->cap : 64;
        while (n < need + 1)
            n *= 2;
        if (b->max && n > b->max + 1)
            n = b->max + 1;
        b->data = xrealloc(b->data, n);
        b->cap = n;
    }
    return 0;
}

int buf_append(struct buf *b, const void *data, size_t len, struct cr_err *err)
{
    if (grow(b, len) < 0)
        return cr_error(err, CR_ETOOBIG, "more than %zu bytes", b->max);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

static int vappendf(struct buf *b, const char *fmt, va_list ap) CR_PRINTF(2, 0);
static int vappendf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        CR_BUG("bad format '%s'", fmt);
    if (grow(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int buf_appendf(struct buf *b, struct cr_err *err, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vappendf(b, fmt, ap);
    va_end(ap);
    if (rc < 0)
        return cr_error(err, CR_ETOOBIG, "more than %zu bytes", b->max);
    return 0;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
    if (grow(b, len) < 0)
        CR_BUG("buf_add past the cap of a capped buffer (%zu bytes)", b->max);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_addstr(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    if (vappendf(b, fmt, ap) < 0)
        CR_BUG("buf_addf past the cap of a capped buffer (%zu bytes)", b->max);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void buf_rtrim(struct buf *b)
{
    while (b->len && strchr(" \t\r\n\f\v", b->data[b->len - 1]))
        b->len--;
    if (b->data)
        b->data[b->len] = '\0';
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len > b->len)
        CR_BUG("buf_truncate to %zu past length %zu", len, b->len);
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
}
