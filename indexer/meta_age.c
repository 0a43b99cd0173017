#include "indexer/meta_int.h"

/*
 * The child's age at the incident, as the report's first pages state it:
 * "three years old", "a 17-year-old", "aged 2 years 4 months", "two years
 * and four months old", "at 17 months", "she was 15 when…", "a girl of
 * fourteen", and for several children "aged between three weeks and five
 * months" when both ends fall in one age band.
 *
 * A number with a unit is an age when "old" follows it or an age word
 * stands before it ("aged", "was", "is", "at", "age", "turned"); a bare
 * number only after "aged" or in "was fifteen when". Durations ("for two
 * years", "three years of contact", "17 months later") and pregnancies
 * ("38 weeks pregnant") are not ages.
 *
 * Reports tell a child's history as well as the incident: "she had
 * self-harmed since she was eleven", "from the age of twelve". An age in
 * such a clause (since, from, before… just before it) is an earlier
 * age and never chosen. Of the others, one in a sentence that tells the
 * incident (died, harmed, injured, admitted…) wins over one that does not,
 * then one said with "old" or "aged" over "was 6 weeks" (which may be a
 * duration: "the wait was six weeks"); then the first.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xalloc.h"

#define HISTORY_WORDS 4   /* words before an age searched for "since", "from"… */

static const char *const number_words[] = {
    "zero",  "one",   "two",    "three",    "four",     "five",    "six",
    "seven", "eight", "nine",   "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", NULL};

/* A number at s (one to three digits, or a word): its value and length, or -1. */
static int number_at(const char *s, size_t *len)
{
    int n = 0;
    size_t i = 0;

    if (isdigit((unsigned char)*s)) {
        for (; isdigit((unsigned char)s[i]) && i < 3; i++)
            n = n * 10 + (s[i] - '0');
        *len = i;
        return isalnum((unsigned char)s[i]) ? -1 : n;
    }
    for (int w = 20; w >= 0; w--) {
        size_t wl = strlen(number_words[w]);
        if (!strncasecmp(s, number_words[w], wl) && !isalpha((unsigned char)s[wl])) {
            *len = wl;
            return w;
        }
    }
    return -1;
}

static const struct {
    const char *unit;
    int per;     /* months per unit ×100 */
    int max;     /* the largest count read as a child's age */
} units[] = {{"year", 1200, 17}, {"month", 100, 36}, {"week", 23, 60}, {"day", 3, 31}};

#define NUNITS (sizeof(units) / sizeof(units[0]))

/* " years", "-month": after a number, the unit's index and the bytes read, or -1. */
static int unit_at(const char *s, size_t *len)
{
    if (*s != ' ' && *s != '-')
        return -1;
    for (size_t u = 0; u < NUNITS; u++) {
        size_t ul = strlen(units[u].unit), j = 1 + ul;
        if (strncasecmp(s + 1, units[u].unit, ul))
            continue;
        if (s[j] == 's')
            j++;
        if (isalpha((unsigned char)s[j]))
            return -1;
        *len = j;
        return (int)u;
    }
    return -1;
}

/* " old", "-old" at s: its length, else 0. */
static size_t old_at(const char *s)
{
    return (*s == ' ' || *s == '-') && !strncasecmp(s + 1, "old", 3) &&
                   !isalpha((unsigned char)s[4])
               ? 4
               : 0;
}

/* What follows a number and unit that makes it a duration or not the child's age. */
static int not_an_age_after(const char *s)
{
    static const char *const words[] = {" of ", " later", " earlier", " before", " after",
                                        " ago", " previously", " pregnant", " gestation",
                                        " into", NULL};

    for (int i = 0; words[i]; i++)
        if (!strncasecmp(s, words[i], strlen(words[i])))
            return 1;
    return 0;
}

/* The word ending just before s (after spaces): 1 when it is word (any case). */
static int word_before(const char *text, const char *s, const char *word)
{
    size_t n = strlen(word);

    while (s > text && s[-1] == ' ')
        s--;
    if ((size_t)(s - text) < n || strncasecmp(s - n, word, n))
        return 0;
    return s - n == text || !isalpha((unsigned char)s[-(long)n - 1]);
}

static int age_word_before(const char *text, const char *s)
{
    static const char *const words[] = {"aged", "was", "is", "at", "age", "turned", "girl of",
                                        "boy of", "child of", "baby of", NULL};

    for (int i = 0; words[i]; i++)
        if (word_before(text, s, words[i]))
            return 1;
    return 0;
}

/* "was fifteen when", "is thirteen.", "a girl of fourteen,": a bare number that is an age. */
static int bare_age(const char *text, const char *s, size_t nl)
{
    static const char *const before[] = {"was", "is", "girl of", "boy of", "child of", NULL};
    const char *after = s + nl;
    int ok = 0;

    for (int i = 0; before[i]; i++)
        ok |= word_before(text, s, before[i]);
    return ok && (!strncmp(after, " when", 5) || *after == '.' || *after == ',' ||
                  !strncmp(after, " and", 4));
}

/* Where the sentence around s starts and ends. */
static const char *sentence_start(const char *text, const char *s)
{
    while (s > text && !strchr(".!?", s[-1]))
        s--;
    return s;
}

