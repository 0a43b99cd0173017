#include "crawler/robots.h"

/*
 * RFC 9309 parser and matcher. The file is read line by line; only the
 * rules of the groups that apply to our token are kept, already normalised
 * (percent-encoding made canonical), so that matching is a plain wildcard
 * match of two normalised strings. Fetching and caching are the crawler's.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

#define MAX_PATTERN 2048 /* bytes of one rule kept; longer rules are cut */
#define MAX_RULES 10000  /* rules kept for our group */

struct rule {
    char *pat;    /* normalised pattern without a final '$'; owned */
    size_t len;   /* strlen(pat), plus one for an anchor: the rule's priority */
    int anchored; /* pattern ended in '$' */
    int allow;    /* 1 allow, 0 disallow */
};

struct group_rules {
    struct rule *rules;
    size_t n, alloc;
    double delay;  /* -1 if none */
    int seen;      /* a group for this kind of agent exists */
};

struct robots {
    struct group_rules use; /* the rules that apply to us */
    int deny_all;           /* robots_unreachable() */
};

/* The state while parsing: which kinds of group the current one belongs to. */
struct parse {
    const char *agent;
    struct group_rules mine, star;
    int in_agents;  /* the previous record was a user-agent line */
    int cur_mine;   /* the current group names our token */
    int cur_star;   /* the current group is "*" */
};

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int unreserved(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * RFC 9309 2.2.2: percent-encoded unreserved octets are decoded, other
 * escapes keep (upper-case) encoding, octets outside printable ASCII are
 * encoded. Patterns and paths both go through this, so they compare as one.
 */
static void normalise(struct buf *out, const char *s, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len && out->len < MAX_PATTERN; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
            if (unreserved(v)) {
                buf_addch(out, (char)v);
                continue;
            }
            c = (unsigned char)v;
        } else if (c > 0x20 && c < 0x7f) {
            buf_addch(out, (char)c);
            continue;
        }
        buf_addch(out, '%');
        buf_addch(out, digits[c >> 4]);
        buf_addch(out, digits[c & 15]);
    }
}

static void add_rule(struct group_rules *g, const char *val, size_t len, int allow)
{
    struct buf b = BUF_INIT;
    struct rule *r;
    int anchored = 0;

    if (len == 0 || g->n >= MAX_RULES)
        return; /* 2.2.2: an empty rule matches nothing */
    if (val[len - 1] == '$') {
        anchored = 1;
        len--;
    }
    normalise(&b, val, len);
    g->rules = xgrow(g->rules, sizeof(*g->rules), g->n + 1, &g->alloc);
    r = &g->rules[g->n++];
    r->len = b.len + (size_t)anchored;
    r->pat = buf_take(&b);
    r->anchored = anchored;
    r->allow = allow;
}

static void group_release(struct group_rules *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->rules[i].pat);
    free(g->rules);
    memset(g, 0, sizeof(*g));
    g->delay = -1;
}

/* 2.2.1: the product token is compared case-insensitively with the line's first word. */
static int agent_matches(const char *agent, const char *val, size_t len)
{
    size_t n = 0, alen = strlen(agent);

    while (n < len && ((val[n] >= 'a' && val[n] <= 'z') || (val[n] >= 'A' && val[n] <= 'Z') ||
                       val[n] == '-' || val[n] == '_'))
        n++;
    return n == alen && n > 0 && !strncasecmp(val, agent, n);
}

static void on_agent(struct parse *p, const char *val, size_t len)
{
    if (!p->in_agents) {
        p->cur_mine = p->cur_star = 0; /* a new group begins */
        p->in_agents = 1;
    }
    if (len == 1 && val[0] == '*') {
        p->cur_star = 1;
        p->star.seen = 1;
    } else if (agent_matches(p->agent, val, len)) {
        p->cur_mine = 1;
        p->mine.seen = 1;
    }
}

static void set_delay(struct group_rules *g, double d)
{
    if (d > g->delay)
        g->delay = d;
}

static void on_delay(struct parse *p, const char *val, size_t len)
{
    char tmp[32], *end;
    double d;

    if (len == 0 || len >= sizeof(tmp))
        return;
    memcpy(tmp, val, len);
    tmp[len] = '\0';
    d = strtod(tmp, &end);
    if (*end || !isfinite(d) || d < 0)
        return; /* garbage: ignored, as every unparsable line */
    if (d > ROBOTS_MAX_DELAY)
        d = ROBOTS_MAX_DELAY;
    if (p->cur_mine)
        set_delay(&p->mine, d);
    if (p->cur_star)
        set_delay(&p->star, d);
}

