#include "lib/log.h"

/*
 * The logger: a level and four printf-like functions writing whole lines to
 * stderr. A progress bar (lib/progress.c) may own the terminal's last line;
 * it is cleared before a message is written (progress_clear_line hook).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/progress.h"

static enum log_level level = LOG_INFO;

void log_init(void)
{
    const char *d = getenv("CASEREVIEW_DEBUG");

    if (d && *d && *d != '0')
        level = LOG_DEBUG;
}

void log_set_level(enum log_level l)
{
    level = l;
}

enum log_level log_get_level(void)
{
    return level;
}

static void vlog(enum log_level l, const char *prefix, const char *fmt, va_list ap) CR_PRINTF(3, 0);
static void vlog(enum log_level l, const char *prefix, const char *fmt, va_list ap)
{
    if (l > level)
        return;
    progress_clear_line();
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

#define LOG_FN(name, lvl, prefix) \
    void name(const char *fmt, ...) \
    { \
        va_list ap; \
        va_start(ap, fmt); \
        vlog(lvl, prefix, fmt, ap); \
        va_end(ap); \
    }

LOG_FN(log_error, LOG_ERROR, "error: ")
LOG_FN(log_warn, LOG_WARN, "warning: ")
LOG_FN(log_info, LOG_INFO, "")
LOG_FN(log_debug, LOG_DEBUG, "debug: ")
