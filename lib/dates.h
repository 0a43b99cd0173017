#ifndef CASEREVIEW_LIB_DATES_H
#define CASEREVIEW_LIB_DATES_H
/*
 * Dates as partnerships write them, read into ISO 8601 partial dates
 * (YYYY-MM-DD, YYYY-MM or YYYY).
 *
 * Shapes understood (British day-month order throughout):
 *   15.05.2018  15/10/19  15-10-2019        day, month, year (2 or 4 digits)
 *   2018-05-15  2018/05/15  2018-05         ISO and year-first forms
 *   06/2021  06.2021                         month and year
 *   25th May 2022  1st of November 2022  21 February, 2022  25 May 22
 *   May 25, 2022  November 1st 2022         month first, with a day
 *   May 2018  Dec 2024  Sept. 2019  Mai 2019 (Welsh month names too)
 *   Spring 2019                              a season: the year only
 *   2019/20  2019-20  2019/2020              a financial year (see below)
 *   2019                                     a year alone
 * Words around a date ("Date added: 15/10/19", "(Published July 2022)")
 * are skipped by dates_next().
 *
 * A financial year "2019/20" (April 2019 to March 2020) gives its starting
 * year, "2019", with financial_year set: nine of its twelve months fall in
 * that year, and an annual report is usually published within it.
 *
 * Impossible dates are refused (31.02.2019, 29/02/2019, month 13), and so
 * are years outside 1970..2099. Two-digit years 00..69 are 20xx, 70..99 19xx.
 * Month names must start with a capital letter (so "may" the verb is not
 * May). A number glued to letters ("319kb", "F1") is not a date.
 *
 * Not handled: American month/day order in numbers ("05/15/2018" is
 * refused, not read as May 15), times, ranges of dates.
 */

#include <stddef.h>

#define DATES_ISO_LEN 11 /* "YYYY-MM-DD" and a NUL */
#define DATES_KEY_LEN 9  /* "YYYYMMDD" and a NUL */

struct dates_date {
    int year;           /* 1970..2099 */
    int month;          /* 1..12, 0 = unknown */
    int day;            /* 1..31, 0 = unknown (always 0 when month is) */
    int financial_year; /* 1 when read from "2019/20": year is the starting year */
    int bare_year;      /* 1 when the text gave only a year number ("2019") */
};

/*
 * Parses s as exactly one date: only spaces and punctuation may surround it
 * ("(May 2018)" parses, "published May 2018" does not). Returns 0 and fills
 * *out, or -1 when s is not a date.
 */
int dates_parse(const char *s, struct dates_date *out);

/*
 * Finds the first date in text at or after byte offset from. Returns 1 and
 * fills *out, *start and *end (the date's bytes are text[*start, *end)), or 0
 * when there is none. Call again with from = *end for the next one.
 */
int dates_next(const char *text, size_t from, struct dates_date *out, size_t *start,
               size_t *end);

/* 1 when d is a possible date (month and day within range, leap years). */
int dates_valid(const struct dates_date *d);

/* Formats d as "YYYY-MM-DD", "YYYY-MM" or "YYYY" into out (DATES_ISO_LEN bytes). */
void dates_iso(const struct dates_date *d, char *out);

/* Formats d as "YYYYMMDD" with 00 for an unknown part (lib/ixschema.h's form). */
void dates_key(const struct dates_date *d, char *out);

/*
 * Parses the ISO partial form that dates_iso writes (and only that).
 * 0 or -1.
 */
int dates_parse_iso(const char *s, struct dates_date *out);

#endif
