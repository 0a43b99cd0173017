#include "lib/fault.h"

/*
 * Parses CASEREVIEW_FAULT once ("site:N[,site:N…]") and counts calls per
 * site. Only tests set the variable; getenv() per call is cheap next to the I/O
 * each site guards.
 */

#include <stdlib.h>
#include <string.h>

static const char *parsed_from = "";
static long target[FAULT_SITES];
static long count[FAULT_SITES];

/* (Re)reads the variable; tests change it between cases, so a change resets the counts. */
static void parse(const char *e)
{
    static const char *const names[FAULT_SITES] = {"write", "fsync", "alloc", "commit",
                                                   "index-commit"};

    parsed_from = e;
    memset(target, 0, sizeof(target));
    memset(count, 0, sizeof(count));
    while (e && *e) {
        for (int i = 0; i < FAULT_SITES; i++) {
            size_t n = strlen(names[i]);
            if (!strncmp(e, names[i], n) && e[n] == ':')
                target[i] = strtol(e + n + 1, NULL, 10);
        }
        e = strchr(e, ',');
        if (e)
            e++;
    }
}

int fault_hit(enum fault_site site)
{
    const char *e = getenv("CASEREVIEW_FAULT");

    if (e != parsed_from)
        parse(e);
    if (!target[site])
        return 0;
    return ++count[site] == target[site];
}
