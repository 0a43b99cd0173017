# crawler/: see its headers
CRAWLER_SRCS =
CRAWLER_TESTS =
