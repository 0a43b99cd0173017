#include "lib/xdb.h"

/*
 * The only C++ in the tree: Xapian behind a C interface.
 *
 * Every extern "C" entry point runs its body inside guard(), which turns
 * every exception into a CR_E… code and a message. Reads that meet a
 * DatabaseModifiedError (a writer committed twice since we opened) reopen
 * and retry once, as recoll's XCATCHERROR does.
 *
 * Writable handles work inside an unflushed Xapian transaction, so that
 * nothing reaches the disk except at xdb_commit(): the indexer records in
 * the catalogue exactly what each commit made durable.
 */

#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/fault.h"
#include "lib/xalloc.h"

struct xdb {
    std::unique_ptr<Xapian::Database> rdb;         /* the handle reads go through */
    Xapian::WritableDatabase *wdb = nullptr;       /* same object as rdb when writable */
    std::string path;
    unsigned flags = 0;
};

struct xdb_doc {
    Xapian::Document doc;
    Xapian::TermGenerator tg;
    bool started = false;                          /* index_text called at least once */
};

namespace {

char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(xmalloc(s.size() + 1));
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

template <typename F> int guard(struct cr_err *err, const char *what, F body)
{
    try {
        return body();
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return cr_error(err, CR_ENOTFOUND, "%s: no index (%s)", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseLockError &e) {
        return cr_error(err, CR_EBUSY, "%s: the index is locked by another writer "
                                      "(is 'casereview index' running?)", what);
    } catch (const Xapian::QueryParserError &e) {
        return cr_error(err, CR_EQUERY, "%s", e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return cr_error(err, CR_ECORRUPT, "%s: the index is damaged (%s); run "
                                          "'casereview index --rebuild'", what,
                        e.get_msg().c_str());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return cr_error(err, CR_EXAPIAN, "%s: cannot open the index: %s", what,
                        e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        /* the system's reason, when there is one: "Error writing block 8 (File too large)" */
        const char *why = e.get_error_string();
        return cr_error(err, CR_EXAPIAN, "%s: %s: %s%s%s%s", what, e.get_type(),
                        e.get_msg().c_str(), why && *why ? " (" : "", why ? why : "",
                        why && *why ? ")" : "");
    } catch (const std::bad_alloc &) {
        return cr_error(err, CR_EXAPIAN, "%s: out of memory", what);
    } catch (const std::exception &e) {
        return cr_error(err, CR_EXAPIAN, "%s: %s", what, e.what());
    } catch (...) {
        return cr_error(err, CR_EXAPIAN, "%s: unknown exception", what);
    }
}

/* A read that may meet a concurrent writer's second commit: reopen and retry once. */
template <typename F> int guard_read(struct xdb *db, struct cr_err *err, const char *what, F body)
{
    return guard(err, what, [&]() -> int {
        try {
            return body();
        } catch (const Xapian::DatabaseModifiedError &) {
            db->rdb->reopen();
            return body();
        }
    });
}

/*
 * A query that matches every document. Not Xapian::Query::MatchAll: that is
 * one static object whose reference count is not atomic, so threads that
 * copy it at once (the web server's) corrupt it and free it while in use.
 */
Xapian::Query match_all()
{
    return Xapian::Query(std::string());
}

Xapian::Stem &english()
{
    /* one per thread: a stemmer keeps state while it works (the web server's pool) */
    static thread_local Xapian::Stem stem("english");
    return stem;
}

/* "published:2019..2021": date bounds padded so that a year covers its dates. */
class DateRangeProcessor : public Xapian::RangeProcessor {
  public:
    DateRangeProcessor(Xapian::valueno value_slot, const std::string &field)
        : Xapian::RangeProcessor(value_slot, field + ":")
    {
    }

    Xapian::Query operator()(const std::string &begin, const std::string &end) override
    {
        std::string lo, hi;
        if (!begin.empty() && !normalise(begin, "00", lo))
            throw Xapian::QueryParserError("bad date '" + begin +
                                           "' in a range (use YYYY, YYYY-MM or YYYY-MM-DD)");
        if (!end.empty() && !normalise(end, "99", hi))
            throw Xapian::QueryParserError("bad date '" + end +
                                           "' in a range (use YYYY, YYYY-MM or YYYY-MM-DD)");
        if (!lo.empty() && !hi.empty() && lo > hi)
            throw Xapian::QueryParserError("the range " + begin + ".." + end +
                                           " ends before it starts");
        if (lo.empty() && hi.empty())
            return match_all();
        if (lo.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
        if (hi.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
    }

  private:
    static bool digits(const std::string &s, size_t at, size_t n)
    {
        if (s.size() < at + n)
            return false;
        for (size_t i = at; i < at + n; i++)
            if (s[i] < '0' || s[i] > '9')
                return false;
        return true;
    }

    static bool normalise(const std::string &s, const char *pad, std::string &out)
    {
        if (s.size() == 4 && digits(s, 0, 4)) {
            out = s + pad + pad;
        } else if (s.size() == 7 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2)) {
            out = s.substr(0, 4) + s.substr(5, 2) + pad;
        } else if (s.size() == 10 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2) &&
                   s[7] == '-' && digits(s, 8, 2)) {
            out = s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
        } else {
            return false;
        }
        return true;
    }
};

/*
 * Counts facet values once per collapse key: pages of one report count as one
 * report. Sees every candidate the matcher considers, so counts are exact when
 * the match is run with check_at_least = the document count. With docs, it
 * also counts every document (page) per value, for statistics.
 */
class FacetSpy : public Xapian::MatchSpy {
  public:
    struct Count {
        uint32_t groups = 0;
        uint32_t docs = 0;
    };
    typedef std::unordered_map<std::string, Count> Counts;

    /*
     * key_slot < 0: no folding; size_slot >= 0: each document stands for that
     * many; own_bundle >= 0: the bundle is read there first (parents' own slot)
     */
    FacetSpy(int key_slot, int size_slot, const struct xdb_facet *f, size_t n, bool docs,
             const struct xdb_query *q, int own_bundle = -1)
        : key_slot_(key_slot), size_slot_(size_slot), facets_(f, f + n), counts_(n), docs_(docs),
          bundle_n_(q->bundle_n), bundle_slot_(q->bundle_slot), bundle_first_(q->bundle_first),
          bundle_sep_(q->bundle_sep), own_bundle_(own_bundle)
    {
    }

    /*
     * Called for every matching page (or report document): cheap for a page
     * of a report already seen (one value and an integer set), the facet
     * values are read once per report. Values are split in place into one
     * reused key, so that counting allocates only for a value never seen
     * before.
     */
    void operator()(const Xapian::Document &doc, double) override
    {
        bool first = key_slot_ < 0 || seen(doc.get_value(key_slot_));
        uint32_t size = 1;
        if (first)
            groups_++;
        if (!first && !docs_)
            return;
        if (docs_ && size_slot_ >= 0)
            size = (uint32_t)strtoul(doc.get_value(size_slot_).c_str(), nullptr, 10);
        if (docs_)
            docs_total_ += size;
        load_bundle(doc);
        for (size_t i = 0; i < facets_.size(); i++) {
            const struct xdb_facet &f = facets_[i];
            if (f.paired) {
                if (first)
                    count_pairs(i, value(doc, f.slot), value(doc, f.slot2));
                continue;
            }
            const std::string v = value(doc, f.slot);
            each(v, f.sep, [&](const char *p, size_t n) {
                key_.assign(p, n);
                Count &c = counts_[i][key_];
                c.groups += first;
                c.docs += docs_ ? size : 0;
            });
        }
    }

    uint32_t groups() const
    {
        return groups_;
    }

    uint32_t docs() const
    {
        return docs_total_;
    }

    const Counts &counts(size_t i) const
    {
        return counts_[i];
    }

  private:
    /* Splits the bundle of doc into parts_ (none when it has no bundle). */
    void load_bundle(const Xapian::Document &doc)
    {
        parts_.clear();
        if (!bundle_n_)
            return;
        std::string b;
        if (own_bundle_ >= 0)
            b = doc.get_value(own_bundle_);
        if (b.empty()) /* a parent written before it had its own */
            b = doc.get_value(bundle_slot_);
        if (b.empty())
            return; /* an index written before bundles: read each slot */
        size_t start = 0;
        for (unsigned k = 0; k < bundle_n_; k++) {
            size_t end = b.find(bundle_sep_, start);
            if (end == std::string::npos)
                end = b.size();
            parts_.push_back(b.substr(start, end - start));
            start = end < b.size() ? end + 1 : b.size();
        }
    }

    std::string value(const Xapian::Document &doc, unsigned slot) const
    {
        if (!parts_.empty() && slot >= bundle_first_ && slot < bundle_first_ + bundle_n_)
            return parts_[slot - bundle_first_];
        return doc.get_value(slot);
    }

    /*
     * First sight of key? The pages of a report mostly come one after the
     * other, so the last key answers most pages; keys of 16 hex digits (report
     * keys) go in a set of integers.
     */
    bool seen(const std::string &key)
    {
        uint64_t k = 0;
        if (has_last_ && key == last_key_)
            return false;
        has_last_ = true;
        last_key_ = key;
        if (key.size() == 16) {
            for (char c : key) {
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0)
                    return seen_.insert(key).second;
                k = k << 4 | (uint64_t)d;
            }
            return seen64_.insert(k).second;
        }
        return seen_.insert(key).second;
    }

    /* Calls fn(start, len) for each non-empty part of v split at sep (0: v whole). */
    template <typename F> static void each(const std::string &v, char sep, F fn)
    {
        size_t start = 0;
        if (v.empty())
            return;
        if (!sep) {
            fn(v.data(), v.size());
            return;
        }
        while (start <= v.size()) {
            size_t end = v.find(sep, start);
            if (end == std::string::npos)
                end = v.size();
            if (end > start)
                fn(v.data() + start, end - start);
            start = end + 1;
        }
    }

    void count_pairs(size_t i, const std::string &a, const std::string &b)
    {
        const struct xdb_facet &f = facets_[i];
        each(a, f.sep, [&](const char *p, size_t n) {
            each(b, f.sep2, [&](const char *q, size_t m) {
                key_.assign(p, n);
                key_ += XDB_PAIR_SEP;
                key_.append(q, m);
                counts_[i][key_].groups++;
            });
        });
    }

    int key_slot_;
    int size_slot_;
    std::vector<struct xdb_facet> facets_;
    std::vector<Counts> counts_;
    std::unordered_set<std::string> seen_;
    std::unordered_set<uint64_t> seen64_;
    std::string key_;
    std::string last_key_;
    bool has_last_ = false;
    uint32_t groups_ = 0;
    uint32_t docs_total_ = 0;
    bool docs_;
    unsigned bundle_n_, bundle_slot_, bundle_first_;
    char bundle_sep_;
    int own_bundle_;
    std::vector<std::string> parts_;
};

/* MSet::snippet() escapes &, < and > for HTML; callers want plain text. */
std::string unescape_html(const std::string &s)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        bool hit = false;
        if (s[i] == '&') {
            for (const auto &e : ents) {
                size_t n = strlen(e.ent);
                if (s.compare(i, n, e.ent) == 0) {
                    out += e.c;
                    i += n;
                    hit = true;
                    break;
                }
            }
        }
        if (!hit)
            out += s[i++];
    }
    return out;
}

Xapian::Query filters_query(const struct xdb_query *q, Xapian::Query base)
{
    for (size_t g = 0; g < q->nfilters; g++) {
        const struct xdb_filter_group &fg = q->filters[g];
        std::vector<Xapian::Query> terms;
        for (size_t i = 0; i < fg.n; i++)
            terms.emplace_back(fg.terms[i]);
        Xapian::Query any(Xapian::Query::OP_OR, terms.begin(), terms.end());
        if (fg.negate)
            base = Xapian::Query(Xapian::Query::OP_AND_NOT, base, any);
        else
            base = Xapian::Query(Xapian::Query::OP_FILTER, base, any);
    }
    for (size_t i = 0; i < q->nvranges; i++) {
        const struct xdb_value_range &r = q->vranges[i];
        Xapian::Query vr;
        if (r.lo && r.hi)
            vr = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, r.slot, r.lo, r.hi);
        else if (r.lo)
            vr = Xapian::Query(Xapian::Query::OP_VALUE_GE, r.slot, r.lo);
        else if (r.hi)
            vr = Xapian::Query(Xapian::Query::OP_VALUE_LE, r.slot, r.hi);
        else
            continue;
        base = Xapian::Query(Xapian::Query::OP_FILTER, base, vr);
    }
    return base;
}

