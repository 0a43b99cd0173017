#include "lib/cr_err.h"

/*
 * Error messages: formatting and prefixing into the caller's buffer.
 * Messages are truncated rather than allocated, so that reporting an error
 * can never itself fail.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cr_err_clear(struct cr_err *err)
{
    if (!err)
        return;
    err->code = CR_OK;
    err->msg[0] = '\0';
}

int cr_error(struct cr_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void cr_err_prefix(struct cr_err *err, const char *fmt, ...)
{
    char prefix[256];
    size_t plen, mlen;
    va_list ap;
    int n;

    if (!err)
        return;
    va_start(ap, fmt);
    n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    plen = strlen(prefix);
    prefix[plen++] = ':';
    prefix[plen++] = ' ';
    mlen = strnlen(err->msg, sizeof(err->msg) - 1);
    if (plen + mlen > sizeof(err->msg) - 1)
        mlen = sizeof(err->msg) - 1 - plen;
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
}

const char *cr_strerror(int code)
{
    static const char *const names[] = {
        "ok", "invalid input", "input/output error", "input too large",
        "not the expected format", "catalogue error", "index error",
        "network error", "busy", "data corrupted", "query error", "usage error",
        "timed out", "interrupted", "worker failed", "not found",
    };
    int i = -code;

    if (i < 0 || (size_t)i >= sizeof(names) / sizeof(names[0]))
        return "unknown error";
    return names[i];
}

__attribute__((noreturn)) void cr_bug(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
