#ifndef CASEREVIEW_LIB_PROGRESS_H
#define CASEREVIEW_LIB_PROGRESS_H
/*
 * A one-line progress bar on stderr, for long runs (index, crawl, add):
 *     index  [########----------]  40/100 reports  1,234 pages  52.1 pages/s  ETA 0:12
 * It draws only when stderr is a terminal and at most ten times a second; piped
 * output gets nothing from it. Log messages clear the line before printing.
 */

#include <stdint.h>

struct progress;

/*
 * New progress for `total` items (0 = unknown) named by `label` (borrowed,
 * must outlive the progress). `unit` names the items ("reports"), `sub` the
 * secondary count ("pages", may be NULL). Returns NULL when stderr is not a
 * terminal or CASEREVIEW_NO_PROGRESS is set; every function accepts NULL.
 */
struct progress *progress_new(const char *label, uint64_t total, const char *unit,
                              const char *sub);
/* Sets the counts (absolute, not increments) and redraws if due. */
void progress_update(struct progress *p, uint64_t done, uint64_t sub_done);
/* Changes the total (e.g. when a crawl discovers more). */
void progress_set_total(struct progress *p, uint64_t total);
/* Clears the line and frees. */
void progress_free(struct progress *p);
/* Clears the bar's line if one is drawn (used by the logger). */
void progress_clear_line(void);

/* Monotonic seconds, for rates and timeouts. */
double progress_now(void);

#endif
