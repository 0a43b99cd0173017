#ifndef CASEREVIEW_CRAWLER_ROBOTS_H
#define CASEREVIEW_CRAWLER_ROBOTS_H
/*
 * robots.txt (RFC 9309): parsing a file and deciding whether a path may be
 * fetched by one product token ("casereview").
 *
 * What it follows:
 *  - 2.1   lines are "key: value", keys case-insensitive, '#' starts a comment;
 *          lines that are not records are ignored, never an error.
 *  - 2.2.1 a group is one or more user-agent lines followed by rules; the
 *          groups naming our token (case-insensitive) are merged; without
 *          one, the "*" groups are; without either, everything is allowed.
 *  - 2.2.2 allow/disallow rules; the longest matching pattern wins (in
 *          octets, after percent-normalisation); on a tie allow wins; an
 *          empty pattern matches nothing.
 *  - 2.2.3 "*" matches any run of characters, a final "$" anchors the end.
 *  - 2.2.4 a "crawl-delay" line (not in the RFC, honoured widely) in the
 *          chosen group gives the seconds to wait between requests.
 *  - 2.3.1 a missing file (4xx) allows everything; an unreachable one (5xx,
 *          network error) disallows everything (robots_unreachable()).
 *  - 2.5   only the first ROBOTS_MAX_BYTES are parsed.
 *  - /robots.txt itself is always allowed.
 *
 * What it is not: it does not fetch anything, and knows nothing of hosts or
 * caching (the crawler does both).
 */

#include <stddef.h>

#define ROBOTS_MAX_BYTES (512u * 1024u) /* RFC 9309 2.5: at least 500 KiB parsed */
#define ROBOTS_MAX_DELAY 60.0           /* seconds: a larger Crawl-delay is capped */

struct robots;

/*
 * Parses body (len bytes, need not be NUL-terminated) for the product token
 * agent (borrowed, e.g. "casereview"). Never fails: garbage yields no rules.
 * Returns a new object (robots_free).
 */
struct robots *robots_parse(const char *body, size_t len, const char *agent);
/* Everything allowed (no robots.txt: 4xx). New. */
struct robots *robots_allow_all(void);
/* Everything disallowed (robots.txt unreachable: 5xx or no answer). New. */
struct robots *robots_unreachable(void);
void robots_free(struct robots *r);

/*
 * 1 if the URL path (with its query, e.g. "/reviews/a.pdf?x=1"; borrowed)
 * may be fetched, 0 if not. A path not starting with '/' is taken as "/".
 */
int robots_allowed(const struct robots *r, const char *path);

/* The Crawl-delay in seconds for our group (capped at ROBOTS_MAX_DELAY), or -1 if none. */
double robots_crawl_delay(const struct robots *r);

/* Number of allow/disallow rules that apply to us (for messages and tests). */
size_t robots_rule_count(const struct robots *r);

#endif
