#ifndef CASEREVIEW_LIB_LOG_H
#define CASEREVIEW_LIB_LOG_H
/*
 * Messages to the user on stderr: errors, warnings, notes and debug lines,
 * in git's form ("error: cannot open 'x.pdf': …"). Results go to stdout and
 * never through here. Debug lines show when CASEREVIEW_DEBUG is set.
 * The logger's level is the one mutable global outside cli/main.c.
 */

#include "lib/cr_err.h"

enum log_level { LOG_QUIET = 0, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Reads CASEREVIEW_DEBUG; call once from main. */
void log_init(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_error(const char *fmt, ...) CR_PRINTF(1, 2);
void log_warn(const char *fmt, ...) CR_PRINTF(1, 2);
void log_info(const char *fmt, ...) CR_PRINTF(1, 2);
void log_debug(const char *fmt, ...) CR_PRINTF(1, 2);

#endif
