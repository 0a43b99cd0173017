#include "crawler/links.h"

/*
 * Link extraction over libxml2's HTML parser. The tree is walked once, in
 * document order and without recursion (a hostile page may nest deeply);
 * the last heading seen is the "nearest heading above" every link after it.
 * Text collection stops at LINKS_MAX_TEXT bytes, so a page with many links
 * in one huge paragraph costs links × cap at most, not links × page.
 */

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/crawl_url.h"
#include "lib/buf.h"
#include "lib/caps.h"
#include "lib/xalloc.h"

#define PARENT_CONTEXT_MAX 1000 /* a parent's text longer than this is not a context */

/* Texts computed for context elements, kept in their nodes' _private while walking. */
struct cache {
    xmlNode **nodes; /* borrowed nodes whose _private holds an owned string */
    size_t n, alloc;
};

struct seen {
    char **keys;   /* borrowed from the links; NULL = empty slot */
    size_t *idx;   /* index of the link */
    size_t cap;    /* power of two */
    size_t n;
};

/* libxml2's HTML parser lower-cases element names, so a plain compare is enough. */
static int is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name[0] == (unsigned char)name[0] &&
           !strcmp((const char *)n->name, name);
}

static int is_any(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (is(n, *names))
            return 1;
    return 0;
}

static const char *const skipped[] = {"script", "style", "noscript", "template", "head", NULL};
static const char *const blocks[] = {
    "p", "div", "li", "ul", "ol", "tr", "td", "th", "br", "dd", "dt", "dl", "table", "section",
    "article", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "nav", "aside", "main",
    "blockquote", "figure", "figcaption", "caption", "summary", "details", "hr", "address", NULL};
static const char *const contexts[] = {"li", "p", "tr", "dd", "dt", "caption", "figcaption",
                                       "summary", "h1", "h2", "h3", "h4", "h5", "h6", NULL};

static int is_heading(const xmlNode *n)
{
    static const char *const hs[] = {"h1", "h2", "h3", "h4", "h5", "h6", "summary", NULL};
    xmlChar *role;
    int yes;

    if (n->type != XML_ELEMENT_NODE)
        return 0;
    if (is_any(n, hs))
        return 1;
    role = xmlGetProp(n, (const xmlChar *)"role");
    yes = role && !strcasecmp((const char *)role, "heading");
    xmlFree(role);
    return yes;
}

/* Appends s, turning every run of whitespace (and no-break space) into one space. */
static void add_text(struct buf *b, const char *s, size_t max)
{
    for (; *s && b->len < max; s++) {
        unsigned char c = (unsigned char)*s;
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (c == 0xC2 && (unsigned char)s[1] == 0xA0) {
            space = 1;
            s++;
        }
        if (space) {
            if (b->len && b->data[b->len - 1] != ' ')
                buf_addch(b, ' ');
            continue;
        }
        buf_addch(b, (char)c);
    }
}

static void space(struct buf *b)
{
    if (b->len && b->data[b->len - 1] != ' ')
        buf_addch(b, ' ');
}

/* Drops a trailing space and any UTF-8 sequence cut short by the cap. */
static char *finish_text(struct buf *b)
{
    size_t i = b->len;

    if (i && b->data[i - 1] == ' ')
        i--;
    if (i) {
        size_t start = i, need;
        unsigned char c;
        while (start > 0 && ((unsigned char)b->data[start - 1] & 0xC0) == 0x80 && i - start < 4)
            start--;
        c = start > 0 ? (unsigned char)b->data[start - 1] : 0;
        need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (start > 0 && c >= 0xC0 && i - (start - 1) < need)
            i = start - 1;
    }
    buf_truncate(b, i);
    while (b->len && b->data[b->len - 1] == ' ')
        buf_truncate(b, b->len - 1);
    return buf_take(b);
}

/* The text of n's subtree, capped: a pre-order walk that stops at the cap. */
static char *text_of(const xmlNode *root, size_t max)
{
    struct buf b = BUF_INIT;
    const xmlNode *n = root;

    while (n && b.len < max) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                add_text(&b, (const char *)n->content, max);
        } else if (n->type == XML_ELEMENT_NODE && is_any(n, blocks) && n != root) {
            space(&b);
        }
        if (n->type == XML_ELEMENT_NODE && n->children && !is_any(n, skipped)) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n->type == XML_ELEMENT_NODE && is_any(n, blocks))
                space(&b);
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return finish_text(&b);
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *copy = v ? xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return copy;
}

/* Anchor text, else the title / aria-label, else the alt text of an image inside. */
static char *anchor_text(const xmlNode *a)
{
    static const char *const attrs[] = {"title", "aria-label", NULL};
    char *t = text_of(a, LINKS_MAX_TEXT);

    for (int i = 0; !*t && attrs[i]; i++) {
        char *v = attr(a, attrs[i]);
        if (v) {
            struct buf b = BUF_INIT;
            add_text(&b, v, LINKS_MAX_TEXT);
            free(t);
            t = finish_text(&b);
            free(v);
        }
    }
    for (const xmlNode *c = a->children; !*t && c; c = c->next) {
        char *alt = is(c, "img") ? attr(c, "alt") : NULL;
        if (alt) {
            struct buf b = BUF_INIT;
            add_text(&b, alt, LINKS_MAX_TEXT);
            free(t);
            t = finish_text(&b);
            free(alt);
        }
    }
    return t;
}

/* text_of(n, max), computed once per node: many links share one list or paragraph. */
static char *cached_text(xmlNode *n, size_t max, struct cache *c)
{
    if (!n->_private) {
        n->_private = text_of(n, max);
        c->nodes = xgrow(c->nodes, sizeof(*c->nodes), c->n + 1, &c->alloc);
        c->nodes[c->n++] = n;
    }
    return xstrdup(n->_private);
}

