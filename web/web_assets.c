/*
 * The site's stylesheet, compiled in from web/style.css (see mk/web.mk), and
 * the page that serves it. Nothing the pages use comes from another machine.
 */

#include <stddef.h>

#include "web/web_int.h"

const char web_style_css[] =
#include "web/style_css.inc"
    ;
const size_t web_style_css_len = sizeof(web_style_css) - 1;

void web_page_style(struct web_req *r)
{
    r->ctype = "text/css; charset=utf-8";
    buf_add(&r->body, web_style_css, web_style_css_len);
    web_header(r, "Cache-Control", "max-age=3600");
}
