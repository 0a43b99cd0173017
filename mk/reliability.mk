# Reliability and security (issue #7): hostile PDFs, kills at random moments,
# full disks and read-only repositories, fuzzing, memcheck.
RELIABILITY_TESTS = \
	tests/reliability/test_crash.c \
	tests/reliability/test_faults.c \
	tests/reliability/test_hostile.c

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
