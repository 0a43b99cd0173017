/*
 * The link-hint parser (lib/hints.c): the input split at its first two
 * newlines into anchor, context and heading, with the shipped taxonomy.
 */

#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hints.h"
#include "lib/xalloc.h"

static struct taxonomy *tax;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_str(data, size), *context = NULL, *heading = NULL, *nl;
    struct hints h;
    struct cr_err err;

    if (!loaded) {
        loaded = 1;
        if (taxonomy_load_default(&tax, &err) < 0)
            abort(); /* the harness needs data/taxonomy */
    }
    nl = strchr(text, '\n');
    if (nl) {
        *nl = '\0';
        context = nl + 1;
        nl = strchr(context, '\n');
        if (nl) {
            *nl = '\0';
            heading = nl + 1;
        }
    }
    (void)hints_parse(tax, text, context, heading, &h);
    hints_release(&h);
    free(hints_child(tax, text));
    free(text);
    return 0;
}
