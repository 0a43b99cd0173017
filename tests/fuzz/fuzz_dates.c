/* The date parser (lib/dates.c): one date, every date in a text, and back to ISO. */

#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "lib/dates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_str(data, size);
    char iso[DATES_ISO_LEN], key[16];
    struct dates_date d, back;
    size_t from = 0, start, end;
    int n = 0;

    if (dates_parse(text, &d) == 0 && dates_valid(&d)) {
        dates_iso(&d, iso);
        dates_key(&d, key);
        if (dates_parse_iso(iso, &back) < 0)
            abort(); /* what dates_iso writes, dates_parse_iso reads */
    }
    while (dates_next(text, from, &d, &start, &end)) {
        if (end <= from || end < start || ++n > 100000)
            abort(); /* no progress: a loop without end */
        from = end;
    }
    free(text);
    return 0;
}
