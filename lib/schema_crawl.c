/*
 * Schema of the crawl module's tables. Add a migration at the end; never edit
 * one that has shipped.
 *
 * What the crawler records, and what other modules may read:
 *
 *   crawl_sources     one row per source page (the page of a partnership that
 *                     lists its published reviews): name, nation, URL, and
 *                     what its last crawl did (when, how it ended, what it
 *                     yielded, its last error). `casereview sources` shows it.
 *   crawl_runs        one row per crawl; a run that did not finish (killed)
 *                     is resumed by the next crawl of the same seeds.
 *   crawl_queue       the frontier of each run: every URL to fetch, its
 *                     depth, state and retries, and how far its redirect
 *                     chain has gone (hop_url, chain, hops). Marking a URL
 *                     done, or moving it to its next hop, commits in the same
 *                     transaction as everything its fetch produced, so a kill
 *                     never loses or repeats committed work (a transaction
 *                     may hold the results of several fetches).
 *   crawl_fetches     every HTTP fetch, one row each: URL (the queued URL, the
 *                     start of its redirect chain), final URL (the URL this
 *                     request went to), redirects (hops before it), time,
 *                     HTTP status (0 when there was no answer), content type,
 *                     body bytes received, sha256 (of what was stored), ETag,
 *                     Last-Modified, error (NULL on success), and what became
 *                     of it (outcome: new = a report entered the repository;
 *                     same = bytes already held; changed = the URL now serves
 *                     other bytes; not-modified = a document's 304; page and
 *                     page-not-modified = a page read; not-a-page; not-a-document
 *                     = a document link that answered with something else;
 *                     gone = 404/410 (or an HTML page) where a report was;
 *                     retry = a transient failure tried again later; failed;
 *                     too-big; robots = a robots.txt fetch; redirect = a 3xx
 *                     answer whose location the chain fetches next). A
 *                     redirect chain is one row per hop, the last one with
 *                     the outcome of the whole.
 *   crawl_urls        the state of each URL fetched: validators for the next
 *                     conditional request, the sha256 of its last body, its
 *                     final URL and last status.
 *   crawl_url_reports which report (catalogue `reports`) each document URL has
 *                     served, first/last seen, and whether it is still online
 *                     there: online = 0 with gone_since = the date a crawl
 *                     found it gone (404/410, or its URL now serves other
 *                     bytes). A report is never deleted because its URL went.
 *   crawl_links       the link context of every document link on a crawled
 *                     page: anchor text, the text of the enclosing list item /
 *                     paragraph / table row, the nearest heading above it,
 *                     first/last seen, and the hints derived from them (child
 *                     pseudonym, review type and document kind as in
 *                     doc/ids.md, publication date as ISO 8601 YYYY[-MM[-DD]];
 *                     NULL when not derived or not found; hints_version 0 =
 *                     not derived yet).
 *   crawl_robots      robots.txt bodies per origin, reused for up to 24 hours
 *                     (RFC 9309 2.4).
 *
 * The views are the contract for readers (metadata derivation, show, serve):
 *
 *   crawl_report_links   for each report and each link that led to it:
 *       report_id, partnership, nation, source_id, source_url, url, final_url,
 *       page_url, anchor, context, heading, first_seen, last_seen, online,
 *       gone_since, hint_child, hint_review_type, hint_document_kind,
 *       hint_published.
 *   crawl_report_status  for each crawled report: online (1 while any URL of
 *       it still serves it), gone_since (when every URL is gone: the date the
 *       last one went), first_seen, last_seen, and one source URL.
 *
 * Timestamps are ISO 8601 UTC strings (lib/isotime.h).
 */

#include "lib/catalog_int.h"

