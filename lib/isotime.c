#include "lib/isotime.h"

/*
 * UTC timestamps. timegm() is a GNU/BSD extension available on every
 * platform we build on; it avoids the TZ dance of mktime().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void isotime_format(time_t t, char *out)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, ISOTIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t isotime_now(void)
{
    const char *e = getenv("CASEREVIEW_NOW");

    if (e && *e)
        return (time_t)strtoll(e, NULL, 10);
    return time(NULL);
}

int isotime_parse(const char *s, time_t *out)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;

    memset(&tm, 0, sizeof(tm));
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    if (s[10] == 'T' && sscanf(s + 11, "%2d:%2d:%2d", &h, &mi, &se) != 3)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = timegm(&tm);
    return 0;
}
