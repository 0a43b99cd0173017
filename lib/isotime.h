#ifndef CASEREVIEW_LIB_ISOTIME_H
#define CASEREVIEW_LIB_ISOTIME_H
/*
 * Timestamps as the catalogue stores them: ISO 8601 in UTC, to the second,
 * "2026-11-27T06:57:56Z". They sort as strings.
 */

#include <time.h>

#define ISOTIME_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and a NUL */

/* Formats t into out (ISOTIME_LEN bytes). */
void isotime_format(time_t t, char *out);
/* The current time. CASEREVIEW_NOW (seconds since the epoch) overrides it, for tests. */
time_t isotime_now(void);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" (or a prefix down to YYYY-MM-DD); 0 ok, -1 not that shape. */
int isotime_parse(const char *s, time_t *out);

#endif
