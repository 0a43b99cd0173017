# indexer/: extraction workers, metadata, writing the index
INDEXER_SRCS = \
	indexer/extract_pool.c \
	indexer/idx.c \
	indexer/idx_doc.c \
	indexer/meta.c \
	indexer/meta_age.c \
	indexer/meta_partner.c \
	indexer/meta_sources.c \
	indexer/tag.c
# The extraction worker, the only program that links Poppler.
EXTRACT_SRCS = \
	indexer/extract_poppler.c
$(BUILD)/obj/indexer/extract_poppler.o: EXTRA_CFLAGS = $(call pkg_cflags,$(PKGS_EXTRACT))
INDEXER_TESTS = \
	tests/indexer/test_labelled.c \
	tests/indexer/test_meta.c
