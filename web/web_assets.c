/*
 * The site's stylesheet and icon, compiled in from web/style.css and
 * web/icon.svg (see mk/web.mk), and the pages that serve them. Nothing the
 * pages use comes from another machine.
 */

#include <stddef.h>

#include "web/web_int.h"

const char web_style_css[] =
#include "web/style_css.inc"
    ;
const size_t web_style_css_len = sizeof(web_style_css) - 1;

static const char icon_svg[] =
#include "web/icon_svg.inc"
    ;

void web_page_style(struct web_req *r)
{
    r->ctype = "text/css; charset=utf-8";
    buf_add(&r->body, web_style_css, web_style_css_len);
    web_header(r, "Cache-Control", "max-age=3600");
}

void web_page_icon(struct web_req *r)
{
    r->ctype = "image/svg+xml";
    buf_add(&r->body, icon_svg, sizeof(icon_svg) - 1);
    web_header(r, "Cache-Control", "max-age=86400");
}
