/* Tests of lib/taxonomy.c: loading, validation, lookup and phrase matching. */

#include "tests/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/taxonomy.h"
#include "lib/xalloc.h"

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

/* The ids of doc/ids.md: the taxonomy may add ids, never lack these. */
static const struct {
    enum taxonomy_kind kind;
    const char *ids;
} contract[] = {
    {TAXONOMY_REVIEW_TYPE, "scr cspr national-review rapid-review cpr apr susr "
                           "significant-case-review initial-case-review learning-review cmr "
                           "thematic-review local-learning-review dhr sar"},
    {TAXONOMY_DOC_KIND, "full-report executive-summary learning-brief 7-minute-briefing "
                        "presentation action-plan response terms-of-reference appendix"},
    {TAXONOMY_MODEL, "learning-together silp welsh-cpr appreciative-inquiry traditional"},
    {TAXONOMY_THEME,
     "neglect domestic-abuse parental-mental-health parental-substance-misuse "
     "non-accidental-head-injury bruising-non-mobile sudi child-sexual-abuse "
     "child-sexual-exploitation criminal-exploitation serious-youth-violence suicide-self-harm "
     "online-abuse physical-abuse emotional-abuse fabricated-induced-illness disabled-children "
     "race-ethnicity-culture faith unseen-men young-carers missing-education care-leavers "
     "extra-familial-harm pre-birth-babies parental-learning-disability domestic-homicide "
     "covid-19 child-mental-health harmful-sexual-behaviour looked-after-children "
     "trafficking-modern-slavery poverty housing-homelessness"},
    {TAXONOMY_TOPIC,
     "information-sharing professional-curiosity voice-of-the-child escalation-challenge "
     "risk-assessment thresholds multi-agency-working supervision record-keeping "
     "disguised-compliance was-not-brought early-help think-family transfer-between-areas "
     "strategy-meetings child-protection-planning hospital-discharge gp-involvement "
     "police-response schools-role safe-sleep-advice lived-experience optimism-bias "
     "interpreters-language"},
};

static void test_taxonomy_shipped_has_every_contract_id(void **state)
{
    struct taxonomy *t = shipped();

    (void)state;
    for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
        char *ids = xstrdup(contract[i].ids), *save = NULL;
        for (char *id = strtok_r(ids, " ", &save); id; id = strtok_r(NULL, " ", &save))
            if (!taxonomy_get(t, contract[i].kind, id))
                fail_msg("%s '%s' (doc/ids.md) is missing from data/taxonomy",
                         taxonomy_kind_name(contract[i].kind), id);
        free(ids);
    }
    assert_true(taxonomy_count(t, TAXONOMY_THEME) >= 30);
    assert_true(taxonomy_count(t, TAXONOMY_TOPIC) >= 20);
    taxonomy_free(t);
}

/* {kind, name a user types, id it finds or NULL} */
static const struct {
    enum taxonomy_kind kind;
    const char *name;
    const char *id;
} find_rows[] = {
    {TAXONOMY_THEME, "domestic violence", "domestic-abuse"},
    {TAXONOMY_THEME, "DA", "domestic-abuse"},
    {TAXONOMY_THEME, "da", "domestic-abuse"},
    {TAXONOMY_THEME, "Domestic abuse", "domestic-abuse"},
    {TAXONOMY_THEME, "domestic-abuse", "domestic-abuse"},
    {TAXONOMY_THEME, "SUDI", "sudi"},
    {TAXONOMY_THEME, "co-sleeping", "sudi"},
    {TAXONOMY_THEME, "CSE", "child-sexual-exploitation"},
    {TAXONOMY_THEME, "county lines", "criminal-exploitation"},
    {TAXONOMY_THEME, "FII", "fabricated-induced-illness"},
    {TAXONOMY_THEME, "AHT", "non-accidental-head-injury"},
    {TAXONOMY_THEME, "NAI", "physical-abuse"},
    {TAXONOMY_TOPIC, "professional curiosity", "professional-curiosity"},
    {TAXONOMY_TOPIC, "was not brought", "was-not-brought"},
    {TAXONOMY_TOPIC, "strategy meetings", "strategy-meetings"},
    {TAXONOMY_REVIEW_TYPE, "SCR", "scr"},
    {TAXONOMY_REVIEW_TYPE, "LCSPR", "cspr"},
    {TAXONOMY_REVIEW_TYPE, "child practice review", "cpr"},
    {TAXONOMY_DOC_KIND, "7MB", "7-minute-briefing"},
    {TAXONOMY_DOC_KIND, "overview report", "full-report"},
    {TAXONOMY_ABBREV, "MASH", "MASH"},
    {TAXONOMY_ABBREV, "lado", "LADO"},
    /* garbage */
    {TAXONOMY_THEME, "", NULL},
    {TAXONOMY_THEME, "  ", NULL},
    {TAXONOMY_THEME, "no such theme", NULL},
    {TAXONOMY_THEME, "SCR", NULL},
    {TAXONOMY_TOPIC, "neglect", NULL},
    {TAXONOMY_NKINDS, "neglect", NULL},
};

