# cli/: main and one file per subcommand (argument parsing and output only)
CLI_SRCS = \
	cli/cli_net.c \
	cli/cli_query.c \
	cli/cli_util.c \
	cli/cmd_add.c \
	cli/cmd_compare.c \
	cli/cmd_crawl.c \
	cli/cmd_doctor.c \
	cli/cmd_edit.c \
	cli/cmd_export.c \
	cli/cmd_index.c \
	cli/cmd_news.c \
	cli/cmd_remove.c \
	cli/cmd_saved.c \
	cli/cmd_search.c \
	cli/cmd_serve.c \
	cli/cmd_show.c \
	cli/cmd_sources.c \
	cli/cmd_stats.c \
	cli/main.c
CLI_TESTS = \
	tests/cli/test_docs.c \
	tests/cli/test_meta_cli.c \
	tests/cli/test_pipeline.c \
	tests/cli/test_search_cli.c
