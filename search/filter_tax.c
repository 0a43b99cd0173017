#include "search/filter.h"

/*
 * Filling a filter vocabulary from the taxonomy (lib/taxonomy.h): themes,
 * topics, review types, document kinds and review models with their labels,
 * synonyms and abbreviations, and the field's abbreviations for expansion
 * in free text. An entry's abbreviation stands for its label ("SUDI" →
 * "sudden unexpected death in infancy"); an [abbreviation] entry's for what
 * its 'means:' line says.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/caps.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"

static const struct {
    enum taxonomy_kind kind;
    enum filter_field field;
} kinds[] = {
    {TAXONOMY_THEME, FILTER_THEME},      {TAXONOMY_TOPIC, FILTER_TOPIC},
    {TAXONOMY_REVIEW_TYPE, FILTER_TYPE}, {TAXONOMY_DOC_KIND, FILTER_KIND},
    {TAXONOMY_MODEL, FILTER_MODEL},
};

/* The label as a phrase in running text: "Domestic abuse" → "domestic abuse". New. */
static char *phrase_of(const char *label)
{
    char *s = xstrdup(label);

    if (s[0] && !isupper((unsigned char)s[1]))
        s[0] = (char)tolower((unsigned char)s[0]);
    return s;
}

static void add_entry(struct filter_vocab *v, enum filter_field f,
                      const struct taxonomy_entry *e)
{
    char *phrase = phrase_of(e->label);

    filter_vocab_add(v, f, e->id, e->label, NULL);
    for (size_t i = 0; e->synonyms && e->synonyms[i]; i++)
        filter_vocab_add(v, f, e->id, NULL, e->synonyms[i]);
    for (size_t i = 0; e->abbrevs && e->abbrevs[i]; i++) {
        filter_vocab_add(v, f, e->id, NULL, e->abbrevs[i]);
        filter_vocab_add_abbrev(v, e->abbrevs[i], phrase);
    }
    free(phrase);
}

void filter_vocab_from_taxonomy(struct filter_vocab *v, const struct taxonomy *t)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        for (size_t i = 0; i < taxonomy_count(t, kinds[k].kind); i++)
            add_entry(v, kinds[k].field, taxonomy_at(t, kinds[k].kind, i));
    for (size_t i = 0; i < taxonomy_count(t, TAXONOMY_ABBREV); i++) {
        const struct taxonomy_entry *e = taxonomy_at(t, TAXONOMY_ABBREV, i);
        filter_vocab_add_abbrev(v, e->id, e->means);
        for (size_t j = 0; e->abbrevs && e->abbrevs[j]; j++)
            filter_vocab_add_abbrev(v, e->abbrevs[j], e->means);
    }
}

/* Adds one line "id TAB nation TAB name TAB former; names". */
static void partnership_line(struct filter_vocab *v, char *line)
{
    char *f[4] = {NULL, NULL, NULL, NULL}, *p = line, *save = NULL;
    int n = 0;

    while (n < 4) {
        f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (n < 3 || !*f[0])
        return;
    filter_vocab_add(v, FILTER_PARTNERSHIP, f[0], f[2], NULL);
    for (char *name = n == 4 ? strtok_r(f[3], ";", &save) : NULL; name;
         name = strtok_r(NULL, ";", &save)) {
        while (*name == ' ')
            name++;
        if (*name)
            filter_vocab_add(v, FILTER_PARTNERSHIP, f[0], NULL, name);
    }
}

int filter_vocab_load_partnerships(struct filter_vocab *v, const char *path, struct cr_err *err)
{
    FILE *fp = fopen(path, "r");
    char line[CR_MAX_LINE];

    if (!fp)
        return cr_error(err, errno == ENOENT ? CR_ENOTFOUND : CR_EIO, "cannot open '%s': %s",
                        path, strerror(errno));
    while (fgets(line, sizeof(line), fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#')
            partnership_line(v, line);
    }
    fclose(fp);
    return 0;
}
