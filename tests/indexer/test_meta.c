/* Tests of indexer/meta.c: choosing a report's title from its first page. */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/meta.h"
#include "lib/taxonomy.h"
#include "lib/xalloc.h"

static void test_meta_title_largest_run(void **state)
{
    struct idx_line lines[] = {
        {1, 8, (char *)"FICTIONAL TEST DOCUMENT"},
        {1, 24, (char *)"Serious Case Review:"},
        {1, 24, (char *)"Child T"},
        {1, 15, (char *)"Northshire Safeguarding Children Partnership"},
        {2, 30, (char *)"A bigger line on page two"},
    };
    char *t = meta_title_from_lines(lines, 5);

    (void)state;
    assert_string_equal(t, "Serious Case Review: Child T");
    free(t);
}

static void test_meta_title_skips_logo_letters(void **state)
{
    struct idx_line lines[] = {
        {1, 60, (char *)"N"},
        {1, 20, (char *)"  Child Practice   Review:  Baby R "},
        {1, 11, (char *)"body text"},
    };
    char *t = meta_title_from_lines(lines, 3);

    (void)state;
    assert_string_equal(t, "Child Practice Review: Baby R");
    free(t);
}

static void test_meta_title_none(void **state)
{
    struct idx_line lines[] = {{1, 12, (char *)"42"}, {2, 30, (char *)"page two only"}};

    (void)state;
    assert_null(meta_title_from_lines(lines, 2));
    assert_null(meta_title_from_lines(NULL, 0));
}

/* {text, months or -1, as written, band or NULL} */
static const struct {
    const char *text;
    int months;
    const char *written, *band;
} age_rows[] = {
    {"Child B, a boy who was three years old when", 36, "3 years", "1-4"},
    {"a four-year-old boy", 48, "4 years", "1-4"},
    {"Baby T was six weeks old when", 1, "6 weeks", "under-1"},
    {"died in 2019, aged fifteen. He", 180, "15 years", "15-17"},
    {"aged 15", 180, "15 years", "15-17"},
    {"Samir was fifteen when he was stabbed", 180, "15 years", "15-17"},
    {"\"Ruby\" is thirteen. She lives", 156, "13 years", "10-14"},
    {"a looked after girl of fourteen, placed", 168, "14 years", "10-14"},
    {"eleven months old", 11, "11 months", "under-1"},
    {"a 17-year-old", 204, "17 years", "15-17"},
    /* years and months together, months alone, and the age at the incident */
    {"Child R was two years and four months old when she was found", 28, "2 years 4 months",
     "1-4"},
    {"Baby N, aged 1 year 3 months, was taken to hospital", 15, "1 year 3 months", "1-4"},
    {"At 17 months, Leo was seen at the emergency department with a fractured arm", 17,
     "17 months", "1-4"},
    {"Aisha had self-harmed since she was eleven. She was 15 when she died.", 180, "15 years",
     "15-17"},
    {"Known to youth services from the age of twelve, Kyle died aged sixteen", 192,
     "16 years", "15-17"},
    {"When Priya was nine, her father left. She was fourteen when she was admitted to "
     "hospital after an overdose.", 168, "14 years", "10-14"},
    {"The mother was 38 weeks pregnant when", -1, NULL, NULL},
    {"Mia had been in foster care since she was four.", -1, NULL, NULL},
    {"The family had been known to services for two years and four months", -1, NULL, NULL},
    {"Seventeen months later the case was closed", -1, NULL, NULL},
    {"There was three years of contact", -1, NULL, NULL},
    {"The assessment period was three months. Jo, a two-year-old, lived with", 24, "2 years",
     "1-4"},
    {"over a period of 3 years", -1, NULL, NULL},
    {"four infants, aged between two weeks and seven months, died", 7, "7 months", "under-1"},
    {"children aged between 4 and 12", -1, NULL, NULL},
    {"Baby Z was six\nweeks old when she was admitted", 1, "6 weeks", "under-1"},
    {"abused by a lodger from the age of eight until she was eleven.", 132, "11 years",
     "10-14"},
    /* garbage and adults */
    {"", -1, NULL, NULL},
    {"his mother, aged 24, and", -1, NULL, NULL},
    {"in 2019 the family moved", -1, NULL, NULL},
    {"there were three years of contact", -1, NULL, NULL},
    {"4 weeks", -1, NULL, NULL},
    {"a 2019-year-old", -1, NULL, NULL},
    {"aged", -1, NULL, NULL},
};

