/*
 * What search, export, compare and news share on the command line: the
 * filter flags (--theme, --topic, --partnership, --nation, --type, --kind,
 * --from, --to), the query words, the vocabulary of names, and opening the
 * index with a message that says what to do when there is none.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "lib/ixschema.h"
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
    q->vocab = cli_vocab(*db);
    q->o.vocab = q->vocab;
    return 0;
}

void cli_query_release(struct cli_query *q)
{
    free(q->text);
    filter_vocab_free(q->vocab);
    memset(q, 0, sizeof(*q));
}

/*
 * What a compiled vocabulary must be stamped with to be used: the data it
 * is built from, and this program (another build may build it otherwise).
 * 0 when the taxonomy cannot be read: then nothing compiled is used.
 */
static uint64_t vocab_stamp(void)
{
    uint64_t h = taxonomy_data_stamp();
    const char *exe = (const char *)getauxval(AT_EXECFN); /* the program, even under valgrind */
    struct stat st;

    if (!h || ((!exe || stat(exe, &st) < 0) && stat("/proc/self/exe", &st) < 0))
        return 0;
    h ^= (uint64_t)st.st_mtim.tv_sec * 1000000007u ^ (uint64_t)st.st_mtim.tv_nsec ^
         (uint64_t)st.st_size << 20 ^ (uint64_t)st.st_ino << 40;
    return h ? h : 1;
}

/* Built from data/; *whole = 1 when the taxonomy loaded (what is worth keeping). */
static struct filter_vocab *vocab_from_data(int *whole)
{
    struct filter_vocab *v = filter_vocab_new();
    struct taxonomy *t = NULL;
    struct cr_err err;
    char *path = taxonomy_data_path("partnerships.tsv");

    filter_vocab_add_nations(v);
    *whole = taxonomy_load_names(&t, &err) == 0;
    if (*whole)
        filter_vocab_from_taxonomy(v, t);
    else
        log_warn("%s (theme and topic names other than ids are not known)", err.msg);
    taxonomy_free(t);
    if (filter_vocab_load_partnerships(v, path, &err) < 0)
        log_debug("%s", err.msg); /* partnerships are still known by their ids */
    free(path);
    return v;
}

/* The compiled vocabulary db holds if it carries stamp, else NULL. */
static struct filter_vocab *vocab_compiled(struct xdb *db, uint64_t stamp)
{
    struct filter_vocab *v = NULL;
    char *blob = NULL;

    if (stamp && xdb_get_metadata(db, IX_META_VOCAB, &blob, NULL) == 0 && *blob)
        v = filter_vocab_parse(blob, strlen(blob), stamp);
    free(blob);
    return v;
}

struct filter_vocab *cli_vocab(struct xdb *db)
{
    struct filter_vocab *v = db ? vocab_compiled(db, vocab_stamp()) : NULL;
    int whole;

    log_debug("vocabulary: %s", v ? "compiled, from the index" : "from data/");
    return v ? v : vocab_from_data(&whole);
}

int cli_vocab_store(struct cli_ctx *ctx, struct cr_err *err)
{
    uint64_t stamp = vocab_stamp();
    struct filter_vocab *v = NULL;
    struct xdb *db = NULL;
    char *blob = NULL;
    int whole = 0, rc;

    if (!stamp || xdb_open(&db, ctx->home.index, 0, err) < 0)
        return 0; /* no taxonomy, or no index: nothing to keep */
    v = vocab_compiled(db, stamp);
    xdb_close(db);
    db = NULL;
    if (v) {
        filter_vocab_free(v);
        return 0; /* current */
    }
    v = vocab_from_data(&whole);
    blob = whole ? filter_vocab_dump(v, stamp) : NULL;
    filter_vocab_free(v);
    if (!blob)
        return 0;
    rc = xdb_open(&db, ctx->home.index, XDB_WRITE, err);
    if (rc == CR_EBUSY) {
        free(blob);
        return 0; /* another writer: the next run keeps it */
    }
    if (rc == 0)
        rc = xdb_set_metadata(db, IX_META_VOCAB, blob, err);
    if (rc == 0)
        rc = xdb_commit(db, err);
    xdb_close(db);
    free(blob);
    return rc;
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
