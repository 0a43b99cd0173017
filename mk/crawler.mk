# crawler/: robots.txt, link extraction, the frontier and the fetch loop
CRAWLER_SRCS = \
	crawler/crawl.c \
	crawler/crawl_db.c \
	crawler/crawl_sources.c \
	crawler/crawl_url.c \
	crawler/fetch.c \
	crawler/frontier.c \
	crawler/links.c \
	crawler/polite.c \
	crawler/robots.c
CRAWLER_TESTS = \
	tests/crawler/test_crawl.c \
	tests/crawler/test_crawl_url.c \
	tests/crawler/test_fetch.c \
	tests/crawler/test_links.c \
	tests/crawler/test_robots.c
