# crawler/: see its headers
CRAWLER_SRCS =
