/*
 * casereview saved: lists the saved searches (made with 'search --save
 * NAME'), each with the words that run it again and when 'news' last
 * reported on it; --remove NAME forgets one.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "search/saved.h"

static const char usage[] =
    "usage: casereview saved [--remove NAME] [--format text|json]\n"
    "\n"
    "Lists the searches saved with 'casereview search --save NAME': the\n"
    "search, when it was saved, and when 'casereview news' last reported on it.\n"
    "\n"
    "      --remove NAME      forget the saved search NAME\n"
    "      --format FORMAT    text (default) or json (JSON lines)\n"
    "\n"
    "Exit status: 0 ok, 1 no saved search, 2 usage error, 3 failure.\n"
    "\n"
    "example: casereview search --save neglect-babies --theme neglect --theme sudi\n"
    "         casereview saved\n";

struct list_ctx {
    int json;
    size_t n;
};

static int print_one(const struct query_saved *s, void *ctx)
{
    struct list_ctx *l = ctx;
    char *how = query_saved_describe(&s->opts);

    if (l->json) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", s->name, "search", how, "saved",
                              s->created_at, "news_since", s->asked_at);
        char *line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(line);
        free(line);
        json_decref(j);
    } else {
        printf("%s\n   casereview search %s\n   saved %s; news since %s\n", s->name,
               *how ? how : "(everything)", s->created_at, s->asked_at);
    }
    free(how);
    l->n++;
    return 0;
}

int cmd_saved(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {{"remove", required_argument, NULL, 'r'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    struct list_ctx l = {0, 0};
    const char *remove = NULL;
    struct catalog *cat = NULL;
    struct cr_err err;
    int c, rc, found = 0;

    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h')
            return cli_help(usage);
        if (c == 'r')
            remove = optarg;
        else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "text")))
            l.json = !strcmp(optarg, "json");
        else
            return cli_usage(usage, c == 'f' ? "--format is text or json" : "unknown option");
    }
    if (optind < argc)
        return cli_usage(usage, "saved takes no arguments (did you mean --remove NAME?)");
    cr_err_clear(&err);
    rc = catalog_open(&cat, ctx->home.catalog, remove ? 0 : CATALOG_READONLY, &err);
    if (rc == 0 && remove) {
        rc = query_saved_remove(cat, remove, &found, &err);
        if (rc == 0 && !found)
            rc = cr_error(&err, CR_ENOTFOUND, "no saved search is called '%s'", remove);
        if (rc == 0)
            printf("removed the saved search '%s'\n", remove);
    } else if (rc == 0) {
        rc = query_saved_each(cat, print_one, &l, &err);
        if (rc == 0 && !l.n)
            fprintf(l.json ? stderr : stdout, "no saved searches (save one with 'casereview "
                                              "search --save NAME …')\n");
    }
    catalog_close(cat);
    if (rc < 0)
        return cli_fail(&err);
    return remove || l.n ? CLI_OK : CLI_NONE;
}
