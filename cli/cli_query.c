/*
 * What search, export, compare and news share on the command line: the
 * filter flags (--theme, --topic, --partnership, --nation, --type, --kind,
 * --from, --to), the query words, the vocabulary of names, and opening the
 * index with a message that says what to do when there is none.
 */

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"

static const struct {
    int code;
    enum filter_field field;
} flag_fields[] = {
    {CLI_OPT_THEME, FILTER_THEME},   {CLI_OPT_TOPIC, FILTER_TOPIC},
    {CLI_OPT_PARTNERSHIP, FILTER_PARTNERSHIP}, {CLI_OPT_NATION, FILTER_NATION},
    {CLI_OPT_TYPE, FILTER_TYPE},     {CLI_OPT_KIND, FILTER_KIND},
};

void cli_query_init(struct cli_query *q)
{
    memset(q, 0, sizeof(*q));
    q->o.filters = q->filters;
}

int cli_query_option(struct cli_query *q, int c, const char *arg)
{
    for (size_t i = 0; i < sizeof(flag_fields) / sizeof(flag_fields[0]); i++) {
        if (flag_fields[i].code != c)
            continue;
        if (q->o.nfilters >= CLI_MAX_FILTERS)
            return -1;
        q->filters[q->o.nfilters].field = flag_fields[i].field;
        q->filters[q->o.nfilters].value = arg;
        q->o.nfilters++;
        return 1;
    }
    if (c == CLI_OPT_FROM) {
        q->o.from = arg;
        return 1;
    }
    if (c == CLI_OPT_TO) {
        q->o.to = arg;
        return 1;
    }
    return 0;
}

void cli_query_words(struct cli_query *q, int argc, char **argv)
{
    struct buf b = BUF_INIT;

    for (int i = 0; i < argc; i++) {
        if (i)
            buf_addch(&b, ' ');
        buf_addstr(&b, argv[i]);
    }
    free(q->text);
    q->text = buf_take(&b);
    q->o.text = q->text;
}

int cli_query_open(struct cli_ctx *ctx, struct cli_query *q, struct xdb **db, struct cr_err *err)
{
    int rc = query_validate(q->o.text, err);

    *db = NULL;
    if (rc < 0)
        return rc;
    rc = xdb_open(db, ctx->home.index, 0, err);
    if (rc == CR_ENOTFOUND)
        return cr_error(err, CR_ENOTFOUND, "no index yet in '%s' (run 'casereview index')",
                        ctx->home.root);
    if (rc < 0)
        return rc;
    q->vocab = cli_vocab();
    q->o.vocab = q->vocab;
    return 0;
}

void cli_query_release(struct cli_query *q)
{
    free(q->text);
    filter_vocab_free(q->vocab);
    memset(q, 0, sizeof(*q));
}

struct filter_vocab *cli_vocab(void)
{
    struct filter_vocab *v = filter_vocab_new();
    struct taxonomy *t = NULL;
    struct cr_err err;

    filter_vocab_add_nations(v);
    char *path = taxonomy_data_path("partnerships.tsv");

    if (taxonomy_load_names(&t, &err) == 0)
        filter_vocab_from_taxonomy(v, t);
    else
        log_warn("%s (theme and topic names other than ids are not known)", err.msg);
    taxonomy_free(t);
    if (filter_vocab_load_partnerships(v, path, &err) < 0)
        log_debug("%s", err.msg); /* partnerships are still known by their ids */
    free(path);
    return v;
}

int cli_parse_sort(const char *s, enum query_sort *out)
{
    if (!strcmp(s, "relevance"))
        *out = QUERY_SORT_RELEVANCE;
    else if (!strcmp(s, "date"))
        *out = QUERY_SORT_DATE;
    else if (!strcmp(s, "-date"))
        *out = QUERY_SORT_DATE_DESC;
    else
        return -1;
    return 0;
}