static void on_rule(struct parse *p, const char *val, size_t len, int allow)
{
    if (p->cur_mine)
        add_rule(&p->mine, val, len, allow);
    if (p->cur_star)
        add_rule(&p->star, val, len, allow);
}

static size_t trim(const char **s, size_t len)
{
    while (len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        len--;
    }
    while (len && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t'))
        len--;
    return len;
}

static int key_is(const char *k, size_t klen, const char *want)
{
    return klen == strlen(want) && !strncasecmp(k, want, klen);
}

static void parse_line(struct parse *p, const char *line, size_t len)
{
    const char *hash = memchr(line, '#', len), *colon, *key = line, *val;
    size_t klen, vlen;

    if (hash)
        len = (size_t)(hash - line);
    colon = memchr(line, ':', len);
    if (!colon)
        return; /* 2.1: not a record */
    klen = trim(&key, (size_t)(colon - line));
    val = colon + 1;
    vlen = trim(&val, (size_t)(line + len - val));
    if (key_is(key, klen, "user-agent")) {
        on_agent(p, val, vlen);
        return;
    }
    if (key_is(key, klen, "sitemap"))
        return; /* not part of any group (2.2.4) */
    p->in_agents = 0;
    if (key_is(key, klen, "allow"))
        on_rule(p, val, vlen, 1);
    else if (key_is(key, klen, "disallow"))
        on_rule(p, val, vlen, 0);
    else if (key_is(key, klen, "crawl-delay"))
        on_delay(p, val, vlen);
}

struct robots *robots_parse(const char *body, size_t len, const char *agent)
{
    struct robots *r = xcalloc(1, sizeof(*r));
    struct parse p;
    size_t i = 0;

    memset(&p, 0, sizeof(p));
    p.agent = agent;
    p.mine.delay = p.star.delay = -1;
    if (len > ROBOTS_MAX_BYTES)
        len = ROBOTS_MAX_BYTES;
    if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        size_t j = i;
        while (j < len && body[j] != '\n' && body[j] != '\r')
            j++;
        parse_line(&p, body + i, j - i);
        i = j + 1;
    }
    if (p.mine.seen) {
        r->use = p.mine;
        group_release(&p.star);
    } else {
        r->use = p.star;
        group_release(&p.mine);
    }
    return r;
}

struct robots *robots_allow_all(void)
{
    struct robots *r = xcalloc(1, sizeof(*r));

    r->use.delay = -1;
    return r;
}

struct robots *robots_unreachable(void)
{
    struct robots *r = robots_allow_all();

    r->deny_all = 1;
    return r;
}

void robots_free(struct robots *r)
{
    if (!r)
        return;
    group_release(&r->use);
    free(r);
}

/*
 * 2.2.3: does pattern p (plen bytes, '*' = any run) match a prefix of s
 * (or all of s when anchored)? Iterative with one backtrack point, so the
 * cost is bounded by plen * slen.
 */
static int match(const char *p, size_t plen, int anchored, const char *s, size_t slen)
{
    size_t i = 0, j = 0, star_i = 0, star_j = 0;
    int have_star = 0;

    for (;;) {
        if (i == plen) {
            if (!anchored || j == slen)
                return 1;
        } else if (p[i] == '*') {
            have_star = 1;
            star_i = i++;
            star_j = j;
            continue;
        } else if (j < slen && p[i] == s[j]) {
            i++;
            j++;
            continue;
        }
        if (!have_star || star_j >= slen)
            return 0;
        j = ++star_j;
        i = star_i + 1;
    }
}

int robots_allowed(const struct robots *r, const char *path)
{
    struct buf norm = BUF_INIT;
    const struct rule *best = NULL;

    if (r->deny_all)
        return 0;
    if (!path || path[0] != '/')
        path = "/";
    if (!strcmp(path, "/robots.txt"))
        return 1;
    normalise(&norm, path, strlen(path));
    for (size_t i = 0; i < r->use.n; i++) {
        const struct rule *u = &r->use.rules[i];
        if (best && (u->len < best->len || (u->len == best->len && !u->allow)))
            continue; /* 2.2.2: longest wins; on a tie, allow */
        if (match(u->pat, strlen(u->pat), u->anchored, buf_str(&norm), norm.len))
            best = u;
    }
    buf_release(&norm);
    return !best || best->allow;
}

double robots_crawl_delay(const struct robots *r)
{
    return r->use.delay;
}

size_t robots_rule_count(const struct robots *r)
{
    return r->use.n;
}
