/*
 * The taxonomy loader (lib/taxonomy.c): the input written as the one file of
 * a taxonomy folder, loaded, and scanned over its own text.
 */

#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/taxonomy.h"
#include "lib/xalloc.h"

static char *dir, *file;

static int count(const struct taxonomy_hit *hit, void *ctx)
{
    (void)hit;
    return ++*(int *)ctx > 100000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct taxonomy *t = NULL;
    struct cr_err err;
    FILE *f;
    int hits = 0;

    if (!dir) {
        const char *tmp = getenv("TMPDIR");
        dir = xasprintf("%s/casereview-fuzz-tax-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            abort();
        file = xasprintf("%s/themes.txt", dir);
    }
    f = fopen(file, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    if (taxonomy_load(&t, dir, &err) == 0) {
        char *text = fuzz_str(data, size);
        (void)taxonomy_scan(t, text, size < 4096 ? size : 4096, TAXONOMY_ALL, count, &hits);
        free(text);
    }
    taxonomy_free(t);
    return 0;
}
