#ifndef CASEREVIEW_BENCH_SYNTH_WORDS_H
#define CASEREVIEW_BENCH_SYNTH_WORDS_H
/* The synthetic repository's vocabulary (bench/synth_words.c). */

#include <stddef.h>

struct synth_phrase {
    const char *text;
};

#define SYNTH_NWORDS 385
#define SYNTH_NPARTNERSHIPS 150
#define SYNTH_NTHEMES 34
#define SYNTH_NTOPICS 24
#define SYNTH_NPHRASES 25

extern const char *const synth_words[SYNTH_NWORDS];
extern const char *const synth_partnerships[SYNTH_NPARTNERSHIPS];
extern const char *const synth_themes[SYNTH_NTHEMES];
extern const char *const synth_theme_phrases[SYNTH_NTHEMES];
extern const char *const synth_topics[SYNTH_NTOPICS];
extern const struct synth_phrase synth_phrases[SYNTH_NPHRASES];

#endif
