/* The robots.txt parser (crawler/robots.c), then a few paths matched against its rules. */

#include "tests/fuzz/fuzz.h"

#include "crawler/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/", "/reviews/child-t.pdf", "/a%2Fb?x=1",
                                        "/private/", "*", "", "/$", NULL};
    struct robots *r = robots_parse((const char *)data, size, "casereview");

    for (int i = 0; paths[i]; i++)
        (void)robots_allowed(r, paths[i]);
    (void)robots_crawl_delay(r);
    robots_free(r);
    return 0;
}