static void test_meta_age_table(void **state)
{
    int failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(age_rows) / sizeof(age_rows[0]); i++) {
        char written[64] = "";
        int m = meta_age_months(age_rows[i].text, written, sizeof(written));
        const char *band = meta_age_band(m);
        if (m != age_rows[i].months ||
            (age_rows[i].written && strcmp(written, age_rows[i].written)) ||
            (age_rows[i].band ? !band || strcmp(band, age_rows[i].band) : band != NULL)) {
            print_error("row %zu '%s': %d months ('%s', %s), expected %d\n", i, age_rows[i].text,
                        m, written, band ? band : "no band", age_rows[i].months);
            failed++;
        }
    }
    if (failed)
        fail_msg("%d rows failed", failed);
    assert_null(meta_age_band(-1));
    assert_null(meta_age_band(18 * 12));
}

/* {page texts, the items found as "label@page=text prefix" lines} */
static const struct {
    const char *pages[3];
    const char *items;
} item_rows[] = {
    {{"4. Recommendations 1. The partnership should review its guidance. 2. Agencies "
      "should check the history. 5. Conclusion This review", NULL},
     "1@1=The partnership should review|2@1=Agencies should check|"},
    {{"3. Key findings 3.1 The review found optimism. 3.2 Nobody asked.", NULL},
     "3.1@1=The review found optimism.|3.2@1=Nobody asked.|"},
    {{"Learning point 1: Any bruise needs a referral.\nLearning point 2: Discharge letters "
      "must list injuries.\nActions: the department", NULL},
     "Learning point 1@1=Any bruise needs|Learning point 2@1=Discharge letters must|"},
    {{"Recommendations\n1) Share records.", "2) Supervise.\nAppendix A", NULL},
     "1@1=Share records.|2@2=Supervise.|"},
    /* garbage: numbers out of sequence, no heading, a heading with nothing after it */
    {{"1. Introduction 2. Background 3. What happened", NULL}, ""},
    {{"Recommendations 2. Not the first item.", NULL}, ""},
    {{"", NULL}, ""},
    {{"Recommendation", NULL}, ""},
};

static void test_meta_items_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(item_rows) / sizeof(item_rows[0]); i++) {
        struct idx_page pages[3];
        struct idx_report r;
        struct meta_fields f;
        char got[1024] = "";
        size_t n = 0;

        memset(&r, 0, sizeof(r));
        memset(&f, 0, sizeof(f));
        for (int p = 0; p < 3 && item_rows[i].pages[p]; p++) {
            pages[p].text = (char *)item_rows[i].pages[p];
            pages[p].len = strlen(pages[p].text);
            r.npages = p + 1;
        }
        r.pages = pages;
        tag_items(&r, &f);
        for (size_t k = 0; k < f.nitems; k++) {
            const char *want = strstr(item_rows[i].items, f.items[k].label);
            size_t len = 0;
            if (want) {
                const char *eq = strchr(want, '='), *bar = eq ? strchr(eq, '|') : NULL;
                len = eq && bar ? (size_t)(bar - eq - 1) : 0;
            }
            n += (size_t)snprintf(got + n, sizeof(got) - n, "%s@%d=%.*s|", f.items[k].label,
                                  f.items[k].page, (int)(len ? len : strlen(f.items[k].text)),
                                  f.items[k].text);
        }
        if (strcmp(got, item_rows[i].items))
            fail_msg("row %zu: expected '%s', got '%s'", i, item_rows[i].items, got);
        meta_fields_release(&f);
    }
}

/*
 * {page texts, what the tags must hold}: "+id" must be tagged, "-id" must
 * not be (themes and topics alike); ids not named are not checked, since
 * any sentence touches several entries weakly.
 */