static void test_taxonomy_find_table(void **state)
{
    struct taxonomy *t = shipped();

    (void)state;
    for (size_t i = 0; i < sizeof(find_rows) / sizeof(find_rows[0]); i++) {
        const struct taxonomy_entry *e = taxonomy_find(t, find_rows[i].kind, find_rows[i].name);
        const char *got = e ? e->id : NULL;
        if (find_rows[i].id ? !got || strcmp(got, find_rows[i].id) : got != NULL)
            fail_msg("row %zu '%s': expected %s, got %s", i, find_rows[i].name,
                     find_rows[i].id ? find_rows[i].id : "nothing", got ? got : "nothing");
    }
    taxonomy_free(t);
}

struct collect {
    char out[1024];
    size_t n;
};

static int collect_hit(const struct taxonomy_hit *h, void *ctx)
{
    struct collect *c = ctx;

    c->n += (size_t)snprintf(c->out + c->n, sizeof(c->out) - c->n, "%s%s%s", c->n ? " " : "",
                             h->negated ? "!" : "", h->entry->id);
    return 0;
}

/* {text, kinds, the ids matched in order} */
static const struct {
    const char *text;
    unsigned kinds;
    const char *ids;
} scan_rows[] = {
    {"There was domestic abuse in the home.", TAXONOMY_MASK(TAXONOMY_THEME), "domestic-abuse"},
    {"Police recorded DA incidents.", TAXONOMY_MASK(TAXONOMY_THEME), "domestic-abuse"},
    {"the da vinci code", TAXONOMY_MASK(TAXONOMY_THEME), ""},
    {"Da", TAXONOMY_MASK(TAXONOMY_THEME), ""},
    {"Two SCRs were published", TAXONOMY_MASK(TAXONOMY_REVIEW_TYPE), "scr"},
    {"a scr", TAXONOMY_MASK(TAXONOMY_REVIEW_TYPE), ""},
    {"Strategy Meetings were not held", TAXONOMY_MASK(TAXONOMY_TOPIC),
     "strategy-meetings strategy-meetings strategy-meetings"},
    {"the child's injuries", TAXONOMY_MASK(TAXONOMY_THEME), "physical-abuse"},
    {"Jacob SCR 7 minute briefing", TAXONOMY_MASK(TAXONOMY_DOC_KIND), "7-minute-briefing"},
    {"a 7-minute briefing", TAXONOMY_MASK(TAXONOMY_DOC_KIND), "7-minute-briefing"},
    {"national child safeguarding practice review", TAXONOMY_MASK(TAXONOMY_REVIEW_TYPE),
     "national-review cspr"},
    {"neglectfulness", TAXONOMY_MASK(TAXONOMY_THEME), ""},
    {"", TAXONOMY_ALL, ""},
    {"\xff\xfe\x00", TAXONOMY_ALL, ""},
    {"................", TAXONOMY_ALL, ""},
};

#define THEMES TAXONOMY_MASK(TAXONOMY_THEME)
#define TOPICS TAXONOMY_MASK(TAXONOMY_TOPIC)

/* Each id once, in order of its first hit; "!" when every hit of it was negated. */
struct distinct {
    const char *ids[32];
    int all_negated[32];
    int n;
};

