/*
 * Helpers shared by the subcommands: error reporting with the right exit
 * status, usage messages, the terminal's width.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/log.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"

int cli_fail(const struct cr_err *err)
{
    log_error("%s", err->msg[0] ? err->msg : cr_strerror(err->code));
    if (err->code == CR_EQUERY || err->code == CR_EUSAGE)
        return CLI_USAGE;
    return CLI_FAIL;
}

int cli_find_report(struct cli_ctx *ctx, const char *key, struct catalog_report *r)
{
    struct cr_err err;
    int found = 0;

    cr_err_clear(&err);
    if (catalog_report_find(ctx->cat, key, r, &found, &err) < 0)
        return cli_fail(&err);
    if (!found) {
        log_error("no report '%s' (give its id or the start of its sha256)", key);
        return CLI_NONE;
    }
    return 0;
}

int cli_usage(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    return CLI_USAGE;
}

int cli_help(const char *usage)
{
    fputs(usage, stdout);
    return CLI_OK;
}

unsigned cli_term_width(void)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");

    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    if (cols && atoi(cols) >= 20)
        return (unsigned)atoi(cols);
    return 80;
}

long cli_uint(const char *s)
{
    char *end;
    long v;

    if (!s || !*s)
        return -1;
    v = strtol(s, &end, 10);
    if (*end || v < 0)
        return -1;
    return v;
}

char *cli_data_path(const char *name)
{
    return taxonomy_data_path(name);
}