static const struct {
    const char *pages[7];
    const char *want;
} tag_rows[] = {
    /* negated mentions are no evidence */
    {{"Screening by the school nurse found no indication of sexual exploitation.",
      "The strategy meeting considered sexual exploitation and ruled it out.", NULL},
     "-child-sexual-exploitation"},
    {{"This review was delayed by the pandemic.",
      "The pandemic began after the period this review covers, and lockdown had no effect "
      "on the work described here.", NULL},
     "-covid-19"},
    {{"There was no evidence of domestic abuse in the household.",
      "Domestic abuse was not a factor in the events that led to this review.", NULL},
     "-domestic-abuse"},
    /* the same words, not negated */
    {{"Sexual exploitation of the girl by older men went on for a year.",
      "Agencies saw sexual exploitation as her choice.", NULL},
     "+child-sexual-exploitation"},
    /* one plain statement of what happened is enough; a negated one is not */
    {{"Summary\nChild T was seriously harmed by prolonged neglect at home.",
      "Findings\nVisits were announced and brief.", NULL},
     "+neglect"},
    {{"Summary\nThere was no evidence that Child T was harmed by neglect.",
      "Findings\nVisits were announced and brief.", NULL},
     "-neglect"},
    /* where a mention stands: reading lists, glossaries and contents weigh nothing */
    {{"Further reading\nThe partnership's neglect toolkit and its domestic abuse guidance.",
      "Glossary\nDA: domestic abuse\nCSE: child sexual exploitation",
      "Resources\nNeglect strategy; domestic abuse pathway; sexual exploitation screening tool",
      NULL},
     "-neglect -domestic-abuse -child-sexual-exploitation"},
    {{"Contents\nDomestic abuse and the children ........ 4\nDomestic abuse services 5\n",
      "1. Introduction\nThe review looked at how agencies worked with the family.", NULL},
     "-domestic-abuse"},
    /* a name in the findings counts half as much again, in the review's method half */
    {{"1. Introduction\nThis review concerns Child L.",
      "Key findings\nThe school challenged the decision once. After that, escalation was "
      "left to others.", NULL},
     "+escalation-challenge"},
    {{"1. Introduction\nThis review concerns Child L.",
      "Methodology\nThe school challenged the decision once. After that, escalation was "
      "left to others. The school did not escalate its worries.", NULL},
     "-escalation-challenge"},
    /* in a long report, a topic named in the findings needs no second page */
    {{"Introduction\nThis review concerns Child L.", "Background\nChild L lived with her aunt.",
      "What happened\nChild L was admitted to hospital.", "The family\nHer aunt worked nights.",
      "Findings\nSupervision did not test the plan; management oversight was absent.",
      "Conclusion\nThe partnership accepts these findings.", NULL},
     "+supervision"},
    /* a finding in other words than the taxonomy's names */
    {{"Findings\nThe school and the GP each held part of the picture, but neither passed on what "
      "it knew to children's social care.",
      "Recommendations\nAgencies must share what they know when a family moves.", NULL},
     "+information-sharing"},
    {{"Findings\nNobody asked why the baby was always asleep during visits.",
      "Key learning\nThe explanation was accepted at face value; it was not tested.", NULL},
     "+professional-curiosity"},
    {{"What happened\nWhen the family moved to another authority, the receiving authority was "
      "not given the plan.",
      "Learning\nRecords did not follow the children across local authority boundaries.", NULL},
     "+transfer-between-areas"},
    {{"The father stalked the mother after she left him and made threats to kill her.",
      "Findings\nPost-separation abuse was not seen as a risk to the children.", NULL},
     "+domestic-abuse"},
    /* overlapping phrases are one mention: "GP surgery", "GP", "surgery" */
    {{"The GP surgery was closed that day.", "The GP surgery had moved.", NULL},
     "-gp-involvement"},
    /* the title of guidance is not a finding */
    {{"The review followed Working Together to Safeguard Children.",
      "Working Together to Safeguard Children sets out what agencies must do.", NULL},
     "-multi-agency-working"},
    /* garbage */
    {{"", NULL}, "-neglect -information-sharing"},
    {{"no evidence of. ruled out; not a factor", "\n\n\n", NULL}, "-neglect"},
};

static struct taxonomy *shipped(void)
{
    char *dir = th_src("data/taxonomy");
    struct taxonomy *t = NULL;
    struct cr_err err;

    cr_err_clear(&err);
    if (taxonomy_load(&t, dir, &err) < 0)
        fail_msg("loading '%s': %s", dir, err.msg);
    free(dir);
    return t;
}

static int has_tag(const struct meta_fields *f, const char *id)
{
    for (size_t k = 0; k < f->ntags; k++)
        if (!strcmp(f->tags[k].id, id))
            return 1;
    return 0;
}

