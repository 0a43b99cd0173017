# crawler/: robots.txt, link extraction, the frontier and the fetch loop
CRAWLER_SRCS = \
	crawler/robots.c
CRAWLER_TESTS = \
	tests/crawler/test_robots.c
