#ifndef CASEREVIEW_LIB_IXSCHEMA_H
#define CASEREVIEW_LIB_IXSCHEMA_H
/*
 * The layout of the Xapian index: the contract between the indexer, which
 * writes it, and search, which reads it. Neither may include the other, so
 * the layout lives here.
 *
 * Two kinds of Xapian document, told apart by a marker term (IX_T_PAGE,
 * IX_T_REPORT):
 *
 * One page document per page of a report, what searches rank, collapse and
 * draw snippets from:
 *  - terms: the page's words (stemmed, positional); the report's title words
 *    (prefix S) on every page; its recommendations' words (XR) on the pages
 *    where they stand; and boolean filter terms for the report's identifiers
 *    (prefixes below), repeated on every page, so any page can answer a
 *    filtered query;
 *  - the unique term Q<key>:<page> (replace_document key) and R<key> (every
 *    document of one report: delete-by-term), where <key> is the first
 *    IX_KEY_LEN hex digits of the report's sha256 (64 bits: no collision in
 *    any repository of reports; the full sha256 is in the record);
 *  - values: the slots below but IX_SLOT_PAGES; IX_SLOT_KEY is the collapse
 *    key, so results collapse to one row per report;
 *  - data: the display record, a one-line JSON object (see
 *    doc/index-format.md), then IX_TEXT_SEP, then the page's text (used for
 *    snippets). Results render from the index alone.
 *
 * One report document per report that has pages, what counting reads (totals,
 * facets, compare, stats: one document per report, nothing to fold):
 *  - terms: every term of its pages (words, stems, title, recommendations,
 *    filter terms, R<key>), each once, as boolean terms: wdf 0 and no
 *    positions (so that they change no page's BM25 weight: see idx_doc.c);
 *  - the unique term Q<key>;
 *  - values: the same as its pages' but IX_SLOT_PAGE, plus IX_SLOT_PAGES;
 *  - data: the display record without a page number, and no text.
 * It is written, replaced and deleted (R<key>) with its pages. A query
 * answers alike on the report document and on "any of its pages" when its
 * free-text words are only ORed (or ANDed with filters): such queries count
 * report documents. Words ANDed together, NOT a word, phrases and NEAR need
 * one page to hold them all, or positions: those count pages.
 *
 * Multi-valued slots (themes, topics) hold ids separated by IX_LIST_SEP.
 * Dates in IX_SLOT_PUBLISHED are "YYYYMMDD" with "00" for an unknown month
 * or day, so they sort and range-filter as strings.
 */

enum ix_slot {
    IX_SLOT_KEY = 0,         /* report key (IX_KEY_LEN hex digits): the collapse key */
    IX_SLOT_PAGE = 1,        /* page documents only: page number, 5 digits zero-padded */
    IX_SLOT_PUBLISHED = 2,   /* publication date, YYYYMMDD (00 = unknown part) */
    IX_SLOT_ADDED = 3,       /* when the report entered the repository, ISO 8601 */
    IX_SLOT_PARTNERSHIP = 4, /* partnership id */
    IX_SLOT_NATION = 5,      /* england, wales, scotland, northern-ireland */
    IX_SLOT_TYPE = 6,        /* review type id */
    IX_SLOT_KIND = 7,        /* document kind id */
    IX_SLOT_YEAR = 8,        /* publication year, YYYY */
    IX_SLOT_THEMES = 9,      /* theme ids, IX_LIST_SEP-separated */
    IX_SLOT_TOPICS = 10,     /* learning topic ids, IX_LIST_SEP-separated */
    IX_SLOT_REVIEW = 11,     /* review id: the documents of one review share it */
    IX_SLOT_OUTCOME = 12,    /* died, harmed */
    IX_SLOT_AGE_BAND = 13,   /* under-1, 1-4, 5-9, 10-14, 15-17 */
    IX_SLOT_MODEL = 14,      /* review model id */
    IX_SLOT_REPORT_ID = 15,  /* catalogue id, decimal */
    IX_SLOT_FACETS = 16,     /* slots IX_SLOT_PARTNERSHIP..IX_SLOT_TOPICS, each as above, joined
                              * by IX_BUNDLE_SEP (xdb_doc_bundle): facet counting reads one
                              * value stream instead of seven */
    IX_SLOT_PAGES = 17,      /* report documents only: how many page documents it has, decimal */
    IX_SLOT_REPORT_FACETS = 18, /* report documents only: IX_SLOT_FACETS again, in a slot that
                              * pages lack, so that the values counting reads on report
                              * documents stand together in the value stream (with pages in
                              * the slot, each report's value sat in a chunk of its own:
                              * one read per report). An index without it uses IX_SLOT_FACETS */
};

#define IX_LIST_SEP '\x1f'
#define IX_BUNDLE_SEP '\x1e'
#define IX_FACETS_FIRST IX_SLOT_PARTNERSHIP /* the slots IX_SLOT_FACETS bundles: 4..10 */
#define IX_FACETS_COUNT 7
#define IX_TEXT_SEP '\n'

#define IX_KEY_LEN 16         /* hex digits of the sha256 that name a report in the index */
#define IX_P_UNIQUE "Q"       /* Q<key>:<page> */
#define IX_P_REPORT "R"       /* R<key> */
#define IX_P_TITLE "S"        /* title words (free text) */
#define IX_P_REC "XR"         /* recommendation words (free text) */
#define IX_P_PARTNERSHIP "XP" /* XP<partnership id> */
#define IX_P_NATION "XN"      /* XN<nation> */
#define IX_P_TYPE "XT"        /* XT<review type id> */
#define IX_P_KIND "XK"        /* XK<document kind id> */
#define IX_P_CHILD "XC"       /* XC<pseudonym, lowercased, spaces as '-'> */
#define IX_P_THEME "XH"       /* XH<theme id> */
#define IX_P_TOPIC "XO"       /* XO<topic id> */
#define IX_P_YEAR "XY"        /* XY<YYYY> */
#define IX_P_MODEL "XM"       /* XM<review model id> */
#define IX_P_OUTCOME "XU"     /* XU<outcome> */
#define IX_P_AGE "XA"         /* XA<age band> */
#define IX_P_REVIEW "XV"      /* XV<review id> */
#define IX_P_FORMAT "XF"      /* XF<format>: pdf, docx… */
#define IX_T_PAGE "XDpage"    /* on every page document */
#define IX_T_REPORT "XDreport" /* on every report document */

/* Index metadata keys (user metadata survives compaction, unlike the UUID). */
#define IX_META_VERSION "casereview.format"  /* IX_FORMAT_VERSION */
#define IX_META_ID "casereview.id"           /* random id; the catalogue records it */
#define IX_META_VOCAB "casereview.vocab"     /* the query front end's vocabulary, compiled
                                              * (search/filter.h filter_vocab_dump) */
/*
 * "1": page documents only. "2": report documents and the IX_T_ markers;
 * search counts report documents only in an index of version "2" or later,
 * and 'casereview index' brings a version "1" index up (lib/ixschema.h is
 * the only place that says what each version holds).
 */
#define IX_FORMAT_VERSION "2"

#endif