/* Checks "+id -id …" against f; the first wrong id into bad, else 0. */
static int tags_as_wanted(const struct meta_fields *f, const char *want, char *bad, size_t cap)
{
    const char *p = want;

    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char id[64];
        snprintf(id, sizeof(id), "%.*s", (int)(len - 1), p + 1);
        if ((*p == '+') != has_tag(f, id)) {
            snprintf(bad, cap, "%.*s", (int)len, p);
            return 1;
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    return 0;
}

static void test_meta_tag_table(void **state)
{
    struct taxonomy *t = shipped();
    int failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(tag_rows) / sizeof(tag_rows[0]); i++) {
        struct idx_page pages[7];
        struct idx_report r;
        struct meta_fields f;
        char bad[80];

        memset(&r, 0, sizeof(r));
        memset(&f, 0, sizeof(f));
        for (int p = 0; p < 7 && tag_rows[i].pages[p]; p++) {
            pages[p].text = (char *)tag_rows[i].pages[p];
            pages[p].len = strlen(pages[p].text);
            r.npages = p + 1;
        }
        r.pages = pages;
        tag_report(t, &r, &f);
        if (tags_as_wanted(&f, tag_rows[i].want, bad, sizeof(bad))) {
            print_error("row %zu: wanted %s\n", i, bad);
            for (size_t k = 0; k < f.ntags; k++)
                print_error("    tagged %s (%d: %s)\n", f.tags[k].id, f.tags[k].score,
                            f.tags[k].phrases);
            failed++;
        }
        meta_fields_release(&f);
    }
    taxonomy_free(t);
    if (failed)
        fail_msg("%d rows failed", failed);
}

/*
 * {cover lines in large print ('\n'-separated, '#' before a smaller one), page texts, PDF title, the
 * fields wanted as "field=value|…" ("field=" for none)}: meta_derive() with
 * no catalogue, so only the report's own pages speak.
 */
static const struct {
    const char *cover;
    const char *pages[3];
    const char *info_title;
    const char *want;
} derive_rows[] = {
    /* partnership names in their shapes, normalised to the place */
    {"Serious Case Review\nBrackenmoor Children's Safeguarding Partnership",
     {"FICTIONAL. Child K", NULL}, NULL, "partnership=brackenmoor|nation=england|"},
    {"Learning Review: Child H",
     {"Published by the Safeguarding Children Partnership for Dunmere, March 2022.", NULL},
     NULL, "partnership=dunmere|nation=england|"},
    {"Child Safeguarding Practice Review\nAshfold and Kersey Safeguarding Children Partnership",
     {"FICTIONAL.", NULL}, NULL, "partnership=ashfold-and-kersey|"},
    {"Child Q\nPeltonbury Safeguarding\nChildren Partnership", {"FICTIONAL.", NULL}, NULL,
     "partnership=peltonbury|nation=england|"},
    {"Child Q\nChild Safeguarding Practice Review\nCalderwick and Rye\nSafeguarding Children "
     "Partnership",
     {"FICTIONAL.", NULL}, NULL, "partnership=calderwick-and-rye|"},
    {"Baby V\nTarnwick Children\u2019s Safeguarding Board", {"FICTIONAL.", NULL}, NULL,
     "partnership=tarnwick|"},
    /* the document kind comes from the cover or title first, never from a contents list */
    {"Child Safeguarding Practice Review\nChild J",
     {"Contents\n1. Introduction 3\n2. Background 4\n3. Findings 7\nAppendix 1: Terms of "
      "reference 12\nAppendix 2: Glossary 14\nAppendix 3: Chronology 15\n",
      "See Appendix 1 for the terms of reference and Appendix 3 for the chronology.", NULL},
     NULL, "document_kind=full-report|"},
    {"Child J\n#Contents\n#Introduction 2\n#Appendix 1 Terms of reference 9\n#Appendix 2 "
     "Chronology 11",
     {"1. Introduction\nThis overview report sets out what happened to Child J.", NULL}, NULL,
     "document_kind=full-report|"},
    {"Child A7\n#Learning brief from a Child Safeguarding\n#Practice Review\n#Fernbrook "
     "Safeguarding Children Partnership",
     {"Published 3 May 2020\n\nThis brief goes with the full report, \"Child A7: Child "
      "Safeguarding Practice Review, Overview Report\". The full report describes what "
      "happened; the full report's findings are summarised here. Read the full report.", NULL},
     "Learning brief A7", "document_kind=learning-brief|"},
    {"Child J\n#Contents\n#Findings\n#Appendices",
     {"This overview report was written by an independent reviewer.", NULL}, NULL,
     "document_kind=full-report|"},
    {NULL,
     {"Contents\nIntroduction\nWhat happened\nAppendix: the review panel\n\nThe "
      "partnership asked an independent reviewer to lead this review.", NULL},
     NULL, "document_kind=full-report|"},
    {NULL,
     {"Contents\n\nIntroduction\n\nWhat happened\n\nAppendix: the review panel\n\nThe partnership "
      "asked an independent reviewer to lead this review.", NULL},
     NULL, "document_kind=full-report|"},
    {NULL,
     {"Contents Introduction What happened Findings Appendix: the review panel\n\nThe "
      "partnership asked an independent reviewer to lead this review.", NULL},
     NULL, "document_kind=full-report|"},
    {"Appendix 3: Chronology\nChild J", {"This appendix sets out the chronology.", NULL}, NULL,
     "document_kind=appendix|"},
    {"Learning Brief\nChild M",
     {"The full report and its appendices are on the partnership's website.", NULL}, NULL,
     "document_kind=learning-brief|"},
    {NULL,
     {"Contents\nSummary 2\nAppendix A: membership of the review panel 9\n", NULL},
     "Executive Summary: Child P", "document_kind=executive-summary|"},
    {NULL, {"7 minute briefing: Baby S\n1. Background\nBaby S was ten weeks old.", NULL}, NULL,
     "document_kind=7-minute-briefing|"},
    /* a briefing or letter takes its own date, not the date it quotes */
    {"Learning Brief\nChild G",
     {"This brief draws on the overview report, published 15.05.2018, and was written for "
      "practitioners in the county.\nPublished July 2018\n", NULL},
     NULL, "published=2018-07|document_kind=learning-brief|"},
    {"Response to the review\nChild G",
     {"14 June 2021\n\nDear Chair,\nThank you for the overview report on Child G, which your "
      "partnership published on 3 March 2021.", NULL},
     NULL, "published=2021-06-14|"},
    {"7 minute briefing\nBaby W",
     {"The full report, published 21/11/2019, found that the baby's father was not seen.", NULL},
     NULL, "published=2019-11-21|"},
    {"Overview Report\nChild G",
     {"Published 4 April 2019\nThe executive summary, published in May 2019, is shorter.", NULL},
     NULL, "published=2019-04-04|"},
    {"Learning Brief\nChild G",
     {"This learning brief was published in October 2020. The full report was published in "
      "June 2020.", NULL},
     NULL, "published=2020-10|"},
    {NULL, {"published", NULL}, NULL, "published=|"},
    /* garbage: no place to be found */
    {"Learning Review\nSafeguarding Children Partnership", {"FICTIONAL.", NULL}, NULL,
     "partnership=|"},
    {NULL, {"the Safeguarding Children Partnership for the review.", NULL}, NULL,
     "partnership=|"},
    {NULL, {"", NULL}, NULL, "partnership=|"},
};

