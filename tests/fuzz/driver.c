/*
 * Runs a fuzz harness (tests/fuzz/fuzz.h) once over every file of its
 * folder in tests/fuzz/ (the seeds, and every input that once made it
 * fail), so that make test and make asan keep each fixed bug fixed. The
 * folder is $CASEREVIEW_SRC/tests/fuzz/NAME, NAME from the program's own
 * name (test_fuzz_NAME); arguments, if any, are files to run instead.
 */

#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t n = 0, cap = 0;

    if (!f) {
        fprintf(stderr, "cannot open '%s'\n", path);
        return 1;
    }
    for (;;) {
        if (n == cap)
            data = xrealloc(data, cap = cap ? 2 * cap : 4096);
        size_t got = fread(data + n, 1, cap - n, f);
        if (!got)
            break;
        n += got;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *src = getenv("CASEREVIEW_SRC"), *base = strrchr(argv[0], '/');
    const char *name = strstr(base ? base : argv[0], "test_fuzz_");
    char *dir, **files = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *e;
    DIR *d;
    int bad = 0;

    if (argc > 1 && strncmp(argv[1], "-", 1)) {
        for (int i = 1; i < argc; i++)
            bad |= run_file(argv[i]);
        return bad;
    }
    if (!name) {
        fprintf(stderr, "%s: the program's name must be test_fuzz_NAME\n", argv[0]);
        return 2;
    }
    dir = xasprintf("%s/tests/fuzz/%s", src && *src ? src : ".", name + strlen("test_fuzz_"));
    {
        /* the harnesses load data/taxonomy: from the source tree, wherever the build is */
        char *data = xasprintf("%s/data", src && *src ? src : ".");
        setenv("CASEREVIEW_DATA", data, 0);
        free(data);
    }
    d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot open '%s'\n", dir);
        return 1;
    }
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            files = xgrow(files, sizeof(*files), n + 1, &alloc);
            files[n++] = xasprintf("%s/%s", dir, e->d_name);
        }
    closedir(d);
    qsort(files, n, sizeof(*files), cmp);
    for (size_t i = 0; i < n; i++) {
        bad |= run_file(files[i]);
        free(files[i]);
    }
    printf("%zu inputs of '%s' run\n", n, dir);
    free(files);
    free(dir);
    return bad || n == 0;
}
