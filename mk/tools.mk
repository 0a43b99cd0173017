# tools/: the fixture builder (generates the sample and the test PDFs)
MKPDF = $(BUILD)/tools/mkpdf
TOOL_PROGRAMS = $(MKPDF)

# Never sanitized: cairo and fontconfig keep memory to the end, which
# LeakSanitizer would report as leaks of the fixture builder in make asan.
$(MKPDF): tools/mkpdf.c
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $<"; fi
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -g -O2 $(CWARN) $(call pkg_cflags,$(PKGS_FIXTURE)) -o $@ $< $(call pkg_libs,$(PKGS_FIXTURE))