static int distinct_hit(const struct taxonomy_hit *h, void *ctx)
{
    struct distinct *d = ctx;
    int i = 0;

    while (i < d->n && strcmp(d->ids[i], h->entry->id))
        i++;
    if (i == d->n && d->n < 32) {
        d->ids[d->n] = h->entry->id;
        d->all_negated[d->n++] = 1;
    }
    if (i < 32 && !h->negated)
        d->all_negated[i] = 0;
    return 0;
}

/* {text, kinds, the ids matched, "!" before one whose every mention is negated} */
static const struct {
    const char *text;
    unsigned kinds;
    const char *ids;
} negation_rows[] = {
    /* cues before the mention, within the window of the same clause */
    {"Screening at the clinic found no indication of sexual exploitation.", THEMES,
     "!child-sexual-exploitation !criminal-exploitation !extra-familial-harm"},
    {"There was no evidence that Baby Q had been shaken.", THEMES,
     "!pre-birth-babies !non-accidental-head-injury"},
    {"The review found no sign that anyone in the house drank heavily", THEMES,
     "!parental-substance-misuse"},
    {"Nobody had any concerns about domestic violence", THEMES, "domestic-abuse"},
    {"There were no concerns about domestic violence", THEMES, "!domestic-abuse"},
    /* cues after the mention */
    {"Criminal exploitation was considered by the strategy group and ruled out.", THEMES,
     "!criminal-exploitation !child-sexual-exploitation !extra-familial-harm"},
    {"Domestic abuse was not a factor for this family.", THEMES, "!domestic-abuse"},
    {"Neglect was considered but ruled out", THEMES, "!neglect"},
    {"Poor record keeping was not a factor in what happened", TOPICS,
     "!information-sharing !record-keeping"},
    /* mentions that say when, not what happened */
    {"The pandemic began after the baby died.", THEMES, "!covid-19 pre-birth-babies"},
    {"Publication of this review was delayed by the pandemic.", THEMES, "!covid-19"},
    {"During the pandemic, visits stopped.", THEMES, "covid-19"},
    /* clauses and sentences end a cue's reach */
    {"There was no evidence of neglect. Domestic abuse was frequent.", THEMES,
     "!neglect domestic-abuse"},
    {"There was no evidence of neglect, but the father's violence was domestic abuse", THEMES,
     "!neglect unseen-men domestic-abuse"},
    {"The mother had schizophrenia but sexual abuse was ruled out", THEMES,
     "parental-mental-health !child-sexual-abuse"},
    {"There was no evidence of neglect\n\nDomestic abuse", THEMES,
     "!neglect domestic-abuse"},
    /* beyond the window */
    {"There was no evidence that any of the six agencies who saw the family in those years "
     "understood the domestic abuse",
     THEMES, "domestic-abuse"},
    /* absence cues leave topics alone: the lack is the finding */
    {"There was no evidence of a strategy discussion", TOPICS,
     "strategy-meetings"},
    /* garbage */
    {"no evidence of", THEMES, ""},
    {"ruled out", THEMES, ""},
    {"... ; ; :: no evidence of ;", TAXONOMY_ALL, ""},
};

static void test_taxonomy_scan_negation_table(void **state)
{
    struct taxonomy *t = shipped();
    int failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(negation_rows) / sizeof(negation_rows[0]); i++) {
        struct distinct d;
        struct collect c = {"", 0};
        memset(&d, 0, sizeof(d));
        (void)taxonomy_scan(t, negation_rows[i].text, strlen(negation_rows[i].text),
                            negation_rows[i].kinds, distinct_hit, &d);
        for (int k = 0; k < d.n; k++)
            c.n += (size_t)snprintf(c.out + c.n, sizeof(c.out) - c.n, "%s%s%s", k ? " " : "",
                                    d.all_negated[k] ? "!" : "", d.ids[k]);
        if (strcmp(c.out, negation_rows[i].ids)) {
            print_error("row %zu '%s': expected '%s', got '%s'\n", i, negation_rows[i].text,
                        negation_rows[i].ids, c.out);
            failed++;
        }
    }
    taxonomy_free(t);
    if (failed)
        fail_msg("%d rows failed", failed);
}

