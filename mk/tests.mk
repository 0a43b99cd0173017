# tests/: one cmocka program per module (tests/<dir>/test_<module>.c), the
# helpers they share, and the generated fixtures they read.
# Each folder's mk/<folder>.mk lists its own tests in <FOLDER>_TESTS.
TEST_SRCS = $(LIB_TESTS) $(CRAWLER_TESTS) $(INDEXER_TESTS) $(SEARCH_TESTS) $(WEB_TESTS) \
	$(CLI_TESTS)
TEST_SRCS += $(RELIABILITY_TESTS)
TEST_HELPER_SRCS = tests/helpers.c tests/search/fixture.c tests/site.c
TEST_BINS = $(patsubst %.c,$(BUILD)/%,$(TEST_SRCS))
TEST_HELPER_OBJS = $(patsubst %.c,$(BUILD)/obj/%.o,$(TEST_HELPER_SRCS))

$(BUILD)/obj/tests/%.o: EXTRA_CFLAGS = $(call pkg_cflags,$(PKGS_TEST))
$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TEST_HELPER_OBJS) $(BUILD)/libcasereview.a
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -o $@ $< $(TEST_HELPER_OBJS) $(LIBCORE) \
		$(call pkg_libs,$(PKGS_MAIN) $(PKGS_TEST)) -lm

# Fixture PDFs, generated from tests/fixtures/pdf/*.txt; encrypted.pdf needs a
# password to open (made from report-a.pdf by qpdf).
FIXTURE_TXT = $(sort $(wildcard tests/fixtures/pdf/*.txt))
FIXTURE_PDF = $(patsubst tests/fixtures/pdf/%.txt,$(BUILD)/fixtures/%.pdf,$(FIXTURE_TXT)) \
	$(BUILD)/fixtures/encrypted.pdf
$(BUILD)/fixtures/%.pdf: tests/fixtures/pdf/%.txt $(MKPDF)
	@mkdir -p $(dir $@)
	$(Q)$(MKPDF) $< $@
$(BUILD)/fixtures/encrypted.pdf: $(BUILD)/fixtures/report-a.pdf
	$(Q)qpdf --encrypt secret-user secret-owner 256 -- $< $@
fixtures: $(FIXTURE_PDF)

# Fictional reports of the metadata evaluation (tests/indexer/test_labelled.c),
# one folder each of tests/fixtures/, made into PDFs:
#  - labelled: the set the rules are developed against;
#  - heldout: the first held-out set; it was used to direct fixes, so it is
#    no longer blind (tests/fixtures/heldout/README.md);
#  - heldout2: the second, written blind after that (its README): the one to read.
define fixture_set
$(1)_PDF = $$(patsubst tests/fixtures/$(1)/%.txt,$$(BUILD)/fixtures/$(1)/%.pdf,$$(sort $$(wildcard tests/fixtures/$(1)/*.txt)))
$$(BUILD)/fixtures/$(1)/%.pdf: tests/fixtures/$(1)/%.txt $$(MKPDF)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(MKPDF) $$< $$@
fixtures: $$($(1)_PDF)
endef
$(foreach set,labelled heldout heldout2,$(eval $(call fixture_set,$(set))))

check: programs fixtures sample $(TEST_BINS)
	@BUILD=$(BUILD) sh tests/run.sh $(T)