Xapian::Query parse(Xapian::Database &db, const struct xdb_query *q)
{
    if (!q->text || !*q->text)
        return match_all();
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(english());
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op((q->flags & XDB_Q_DEFAULT_OR) ? Xapian::Query::OP_OR
                                                     : Xapian::Query::OP_AND);
    for (size_t i = 0; i < q->nprefixes; i++) {
        if (q->prefixes[i].boolean)
            qp.add_boolean_prefix(q->prefixes[i].field, q->prefixes[i].prefix);
        else
            qp.add_prefix(q->prefixes[i].field, q->prefixes[i].prefix);
    }
    for (size_t i = 0; i < q->nranges; i++) {
        const struct xdb_range &r = q->ranges[i];
        if (r.kind == XDB_RANGE_DATE)
            qp.add_rangeprocessor((new DateRangeProcessor(r.slot, r.field))->release());
        else
            qp.add_rangeprocessor(
                (new Xapian::RangeProcessor(r.slot, std::string(r.field) + ":"))->release());
    }
    unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                     Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_PURE_NOT;
    if (q->flags & XDB_Q_WILDCARD)
        flags |= Xapian::QueryParser::FLAG_WILDCARD;
    if (q->flags & XDB_Q_SYNONYMS)
        flags |= Xapian::QueryParser::FLAG_AUTO_SYNONYMS |
                 Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS;
    return qp.parse_query(q->text, flags);
}

