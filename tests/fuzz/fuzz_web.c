/*
 * The web server's request parsing (web/web_params.c): the input as a form
 * body or query string, read into parameters, then into a search, then
 * written back as a link (libmicrohttpd parses the HTTP itself).
 */

#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "web/web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct web_req r;
    struct web_search s;
    struct cr_err err;
    struct buf b = BUF_INIT;

    memset(&r, 0, sizeof(r));
    web_form_parse(&r, (const char *)data, size);
    if (!r.params_bad && web_search_parse(&r, &s, &err) == 0) {
        struct web_edit same = WEB_EDIT_NONE, drop = WEB_EDIT_NONE;
        web_search_href(&b, "/search", &s, &same);
        /* and the link that removes the first value of the first field holding one */
        for (int f = 0; f < WEB_F_COUNT && drop.field < 0; f++)
            if (s.nvals[f]) {
                drop.field = f;
                drop.value = s.vals[f][0];
                drop.remove = 1;
            }
        web_search_href(&b, "/search", &s, &drop);
        web_esc(&b, s.q);
    }
    buf_release(&b);
    for (size_t i = 0; i < r.nparams; i++) {
        free(r.params[i].key);
        free(r.params[i].val);
    }
    return 0;
}
