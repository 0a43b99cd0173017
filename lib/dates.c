#include "lib/dates.h"

/*
 * Date reading. A tiny lexer turns the text at a position into tokens
 * (numbers, words, punctuation, with a note of the spaces before each), and
 * read_at() tries the shapes of the header comment from there, longest
 * first. dates_next() tries each word start in turn; that is linear in the
 * text, since a try reads at most a handful of tokens.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MIN_YEAR 1970
#define MAX_YEAR 2099

enum tok_type { T_END, T_NUM, T_WORD, T_PUNCT };

struct tok {
    enum tok_type type;
    size_t start, end;  /* bytes of the token in the text */
    long num;           /* T_NUM: its value (capped) */
    int ndig;           /* T_NUM: digits */
    int ordinal;        /* T_NUM: followed by st/nd/rd/th */
    int glued;          /* T_NUM: letters follow directly ("319kb") */
    char ch;            /* T_PUNCT: the character; '~' for any non-ASCII */
    int space;          /* whitespace came before it */
};

static int is_space_at(const char *s, size_t i, size_t *w)
{
    unsigned char c = (unsigned char)s[i];

    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        *w = 1;
        return 1;
    }
    if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) { /* no-break space */
        *w = 2;
        return 1;
    }
    return 0;
}

static int ordinal_suffix(const char *s)
{
    static const char *const sfx[] = {"st", "nd", "rd", "th"};

    for (int i = 0; i < 4; i++)
        if (!strncasecmp(s, sfx[i], 2) && !isalpha((unsigned char)s[2]))
            return 1;
    return 0;
}

static size_t lex(const char *s, size_t i, struct tok *t)
{
    size_t w;

    memset(t, 0, sizeof(*t));
    while (s[i] && is_space_at(s, i, &w)) {
        i += w;
        t->space = 1;
    }
    t->start = i;
    if (!s[i]) {
        t->type = T_END;
    } else if (isdigit((unsigned char)s[i])) {
        t->type = T_NUM;
        for (; isdigit((unsigned char)s[i]); i++, t->ndig++)
            if (t->num < 100000)
                t->num = t->num * 10 + (s[i] - '0');
        if (ordinal_suffix(s + i)) {
            t->ordinal = 1;
            i += 2;
        } else if (isalpha((unsigned char)s[i])) {
            t->glued = 1;
        }
    } else if (isalpha((unsigned char)s[i])) {
        t->type = T_WORD;
        while (isalpha((unsigned char)s[i]))
            i++;
    } else {
        t->type = T_PUNCT;
        t->ch = (unsigned char)s[i] < 0x80 ? s[i] : '~';
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    t->end = i;
    return i;
}

static const struct {
    const char *name;
    int month;
    int min;  /* shortest prefix accepted as an abbreviation (0 = full name only) */
} months[] = {
    {"january", 1, 3},   {"february", 2, 3}, {"march", 3, 3},     {"april", 4, 3},
    {"may", 5, 3},       {"june", 6, 3},     {"july", 7, 3},      {"august", 8, 3},
    {"september", 9, 3}, {"october", 10, 3}, {"november", 11, 3}, {"december", 12, 3},
    /* Welsh: bilingual reports date their covers in both languages */
    {"ionawr", 1, 0},    {"chwefror", 2, 0}, {"mawrth", 3, 0},    {"ebrill", 4, 0},
    {"mai", 5, 0},       {"mehefin", 6, 0},  {"gorffennaf", 7, 0}, {"awst", 8, 0},
    {"medi", 9, 0},      {"hydref", 10, 0},  {"tachwedd", 11, 0}, {"rhagfyr", 12, 0},
};

/* The month a word names (capitalised, full or abbreviated), or 0. */
static int month_of(const char *s, const struct tok *t)
{
    size_t len = t->end - t->start;
    char w[16];

    if (t->type != T_WORD || len < 3 || len >= sizeof(w) || !isupper((unsigned char)s[t->start]))
        return 0;
    for (size_t i = 0; i < len; i++)
        w[i] = (char)tolower((unsigned char)s[t->start + i]);
    w[len] = '\0';
    for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
        size_t full = strlen(months[i].name);
        if (len == full && !memcmp(w, months[i].name, len))
            return months[i].month;
        if (months[i].min && len >= (size_t)months[i].min && len < full &&
            !memcmp(w, months[i].name, len))
            return months[i].month;
        if (months[i].month == 9 && !strcmp(w, "sept"))
            return 9;
    }
    return 0;
}

static int is_season(const char *s, const struct tok *t)
{
    static const char *const seasons[] = {"spring", "summer", "autumn", "winter"};
    size_t len = t->end - t->start;

    if (t->type != T_WORD || !isupper((unsigned char)s[t->start]))
        return 0;
    for (int i = 0; i < 4; i++)
        if (len == strlen(seasons[i]) && !strncasecmp(s + t->start, seasons[i], len))
            return 1;
    return 0;
}

