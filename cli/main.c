/*
 * casereview: the entry point. It finds the subcommand in one table, pulls
 * --home out of the arguments wherever it stands, does the set-up the
 * command's flags ask for (repository, catalogue), runs the handler, and
 * reports output errors before exiting (as git's run_builtin does). Only this
 * file calls exit().
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/log.h"
#include "lib/version.h"

/*
 * casereview (built with CLI_LIGHT) hands the network commands to
 * casereview-net (cli/cli_net.c), with no set-up of its own; casereview-net
 * runs them.
 */
#ifdef CLI_LIGHT
#define NET(fn, flags) cli_run_net, 0
#else
#define NET(fn, flags) fn, flags
#endif

static const struct command {
    const char *name;
    cli_cmd_fn *fn;
    unsigned flags;
    const char *summary;
} commands[] = {
    {"add", cmd_add, CLI_CREATE | CLI_CATALOG, "copy PDFs into the repository"},
    {"crawl", NET(cmd_crawl, CLI_CREATE | CLI_CATALOG), "fetch published reviews from partnership sites"},
    {"sources", NET(cmd_sources, 0), "list the sources the crawler knows and how they went"},
    {"index", cmd_index, CLI_HOME | CLI_CATALOG, "extract and index new reports"},
    {"search", cmd_search, CLI_HOME, "find reports"},
    {"show", cmd_show, CLI_HOME | CLI_CATALOG | CLI_READS, "show a report: fields, themes, recommendations"},
    {"edit", cmd_edit, CLI_HOME | CLI_CATALOG, "correct a report's metadata"},
    {"remove", cmd_remove, CLI_HOME | CLI_CATALOG, "remove a report from the repository"},
    {"doctor", cmd_doctor, CLI_HOME | CLI_CATALOG | CLI_READS, "check the repository for problems"},
    {"serve", NET(cmd_serve, CLI_HOME), "serve a web page for searching the repository"},
    {"saved", cmd_saved, CLI_HOME, "list saved searches"},
    {"news", cmd_news, CLI_HOME, "show what is new for each saved search"},
    {"stats", cmd_stats, CLI_HOME, "what the repository holds"},
    {"compare", cmd_compare, CLI_HOME, "count reports by two fields (partnership × theme…)"},
    {"export", cmd_export, CLI_HOME, "copy reports into a learning pack with a reading list"},
};

static volatile int stop_flag;

static void on_signal(int sig)
{
    if (stop_flag) {
        /* a second Ctrl-C: leave now; every step already committed is kept */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: casereview [--home DIR] COMMAND [ARGS]\n\n"
               "A local, searchable repository of published child safeguarding case reviews.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nThe repository is $CASEREVIEW_HOME, else $XDG_DATA_HOME/casereview\n"
               "(~/.local/share/casereview); --home DIR chooses another.\n"
               "'casereview COMMAND --help' describes a command.\n\n"
               "Exit status: 0 ok, 1 nothing found, 2 usage or query error, 3 failure.\n");
}

/* Removes "--home DIR" / "--home=DIR" from argv (before any "--"); returns the new argc. */
static int take_home(int argc, char **argv, const char **home, int *bad)
{
    int out = 0;

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--home")) {
            if (i + 1 >= argc) {
                *bad = 1;
                break;
            }
            *home = argv[++i];
            continue;
        }
        if (!strncmp(argv[i], "--home=", 7)) {
            *home = argv[i] + 7;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

static int setup(const struct command *cmd, struct cli_ctx *ctx)
{
    struct cr_err err;
    int rc;

    cr_err_clear(&err);
    if (!(cmd->flags & (CLI_HOME | CLI_CREATE)))
        return CLI_OK;
    rc = home_open(&ctx->home, ctx->home_dir, (cmd->flags & CLI_CREATE) ? HOME_CREATE : 0, &err);
    if (rc < 0 || !(cmd->flags & CLI_CATALOG))
        return rc < 0 ? cli_fail(&err) : CLI_OK;
    /* a read-only disk or a folder of someone else's: say so, not what SQLite meets first */
    if (access(ctx->home.root, W_OK) < 0) {
        if (cmd->flags & CLI_READS)
            rc = catalog_open(&ctx->cat, ctx->home.catalog, CATALOG_READONLY, &err);
        else
            rc = cr_error(&err, CR_EIO, "cannot write to the repository '%s': %s (search, "
                                        "stats and serve only read it)", ctx->home.root,
                          strerror(errno));
        return rc < 0 ? cli_fail(&err) : CLI_OK;
    }
    rc = catalog_open(&ctx->cat, ctx->home.catalog, 0, &err);
    return rc < 0 ? cli_fail(&err) : CLI_OK;
}

static int finish_output(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno == EPIPE)
            return rc; /* the reader went away (| head): not our failure */
        log_error("cannot write the output: %s", strerror(errno));
        return CLI_FAIL;
    }
    return rc;
}

static int run(const struct command *cmd, int argc, char **argv, const char *home)
{
    struct cli_ctx ctx;
    int rc;

    memset(&ctx, 0, sizeof(ctx));
    ctx.home_dir = home;
    ctx.out_tty = isatty(STDOUT_FILENO);
    ctx.stop = &stop_flag;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            char help[] = "--help";
            char *args[] = {argv[0], help, NULL};
            return finish_output(cmd->fn(2, args, &ctx));
        }
    }
    rc = setup(cmd, &ctx);
    if (rc == CLI_OK)
        rc = cmd->fn(argc, argv, &ctx);
    catalog_close(ctx.cat);
    home_release(&ctx.home);
    return finish_output(rc);
}

int main(int argc, char **argv)
{
    const char *home = NULL;
    int bad = 0;

    log_init();
    signal(SIGPIPE, SIG_IGN);
    /* a file over the size limit (ulimit -f) fails its write with EFBIG, which is reported */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    argc = take_home(argc - 1, argv + 1, &home, &bad);
    argv++;
    if (bad) {
        log_error("--home needs a directory");
        return CLI_USAGE;
    }
    if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") ||
        !strcmp(argv[0], "help")) {
        if (argc >= 2 && !strcmp(argv[0], "help")) {
            char prog[] = "casereview", help[] = "--help";
            char *args[] = {prog, argv[1], help, NULL};
            return main(3, args);
        }
        usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? CLI_USAGE : finish_output(CLI_OK);
    }
    if (!strcmp(argv[0], "--version")) {
        printf("casereview %s\n", CASEREVIEW_VERSION);
        return finish_output(CLI_OK);
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[0], commands[i].name))
            return run(&commands[i], argc, argv, home);
    log_error("'%s' is not a casereview command (see 'casereview --help')", argv[0]);
    return CLI_USAGE;
}
