/*
 * URL resolution and canonical form (crawler/crawl_url.c): the input as an
 * href on a partnership's page, resolved, made canonical, and taken apart.
 */

#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *href = fuzz_str(data, size), *url = NULL, *again = NULL;
    struct cr_err err;

    if (crawl_url_resolve("https://www.northshire.example/reviews/index.html", href, &url,
                          &err) == 0) {
        if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
            abort(); /* only http(s) may come out */
        if (crawl_url_canon(url, &again, &err) != 0 || strcmp(url, again))
            abort(); /* the canonical form is a fixed point */
        free(crawl_url_origin(url));
        free(crawl_url_site(url));
        free(crawl_url_path(url));
        free(crawl_url_name(url));
        (void)crawl_url_not_page(url);
    }
    free(again);
    free(url);
    free(href);
    return 0;
}
