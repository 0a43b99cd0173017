# search/: the query front end, filters, facets, snippets, result formats
SEARCH_SRCS = \
	search/export.c \
	search/facet.c \
	search/filter.c \
	search/filter_tax.c \
	search/query.c \
	search/result.c \
	search/saved.c \
	search/snippet.c
SEARCH_TESTS = \
	tests/search/test_query.c \
	tests/search/test_result.c \
	tests/search/test_search.c