static void test_meta_derive_table(void **state)
{
    struct taxonomy *t = shipped();
    int failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(derive_rows) / sizeof(derive_rows[0]); i++) {
        struct idx_line lines[8];
        struct idx_page pages[3];
        struct idx_report r;
        struct meta_fields f;
        struct cr_err err;
        char *cover = xstrdup(derive_rows[i].cover ? derive_rows[i].cover : ""), *save = NULL;
        const char *w = derive_rows[i].want;

        memset(&r, 0, sizeof(r));
        for (char *l = strtok_r(cover, "\n", &save); l && r.nlines < 8;
             l = strtok_r(NULL, "\n", &save))
            lines[r.nlines++] = l[0] == '#' ? (struct idx_line){1, 14, l + 1}
                                            : (struct idx_line){1, 20, l};
        for (int p = 0; p < 3 && derive_rows[i].pages[p]; p++) {
            pages[p].text = (char *)derive_rows[i].pages[p];
            pages[p].len = strlen(pages[p].text);
            r.npages = p + 1;
        }
        r.pages = pages;
        r.lines = lines;
        r.info.title = (char *)derive_rows[i].info_title;
        assert_int_equal(meta_derive(NULL, t, &r, &f, &err), 0);
        while (*w) {
            const char *eq = strchr(w, '='), *bar = strchr(w, '|');
            char name[32], value[96];
            int k;
            assert_non_null(eq);
            assert_non_null(bar);
            snprintf(name, sizeof(name), "%.*s", (int)(eq - w), w);
            snprintf(value, sizeof(value), "%.*s", (int)(bar - eq - 1), eq + 1);
            k = meta_field_by_name(name);
            assert_true(k >= 0);
            if (strcmp(f.v[k] ? f.v[k] : "", value)) {
                print_error("row %zu: %s is '%s', expected '%s'\n", i, name,
                            f.v[k] ? f.v[k] : "", value);
                failed++;
            }
            w = bar + 1;
        }
        meta_fields_release(&f);
        free(cover);
    }
    taxonomy_free(t);
    if (failed)
        fail_msg("%d fields wrong", failed);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_meta_derive_table),
    cmocka_unit_test(test_meta_tag_table),
    cmocka_unit_test(test_meta_age_table),
    cmocka_unit_test(test_meta_items_table),
    cmocka_unit_test(test_meta_title_largest_run),
    cmocka_unit_test(test_meta_title_skips_logo_letters),
    cmocka_unit_test(test_meta_title_none),
};

TH_MAIN(tests)
