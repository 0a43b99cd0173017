# search/: the query front end, results, facets, snippets
SEARCH_SRCS = \
	search/query.c
SEARCH_TESTS = \
	tests/search/test_query.c
