#include "search/result.h"

/*
 * Records and writers. RIS follows the RIS specification's tag format
 * ("TY  - ", CRLF line ends, TY first and ER last) with the 2011 tag set
 * as Zotero's RIS translator maps it for a report: PB → institution, M3 →
 * report type, DA → date, KW → tags, Y2 → access date, L1 → attachment.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ixschema.h"
#include "lib/xalloc.h"
#include "search/snippet.h"

const char *const result_fields[RESULT_NFIELDS] = {
    "id",          "sha256",   "title",     "partnership",  "nation",       "review_type",
    "document_kind", "child",  "published", "review_id",    "outcome",      "age_band",
    "review_model", "pages",   "best_page", "snippet",      "themes",       "topics",
    "source_url",  "fetched",  "online",
};

json_t *result_record(const struct query_hit *h, int pages)
{
    json_t *out = json_object();

    for (size_t i = 0; i < RESULT_NFIELDS; i++) {
        const char *k = result_fields[i];
        json_t *v = json_object_get(h->record, k);
        if (!strcmp(k, "snippet")) {
            char *s = snippet_render(h->snippet, SNIPPET_STARS);
            json_object_set_new(out, k, json_string(s));
            free(s);
        } else
            json_object_set(out, k, v ? v : json_null());
    }
    if (pages) {
        json_t *arr = json_array();
        for (size_t i = 0; i < h->npages; i++) {
            char *s = snippet_render(h->pages[i].snippet, SNIPPET_STARS);
            json_array_append_new(arr, json_pack("{s:i,s:s}", "page", h->pages[i].page,
                                                 "snippet", s));
            free(s);
        }
        json_object_set_new(out, "matching_pages", arr);
    }
    return out;
}

void result_json(struct buf *out, const json_t *rec)
{
    char *line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);

    if (!line)
        CR_BUG("json_dumps failed");
    buf_addstr(out, line);
    free(line);
}

char *result_text(const json_t *rec, const char *key, const char *sep)
{
    const json_t *v = json_object_get(rec, key);
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    if (json_is_string(v)) {
        buf_addstr(&b, json_string_value(v));
    } else if (json_is_integer(v)) {
        buf_addf(&b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        buf_addf(&b, "%g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        buf_addstr(&b, json_is_true(v) ? "true" : "false");
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *e = json_array_get(v, i);
            if (i)
                buf_addstr(&b, sep);
            if (json_is_string(e))
                buf_addstr(&b, json_string_value(e));
            else if (json_is_object(e) && json_is_string(json_object_get(e, "id")))
                buf_addstr(&b, json_string_value(json_object_get(e, "id")));
        }
    }
    return buf_take(&b);
}

char *result_labels(const json_t *rec, enum filter_field f, const struct filter_vocab *v,
                    const char *sep)
{
    const json_t *arr = json_object_get(rec, filter_field(f)->json);
    struct buf b = BUF_INIT;

    buf_addstr(&b, "");
    for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        const char *id = json_is_object(e) ? json_string_value(json_object_get(e, "id"))
                                           : json_string_value(e);
        if (!id)
            continue;
        if (b.len)
            buf_addstr(&b, sep);
        buf_addstr(&b, filter_vocab_label(v, f, id));
    }
    return buf_take(&b);
}

/* ---- CSV ---- */

void result_csv_field(struct buf *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_addstr(out, s);
        return;
    }
    buf_addch(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_addch(out, '"');
        buf_addch(out, *s);
    }
    buf_addch(out, '"');
}

void result_csv_header(struct buf *out)
{
    for (size_t i = 0; i < RESULT_NFIELDS; i++) {
        if (i)
            buf_addch(out, ',');
        buf_addstr(out, result_fields[i]);
    }
    buf_addstr(out, "\r\n");
}

void result_csv_row(struct buf *out, const json_t *rec)
{
    for (size_t i = 0; i < RESULT_NFIELDS; i++) {
        char *s = result_text(rec, result_fields[i], "; ");
        if (i)
            buf_addch(out, ',');
        result_csv_field(out, s);
        free(s);
    }
    buf_addstr(out, "\r\n");
}

/* ---- RIS ---- */

/* One tag line; the value is kept on one line (RIS has no continuation rule we trust). */
static void ris_tag(struct buf *out, const char *tag, const char *value)
{
    if (!value || !*value)
        return;
    buf_addf(out, "%s  - ", tag);
    for (const char *p = value; *p; p++)
        buf_addch(out, (*p == '\r' || *p == '\n' || *p == '\t') ? ' ' : *p);
    buf_addstr(out, "\r\n");
}

