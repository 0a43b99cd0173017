#ifndef CASEREVIEW_CRAWLER_CRAWL_SOURCES_H
#define CASEREVIEW_CRAWLER_CRAWL_SOURCES_H
/*
 * Lists of sources: data/sources.tsv (shipped) and files given with
 * --sources. One source a line, tab-separated:
 *
 *     name <TAB> nation <TAB> url [<TAB> where the URL was found]
 *
 * nation is one of doc/ids.md's (england, wales, scotland,
 * northern-ireland) or empty. Lines starting with '#' and blank lines are
 * skipped, and so is a header line starting with "name<TAB>". A line holding
 * only a URL is a source without a name. Any other line is an error naming
 * the file and line: a list is loaded whole or not at all.
 */

#include <stddef.h>

#include "lib/cr_err.h"

struct crawl_source {
    char *url;      /* canonical (crawler/crawl_url.h); owned */
    char *name;     /* owned, NULL when not given */
    char *nation;   /* owned, NULL when not given */
    char *evidence; /* owned, NULL when not given: where the URL was found */
};

struct crawl_source_list {
    struct crawl_source *v; /* owned, n of them, in file order, URLs unique */
    size_t n, alloc;
};

/* Loads path into list (initialised here; release with crawl_sources_release). */
int crawl_sources_load(const char *path, struct crawl_source_list *list,
                       struct cr_err *err) CR_MUST_CHECK;
/* Parses the text of a list (len bytes) named `what` in messages. */
int crawl_sources_parse(const char *text, size_t len, const char *what,
                        struct crawl_source_list *list, struct cr_err *err) CR_MUST_CHECK;
/* Adds one source (strings copied; url canonicalised); a URL already listed is skipped. */
int crawl_sources_add(struct crawl_source_list *list, const char *url, const char *name,
                      const char *nation, const char *evidence, struct cr_err *err) CR_MUST_CHECK;
void crawl_sources_release(struct crawl_source_list *list);

/* 1 if s is a nation id of doc/ids.md. */
int crawl_nation_ok(const char *s);

#endif
