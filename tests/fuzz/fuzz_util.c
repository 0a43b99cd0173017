/* What the harnesses share: inputs as C strings. */

#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "lib/xalloc.h"

char *fuzz_str(const uint8_t *data, size_t size)
{
    const void *nul = memchr(data, 0, size);

    return xstrndup((const char *)data, nul ? (size_t)((const uint8_t *)nul - data) : size);
}