/* Edit distance with adjacent transpositions (Damerau), or max + 1 once it exceeds max. */
unsigned edit_distance(const std::string &a, const std::string &b, unsigned max)
{
    size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > max)
        return max + 1;
    std::vector<unsigned> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (size_t j = 0; j <= m; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (unsigned)i;
        unsigned best = cur[0];
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                v = std::min(v, prev2[j - 2] + 1);
            cur[j] = v;
            best = std::min(best, v);
        }
        if (best > max)
            return max + 1;
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[m];
}

/*
 * The index's own closest word to w: same first letter, edit distance 1 (short
 * words) or 2, the most frequent of the nearest. "" when none.
 */
std::string closest_term(Xapian::Database &db, const std::string &w)
{
    unsigned max = w.size() <= 4 ? 1 : 2, best_d = max + 1;
    Xapian::doccount best_f = 0;
    std::string best;
    std::string first = w.substr(0, 1);
    for (Xapian::TermIterator t = db.allterms_begin(first); t != db.allterms_end(first); ++t) {
        const std::string &term = *t;
        unsigned d = edit_distance(w, term, max);
        if (d > max || d > best_d)
            continue;
        Xapian::doccount f = t.get_termfreq();
        if (d < best_d || f > best_f) {
            best_d = d;
            best_f = f;
            best = term;
        }
    }
    return best;
}