const struct catalog_migration catalog_schema_crawl[] = {
    {1,
     "CREATE TABLE crawl_sources("
     "  id INTEGER PRIMARY KEY,"
     "  url TEXT NOT NULL UNIQUE,"
     "  name TEXT,"
     "  nation TEXT,"
     "  origin TEXT NOT NULL DEFAULT 'url' CHECK (origin IN ('shipped', 'file', 'url')),"
     "  added_at TEXT NOT NULL,"
     "  last_crawled_at TEXT,"
     "  last_status TEXT CHECK (last_status IN ('ok', 'partial', 'failed', 'interrupted')),"
     "  last_error TEXT,"
     "  last_pages INTEGER NOT NULL DEFAULT 0,"
     "  last_documents INTEGER NOT NULL DEFAULT 0,"
     "  last_new INTEGER NOT NULL DEFAULT 0,"
     "  last_gone INTEGER NOT NULL DEFAULT 0,"
     "  last_failed INTEGER NOT NULL DEFAULT 0);"
     "CREATE TABLE crawl_runs("
     "  id INTEGER PRIMARY KEY,"
     "  seeds TEXT NOT NULL,"
     "  options TEXT NOT NULL DEFAULT '',"
     "  started_at TEXT NOT NULL,"
     "  finished_at TEXT,"
     "  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'abandoned')));"
     "CREATE TABLE crawl_queue("
     "  run_id INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,"
     "  url TEXT NOT NULL,"
     "  source_id INTEGER NOT NULL REFERENCES crawl_sources(id) ON DELETE CASCADE,"
     "  kind TEXT NOT NULL CHECK (kind IN ('page', 'document')),"
     "  depth INTEGER NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'pending'"
     "    CHECK (state IN ('pending', 'done', 'failed', 'skipped')),"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  referrer TEXT,"
     "  error TEXT,"
     "  seq INTEGER NOT NULL,"
     "  PRIMARY KEY (run_id, url));"
     "CREATE INDEX crawl_queue_pending ON crawl_queue(run_id, state, seq);"
     "CREATE TABLE crawl_fetches("
     "  id INTEGER PRIMARY KEY,"
     "  run_id INTEGER REFERENCES crawl_runs(id) ON DELETE SET NULL,"
     "  url TEXT NOT NULL,"
     "  final_url TEXT,"
     "  fetched_at TEXT NOT NULL,"
     "  http_status INTEGER NOT NULL DEFAULT 0,"
     "  content_type TEXT,"
     "  bytes INTEGER NOT NULL DEFAULT 0,"
     "  sha256 TEXT,"
     "  etag TEXT,"
     "  last_modified TEXT,"
     "  error TEXT,"
     "  outcome TEXT NOT NULL,"
     "  attempt INTEGER NOT NULL DEFAULT 1,"
     "  redirects INTEGER NOT NULL DEFAULT 0,"
     "  elapsed_ms INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX crawl_fetches_url ON crawl_fetches(url, id);"
     "CREATE TABLE crawl_urls("
     "  url TEXT PRIMARY KEY,"
     "  kind TEXT NOT NULL CHECK (kind IN ('page', 'document', 'robots')),"
     "  final_url TEXT,"
     "  etag TEXT,"
     "  last_modified TEXT,"
     "  sha256 TEXT,"
     "  format TEXT,"
     "  last_status INTEGER,"
     "  last_error TEXT,"
     "  last_fetch_id INTEGER,"
     "  first_seen TEXT NOT NULL,"
     "  last_seen TEXT);"
     "CREATE TABLE crawl_url_reports("
     "  url TEXT NOT NULL,"
     "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
     "  first_seen TEXT NOT NULL,"
     "  last_seen TEXT NOT NULL,"
     "  online INTEGER NOT NULL DEFAULT 1,"
     "  gone_since TEXT,"
     "  PRIMARY KEY (url, report_id));"
     "CREATE INDEX crawl_url_reports_report ON crawl_url_reports(report_id);"
     "CREATE TABLE crawl_links("
     "  id INTEGER PRIMARY KEY,"
     "  source_id INTEGER NOT NULL REFERENCES crawl_sources(id) ON DELETE CASCADE,"
     "  page_url TEXT NOT NULL,"
     "  url TEXT NOT NULL,"
     "  anchor TEXT NOT NULL,"
     "  context TEXT NOT NULL,"
     "  heading TEXT,"
     "  first_seen TEXT NOT NULL,"
     "  last_seen TEXT NOT NULL,"
     "  hint_child TEXT,"
     "  hint_review_type TEXT,"
     "  hint_document_kind TEXT,"
     "  hint_published TEXT,"
     "  hints_version INTEGER NOT NULL DEFAULT 0,"
     "  UNIQUE (source_id, page_url, url));"
     "CREATE INDEX crawl_links_url ON crawl_links(url);"
     "CREATE TABLE crawl_robots("
     "  origin TEXT PRIMARY KEY,"
     "  fetched_at TEXT NOT NULL,"
     "  http_status INTEGER NOT NULL,"
     "  body TEXT NOT NULL);"
     "CREATE VIEW crawl_report_links AS"
     "  SELECT ur.report_id AS report_id, s.name AS partnership, s.nation AS nation,"
     "         s.id AS source_id, s.url AS source_url, l.url AS url,"
     "         coalesce(u.final_url, l.url) AS final_url, l.page_url AS page_url,"
     "         l.anchor AS anchor, l.context AS context, l.heading AS heading,"
     "         l.first_seen AS first_seen, l.last_seen AS last_seen,"
     "         ur.online AS online, ur.gone_since AS gone_since,"
     "         l.hint_child AS hint_child, l.hint_review_type AS hint_review_type,"
     "         l.hint_document_kind AS hint_document_kind, l.hint_published AS hint_published"
     "  FROM crawl_links l"
     "  JOIN crawl_url_reports ur ON ur.url = l.url"
     "  JOIN crawl_sources s ON s.id = l.source_id"
     "  LEFT JOIN crawl_urls u ON u.url = l.url;"
     "CREATE VIEW crawl_report_status AS"
     "  SELECT report_id, max(online) AS online,"
     "         CASE WHEN max(online) = 0 THEN max(gone_since) END AS gone_since,"
     "         min(first_seen) AS first_seen, max(last_seen) AS last_seen,"
     "         min(url) AS url"
     "  FROM crawl_url_reports GROUP BY report_id;"},
    /*
     * 2: a same-site link without a document extension may still answer with
     * a PDF (/downloads/file/1234): its link context rides in the queue until
     * the answer says what it is.
     */
    {2,
     "ALTER TABLE crawl_queue ADD COLUMN anchor TEXT;"
     "ALTER TABLE crawl_queue ADD COLUMN context TEXT;"
     "ALTER TABLE crawl_queue ADD COLUMN heading TEXT;"},
    /*
     * 3: the crawler follows redirects itself, each hop through the robots.txt
     * and the delay of its own host. A queued URL's chain is kept with it
     * (hop_url: the URL to fetch next, NULL = the queued URL itself; chain:
     * the URLs fetched before it, one a line; hops: how many), so that a
     * crawl killed between two hops resumes at the next one. A fetch that
     * answered with a redirect records where it pointed (location).
     */
    {3,
     "ALTER TABLE crawl_queue ADD COLUMN hop_url TEXT;"
     "ALTER TABLE crawl_queue ADD COLUMN chain TEXT;"
     "ALTER TABLE crawl_queue ADD COLUMN hops INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE crawl_fetches ADD COLUMN location TEXT;"},
    {0, 0},
};
