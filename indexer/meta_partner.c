#include "indexer/meta_int.h"

/*
 * The publishing partnership. A report names its publisher as a place and
 * an organisation word: "Northshire Safeguarding Children Partnership",
 * "Northshire LSCB", "Cwm Taf Morgannwg Safeguarding Board", "Glasgow Child
 * Protection Committee". The most frequent such name on the cover, in the
 * PDF's Author and on the first pages wins. Names in data/partnerships.tsv
 * (current and former names, abbreviations) resolve to their id, so a
 * board's old and new names are one partnership; any other name resolves to
 * the slug of its place ("northshire").
 *
 * The table is read from disk on each call: it is small, and a run
 * describes tens of reports per second, not thousands.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"

#define MAX_PLACE_WORDS 5
#define MAX_CANDIDATES 32

/* Organisation words after a place name, longest first; the nation they imply or NULL. */
static const struct {
    const char *words;
    const char *nation;
} orgs[] = {
    {"Regional Safeguarding Children Board", "wales"},
    {"Regional Safeguarding Board", "wales"},
    {"Local Safeguarding Children Board", "england"},
    {"Safeguarding Children Multi-Agency Partnership", "england"},
    {"Children's Safeguarding Partnership", "england"},
    {"Children\xe2\x80\x99s Safeguarding Partnership", "england"},
    {"Childrens Safeguarding Partnership", "england"},
    {"Safeguarding Children Partnership", "england"},
    {"Children's Safeguarding Board", NULL},
    {"Children\xe2\x80\x99s Safeguarding Board", NULL},
    {"Safeguarding Children Board", NULL},
    {"Safeguarding Community Partnership", "england"},
    {"Safeguarding Partnership", "england"},
    {"Safeguarding Board", NULL},
    {"Child Protection Committee", "scotland"},
    {"Public Protection Committee", "scotland"},
    {"Safeguarding Panel", "northern-ireland"},
    {"LSCB", "england"},
    {"SCP", "england"},
    {"SCB", NULL},
    {"CPC", "scotland"},
};

char *meta_slug(const char *s)
{
    struct buf b = BUF_INIT;
    int dash = 0;

    for (; *s; s++) {
        if (isalnum((unsigned char)*s)) {
            if (dash && b.len)
                buf_addch(&b, '-');
            dash = 0;
            buf_addch(&b, (char)tolower((unsigned char)*s));
        } else if (*s != '\'') {
            dash = 1;
        }
    }
    return buf_take(&b);
}

/* Lowercase letters and digits only: "Manchester S.C.B." -> "manchesterscb". */
static void fold(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; *s && n + 1 < cap; s++)
        if (isalnum((unsigned char)*s))
            out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

struct prow {
    char *id, *nation, *name, *aliases;
};

/* Calls fn for each row of data/partnerships.tsv until it returns non-zero. */
static int each_row(int (*fn)(const struct prow *row, void *ctx), void *ctx)
{
    char *path = taxonomy_data_path("partnerships.tsv"), *line = NULL;
    FILE *fp = fopen(path, "r");
    size_t cap = 0;
    int rc = 0;

    free(path);
    if (!fp)
        return 0;
    while (!rc && getline(&line, &cap, fp) > 0) {
        struct prow row;
        char *save = NULL;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        row.id = strtok_r(line, "\t", &save);
        row.nation = strtok_r(NULL, "\t", &save);
        row.name = strtok_r(NULL, "\t", &save);
        row.aliases = strtok_r(NULL, "\t", &save);
        if (row.id && row.nation && row.name)
            rc = fn(&row, ctx);
    }
    free(line);
    fclose(fp);
    return rc;
}

struct lookup {
    char want[256];
    char *id, *name, *nation;
};

static int row_matches(const struct prow *row, void *ctx)
{
    struct lookup *l = ctx;
    char f[256], *aliases, *save = NULL;
    int hit;

    fold(row->id, f, sizeof(f));
    hit = !strcmp(f, l->want);
    fold(row->name, f, sizeof(f));
    hit |= !strcmp(f, l->want);
    aliases = xstrdup(row->aliases ? row->aliases : "");
    for (char *a = strtok_r(aliases, ";", &save); a && !hit; a = strtok_r(NULL, ";", &save)) {
        fold(a, f, sizeof(f));
        hit = f[0] && !strcmp(f, l->want);
    }
    free(aliases);
    if (hit) {
        l->id = xstrdup(row->id);
        l->name = xstrdup(row->name);
        l->nation = xstrdup(row->nation);
    }
    return hit;
}

int meta_partnership_resolve(const char *name, char **id, char **display, char **nation)
{
    struct lookup l;

    memset(&l, 0, sizeof(l));
    *id = *display = *nation = NULL;
    fold(name, l.want, sizeof(l.want));
    if (!l.want[0] || !each_row(row_matches, &l))
        return 0;
    *id = l.id;
    *display = l.name;
    *nation = l.nation;
    return 1;
}