/*
 * "Did you mean": the query with each word the index does not hold replaced
 * by its closest indexed word. Operators, field:values and short words are
 * left alone. Built from the index's vocabulary, so no spelling table is
 * needed (it would double the index's size).
 */
std::string suggest(Xapian::Database &db, const std::string &text)
{
    std::string out;
    bool changed = false;
    size_t i = 0;
    while (i < text.size()) {
        unsigned char c = (unsigned char)text[i];
        if (!isalpha(c)) {
            out += text[i++];
            continue;
        }
        size_t j = i;
        while (j < text.size() && (isalnum((unsigned char)text[j]) || text[j] == '\'' ||
                                   (unsigned char)text[j] >= 0x80))
            j++;
        std::string word = text.substr(i, j - i);
        bool field = j < text.size() && text[j] == ':';
        bool op = word == "AND" || word == "OR" || word == "NOT" || word == "NEAR";
        std::string lower = word;
        for (char &ch : lower)
            ch = (char)tolower((unsigned char)ch);
        std::string fix;
        if (!field && !op && lower.size() >= 3 && db.get_termfreq(lower) == 0)
            fix = closest_term(db, lower);
        if (!fix.empty()) {
            out += fix;
            changed = true;
        } else {
            out += word;
        }
        i = j;
    }
    return changed ? out : std::string();
}

void fill_facets(const FacetSpy &spy, size_t n, struct xdb_result *r)
{
    r->facets = static_cast<struct xdb_facet_result *>(xcalloc(n ? n : 1, sizeof(*r->facets)));
    r->nfacets = n;
    for (size_t i = 0; i < n; i++) {
        std::vector<std::pair<std::string, FacetSpy::Count>> v(spy.counts(i).begin(),
                                                               spy.counts(i).end());
        /* by count, then value: the order must not depend on the hash table */
        std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
            return a.second.groups != b.second.groups ? a.second.groups > b.second.groups
                                                      : a.first < b.first;
        });
        r->facets[i].n = v.size();
        r->facets[i].values =
            static_cast<struct xdb_facet_value *>(xcalloc(v.size(), sizeof(struct xdb_facet_value)));
        for (size_t j = 0; j < v.size(); j++) {
            r->facets[i].values[j].value = dup_string(v[j].first);
            r->facets[i].values[j].count = v[j].second.groups;
            r->facets[i].values[j].docs = v[j].second.docs;
        }
    }
}

/*
 * The stemmer snippets use. MSet::snippet() stems every word of the text
 * only to look "Z" + stem up among the query's terms (without the
 * background model). A stem begins with its word's first byte (the English
 * stemmer changes endings; a leading apostrophe, which it drops, is the one
 * exception), so a word whose first byte begins no stemmed term of the
 * query cannot match and is not stemmed: the same snippets, with stemming
 * (two thirds of a snippet's cost on real pages) cut to a few words.
 */
class SnippetStem : public Xapian::StemImplementation {
  public:
    explicit SnippetStem(const Xapian::Query &query)
    {
        for (Xapian::TermIterator t = query.get_terms_begin(); t != query.get_terms_end(); ++t) {
            const std::string &term = *t;
            if (term.size() >= 2 && term[0] == 'Z')
                first_[(unsigned char)term[1]] = true;
        }
    }

    std::string operator()(const std::string &word) override
    {
        if (word.empty() || (word[0] != '\'' && !first_[(unsigned char)word[0]]))
            return std::string(); /* "Z": no query term */
        return english()(word);
    }

    std::string get_description() const override
    {
        return "casereview snippet stemmer (english)";
    }

  private:
    bool first_[256] = {};
};

void fill_hits(const Xapian::MSet &mset, const std::vector<Xapian::MSetIterator> &items,
               const Xapian::Query &query, const struct xdb_query *q, struct xdb_result *r)
{
    Xapian::Stem stem(new SnippetStem(query));

    r->nhits = items.size();
    r->hits = static_cast<struct xdb_hit *>(xcalloc(r->nhits ? r->nhits : 1, sizeof(*r->hits)));
    for (size_t i = 0; i < items.size(); i++) {
        const Xapian::MSetIterator &it = items[i];
        struct xdb_hit &h = r->hits[i];
        Xapian::Document doc = it.get_document();
        std::string data = doc.get_data();
        h.docid = *it;
        h.weight = it.get_weight();
        h.percent = it.get_percent();
        h.collapse_count = it.get_collapse_count();
        h.data = dup_string(data);
        h.data_len = data.size();
        if (!q->snippet_chars)
            continue;
        size_t at = q->text_sep ? data.find(q->text_sep) : std::string::npos;
        std::string text = at == std::string::npos ? std::string() : data.substr(at + 1);
        /* no background model: it asks the index for the frequency of every
         * word of the page, which cost 2 ms a snippet on 30,000 pages */
        std::string snip = mset.snippet(text, q->snippet_chars, stem,
                                        0,
                                        q->hi_start ? q->hi_start : "",
                                        q->hi_end ? q->hi_end : "", "…");
        h.snippet = dup_string(unescape_html(snip));
    }
}

