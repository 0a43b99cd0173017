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
#include <stdlib.h>

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