struct cand {
    char *name;      /* as written: "Northshire Safeguarding Children Partnership" */
    char *place;     /* "Northshire" */
    const char *nation;
    int votes;
};

static int place_word(const char *s, int len)
{
    if (len == 3 && !strncmp(s, "and", 3))
        return 1;
    if (len == 2 && !strncmp(s, "of", 2))
        return 1;
    return len >= 2 && isupper((unsigned char)s[0]);
}

static const char *const not_places[] = {
    "The", "This", "Our", "A", "An", "Local", "Regional", "By", "For", "Of", "And", "Each",
    "Every", "Review", "Reviews", "Report", "Briefing", "Summary", "Learning", "Practice", "Case",
    "Serious", "Child", "Executive", "Overview", "Minute", "Published", "Contents", "Safeguarding",
    "Partnership", "Board", NULL};

/* Words that end a place name but belong to the body's name: "Tarnwick Children's". */
static const char *const body_words[] = {"Children's", "Children\xe2\x80\x99s", "Childrens",
                                         "Children", NULL};

static int is_word(const char *s, size_t len, const char *const *list)
{
    for (int k = 0; list[k]; k++)
        if (strlen(list[k]) == len && !strncmp(s, list[k], len))
            return 1;
    return 0;
}

/* A letter or an apostrophe (' or the bytes of U+2019) within a word. */
static int word_byte(unsigned char c)
{
    return isalpha(c) || c == '\'' || c == 0xE2 || c == 0x80 || c == 0x99;
}

/*
 * The place words of one line just before end (spaces and '-' between
 * words, never a line break): their start, or end when there are none.
 */
static size_t place_words(const char *text, size_t line_start, size_t end, int *nwords)
{
    size_t i = end, start = end;
    int words = 0;

    while (words < MAX_PLACE_WORDS) {
        size_t e = i, b;
        while (e > line_start && (text[e - 1] == ' ' || text[e - 1] == '-'))
            e--;
        if (e == i && i != end)
            break;
        b = e;
        while (b > line_start && word_byte((unsigned char)text[b - 1]))
            b--;
        if (b == e || !place_word(text + b, (int)(e - b)) || is_word(text + b, e - b, not_places))
            break;
        /* "Tarnwick Children's Safeguarding Board": "Children's" is the body's */
        if (!(words == 0 && is_word(text + b, e - b, body_words)))
            start = b, words++;
        i = b;
    }
    /* a place does not start with "and"/"of" */
    while (start < end && (!strncmp(text + start, "and ", 4) || !strncmp(text + start, "of ", 3)))
        start += strchr(text + start, ' ') - (text + start) + 1;
    *nwords = start < end ? words : 0;
    return start;
}

/*
 * The place before org (which starts at text + at): its start offset, or
 * -1. On a cover the name may be split over lines ("Hartsea and Tamberley"
 * above "Safeguarding Children Partnership"): with no place on org's own
 * line, a line above made only of place words is the place.
 */
static long place_before(const char *text, size_t at)
{
    size_t ls = at, e = at, start, pls;
    int n;

    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    start = place_words(text, ls, at, &n);
    if (n)
        return (long)start;
    for (size_t i = ls; i < at; i++)
        if (!isspace((unsigned char)text[i]))
            return -1;
    if (ls == 0)
        return -1;
    e = ls - 1;
    while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\r'))
        e--;
    pls = e;
    while (pls > 0 && text[pls - 1] != '\n')
        pls--;
    start = place_words(text, pls, e, &n);
    while (pls < start && isspace((unsigned char)text[pls]))
        pls++;
    return n && start == pls ? (long)start : -1;
}

/* "Safeguarding Board for Northern Ireland": the place after org's end, with its length. */
static long place_after(const char *text, size_t end, size_t *len)
{
    size_t i = end, b, last = 0;
    int words = 0;

    if (!strncmp(text + i, " for ", 5))
        i += 5;
    else if (!strncmp(text + i, " of ", 4))
        i += 4;
    else
        return -1;
    if (!strncmp(text + i, "the ", 4) || !strncmp(text + i, "The ", 4))
        return -1;
    b = i;
    while (words < MAX_PLACE_WORDS) {
        size_t e = i;
        while (isalpha((unsigned char)text[e]))
            e++;
        if (e == i || !place_word(text + i, (int)(e - i)) || is_word(text + i, e - i, not_places))
            break;
        if (isupper((unsigned char)text[i]))
            last = e;
        words++;
        i = e;
        if (text[i] != ' ' && text[i] != '-')
            break;
        i++;
    }
    if (!last)
        return -1;
    *len = last - b;
    return (long)b;
}