/*
 * Exact counts and facets come from a second pass that returns no documents
 * and counts every match (check_at_least = all) through the spy, which
 * folds pages into reports itself. Asking the first pass for exact counts
 * instead made Xapian keep every candidate in its proto-MSet and collapse
 * them all: three to four times the cost of both passes on 30,000 pages.
 */
void count_all(Xapian::Database &d, const Xapian::Query &query, FacetSpy &spy)
{
    Xapian::Enquire enq(d);
    enq.set_query(query);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_docid_order(Xapian::Enquire::ASCENDING);
    enq.add_matchspy(&spy);
    (void)enq.get_mset(0, 0, d.get_doccount());
}

/*
 * How a query matches a parent document (struct xdb_parents) against its
 * children: SAME, the same on the parent and on every child (filters);
 * ANY, on the parent exactly when on one child at least (a word); NONE,
 * neither (two words ANDed, which one child must hold together).
 * Classing a SAME query ANY, or an ANY one NONE, only costs speed; the
 * other way round would count wrong, so whatever is not known is NONE.
 */
enum Match { SAME, ANY, NONE };

bool constant_term(const std::string &t, const struct xdb_parents *p)
{
    for (size_t i = 0; i < p->nconst_prefixes; i++)
        if (t.compare(0, strlen(p->const_prefixes[i]), p->const_prefixes[i]) == 0)
            return true;
    return false;
}

Match classify(const Xapian::Query &q, const struct xdb_parents *p)
{
    size_t n = q.get_num_subqueries(), any = 0, none = 0;
    std::vector<Match> sub;
    for (size_t i = 0; i < n; i++) {
        sub.push_back(classify(q.get_subquery(i), p));
        any += sub.back() == ANY;
        none += sub.back() == NONE;
    }
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
        Xapian::TermIterator t = q.get_terms_begin();
        return t != q.get_terms_end() && constant_term(*t, p) ? SAME : ANY;
    }
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_MATCH_NOTHING:
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
        return SAME;
    case Xapian::Query::OP_WILDCARD: /* an OR of the terms it expands to */
        return ANY;
    case Xapian::Query::OP_OR: /* one child holding a or b: the parent holds a or b */
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
        return none ? NONE : any ? ANY : SAME;
    case Xapian::Query::OP_AND: /* a filter and a word: one child must hold the word */
    case Xapian::Query::OP_FILTER:
        return none || any > 1 ? NONE : any ? ANY : SAME;
    case Xapian::Query::OP_AND_NOT: /* excluding anything but a filter needs the child */
        for (size_t i = 1; i < n; i++)
            if (sub[i] != SAME)
                return NONE;
        return n ? sub[0] : NONE;
    case Xapian::Query::OP_AND_MAYBE: /* matches as its first part; the rest only weighs */
    case Xapian::Query::OP_SCALE_WEIGHT:
        return n ? sub[0] : NONE;
    case Xapian::Query::OP_XOR:
        return any || none ? NONE : SAME;
    default: /* phrases and NEAR (positions), elite sets (statistics), posting sources */
        return NONE;
    }
}

/* Whether the counting of q can run on parent documents. */
bool count_parents(const Xapian::Query &query, const struct xdb_query *q)
{
    const struct xdb_parents *p = q->parents;
    if (!p || p->children_only)
        return false;
    Match m = classify(query, p);
    if (m == NONE)
        return false;
    /* children counted from the parents' sizes: every child of a parent must match */
    if (q->facet_docs)
        return m == SAME && p->size_slot >= 0;
    return true;
}

void count(Xapian::Database &d, const Xapian::Query &query, const Xapian::Query &children,
           const struct xdb_query *q, struct xdb_result *r)
{
    const struct xdb_parents *p = q->parents;
    bool parents = count_parents(query, q);
    int key = q->collapse_slot;
    int size = -1;
    if (parents) {
        if (key == p->key_slot)
            key = -1; /* one parent per group: nothing to fold */
        size = p->size_slot;
    }
    FacetSpy spy(key, size, q->facets, q->nfacets, q->facet_docs != 0, q,
                 parents ? p->bundle_slot : -1);
    if (parents)
        count_all(d, Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(p->term)), spy);
    else
        count_all(d, children, spy);
    r->groups = spy.groups();
    r->estimated = spy.groups();
    r->docs = spy.docs();
    r->counted_parents = parents;
    fill_facets(spy, q->nfacets, r);
}

/*
 * Without facets, the number of matching reports was Xapian's estimate of
 * the collapsed pages, wrong even for a handful of reports ("about 4" for
 * 5) and, on 300,000 pages, above the number of reports there are ("about
 * 30000" for 9,692). When the count can run on the parents, one per
 * report, it is made exact: checking every report document that matches
 * costs about what finding the best ten pages does. Otherwise (a phrase,
 * words ANDed), when at most CHECK_PAGES pages can match, counting them all
 * is as cheap; else the estimate stays, at most the number of reports.
 */
const Xapian::doccount CHECK_PAGES = 1000;

