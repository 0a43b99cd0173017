# lib/: pieces everyone shares (see lib/*.h for each contract)
LIB_SRCS = \
	lib/buf.c \
	lib/catalog.c \
	lib/cr_err.c \
	lib/dates.c \
	lib/fault.c \
	lib/hints.c \
	lib/home.c \
	lib/isotime.c \
	lib/log.c \
	lib/progress.c \
	lib/sandbox.c \
	lib/schema_core.c \
	lib/schema_crawl.c \
	lib/schema_meta.c \
	lib/schema_search.c \
	lib/sniff.c \
	lib/store.c \
	lib/taxonomy.c \
	lib/taxonomy_scan.c \
	lib/xalloc.c \
	lib/xdb.cc
LIB_TESTS = \
	tests/lib/test_catalog.c \
	tests/lib/test_dates.c \
	tests/lib/test_hints.c \
	tests/lib/test_store.c \
	tests/lib/test_taxonomy.c \
	tests/lib/test_xdb.c