/* An earlier age: "since she was eleven", "from the age of twelve", "until he was six". */
static int history_before(const char *text, const char *s)
{
    static const char *const words[] = {"since", "from", "before", "younger", "previously",
                                        "earlier", NULL};
    const char *b = sentence_start(text, s);

    for (int w = 0; w < HISTORY_WORDS && s > b; w++) {
        while (s > b && !isalpha((unsigned char)s[-1]))
            s--;
        for (int i = 0; words[i]; i++)
            if (word_before(b, s, words[i]))
                return 1;
        while (s > b && isalpha((unsigned char)s[-1]))
            s--;
    }
    return 0;
}

/* 1 when the sentence around s tells the incident itself. */
static int incident_sentence(const char *text, const char *s)
{
    static const char *const words[] = {"died", "death", "killed", "harmed", "injur",
                                        "incident", "admitted", "found", "stabbed", "assault",
                                        "overdose", "fracture", "hospital", "abuse", "at the time", NULL};
    const char *b = sentence_start(text, s), *e = s;
    char buf[400];
    size_t n;

    while (*e && !strchr(".!?", *e))
        e++;
    n = (size_t)(e - b) < sizeof(buf) - 1 ? (size_t)(e - b) : sizeof(buf) - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)b[i]);
    buf[n] = '\0';
    for (int i = 0; words[i]; i++)
        if (strstr(buf, words[i]))
            return 1;
    return 0;
}

struct age {
    int months;       /* -1: none */
    int sure;         /* said with "old" or "aged": not a duration */
    char written[64]; /* "2 years 4 months" */
};

/* An age expression at s (a word start, after "aged " if any): 1 and *a, else 0. */
static int age_at(const char *text, const char *s, int aged, struct age *a)
{
    size_t nl, ul = 0, nl2, ul2 = 0, sep = 0, end;
    int n = number_at(s, &nl), u, n2 = -1, u2 = -1;

    if (n < 0)
        return 0;
    u = unit_at(s + nl, &ul);
    if (u < 0) {
        if (!(aged || bare_age(text, s, nl)) || n > units[0].max)
            return 0;
        a->months = n * 12;
        a->sure = 1;
        snprintf(a->written, sizeof(a->written), "%d year%s", n, n == 1 ? "" : "s");
        return 1;
    }
    end = nl + ul;
    /* "two years and four months", "2 years, 4 months", "1 year 3 months" */
    if (!strncasecmp(s + end, " and ", 5))
        sep = 4;
    else if (!strncmp(s + end, ", ", 2))
        sep = 1;
    if (s[end] == ' ' || s[end] == ',') {
        n2 = number_at(s + end + sep + 1, &nl2);
        if (n2 >= 0)
            u2 = unit_at(s + end + sep + 1 + nl2, &ul2);
        if (u2 > u && n2 <= units[u2].max)
            end += sep + 1 + nl2 + ul2;
        else
            u2 = -1;
    }
    if (n > units[u].max || not_an_age_after(s + end))
        return 0;
    a->sure = old_at(s + end) || aged;
    if (!a->sure && !age_word_before(text, s))
        return 0;
    a->months = (n * units[u].per + (u2 >= 0 ? n2 * units[u2].per : 0)) / 100;
    if (u2 >= 0)
        snprintf(a->written, sizeof(a->written), "%d %s%s %d %s%s", n, units[u].unit,
                 n == 1 ? "" : "s", n2, units[u2].unit, n2 == 1 ? "" : "s");
    else
        snprintf(a->written, sizeof(a->written), "%d %s%s", n, units[u].unit, n == 1 ? "" : "s");
    return 1;
}

/* "aged between three weeks and five months": the older age, when both fall in one band. */
static int age_range(const char *text, const char *s, struct age *a)
{
    struct age lo;
    const char *and;

    if (!age_at(text, s, 1, &lo))
        return 0;
    and = strstr(s, " and ");
    if (!and || and - s > 24 || !age_at(text, and + 5, 1, a))
        return 0;
    return meta_age_band(lo.months) && meta_age_band(a->months) &&
           !strcmp(meta_age_band(lo.months), meta_age_band(a->months));
}

/* s with every run of whitespace as one space. New string. */
static char *one_line(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            if (o > out && o[-1] != ' ')
                *o++ = ' ';
            continue;
        }
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

int meta_age_months(const char *raw, char *as_written, size_t cap)
{
    struct age best = {-1, 0, ""}, a;
    int best_score = -1;
    /* PDF lines break anywhere: "aged between three\nweeks" */
    char *text = raw ? one_line(raw) : NULL;

    for (const char *s = text; s && *s; s++) {
        const char *at = s;
        int aged = 0, score;
        if ((s > text && isalnum((unsigned char)s[-1])) || !isalnum((unsigned char)*s))
            continue;
        if (!strncasecmp(s, "aged between ", 13)) {
            if (!age_range(text, s + 13, &a))
                continue;
        } else {
            if (!strncasecmp(s, "aged ", 5)) {
                aged = 1;
                at = s + 5;
            }
            if (!age_at(text, at, aged, &a))
                continue;
        }
        if (history_before(text, s))
            continue;
        score = 2 * incident_sentence(text, s) + a.sure;
        if (score > best_score) {
            best = a;
            best_score = score;
        }
    }
    if (best.months >= 0 && cap)
        snprintf(as_written, cap, "%s", best.written);
    free(text);
    return best.months;
}

const char *meta_age_band(int months)
{
    if (months < 0)
        return NULL;
    if (months < 12)
        return "under-1";
    if (months < 60)
        return "1-4";
    if (months < 120)
        return "5-9";
    if (months < 180)
        return "10-14";
    if (months < 216)
        return "15-17";
    return NULL;
}