bool count_on_parents(Xapian::Database &d, const Xapian::Query &query,
                      const struct xdb_query *q, struct xdb_result *r)
{
    if (!count_parents(query, q) || q->collapse_slot != q->parents->key_slot)
        return false;
    Xapian::Enquire enq(d);
    enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(q->parents->term)));
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet m = enq.get_mset(0, 0, d.get_termfreq(q->parents->term));
    r->estimated = m.get_matches_estimated();
    r->estimated_exact = m.get_matches_lower_bound() == m.get_matches_upper_bound();
    return true;
}

void estimate_count(Xapian::Database &d, const Xapian::Query &query,
                    const Xapian::Query &children, const Xapian::MSet &mset,
                    const struct xdb_query *q, struct xdb_result *r)
{
    if (q->collapse_slot < 0 || count_on_parents(d, query, q, r))
        return;
    if (mset.get_uncollapsed_matches_upper_bound() <= CHECK_PAGES) {
        count(d, query, children, q, r);
        r->estimated_exact = 1;
    } else if (q->parents) {
        r->estimated = std::min(r->estimated, d.get_termfreq(q->parents->term));
    }
}

int run_search(struct xdb *db, const struct xdb_query *q, struct xdb_result *r)
{
    Xapian::Database &d = *db->rdb;
    std::string corrected;
    Xapian::Query query = filters_query(q, parse(d, q));
    Xapian::Query children = query;
    if (q->parents)
        children = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(q->parents->term));
    Xapian::Enquire enq(d);
    enq.set_query(children);
    enq.set_docid_order(Xapian::Enquire::DONT_CARE);
    if (q->collapse_slot >= 0)
        enq.set_collapse_key(q->collapse_slot, q->collapse_max ? q->collapse_max : 1);
    if (q->sort_slot >= 0)
        enq.set_sort_by_value_then_relevance(q->sort_slot, q->sort_descending != 0);
    else if (q->collapse_slot >= 0)
        /* equal weights in the order of their keys, not of docids, which change with
           every rebuild: the same index content always answers in the same order */
        enq.set_sort_by_relevance_then_value(q->collapse_slot, false);
    Xapian::MSet mset;
    std::vector<Xapian::MSetIterator> items;
    if (q->limit || !q->exact) {
        mset = enq.get_mset(q->offset, q->limit);
        for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
            items.push_back(it);
        r->estimated = mset.get_matches_estimated();
    }
    if (q->nfacets || q->exact)
        count(d, query, children, q, r);
    else if (q->limit)
        estimate_count(d, query, children, mset, q, r);
    if ((q->flags & XDB_Q_SPELLING) && items.empty() && q->text)
        corrected = suggest(d, q->text);
    fill_hits(mset, items, children, q, r);
    if (!corrected.empty())
        r->corrected = dup_string(corrected);
    r->description = dup_string(query.get_description());
    return 0;
}

} // namespace

