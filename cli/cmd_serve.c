/*
 * casereview serve: the local web page. Starts the server of web/web.h on
 * loopback, prints its address, and waits for Ctrl-C (or SIGTERM), which
 * cli/main.c turns into the stop flag; then stops the server cleanly.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/log.h"
#include "search/filter.h"
#include "web/web.h"

static const char usage[] =
    "usage: casereview serve [--port N] [--bind ADDRESS [--allow-remote]] [--threads N]\n"
    "\n"
    "Serves a web page for searching the repository, on this computer only:\n"
    "open the address it prints in a browser. Ctrl-C stops it.\n"
    "\n"
    "      --port N         listen on port N (default 8080; 0 picks a free one)\n"
    "      --bind ADDRESS   listen on this IP address (default 127.0.0.1)\n"
    "      --allow-remote   allow an address that other machines can reach: they\n"
    "                       could then read every report in the repository\n"
    "      --threads N      serve with N threads (default 4)\n"
    "  -v, --verbose        log every request to stderr\n"
    "\n"
    "Exit status: 0 stopped by Ctrl-C, 2 usage error, 3 cannot serve.\n"
    "\n"
    "example: casereview serve --port 8081\n";

static int wait_for_stop(volatile int *stop)
{
    struct timespec tick = {0, 100 * 1000 * 1000};

    while (!*stop)
        nanosleep(&tick, NULL); /* a signal cuts it short; the flag says which */
    return CLI_OK;
}

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
                                         {"bind", required_argument, NULL, 'b'},
                                         {"allow-remote", no_argument, NULL, 'R'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct web_opts o;
    struct web *w = NULL;
    struct filter_vocab *vocab = NULL;
    struct cr_err err;
    int c, rc;
    long v;

    memset(&o, 0, sizeof(o));
    o.port = WEB_DEFAULT_PORT;
    optind = 0;
    while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if ((v = cli_uint(optarg)) < 0 || v > 65535)
                return cli_usage(usage, "--port needs a number from 0 to 65535");
            o.port = (unsigned)v;
            break;
        case 'b':
            o.bind = optarg;
            break;
        case 'R':
            o.allow_remote = 1;
            break;
        case 't':
            if ((v = cli_uint(optarg)) < 1 || v > 256)
                return cli_usage(usage, "--threads needs a number from 1 to 256");
            o.threads = (unsigned)v;
            break;
        case 'v':
            o.verbose = 1;
            break;
        case 'h':
            return cli_help(usage);
        default:
            return cli_usage(usage, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
    if (o.bind && !web_bind_is_loopback(o.bind) && !o.allow_remote)
        return cli_usage(usage, "'%s' is not a loopback address: other machines could read "
                                "the repository (add --allow-remote if that is what you want)",
                         o.bind);
    o.home = &ctx->home;
    o.vocab = vocab = cli_vocab(NULL); /* once, for the server's life */
    cr_err_clear(&err);
    rc = web_start(&w, &o, &err);
    if (rc < 0) {
        filter_vocab_free(vocab);
        return cli_fail(&err);
    }
    if (!web_bind_is_loopback(o.bind))
        log_warn("serving on '%s', which other machines may reach: anyone who can connect "
                 "can read every report in '%s'", o.bind, ctx->home.root);
    printf("casereview: serving '%s' at %s (Ctrl-C stops)\n", ctx->home.root, web_url(w));
    fflush(stdout);
    rc = wait_for_stop(ctx->stop);
    web_stop(w);
    filter_vocab_free(vocab);
    printf("casereview: stopped\n");
    return rc;
}