/* "2022-05-15" → "2022/05/15/", "2022-05" → "2022/05//", "2022" → "2022///". */
static void ris_date(char *out, size_t n, const char *iso)
{
    size_t len = strlen(iso);

    if (len >= 10)
        snprintf(out, n, "%.4s/%.2s/%.2s/", iso, iso + 5, iso + 8);
    else if (len >= 7)
        snprintf(out, n, "%.4s/%.2s//", iso, iso + 5);
    else
        snprintf(out, n, "%.4s///", iso);
}

static const char *str(const json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));

    return s && *s ? s : NULL;
}

static const char *label_of(const json_t *rec, enum filter_field f, const struct filter_vocab *v)
{
    const char *id = str(rec, filter_field(f)->json);

    return id ? filter_vocab_label(v, f, id) : NULL;
}

static void ris_keywords(struct buf *out, const json_t *rec, enum filter_field f,
                         const struct filter_vocab *v)
{
    char *labels = result_labels(rec, f, v, "\x1f");
    char *p = labels;

    while (p && *p) {
        char *end = strchr(p, '\x1f');
        if (end)
            *end = '\0';
        ris_tag(out, "KW", p);
        p = end ? end + 1 : NULL;
    }
    free(labels);
}

void result_ris(struct buf *out, const json_t *rec, const struct filter_vocab *v,
                const char *file)
{
    const char *partnership = label_of(rec, FILTER_PARTNERSHIP, v);
    const char *type = label_of(rec, FILTER_TYPE, v), *kind = label_of(rec, FILTER_KIND, v);
    const char *published = str(rec, "published"), *fetched = str(rec, "fetched");
    char date[32], *m3 = NULL, *note;

    ris_tag(out, "TY", "RPRT");
    ris_tag(out, "TI", str(rec, "title") ? str(rec, "title") : "(untitled)");
    ris_tag(out, "AU", partnership);
    ris_tag(out, "PB", partnership);
    ris_tag(out, "CY", label_of(rec, FILTER_NATION, v));
    if (published) {
        snprintf(date, sizeof(date), "%.4s", published);
        ris_tag(out, "PY", date);
        ris_date(date, sizeof(date), published);
        ris_tag(out, "DA", date);
    }
    if (type || kind)
        m3 = xasprintf("%s%s%s", type ? type : "", type && kind ? ": " : "", kind ? kind : "");
    ris_tag(out, "M3", m3);
    ris_keywords(out, rec, FILTER_THEME, v);
    ris_keywords(out, rec, FILTER_TOPIC, v);
    ris_tag(out, "UR", str(rec, "source_url"));
    if (fetched) {
        ris_date(date, sizeof(date), fetched);
        ris_tag(out, "Y2", date);
    }
    note = xasprintf("casereview report %lld, sha256 %s%s%s",
                     (long long)json_integer_value(json_object_get(rec, "id")),
                     str(rec, "sha256") ? str(rec, "sha256") : "?",
                     str(rec, "child") ? "; child: " : "",
                     str(rec, "child") ? str(rec, "child") : "");
    ris_tag(out, "N1", note);
    ris_tag(out, "L1", file);
    buf_addstr(out, "ER  - \r\n");
    free(note);
    free(m3);
}

/* ---- Markdown ---- */

static void md_text(struct buf *out, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("\\`*_[]<>#|", *s))
            buf_addch(out, '\\');
        buf_addch(out, (*s == '\n' || *s == '\r') ? ' ' : *s);
    }
}

void result_md_header(struct buf *out, size_t n, const char *what)
{
    buf_addstr(out, "# Reading list\n\n");
    buf_addf(out, "%zu report%s", n, n == 1 ? "" : "s");
    if (what && *what) {
        buf_addstr(out, " for: ");
        md_text(out, what);
    }
    buf_addstr(out, "\n\nThese reports describe the abuse, neglect and deaths of children. "
                    "Take care when reading them.\n\n");
}

static void md_line(struct buf *out, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    buf_addf(out, "   - %s: ", label);
    md_text(out, value);
    buf_addch(out, '\n');
}

void result_md(struct buf *out, const json_t *rec, size_t number, const struct filter_vocab *v,
               const char *file)
{
    const char *title = str(rec, "title"), *url = str(rec, "source_url");
    char *themes = result_labels(rec, FILTER_THEME, v, "; ");
    char *topics = result_labels(rec, FILTER_TOPIC, v, "; ");
    char *snip = result_text(rec, "snippet", " ");

    buf_addf(out, "%zu. **", number);
    md_text(out, title ? title : "(untitled)");
    buf_addstr(out, "**\n");
    md_line(out, "Partnership", label_of(rec, FILTER_PARTNERSHIP, v));
    md_line(out, "Review type", label_of(rec, FILTER_TYPE, v));
    md_line(out, "Document", label_of(rec, FILTER_KIND, v));
    md_line(out, "Published", str(rec, "published"));
    md_line(out, "Child", str(rec, "child"));
    md_line(out, "Themes", themes);
    md_line(out, "Learning topics", topics);
    if (json_integer_value(json_object_get(rec, "best_page")) > 0 && *snip) {
        buf_addf(out, "   - Page %lld: ",
                 (long long)json_integer_value(json_object_get(rec, "best_page")));
        buf_addstr(out, snip); /* already carries **stars** */
        buf_addch(out, '\n');
    }
    if (file)
        buf_addf(out, "   - File: [%s](<%s>)\n", file, file);
    if (url)
        buf_addf(out, "   - Source: <%s>\n", url);
    buf_addch(out, '\n');
    free(themes);
    free(topics);
    free(snip);
}

