/*
 * The query front end: query_validate, and query_rewrite with the shipped
 * vocabulary (fields, taxonomy names, abbreviations, nations), as every
 * search from the command line and the web page goes through them.
 */

#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "lib/taxonomy.h"
#include "search/filter.h"
#include "search/query.h"

static struct filter_vocab *vocab;
static struct taxonomy *names;

static void setup(void)
{
    struct cr_err err;

    vocab = filter_vocab_new();
    if (taxonomy_load_names(&names, &err) < 0)
        abort(); /* the harness needs data/taxonomy */
    filter_vocab_from_taxonomy(vocab, names);
    filter_vocab_add_nations(vocab);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_str(data, size), *out = NULL;
    struct cr_err err;

    if (!vocab)
        setup();
    if (query_validate(text, &err) == 0 && query_rewrite(text, vocab, NULL, &out, &err) == 0)
        free(out);
    free(text);
    return 0;
}
