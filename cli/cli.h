#ifndef CASEREVIEW_CLI_CLI_H
#define CASEREVIEW_CLI_CLI_H
/*
 * The command line: what cli/main.c sets up for every subcommand, the
 * subcommands' entry points, and the small helpers they share for output.
 * cli/ parses arguments and formats output; the work is done by the modules.
 *
 * Exit statuses (also in `casereview --help`): 0 ok, 1 nothing found,
 * 2 usage or query error, 3 failure.
 */

#include <stdio.h>

#include "lib/catalog.h"
#include "lib/cr_err.h"
#include "lib/home.h"
#include "lib/xdb.h"
#include "search/query.h"

enum cli_exit { CLI_OK = 0, CLI_NONE = 1, CLI_USAGE = 2, CLI_FAIL = 3 };

enum cli_flags {
    CLI_HOME = 1 << 0,      /* the repository must exist */
    CLI_CREATE = 1 << 1,    /* create the repository if missing */
    CLI_CATALOG = 1 << 2,   /* open the catalogue for writing */
    CLI_READS = 1 << 3,     /* with CLI_CATALOG: only reads, so a repository that cannot
                               be written gets it read-only instead of an error */
};

struct cli_ctx {
    const char *home_dir;   /* --home DIR, or NULL; borrowed from argv */
    struct home home;       /* resolved when the command has CLI_HOME or CLI_CREATE */
    struct catalog *cat;    /* open when the command has CLI_CATALOG */
    int out_tty;            /* stdout is a terminal */
    volatile int *stop;     /* becomes non-zero on Ctrl-C / SIGTERM */
};

typedef int cli_cmd_fn(int argc, char **argv, struct cli_ctx *ctx);

cli_cmd_fn cmd_add;
cli_cmd_fn cmd_index;
cli_cmd_fn cmd_search;
cli_cmd_fn cmd_doctor;
cli_cmd_fn cmd_remove;
cli_cmd_fn cmd_show;
cli_cmd_fn cmd_edit;
cli_cmd_fn cmd_serve;
cli_cmd_fn cmd_crawl;
cli_cmd_fn cmd_sources;
cli_cmd_fn cmd_saved;
cli_cmd_fn cmd_news;
cli_cmd_fn cmd_stats;
cli_cmd_fn cmd_compare;
cli_cmd_fn cmd_export;

/*
 * Runs a network command (crawl, sources, serve) in casereview-net, by
 * exec(): casereview itself stays free of the network libraries, so that a
 * search starts fast. Returns only on failure (CLI_FAIL).
 */
cli_cmd_fn cli_run_net;

/* Prints err as an error line and returns the exit status it maps to. */
int cli_fail(const struct cr_err *err);

/*
 * The report KEY names (its id, or the start of its sha256) into *r: 0, or
 * the exit status after saying why not (CLI_NONE: no such report).
 */
int cli_find_report(struct cli_ctx *ctx, const char *key, struct catalog_report *r);

/* Prints "error: <msg>" and the usage text to stderr; returns CLI_USAGE. */
int cli_usage(const char *usage, const char *fmt, ...) CR_PRINTF(2, 3);

/* Prints the usage text to stdout; returns CLI_OK (for --help). */
int cli_help(const char *usage);

/* Columns of the terminal on stdout (80 when unknown or not a terminal). */
unsigned cli_term_width(void);

/* Parses a non-negative integer option value; -1 if it is not one. */
long cli_uint(const char *s);

/* Path of a shipped data file ("sources.tsv"), as taxonomy_data_path() finds it. New string. */
char *cli_data_path(const char *name);

/* ---- Search options shared by search, export, compare, news (cli/cli_query.c) ---- */

/* getopt_long codes of the filter flags (beyond any character). */
enum cli_query_opt {
    CLI_OPT_THEME = 256,
    CLI_OPT_TOPIC,
    CLI_OPT_PARTNERSHIP,
    CLI_OPT_NATION,
    CLI_OPT_TYPE,
    CLI_OPT_KIND,
    CLI_OPT_FROM,
    CLI_OPT_TO,
    CLI_OPT_FIRST_FREE  /* a command's own long options start here */
};

#define CLI_QUERY_LONGOPTS \
    {"theme", required_argument, NULL, CLI_OPT_THEME}, \
    {"topic", required_argument, NULL, CLI_OPT_TOPIC}, \
    {"partnership", required_argument, NULL, CLI_OPT_PARTNERSHIP}, \
    {"nation", required_argument, NULL, CLI_OPT_NATION}, \
    {"type", required_argument, NULL, CLI_OPT_TYPE}, \
    {"kind", required_argument, NULL, CLI_OPT_KIND}, \
    {"from", required_argument, NULL, CLI_OPT_FROM}, \
    {"to", required_argument, NULL, CLI_OPT_TO}

#define CLI_MAX_FILTERS 64

struct cli_query {
    struct query_opts o;                        /* filters point into filters[] */
    struct query_filter filters[CLI_MAX_FILTERS];
    char *text;                                 /* owned: the query words joined */
    struct filter_vocab *vocab;                 /* owned, after cli_query_open */
};

void cli_query_init(struct cli_query *q);
/* Takes a filter flag: 1 taken, 0 not a filter flag, -1 too many filters. */
int cli_query_option(struct cli_query *q, int c, const char *arg);
/* The query words (argv after the options), joined with spaces. */
void cli_query_words(struct cli_query *q, int argc, char **argv);
/* Validates the query, opens the index read-only (*db) and loads the vocabulary. */
int cli_query_open(struct cli_ctx *ctx, struct cli_query *q, struct xdb **db,
                   struct cr_err *err) CR_MUST_CHECK;
void cli_query_release(struct cli_query *q);

/* --sort relevance|date|-date; -1 when s is none of them. */
int cli_parse_sort(const char *s, enum query_sort *out);

/*
 * The vocabulary of field values (taxonomy, nations, partnerships). New
 * (filter_vocab_free). With db (may be NULL), the compiled copy the index
 * holds when it is current (cli_vocab_store), else built from data/.
 */
struct filter_vocab *cli_vocab(struct xdb *db);
/*
 * Keeps the vocabulary compiled in the index of ctx's repository
 * (IX_META_VOCAB), unless the copy there is current; 'casereview index'
 * calls it. Another writer holding the index is not an error: nothing is
 * kept, and searches build the vocabulary from data/.
 */
int cli_vocab_store(struct cli_ctx *ctx, struct cr_err *err);

#endif