static void cache_release(struct cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->nodes[i]->_private);
        c->nodes[i]->_private = NULL;
    }
    free(c->nodes);
}

static char *context_of(const xmlNode *a, const char *anchor, struct cache *c)
{
    xmlNode *p;
    char *t;

    for (p = a->parent; p && p->type == XML_ELEMENT_NODE && !is(p, "body"); p = p->parent)
        if (is_any(p, contexts))
            return cached_text(p, LINKS_MAX_TEXT, c);
    p = a->parent;
    if (p && p->type == XML_ELEMENT_NODE && !is(p, "body") && !is(p, "html")) {
        t = text_of(p, PARENT_CONTEXT_MAX + 1);
        if (strlen(t) <= PARENT_CONTEXT_MAX)
            return t;
        free(t);
    }
    return xstrdup(anchor);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Finds url; returns its slot (empty when absent). */
static size_t seen_slot(const struct seen *s, const char *url)
{
    size_t i = (size_t)hash(url) & (s->cap - 1);

    while (s->keys[i] && strcmp(s->keys[i], url))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static void seen_grow(struct seen *s, const struct links_page *p)
{
    size_t cap = s->cap ? s->cap * 2 : 64;

    free(s->keys);
    free(s->idx);
    s->cap = cap;
    s->keys = xcalloc(cap, sizeof(*s->keys));
    s->idx = xcalloc(cap, sizeof(*s->idx));
    for (size_t k = 0; k < p->n; k++) {
        size_t i = seen_slot(s, p->links[k].url);
        s->keys[i] = p->links[k].url;
        s->idx[i] = k;
    }
}

static void link_release(struct links_link *l)
{
    free(l->url);
    free(l->anchor);
    free(l->context);
    free(l->heading);
}

static void add_link(struct links_page *p, struct seen *s, struct cache *c, const xmlNode *a,
                     const char *base, const char *heading)
{
    char *href = attr(a, "href"), *url = NULL;
    struct links_link l;
    size_t slot;

    if (!href)
        return;
    if (crawl_url_resolve(base, href, &url, NULL) < 0) {
        if (*href && href[0] != '#')
            p->refused++;
        free(href);
        return;
    }
    free(href);
    if (s->n * 2 >= s->cap)
        seen_grow(s, p);
    slot = seen_slot(s, url);
    if (s->keys[slot]) {
        struct links_link *old = &p->links[s->idx[slot]];
        if (!*old->anchor) {
            /* a later occurrence with words describes the link better */
            char *t = anchor_text(a);
            if (*t) {
                free(old->anchor);
                free(old->context);
                old->anchor = t;
                old->context = context_of(a, t, c);
            } else {
                free(t);
            }
        }
        free(url);
        return;
    }
    if (p->n >= CR_MAX_LINKS_PER_PAGE) {
        p->dropped++;
        free(url);
        return;
    }
    l.url = url;
    l.anchor = anchor_text(a);
    l.context = context_of(a, l.anchor, c);
    l.heading = heading ? xstrdup(heading) : NULL;
    l.doc_ext = crawl_url_doc_ext(url);
    p->links = xgrow(p->links, sizeof(*p->links), p->n + 1, &p->alloc);
    p->links[p->n] = l;
    s->keys[slot] = p->links[p->n].url;
    s->idx[slot] = p->n;
    p->n++;
    s->n++;
}

/* The first <base href> resolved against the page URL, else the page URL. New. */
static char *base_url(xmlNode *root, const char *page_url)
{
    for (xmlNode *n = root; n;) {
        if (is(n, "base")) {
            char *href = attr(n, "href"), *url = NULL;
            if (href && crawl_url_resolve(page_url, href, &url, NULL) == 0) {
                free(href);
                return url;
            }
            free(href);
        }
        if (n->children && n->type == XML_ELEMENT_NODE && !is(n, "body")) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        n = n ? n->next : NULL;
    }
    return xstrdup(page_url);
}

static void walk(xmlNode *root, const char *base, struct links_page *p)
{
    struct seen s = {NULL, NULL, 0, 0};
    struct cache c = {NULL, 0, 0};
    char *heading = NULL;
    xmlNode *n = root;

    seen_grow(&s, p);
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            if (is_heading(n)) {
                char *h = text_of(n, LINKS_MAX_TEXT);
                if (*h) {
                    free(heading);
                    heading = h;
                } else {
                    free(h);
                }
            }
            if (is(n, "a") || is(n, "area"))
                add_link(p, &s, &c, n, base, heading);
        }
        if (n->type == XML_ELEMENT_NODE && n->children && !is_any(n, skipped)) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        n = n ? n->next : NULL;
    }
    free(heading);
    cache_release(&c);
    free(s.keys);
    free(s.idx);
}

int links_extract(const char *html, size_t len, const char *page_url, struct links_page *out,
                  struct cr_err *err)
{
    htmlDocPtr doc;
    xmlNode *root;
    char *base;

    memset(out, 0, sizeof(*out));
    if (len > CR_MAX_HTML)
        return cr_error(err, CR_ETOOBIG, "page larger than %u bytes", CR_MAX_HTML);
    if (len == 0)
        return 0;
    doc = htmlReadMemory(html, (int)len, page_url, NULL,
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET);
    if (!doc)
        return cr_error(err, CR_EFORMAT, "cannot parse the page as HTML");
    root = xmlDocGetRootElement(doc);
    if (root) {
        base = base_url(root, page_url);
        walk(root, base, out);
        free(base);
    }
    xmlFreeDoc(doc);
    return 0;
}

void links_page_release(struct links_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        link_release(&p->links[i]);
    free(p->links);
    memset(p, 0, sizeof(*p));
}
