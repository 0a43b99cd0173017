# tools/: the fixture builders (generate the sample and the test PDFs)
MKPDF = $(BUILD)/tools/mkpdf
MKHOSTILE = $(BUILD)/tools/mkhostile
TOOL_PROGRAMS = $(MKPDF) $(MKHOSTILE)

# Never sanitized: cairo and fontconfig keep memory to the end, which
# LeakSanitizer would report as leaks of the fixture builder in make asan.
$(MKPDF): tools/mkpdf.c
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $<"; fi
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -g -O2 $(CWARN) $(call pkg_cflags,$(PKGS_FIXTURE)) -o $@ $< $(call pkg_libs,$(PKGS_FIXTURE))

# The hostile and damaged PDFs of tests/reliability, written by code (zlib for the bombs).
$(MKHOSTILE): tools/mkhostile.c
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $<"; fi
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(CWARN) $(call pkg_cflags,$(PKGS_HOSTILE)) -o $@ $< $(call pkg_libs,$(PKGS_HOSTILE))