static int is_word(const char *s, const struct tok *t, const char *w)
{
    size_t len = t->end - t->start;

    return t->type == T_WORD && len == strlen(w) && !strncasecmp(s + t->start, w, len);
}

int dates_valid(const struct dates_date *d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap;

    if (d->year < MIN_YEAR || d->year > MAX_YEAR || d->month < 0 || d->month > 12 || d->day < 0)
        return 0;
    if (d->month == 0)
        return d->day == 0;
    if (d->day > mdays[d->month - 1])
        return 0;
    leap = (d->year % 4 == 0 && d->year % 100 != 0) || d->year % 400 == 0;
    return !(d->month == 2 && d->day == 29 && !leap);
}

/* A year token: 4 digits, or 2 when short is allowed. -1 if not. */
static int year_of(const struct tok *t, int short_ok)
{
    if (t->type != T_NUM || t->ordinal || t->glued)
        return -1;
    if (t->ndig == 4)
        return (int)t->num;
    if (t->ndig == 2 && short_ok)
        return t->num < 70 ? 2000 + (int)t->num : 1900 + (int)t->num;
    return -1;
}

/* The token after t is not a continuation of a number ("1.2.2019.4", "2019/20/21"). */
static int ends_cleanly(const char *s, const struct tok *t)
{
    struct tok a, b;
    size_t i = lex(s, t->end, &a);

    if (a.type == T_WORD && !a.space)
        return 0;
    if (a.type != T_PUNCT || a.space || !strchr("./-", a.ch))
        return 1;
    lex(s, i, &b);
    return !(b.type == T_NUM && !b.space);
}

/* Fills d; a part the text gave (m or day non-zero in the call) must be >= 1. */
static int set(struct dates_date *d, int y, int m, int day, size_t *end, size_t e)
{
    memset(d, 0, sizeof(*d));
    if (m < 0 || day < 0)
        return 0;
    d->year = y;
    d->month = m;
    d->day = day;
    *end = e;
    return dates_valid(d);
}

/* A number the text gave as a month or day: 0 becomes -1, which set() refuses. */
static int pos(long n)
{
    return n >= 1 && n <= 99 ? (int)n : -1;
}

/* Numbers joined by one of ./- : "15.05.2018", "2018-05-15", "2019/20", "06/2021". */
static int read_numeric(const char *s, const struct tok *a, struct dates_date *d, size_t *end)
{
    struct tok sep, b, sep2, c;
    size_t i = lex(s, a->end, &sep);
    int y;

    if (a->ordinal || a->glued || sep.type != T_PUNCT || sep.space || !strchr("./-", sep.ch))
        return 0;
    i = lex(s, i, &b);
    if (b.type != T_NUM || b.space || b.ordinal || b.glued)
        return 0;
    i = lex(s, i, &sep2);
    if (sep2.type == T_PUNCT && !sep2.space && sep2.ch == sep.ch) {
        lex(s, i, &c);
        if (c.type != T_NUM || c.space || !ends_cleanly(s, &c))
            return 0;
        if (a->ndig == 4 && b.ndig <= 2 && c.ndig <= 2)
            return set(d, (int)a->num, pos(b.num), pos(c.num), end, c.end);
        y = year_of(&c, 1);
        if (a->ndig <= 2 && b.ndig <= 2 && y > 0)
            return set(d, y, pos(b.num), pos(a->num), end, c.end);
        return 0;
    }
    if (!ends_cleanly(s, &b))
        return 0;
    if (a->ndig == 4 && sep.ch != '.') {
        int next = (int)((a->num + 1) % 100);
        if ((b.ndig == 2 && b.num == next) || (b.ndig == 4 && b.num == a->num + 1)) {
            int ok = set(d, (int)a->num, 0, 0, end, b.end);
            d->financial_year = 1;
            return ok;
        }
        if (sep.ch == '-' && b.ndig == 2)
            return set(d, (int)a->num, pos(b.num), 0, end, b.end);
        return 0;
    }
    if (a->ndig <= 2 && b.ndig == 4)
        return set(d, (int)b.num, pos(a->num), 0, end, b.end);
    return 0;
}

/* Skips one optional punctuation token among chars (no space needed before it). */
static size_t skip_punct(const char *s, size_t i, const char *chars)
{
    struct tok t;
    size_t j = lex(s, i, &t);

    return t.type == T_PUNCT && strchr(chars, t.ch) ? j : i;
}

