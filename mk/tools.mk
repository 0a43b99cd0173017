# tools/: the fixture builder (generates the sample and the test PDFs)
MKPDF = $(BUILD)/tools/mkpdf
TOOL_PROGRAMS = $(MKPDF)

$(MKPDF): tools/mkpdf.c
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $<"; fi
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(CWARN) $(call pkg_cflags,$(PKGS_FIXTURE)) -o $@ $< $(call pkg_libs,$(PKGS_FIXTURE))