/* org's words at s, with any run of whitespace between them: the bytes matched, or 0. */
static size_t org_at(const char *s, const char *org)
{
    size_t i = 0, j = 0;

    while (org[j]) {
        if (org[j] == ' ') {
            if (!isspace((unsigned char)s[i]))
                return 0;
            while (isspace((unsigned char)s[i]))
                i++;
            j++;
            continue;
        }
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)org[j]))
            return 0;
        i++;
        j++;
    }
    return isalnum((unsigned char)s[i]) ? 0 : i;
}

static void add_cand(struct cand *c, int *n, const char *name, const char *place,
                     const char *nation, int votes)
{
    for (int i = 0; i < *n; i++)
        if (!strcasecmp(c[i].place, place)) {
            c[i].votes += votes;
            if (!c[i].nation)
                c[i].nation = nation;
            return;
        }
    if (*n >= MAX_CANDIDATES)
        return;
    c[*n].name = meta_clean(name);
    c[*n].place = meta_clean(place);
    c[*n].nation = nation;
    c[*n].votes = votes;
    (*n)++;
}

static void scan_orgs(const char *text, int votes, struct cand *c, int *n)
{
    if (!text)
        return;
    for (const char *s = text; *s; s++) {
        if (s > text && isalnum((unsigned char)s[-1]))
            continue;
        for (size_t k = 0; k < sizeof(orgs) / sizeof(orgs[0]); k++) {
            size_t ol = org_at(s, orgs[k].words), plen;
            long ps, pa;
            char *name, *place;
            if (!ol || (strlen(orgs[k].words) <= 4 && strncmp(s, orgs[k].words, ol)))
                continue;
            ps = place_before(text, (size_t)(s - text));
            if (ps >= 0) {
                name = xstrndup(text + ps, (size_t)(s - text - ps) + ol);
                place = xstrndup(text + ps, (size_t)(s - text - ps));
            } else if ((pa = place_after(text, (size_t)(s - text) + ol, &plen)) >= 0) {
                name = xstrndup(s, (size_t)(pa + (long)plen - (s - text)));
                place = xstrndup(text + pa, plen);
            } else {
                break;
            }
            add_cand(c, n, name, place, orgs[k].nation, votes);
            free(name);
            free(place);
            s += ol - 1; /* "Safeguarding Partnership" inside it is not another name */
            break;
        }
    }
}

/* Candidates written as a known name or abbreviation ("MSCB", "CYSUR"). */
struct known_scan {
    const char *text;
    int votes;
    struct cand *c;
    int *n;
};

static int alias_in_text(const struct prow *row, void *ctx)
{
    struct known_scan *k = ctx;
    char *aliases = xstrdup(row->aliases ? row->aliases : ""), *save = NULL;
    const char *names[64];
    int nn = 0;

    names[nn++] = row->name;
    for (char *a = strtok_r(aliases, ";", &save); a && nn < 64; a = strtok_r(NULL, ";", &save)) {
        while (*a == ' ')
            a++;
        names[nn++] = a;
    }
    for (int i = 0; i < nn; i++) {
        const char *hit = strstr(k->text, names[i]);
        size_t len = strlen(names[i]);
        if (hit && len >= 3 && !isalnum((unsigned char)hit[len]) &&
            (hit == k->text || !isalnum((unsigned char)hit[-1]))) {
            int abbrev = len <= 6 && !strchr(names[i], ' ');
            add_cand(k->c, k->n, row->name, row->id, row->nation, abbrev ? 1 : k->votes + 1);
            break;
        }
    }
    free(aliases);
    return 0;
}

void meta_partnership_from_text(const struct taxonomy *t, const struct idx_report *r,
                                const char *cover, const char *text, struct meta_fields *f)
{
    struct cand c[MAX_CANDIDATES];
    const char *texts[3] = {cover, r->info.author, text};
    const int votes[3] = {3, 2, 1};
    int n = 0, best = -1;
    char *id = NULL, *name = NULL, *nation = NULL;

    (void)t;
    for (int i = 0; i < 3; i++) {
        struct known_scan k = {texts[i], votes[i], c, &n};
        if (!texts[i])
            continue;
        scan_orgs(texts[i], votes[i], c, &n);
        (void)each_row(alias_in_text, &k);
    }
    for (int i = 0; i < n; i++)
        if (best < 0 || c[i].votes > c[best].votes)
            best = i;
    if (best >= 0) {
        if (meta_partnership_resolve(c[best].name, &id, &name, &nation) ||
            meta_partnership_resolve(c[best].place, &id, &name, &nation)) {
            meta_set(f, META_PARTNERSHIP, id, "text");
            meta_set(f, META_PARTNERSHIP_NAME, name, "text");
            meta_set(f, META_NATION, nation, "text");
        } else {
            char *slug = meta_slug(c[best].place);
            meta_set(f, META_PARTNERSHIP, slug, "text");
            meta_set(f, META_PARTNERSHIP_NAME, c[best].name, "text");
            meta_set(f, META_NATION, c[best].nation, "text");
            free(slug);
        }
    }
    free(id);
    free(name);
    free(nation);
    for (int i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].place);
    }
}