extern "C" {

int xdb_open(struct xdb **out, const char *path, unsigned flags, struct cr_err *err)
{
    *out = nullptr;
    std::unique_ptr<struct xdb> db(new struct xdb);
    db->path = path;
    db->flags = flags;
    int rc = guard(err, "index", [&]() -> int {
        if (flags & XDB_WRITE) {
            int action = Xapian::DB_OPEN;
            if (flags & XDB_OVERWRITE)
                action = Xapian::DB_CREATE_OR_OVERWRITE;
            else if (flags & XDB_CREATE)
                action = Xapian::DB_CREATE_OR_OPEN;
            db->wdb = new Xapian::WritableDatabase(path, action | Xapian::DB_BACKEND_GLASS);
            db->rdb.reset(db->wdb);
            db->wdb->begin_transaction(false);
        } else {
            db->rdb.reset(new Xapian::Database(path));
        }
        return 0;
    });
    if (rc < 0) {
        cr_err_prefix(err, "'%s'", path);
        return rc;
    }
    *out = db.release();
    return 0;
}

void xdb_close(struct xdb *db)
{
    if (!db)
        return;
    struct cr_err ignored;
    /* dropping the open transaction discards what was never committed */
    (void)guard(&ignored, "close", [&]() -> int {
        if (db->wdb)
            db->wdb->cancel_transaction();
        db->rdb->close();
        return 0;
    });
    delete db;
}

int xdb_commit(struct xdb *db, struct cr_err *err)
{
    std::string what = "index commit '" + db->path + "'";
    return guard(err, what.c_str(), [&]() -> int {
        if (!db->wdb)
            return cr_error(err, CR_EINVAL, "index opened read-only");
        if (fault_hit(FAULT_INDEX_COMMIT)) /* tests: as a full disk fails it, nothing committed */
            throw Xapian::DatabaseError("Error writing block", ENOSPC);
        db->wdb->commit_transaction();
        db->wdb->commit();
        db->wdb->begin_transaction(false);
        return 0;
    });
}

int xdb_reopen(struct xdb *db, struct cr_err *err)
{
    return guard(err, "index reopen", [&]() -> int {
        db->rdb->reopen();
        return 0;
    });
}

uint64_t xdb_stamp(const char *path)
{
    /* glass rewrites its version file by rename at every commit and overwrite */
    std::string version = std::string(path) + "/iamglass";
    struct stat st;

    if (stat(version.c_str(), &st) != 0)
        return 0;
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the file's identity */
    const uint64_t parts[] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
                              (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec};
    for (uint64_t v : parts) {
        h ^= v;
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

int xdb_doc_count(struct xdb *db, uint32_t *n, struct cr_err *err)
{
    return guard_read(db, err, "index", [&]() -> int {
        *n = db->rdb->get_doccount();
        return 0;
    });
}

int xdb_uuid(struct xdb *db, char *out, struct cr_err *err)
{
    return guard_read(db, err, "index", [&]() -> int {
        snprintf(out, 37, "%s", db->rdb->get_uuid().c_str());
        return 0;
    });
}

int xdb_get_metadata(struct xdb *db, const char *key, char **value, struct cr_err *err)
{
    *value = nullptr;
    return guard_read(db, err, "index metadata", [&]() -> int {
        *value = dup_string(db->rdb->get_metadata(key));
        return 0;
    });
}

int xdb_set_metadata(struct xdb *db, const char *key, const char *value, struct cr_err *err)
{
    return guard(err, "index metadata", [&]() -> int {
        if (!db->wdb)
            return cr_error(err, CR_EINVAL, "index opened read-only");
        db->wdb->set_metadata(key, value);
        return 0;
    });
}

struct xdb_doc *xdb_doc_new(struct xdb *db)
{
    struct xdb_doc *d = new (std::nothrow) struct xdb_doc;
    if (!d) {
        fputs("casereview: out of memory\n", stderr);
        abort();
    }
    d->tg.set_stemmer(english());
    d->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    d->tg.set_document(d->doc);
    (void)db;
    return d;
}

void xdb_doc_free(struct xdb_doc *d)
{
    delete d;
}

int xdb_doc_load(struct xdb *db, uint32_t docid, struct xdb_doc **out, struct cr_err *err)
{
    *out = nullptr;
    return guard_read(db, err, "index document", [&]() -> int {
        Xapian::Document doc;
        try {
            doc = db->rdb->get_document(docid);
        } catch (const Xapian::DocNotFoundError &) {
            return cr_error(err, CR_ENOTFOUND, "index document %u: not found", docid);
        }
        struct xdb_doc *d = xdb_doc_new(db);
        d->doc = doc;
        d->tg.set_document(d->doc);
        d->started = true;
        *out = d;
        return 0;
    });
}

void xdb_doc_remove_term(struct xdb_doc *d, const char *term)
{
    try {
        d->doc.remove_term(term);
    } catch (const Xapian::InvalidArgumentError &) {
        /* not there: nothing to remove */
    }
}

void xdb_doc_copy_values(struct xdb_doc *into, const struct xdb_doc *from)
{
    for (Xapian::ValueIterator v = from->doc.values_begin(); v != from->doc.values_end(); ++v)
        into->doc.add_value(v.get_valueno(), *v);
}

void xdb_doc_set_data(struct xdb_doc *d, const void *data, size_t len)
{
    d->doc.set_data(std::string(static_cast<const char *>(data), len));
}

void xdb_doc_add_term(struct xdb_doc *d, const char *term)
{
    d->doc.add_boolean_term(term);
}

void xdb_doc_add_value(struct xdb_doc *d, unsigned slot, const void *v, size_t len)
{
    d->doc.add_value(slot, std::string(static_cast<const char *>(v), len));
}

void xdb_doc_index_text(struct xdb_doc *d, const char *text, size_t len, const char *prefix,
                        unsigned weight)
{
    if (d->started)
        d->tg.increase_termpos(100);
    d->started = true;
    d->tg.index_text(Xapian::Utf8Iterator(text, len), weight ? weight : 1, prefix);
}

void xdb_doc_bundle(struct xdb_doc *d, unsigned into, unsigned first, unsigned n, char sep)
{
    std::string b;
    for (unsigned k = 0; k < n; k++) {
        if (k)
            b += sep;
        b += d->doc.get_value(first + k);
    }
    d->doc.add_value(into, b);
}

void xdb_doc_merge_terms(struct xdb_doc *into, const struct xdb_doc *from)
{
    for (Xapian::TermIterator t = from->doc.termlist_begin(); t != from->doc.termlist_end(); ++t)
        into->doc.add_boolean_term(*t);
}

int xdb_replace(struct xdb *db, const char *unique_term, struct xdb_doc *d, struct cr_err *err)
{
    std::string what = "index write '" + db->path + "'";
    return guard(err, what.c_str(), [&]() -> int {
        if (!db->wdb)
            return cr_error(err, CR_EINVAL, "index opened read-only");
        d->doc.add_boolean_term(unique_term);
        db->wdb->replace_document(unique_term, d->doc);
        return 0;
    });
}

int xdb_delete_term(struct xdb *db, const char *term, struct cr_err *err)
{
    return guard(err, "index delete", [&]() -> int {
        if (!db->wdb)
            return cr_error(err, CR_EINVAL, "index opened read-only");
        db->wdb->delete_document(term);
        return 0;
    });
}

int xdb_add_synonym(struct xdb *db, const char *term, const char *synonym, struct cr_err *err)
{
    return guard(err, "index synonyms", [&]() -> int {
        if (!db->wdb)
            return cr_error(err, CR_EINVAL, "index opened read-only");
        db->wdb->add_synonym(term, synonym);
        return 0;
    });
}

int xdb_term_freq(struct xdb *db, const char *term, uint32_t *n, struct cr_err *err)
{
    return guard_read(db, err, "index", [&]() -> int {
        *n = db->rdb->get_termfreq(term);
        return 0;
    });
}

int xdb_term_freq_both(struct xdb *db, const char *term, const char *also, uint32_t *n,
                       struct cr_err *err)
{
    return guard_read(db, err, "index", [&]() -> int {
        Xapian::PostingIterator b = db->rdb->postlist_begin(also);
        *n = 0;
        for (Xapian::PostingIterator a = db->rdb->postlist_begin(term);
             a != db->rdb->postlist_end(term) && b != db->rdb->postlist_end(also); ++a) {
            b.skip_to(*a);
            if (b != db->rdb->postlist_end(also) && *b == *a)
                ++*n;
        }
        return 0;
    });
}

int xdb_each_term(struct xdb *db, const char *prefix, xdb_term_fn *fn, void *ctx,
                  struct cr_err *err)
{
    return guard_read(db, err, "index terms", [&]() -> int {
        for (Xapian::TermIterator t = db->rdb->allterms_begin(prefix);
             t != db->rdb->allterms_end(prefix); ++t) {
            std::string term = *t;
            int rc = fn(term.c_str(), term.size(), t.get_termfreq(), ctx);
            if (rc)
                return rc;
        }
        return 0;
    });
}

int xdb_each_posting(struct xdb *db, const char *term, xdb_docid_fn *fn, void *ctx,
                     struct cr_err *err)
{
    return guard_read(db, err, "index postings", [&]() -> int {
        for (Xapian::PostingIterator p = db->rdb->postlist_begin(term);
             p != db->rdb->postlist_end(term); ++p) {
            int rc = fn(*p, ctx);
            if (rc)
                return rc;
        }
        return 0;
    });
}

int xdb_get_data(struct xdb *db, uint32_t docid, char **data, size_t *len, struct cr_err *err)
{
    *data = nullptr;
    return guard_read(db, err, "index document", [&]() -> int {
        std::string s = db->rdb->get_document(docid).get_data();
        *data = dup_string(s);
        *len = s.size();
        return 0;
    });
}

int xdb_get_value(struct xdb *db, uint32_t docid, unsigned slot, char **value, size_t *len,
                  struct cr_err *err)
{
    *value = nullptr;
    return guard_read(db, err, "index document", [&]() -> int {
        std::string s = db->rdb->get_document(docid).get_value(slot);
        *value = dup_string(s);
        *len = s.size();
        return 0;
    });
}

int xdb_search(struct xdb *db, const struct xdb_query *q, struct xdb_result **out,
               struct cr_err *err)
{
    *out = nullptr;
    struct xdb_result *r = static_cast<struct xdb_result *>(xcalloc(1, sizeof(*r)));
    int rc = guard_read(db, err, "search", [&]() -> int {
        xdb_result_free(r);
        r = static_cast<struct xdb_result *>(xcalloc(1, sizeof(*r)));
        return run_search(db, q, r);
    });
    if (rc < 0) {
        xdb_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void xdb_result_free(struct xdb_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++) {
        free(r->hits[i].data);
        free(r->hits[i].snippet);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nfacets; i++) {
        for (size_t j = 0; j < r->facets[i].n; j++)
            free(r->facets[i].values[j].value);
        free(r->facets[i].values);
    }
    free(r->facets);
    free(r->corrected);
    free(r->description);
    free(r);
}

int xdb_suggest(struct xdb *db, const char *text, char **out, struct cr_err *err)
{
    *out = nullptr;
    return guard_read(db, err, "spelling", [&]() -> int {
        *out = dup_string(suggest(*db->rdb, text));
        return 0;
    });
}

int xdb_compact(const char *src, const char *dst, struct cr_err *err)
{
    return guard(err, "index compaction", [&]() -> int {
        Xapian::Database db(src);
        db.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::STANDARD);
        return 0;
    });
}

int xdb_check(const char *path, int *ok, char **report, struct cr_err *err)
{
    *ok = 0;
    *report = nullptr;
    return guard(err, "index check", [&]() -> int {
        std::ostringstream out;
        if (access(path, W_OK) < 0 && (errno == EROFS || errno == EACCES)) {
            /* Xapian's check opens the tables read/write: on a read-only disk, open only */
            Xapian::Database db(path);
            (void)db.get_doccount();
            *ok = 1;
            *report = dup_string("the index cannot be written here: opened, not checked "
                                 "block by block\n");
            return 0;
        }
        size_t errors = Xapian::Database::check(path, Xapian::DBCHECK_SHORT_TREE, &out);
        *ok = errors == 0;
        *report = dup_string(out.str());
        return 0;
    });
}

} /* extern "C" */