/* "25th May 2022", "1st of November 2022", "21 February, 2022". */
static int read_day_month(const char *s, const struct tok *a, struct dates_date *d, size_t *end)
{
    struct tok m, y;
    size_t i;
    int month, year;

    if (a->ndig > 2 || a->glued)
        return 0;
    i = lex(s, a->end, &m);
    if (is_word(s, &m, "of"))
        i = lex(s, i, &m);
    month = month_of(s, &m);
    if (!month)
        return 0;
    i = skip_punct(s, i, ".,");
    lex(s, i, &y);
    year = year_of(&y, 1);
    if (year < 0 || !ends_cleanly(s, &y))
        return 0;
    return set(d, year, month, pos(a->num), end, y.end);
}

/* "May 2018", "May 25, 2022", "November 1st 2022", "Sept. 2019", "May-2018". */
static int read_month_first(const char *s, const struct tok *a, int month, struct dates_date *d,
                            size_t *end)
{
    struct tok n, y;
    size_t i = skip_punct(s, a->end, ".,-");
    int year;

    i = lex(s, i, &n);
    if (n.type != T_NUM || n.glued)
        return 0;
    year = year_of(&n, 0);
    if (year > 0 && !n.ordinal)
        return ends_cleanly(s, &n) && set(d, year, month, 0, end, n.end);
    if (n.ndig > 2)
        return 0;
    i = skip_punct(s, i, ",");
    lex(s, i, &y);
    year = year_of(&y, 0);
    if (year < 0 || !ends_cleanly(s, &y))
        return 0;
    return set(d, year, month, pos(n.num), end, y.end);
}

static int read_year(const char *s, const struct tok *a, struct dates_date *d, size_t *end)
{
    int y = year_of(a, 0);

    if (y < 0 || !ends_cleanly(s, a) || !set(d, y, 0, 0, end, a->end))
        return 0;
    d->bare_year = 1;
    return 1;
}

/* Tries every shape at byte i (the start of a word or number). */
static int read_at(const char *s, size_t i, struct dates_date *d, size_t *end)
{
    struct tok a, y;
    int month;

    lex(s, i, &a);
    if (a.type == T_NUM)
        return read_numeric(s, &a, d, end) || read_day_month(s, &a, d, end) ||
               read_year(s, &a, d, end);
    if (a.type != T_WORD)
        return 0;
    month = month_of(s, &a);
    if (month)
        return read_month_first(s, &a, month, d, end);
    if (!is_season(s, &a))
        return 0;
    lex(s, a.end, &y);
    if (!read_year(s, &y, d, end))
        return 0;
    d->bare_year = 0;
    return 1;
}

int dates_next(const char *text, size_t from, struct dates_date *out, size_t *start, size_t *end)
{
    size_t len = strlen(text);

    for (size_t i = from; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!isalnum(c))
            continue;
        if (i > 0 && isalnum((unsigned char)text[i - 1]))
            continue;
        /* a number right after a separator that follows a digit is inside another number */
        if (i > 1 && strchr("./-", text[i - 1]) && isdigit((unsigned char)text[i - 2]))
            continue;
        if (read_at(text, i, out, end)) {
            *start = i;
            return 1;
        }
    }
    return 0;
}

int dates_parse(const char *s, struct dates_date *out)
{
    size_t start, end;
    struct dates_date d;

    if (!dates_next(s, 0, &d, &start, &end))
        return -1;
    for (size_t i = 0; i < start; i++)
        if (isalnum((unsigned char)s[i]))
            return -1;
    for (size_t i = end; s[i]; i++)
        if (isalnum((unsigned char)s[i]))
            return -1;
    *out = d;
    return 0;
}

void dates_iso(const struct dates_date *d, char *out)
{
    if (d->month && d->day)
        snprintf(out, DATES_ISO_LEN, "%04d-%02d-%02d", d->year, d->month, d->day);
    else if (d->month)
        snprintf(out, DATES_ISO_LEN, "%04d-%02d", d->year, d->month);
    else
        snprintf(out, DATES_ISO_LEN, "%04d", d->year);
}

void dates_key(const struct dates_date *d, char *out)
{
    snprintf(out, DATES_KEY_LEN, "%04d%02d%02d", d->year, d->month, d->day);
}

int dates_parse_iso(const char *s, struct dates_date *out)
{
    struct dates_date d;
    size_t len = strlen(s);

    memset(&d, 0, sizeof(d));
    for (size_t i = 0; i < len; i++)
        if (!(isdigit((unsigned char)s[i]) || ((i == 4 || i == 7) && s[i] == '-')))
            return -1;
    if (len != 4 && len != 7 && len != 10)
        return -1;
    d.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (len >= 7)
        d.month = (s[5] - '0') * 10 + (s[6] - '0');
    if (len == 10)
        d.day = (s[8] - '0') * 10 + (s[9] - '0');
    if ((len >= 7 && d.month == 0) || (len == 10 && d.day == 0) || !dates_valid(&d))
        return -1;
    *out = d;
    return 0;
}