static void test_taxonomy_scan_table(void **state)
{
    struct taxonomy *t = shipped();

    (void)state;
    for (size_t i = 0; i < sizeof(scan_rows) / sizeof(scan_rows[0]); i++) {
        struct collect c = {"", 0};
        (void)taxonomy_scan(t, scan_rows[i].text, strlen(scan_rows[i].text), scan_rows[i].kinds,
                            collect_hit, &c);
        if (strcmp(c.out, scan_rows[i].ids))
            fail_msg("row %zu '%s': expected '%s', got '%s'", i, scan_rows[i].text,
                     scan_rows[i].ids, c.out);
    }
    taxonomy_free(t);
}

/* {file content, expected error message part, or NULL when it loads} */
static const struct {
    const char *text;
    const char *error;
} load_rows[] = {
    {"[theme a]\nlabel: A\nsynonym: aa; bb\n", NULL},
    {"# only a comment\n\n[topic x-y]\nlabel: X\nmin-score: 3\nmin-pages: 1\n", NULL},
    {"label: A\n", "line 1: 'label:' before any '[kind id]' section"},
    {"[theme a]\nlabel: A\nsynonim: b\n", "line 3: unknown key 'synonim'"},
    {"[theme a]\nlabel: A\n[theme a]\nlabel: B\n", "line 3: theme 'a' is already defined at"},
    {"[theme Bad_Id]\nlabel: A\n", "line 1: bad id 'Bad_Id'"},
    {"[themes a]\nlabel: A\n", "line 1: unknown section kind"},
    {"[theme a\nlabel: A\n", "line 1: a section header ends with ']'"},
    {"[theme]\nlabel: A\n", "line 1: a section header is '[kind id]'"},
    {"[theme a]\nsynonym: b\n", "line 1: 'a' has no 'label:'"},
    {"[theme a]\nlabel: A\nmin-score: lots\n", "line 3: 'lots' is not a number from 1 to 1000"},
    {"[theme a]\nlabel: A\nmin-pages: 0\n", "line 3: '0' is not a number from 1 to 100"},
    {"[theme a]\nlabel: A\nlabel: B\n", "line 3: 'label' is given twice"},
    {"[theme a]\nlabel:\n", "line 2: 'label:' has no value"},
    {"[theme a]\nlabel: A\nphrase: ---\n", "line 3: '---' has no words to match"},
    {"[theme a]\nlabel: A\nphrase: a b c d e f g h i j k\n", "line 3: 'a b c d e f g h i j k' has too many words"},
    {"[theme a]\nlabel: A\njust words\n", "line 3: expected '[kind id]' or 'key: value'"},
    {"[review-type a]\nlabel: A\nnation: france\n", "line 3: unknown nation 'france'"},
    {"[theme a]\nlabel: A\nnation: wales\n", "line 1: 'nation:' is for review types only"},
    {"[abbreviation MASH]\nlabel: M\n", "line 1: abbreviation 'MASH' has no 'means:'"},
    {"[abbreviation TWO WORDS]\nlabel: M\n", "line 1: bad abbreviation 'TWO WORDS'"},
    {"[negation n]\nlabel: N\nbefore: no sign of\nnegates: theme; topic\nwindow: 3\n", NULL},
    {"[negation n]\nlabel: N\nnegates: theme\n", "line 1: negation 'n' has no 'before:'"},
    {"[negation n]\nlabel: N\nafter: x\nnegates: section\n", "unknown kind 'section'"},
    {"[negation n]\nlabel: N\nafter: ruled out\n", "line 1: negation 'n' has no 'negates:'"},
    {"[negation n]\nlabel: N\nafter: x\nnegates: themes\n", "line 4: 'negates:' names an "
                                                              "unknown kind 'themes'"},
    {"[statement s]\nlabel: S\nafter: x\nasserts: theme; topics\n", "line 4: 'asserts:' names "
                                                                   "an unknown kind 'topics'"},
    {"[negation n]\nlabel: N\nafter: x\nnegates: negation\n", "unknown kind 'negation'"},
    {"[negation n]\nlabel: N\nafter: x\nnegates: theme\nwindow: 99\n",
     "line 5: '99' is not a number from 0 to 20"},
    {"[theme a]\nlabel: A\nbefore: no sign of\n", "line 1: 'before:' and 'after:' are for "
                                                    "negations and statements only"},
    {"[theme a]\nlabel: A\nnegates: theme\n", "line 1: 'negates:' is for negations only"},
    {"[negation n]\nlabel: N\nbefore: x\nasserts: theme\n", "'asserts:' is for statements only"},
    {"[statement s]\nlabel: S\nbefore: harmed by\nasserts: theme\n", NULL},
    {"[statement s]\nlabel: S\nasserts: theme\n", "line 1: statement 's' has no 'before:'"},
    {"[statement s]\nlabel: S\nafter: x\n", "line 1: statement 's' has no 'asserts:'"},
    {"[section s]\nlabel: S\nsynonym: findings\nweight: 150\n", NULL},
    {"[section s]\nlabel: S\nweight: -1\n", "line 3: '-1' is not a number from 0 to 1000"},
    {"[theme a]\nlabel: A\nweight: 50\n", "line 1: 'weight:' is for sections only"},
};

