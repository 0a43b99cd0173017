# make bench: every benchmark, each printing its figures. They measure speed,
# so run them on a quiet machine. BENCH_CORPUS is the real-PDF corpus built
# by ../shared/bench/make-corpus.sh; BENCH_FILES how many of its files the
# indexing benchmark takes (0 = all). Each module adds its target to
# BENCH_TARGETS.
BENCH_CORPUS ?= ../corpus
BENCH_FILES ?= 150
BENCH_TARGETS = bench-index bench-meta bench-crawl bench-web

.PHONY: bench $(BENCH_TARGETS)
bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory programs
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)

bench-index:
	@sh bench/bench_index.sh $(BUILD) $(BENCH_CORPUS) $(BENCH_FILES)

# bench-meta: precision and recall of metadata and tags over the labelled
# fictional reports (tests/fixtures/labelled), through the real pipeline,
# then the same table for the held-out set written blind
# (tests/fixtures/heldout2), which nobody tunes against, and last for the
# first held-out set (tests/fixtures/heldout), no longer blind.
bench-meta: programs fixtures $(BUILD)/tests/indexer/test_labelled
	@rm -f $(BUILD)/labelled-report.txt $(BUILD)/heldout2-report.txt $(BUILD)/heldout-report.txt
	@CASEREVIEW_LABELLED_REPORT=$(abspath $(BUILD))/labelled-report.txt \
		CASEREVIEW_HELDOUT2_REPORT=$(abspath $(BUILD))/heldout2-report.txt \
		CASEREVIEW_HELDOUT_REPORT=$(abspath $(BUILD))/heldout-report.txt BUILD=$(BUILD) \
		sh tests/run.sh indexer/test_labelled >/dev/null || true
	@cat $(BUILD)/labelled-report.txt 2>/dev/null || echo "bench-meta: no labelled fixtures"
	@echo
	@cat $(BUILD)/heldout2-report.txt 2>/dev/null || echo "bench-meta: no held-out-2 fixtures"
	@echo
	@cat $(BUILD)/heldout-report.txt 2>/dev/null || echo "bench-meta: no held-out fixtures"

# bench-crawl: the crawler against a loopback site of BENCH_CRAWL_DOCS
# fictional PDFs of BENCH_CRAWL_KB each, then a recrawl with nothing changed.
BENCH_CRAWL_DOCS ?= 1000
BENCH_CRAWL_KB ?= 50
BENCH_CRAWL = $(BUILD)/bench/bench_crawl
$(BENCH_CRAWL): bench/bench_crawl.c $(BUILD)/obj/tests/site.o $(BUILD)/obj/tests/helpers.o $(BUILD)/libcasereview.a
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $<"; fi
	$(Q)$(CXX) -x c -std=c11 $(OPT) $(CPPFLAGS) $(call pkg_cflags,$(PKGS_MAIN) $(PKGS_TEST)) -c -o $@.o $<
	$(Q)$(CXX) $(LDFLAGS_ALL) -o $@ $@.o $(BUILD)/obj/tests/site.o $(BUILD)/obj/tests/helpers.o \
		$(BUILD)/libcasereview.a $(call pkg_libs,$(PKGS_MAIN) $(PKGS_TEST)) -lm
bench-crawl: programs $(BENCH_CRAWL)
	@$(BENCH_CRAWL) $(abspath $(PROGRAM)) $(BENCH_CRAWL_DOCS) $(BENCH_CRAWL_KB)

# bench-web: `casereview serve` over BENCH_WEB_FILES real PDFs of the corpus,
# BENCH_WEB_CLIENTS wrk connections for BENCH_WEB_SECONDS against the search
# page with mixed queries (bench/web_mix.lua).
BENCH_WEB_FILES ?= 150
BENCH_WEB_SECONDS ?= 20
BENCH_WEB_CLIENTS ?= 50
bench-web: programs
	@sh bench/bench_web.sh $(BUILD) $(BENCH_CORPUS) $(BENCH_WEB_FILES) $(BENCH_WEB_SECONDS) \
		$(BENCH_WEB_CLIENTS)

# bench-search: search latency (in process and whole process, with quest as
# the reference) on a synthetic repository of BENCH_REPORTS reports (10,010
# make 300,281 pages) of about
# BENCH_PAGES pages each, written straight into an index once and kept in
# $(BUILD)/bench/, and on the real corpus's index when BENCH_CORPUS has one.
BENCH_REPORTS ?= 10010
BENCH_PAGES ?= 30
BENCH_TARGETS += bench-search
BENCH_SEARCH_SRCS = bench/synth.c bench/synth_words.c bench/bench_search.c
BENCH_SYNTH = $(BUILD)/bench/synth
BENCH_SEARCH = $(BUILD)/bench/bench_search

$(BENCH_SYNTH): $(BUILD)/obj/bench/synth.o $(BUILD)/obj/bench/synth_words.o $(BUILD)/libcasereview.a
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(call pkg_libs,$(PKGS_MAIN)) -lm

$(BENCH_SEARCH): $(BUILD)/obj/bench/bench_search.o $(BUILD)/obj/bench/synth_words.o $(BUILD)/libcasereview.a
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(call pkg_libs,$(PKGS_MAIN)) -lm

bench-search: programs $(BENCH_SYNTH) $(BENCH_SEARCH)
	@sh bench/bench_search.sh $(BUILD) $(BENCH_REPORTS) $(BENCH_PAGES) $(BENCH_CORPUS)
