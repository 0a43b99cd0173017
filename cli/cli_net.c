/*
 * The network commands (crawl, sources, serve) live in a second program,
 * casereview-net, beside casereview: they need libcurl, libmicrohttpd and
 * libxml2, whose loading (with gnutls, nghttp2, ldap, kerberos…) costs a
 * search more time than the search itself. casereview hands those commands
 * over by exec(), so the user sees one program with one set of commands,
 * exit statuses and signals.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/log.h"
#include "lib/xalloc.h"

/* casereview-net beside the running program ($CASEREVIEW_NET overrides). New. */
static char *net_path(void)
{
    const char *env = getenv("CASEREVIEW_NET");
    char self[4096], *slash;
    ssize_t n;

    if (env && *env)
        return xstrdup(env);
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return xstrdup("casereview-net");
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
        slash[1] = '\0';
    return xasprintf("%scasereview-net", slash ? self : "");
}

int cli_run_net(int argc, char **argv, struct cli_ctx *ctx)
{
    char **args = xcalloc((size_t)argc + 4, sizeof(*args)), *path = net_path();
    int k = 0;

    args[k++] = (char *)"casereview-net";
    if (ctx->home_dir) {
        args[k++] = (char *)"--home";
        args[k++] = (char *)ctx->home_dir;
    }
    for (int i = 0; i < argc; i++)
        args[k++] = argv[i];
    fflush(stdout);
    execv(path, args);
    log_error("cannot run '%s' for '%s': %s (it is built with casereview)", path, argv[0],
              strerror(errno));
    free(path);
    free(args);
    return CLI_FAIL;
}