static void test_taxonomy_load_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(load_rows) / sizeof(load_rows[0]); i++) {
        char *dir = th_tmpdir(), *file = xasprintf("%s/x.txt", dir);
        struct taxonomy *t = NULL;
        struct cr_err err;
        int rc;

        th_write(file, load_rows[i].text, strlen(load_rows[i].text));
        cr_err_clear(&err);
        rc = taxonomy_load(&t, dir, &err);
        if (!load_rows[i].error && rc != 0)
            fail_msg("row %zu: expected to load, got: %s", i, err.msg);
        if (load_rows[i].error) {
            if (rc != CR_EINVAL || t)
                fail_msg("row %zu: expected an error, got rc %d", i, rc);
            th_assert_contains(err.msg, load_rows[i].error);
            th_assert_contains(err.msg, "x.txt'");
        }
        taxonomy_free(t);
        th_rm_rf(dir);
        free(dir);
        free(file);
    }
}

static void test_taxonomy_empty_or_missing_folder(void **state)
{
    char *dir = th_tmpdir(), *missing = xasprintf("%s/none", dir);
    struct taxonomy *t = NULL;
    struct cr_err err;

    (void)state;
    assert_int_equal(taxonomy_load(&t, dir, &err), CR_ENOTFOUND);
    th_assert_contains(err.msg, "no *.txt files");
    assert_int_equal(taxonomy_load(&t, missing, &err), CR_EIO);
    th_assert_contains(err.msg, "cannot open the folder");
    assert_null(t);
    th_rm_rf(dir);
    free(dir);
    free(missing);
}

static void test_taxonomy_iteration_and_get(void **state)
{
    struct taxonomy *t = shipped();
    const struct taxonomy_entry *e;

    (void)state;
    for (size_t i = 0; i < taxonomy_count(t, TAXONOMY_THEME); i++) {
        e = taxonomy_at(t, TAXONOMY_THEME, i);
        assert_non_null(e);
        assert_int_equal(e->index, i);
        assert_ptr_equal(taxonomy_get(t, TAXONOMY_THEME, e->id), e);
        assert_true(e->min_score >= 1 && e->min_pages >= 1);
    }
    assert_null(taxonomy_at(t, TAXONOMY_THEME, taxonomy_count(t, TAXONOMY_THEME)));
    e = taxonomy_get(t, TAXONOMY_REVIEW_TYPE, "cpr");
    assert_string_equal(e->nation, "wales");
    e = taxonomy_get(t, TAXONOMY_ABBREV, "MASH");
    assert_string_equal(e->means, "multi-agency safeguarding hub");
    taxonomy_free(t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_taxonomy_shipped_has_every_contract_id),
    cmocka_unit_test(test_taxonomy_find_table),
    cmocka_unit_test(test_taxonomy_scan_table),
    cmocka_unit_test(test_taxonomy_scan_negation_table),
    cmocka_unit_test(test_taxonomy_load_table),
    cmocka_unit_test(test_taxonomy_empty_or_missing_folder),
    cmocka_unit_test(test_taxonomy_iteration_and_get),
};

TH_MAIN(tests)
