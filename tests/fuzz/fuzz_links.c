/* The HTML link-context extractor (crawler/links.c), on any bytes as a fetched page. */

#include "tests/fuzz/fuzz.h"

#include "crawler/links.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct links_page page;
    struct cr_err err;
    /* any outcome will do: what matters is that it is reached safely */
    int rc = links_extract((const char *)data, size, "https://www.northshire.example/reviews/",
                           &page, &err);

    (void)rc;
    links_page_release(&page);
    return 0;
}
