# search/: the query front end, results, facets, snippets
SEARCH_SRCS = \
	search/query.c
