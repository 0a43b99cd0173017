# web/: see its headers
WEB_SRCS =
WEB_TESTS =
