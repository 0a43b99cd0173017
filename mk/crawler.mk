# crawler/: robots.txt, link extraction, the frontier and the fetch loop
CRAWLER_SRCS = \
	crawler/crawl_url.c \
	crawler/links.c \
	crawler/robots.c
CRAWLER_TESTS = \
	tests/crawler/test_crawl_url.c \
	tests/crawler/test_links.c \
	tests/crawler/test_robots.c