/* ---- File names ---- */

/* The partnership's name without the words every partnership shares. New. */
static char *short_partnership(const char *name)
{
    static const char *const tails[] = {
        " Local Safeguarding Children Board", " Safeguarding Children Partnership",
        " Safeguarding Children Board", " Safeguarding Partnership", " Safeguarding Board",
        " Safeguarding Panel",
        " Child Protection Committee", " Children's Safeguarding Partnership", " LSCB", " SCP",
        " SCB", " CPC",
    };
    char *s = xstrdup(name);
    size_t len = strlen(s);

    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        size_t tl = strlen(tails[i]);
        if (len > tl && !strcasecmp(s + len - tl, tails[i])) {
            s[len - tl] = '\0';
            break;
        }
    }
    return s;
}

/* Appends s keeping only what a file name may hold on any desktop system. */
static void safe_add(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || strchr("/\\:*?\"<>|", c))
            c = ' ';
        if (c == ' ' && (!b->len || b->data[b->len - 1] == ' '))
            continue;
        buf_addch(b, (char)c);
    }
}

char *result_file_name(const json_t *rec, const struct filter_vocab *v)
{
    const char *published = str(rec, "published"), *partnership;
    const char *kind = label_of(rec, FILTER_KIND, v), *type_id = str(rec, "review_type");
    const char *format = str(rec, "format");
    struct buf b = BUF_INIT;
    char *shortp = NULL;

    safe_add(&b, published ? (strlen(published) >= 7 ? "" : published) : "undated");
    if (published && strlen(published) >= 7)
        buf_addf(&b, "%.7s", published);
    partnership = label_of(rec, FILTER_PARTNERSHIP, v);
    if (partnership) {
        shortp = short_partnership(partnership);
        buf_addch(&b, ' ');
        safe_add(&b, shortp);
    }
    if (str(rec, "child")) {
        buf_addstr(&b, " - ");
        safe_add(&b, str(rec, "child"));
    }
    if (type_id || kind) {
        size_t n = 0;
        const char *type = type_id ? filter_vocab_label(v, FILTER_TYPE, type_id) : NULL;
        const char *const *ab = type ? filter_vocab_abbrev_of(v, type, &n) : NULL;
        buf_addstr(&b, " - ");
        if (type)
            safe_add(&b, ab ? ab[0] : type);
        if (type && kind)
            buf_addch(&b, ' ');
        if (kind) {
            char *k = xstrdup(kind);
            k[0] = (char)tolower((unsigned char)k[0]);
            safe_add(&b, k);
            free(k);
        }
    }
    if (b.len > 150)
        buf_truncate(&b, 150); /* may cut a UTF-8 sequence: trimmed below */
    while (b.len && ((unsigned char)b.data[b.len - 1] & 0xC0) == 0x80)
        buf_truncate(&b, b.len - 1);
    while (b.len && ((unsigned char)b.data[b.len - 1] & 0xC0) == 0xC0)
        buf_truncate(&b, b.len - 1);
    buf_rtrim(&b);
    buf_addf(&b, ".%s", format ? format : "pdf");
    free(shortp);
    return buf_take(&b);
}

static int first_docid(uint32_t docid, void *ctx)
{
    *(uint32_t *)ctx = docid;
    return 1; /* one is enough: the term is unique */
}

int result_page_text(struct xdb *db, const char *sha256, int page, char **text,
                     struct cr_err *err)
{
    char term[64], *data = NULL;
    const char *sep;
    uint32_t docid = 0;
    size_t len = 0;
    int rc;

    *text = NULL;
    snprintf(term, sizeof(term), IX_P_UNIQUE "%.*s:%d", IX_KEY_LEN, sha256, page);
    rc = xdb_each_posting(db, term, first_docid, &docid, err);
    if (rc < 0)
        return rc;
    if (!docid)
        return 0;
    rc = xdb_get_data(db, docid, &data, &len, err);
    if (rc < 0)
        return rc;
    sep = memchr(data, IX_TEXT_SEP, len);
    *text = xstrdup(sep ? sep + 1 : "");
    free(data);
    return 0;
}
