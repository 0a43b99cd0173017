# web/: see its headers
WEB_SRCS =
