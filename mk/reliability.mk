# Reliability and security (issue #7): hostile PDFs, kills at random moments,
# full disks and read-only repositories, fuzzing, memcheck.
RELIABILITY_TESTS = \
	tests/reliability/test_crash.c \
	tests/reliability/test_faults.c \
	tests/reliability/test_hostile.c \
	tests/reliability/test_hostile_web.c \
	tests/reliability/test_serve.c

# The hostile PDFs, written by tools/mkhostile (never committed): the test
# sizes here, the stress sizes (bigger bombs, more pages) in hostile-big/.
HOSTILE_DIR = $(BUILD)/hostile
HOSTILE_BIG_DIR = $(BUILD)/hostile-big
$(HOSTILE_DIR)/.made: $(MKHOSTILE)
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  GEN     $(dir $@)"; fi
	$(Q)$(MKHOSTILE) $(dir $@) && touch $@
$(HOSTILE_BIG_DIR)/.made: $(MKHOSTILE)
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  GEN     $(dir $@)"; fi
	$(Q)$(MKHOSTILE) $(dir $@) --big && touch $@
hostile: $(HOSTILE_DIR)/.made
check: hostile

# make stress: the long versions of the reliability tests (more kills, the
# big hostile files, the default worker limits).
STRESS_TIMEOUT ?= 7200
stress:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory programs fixtures sample hostile $(HOSTILE_BIG_DIR)/.made $(TEST_BINS)
	@BUILD=$(BUILD) CASEREVIEW_STRESS=1 CASEREVIEW_HOSTILE=$(CURDIR)/$(HOSTILE_BIG_DIR) \
		TEST_TIMEOUT=$(STRESS_TIMEOUT) sh tests/run.sh reliability/

# Fuzzing: the libFuzzer harnesses of tests/fuzz/ (see tests/fuzz/fuzz.h).
# make test builds each with tests/fuzz/driver.c and runs its seeds and past
# failures once (test_fuzz_NAME); make fuzz builds them with clang's
# libFuzzer under ASan and UBSan into build/fuzz/ and runs each for
# FUZZ_SECONDS (tests/fuzz/run.sh prints runs, exec/s and coverage).
FUZZ_NAMES = query links hints dates taxonomy robots web url
FUZZ_SECONDS ?= 60
FUZZ_BUILD = build/fuzz
FUZZ_TEST_BINS = $(patsubst %,$(BUILD)/tests/fuzz/test_fuzz_%,$(FUZZ_NAMES))
FUZZ_UTIL_OBJ = $(BUILD)/obj/tests/fuzz/fuzz_util.o

$(BUILD)/tests/fuzz/test_fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/driver.o \
		$(FUZZ_UTIL_OBJ) $(BUILD)/libcasereview.a
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(LIBCORE) $(call pkg_libs,$(PKGS_MAIN)) -lm
check: $(FUZZ_TEST_BINS)

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_UTIL_OBJ) $(BUILD)/libcasereview.a
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(LIBCORE) \
		$(call pkg_libs,$(PKGS_MAIN)) -lm
fuzz-programs: $(patsubst %,$(BUILD)/fuzz_%,$(FUZZ_NAMES))

fuzz:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) SAN=fuzz CC=clang CXX=clang++ fuzz-programs
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

# make valgrind: the C unit tests under memcheck; any error or leak
# (definite or indirect) fails. The end-to-end tests (cli/, reliability/,
# the crawler against its loopback site, the web server) run programs whose
# timing memcheck would upset, and are covered by make asan instead.
VALGRIND_TESTS = lib/ crawler/test_crawl_url crawler/test_links crawler/test_robots indexer/ \
	search/ fuzz/ web/test_web_html
VALGRIND = valgrind --quiet --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--num-callers=30
valgrind:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory programs fixtures sample $(TEST_BINS) $(FUZZ_TEST_BINS)
	@bad=0; for t in $(VALGRIND_TESTS); do \
		BUILD=$(BUILD) TEST_WRAP="$(VALGRIND)" TEST_TIMEOUT=1800 sh tests/run.sh $$t || bad=1; \
	done; exit $$bad
