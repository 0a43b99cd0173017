# casereview: a local, searchable repository of published child safeguarding
# case reviews. See README.md for the two commands a user needs (make run,
# make test) and ../shared/DESIGN.md for the architecture.
#
# Flavours build into their own directories: build/ (default), build/asan/.
# External flags come only from pkg-config. Each folder lists its sources in
# mk/<folder>.mk, so adding a file is a deliberate act.

BUILD ?= build
CC ?= gcc
CXX ?= g++
V ?= 0
T ?=
SAN ?= 0

# Packages the programs link against. Evaluated lazily ('='), so that
# `make deps` can install them before anything asks pkg-config.
PKGS_MAIN = xapian-core libcurl sqlite3 libmicrohttpd jansson nettle libxml-2.0 libzip
PKGS_EXTRACT = poppler-glib
PKGS_FIXTURE = cairo
PKGS_HOSTILE = zlib
PKGS_TEST = cmocka

pkg_cflags = $(shell pkg-config --cflags $(1) | sed 's/-I/-isystem /g')
pkg_libs = $(shell pkg-config --libs $(1))

WARN = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wwrite-strings
CWARN = $(WARN) -Wstrict-prototypes -Wmissing-prototypes
OPT = -g -O2
ifeq ($(SAN),1)
OPT = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ifeq ($(SAN),fuzz)
OPT = -g -O1 -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
endif
CPPFLAGS = -I. -D_GNU_SOURCE -MMD -MP
CFLAGS_ALL = -std=c11 $(OPT) $(CWARN) $(CPPFLAGS)
CXXFLAGS_ALL = -std=c++17 $(OPT) $(WARN) $(CPPFLAGS)
LDFLAGS_ALL = $(OPT)

ifeq ($(V),1)
Q =
else
Q = @
endif

include mk/lib.mk
include mk/crawler.mk
include mk/indexer.mk
include mk/search.mk
include mk/web.mk
include mk/cli.mk
include mk/tools.mk
include mk/reliability.mk
include mk/tests.mk
include mk/bench.mk

OBJ = $(BUILD)/obj
core_objs = $(patsubst %.c,$(OBJ)/%.o,$(filter %.c,$(1))) \
	$(patsubst %.cc,$(OBJ)/%.o,$(filter %.cc,$(1)))

CORE_SRCS = $(LIB_SRCS) $(CRAWLER_SRCS) $(INDEXER_SRCS) $(SEARCH_SRCS) $(WEB_SRCS)
CORE_OBJS = $(call core_objs,$(CORE_SRCS))
CLI_OBJS = $(call core_objs,$(CLI_SRCS))
EXTRACT_OBJS = $(call core_objs,$(EXTRACT_SRCS))
LIBCORE = $(BUILD)/libcasereview.a

PROGRAM = $(BUILD)/casereview
NET_PROGRAM = $(BUILD)/casereview-net
WORKER = $(BUILD)/casereview-extract
# casereview leaves the network commands to casereview-net (cli/cli_net.c), so
# that it loads no network library: a search starts in a few milliseconds.
CLI_NET_SRCS = cli/cmd_crawl.c cli/cmd_sources.c cli/cmd_serve.c
CLI_LIGHT_OBJS = $(call core_objs,$(filter-out $(CLI_NET_SRCS) cli/main.c,$(CLI_SRCS))) \
	$(OBJ)/cli/main-light.o

.PHONY: all deps run test check asan valgrind fuzz bench clean programs sample fixtures stress \
	hostile fuzz-programs
.DEFAULT_GOAL := all
# Keep the objects of pattern-rule chains (the test programs' .o files)
# without .SECONDARY's side effect: with it, a missing object never made its
# library out of date, so a newly listed source could be left out.
.PRECIOUS: $(BUILD)/obj/%.o

all:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory programs

programs: $(PROGRAM) $(NET_PROGRAM) $(WORKER) $(TOOL_PROGRAMS)

deps:
	@sh mk/deps.sh

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $<"; fi
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkg_cflags,$(PKGS_MAIN)) $(EXTRA_CFLAGS) -c -o $@ $<

$(OBJ)/%.o: %.cc
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CXX     $<"; fi
	$(Q)$(CXX) $(CXXFLAGS_ALL) $(call pkg_cflags,$(PKGS_MAIN)) -c -o $@ $<

$(LIBCORE): $(CORE_OBJS)
	@if [ "$(V)" != 1 ]; then echo "  AR      $@"; fi
	$(Q)rm -f $@ && ar rcs $@ $^

$(OBJ)/cli/main-light.o: cli/main.c
	@mkdir -p $(dir $@)
	@if [ "$(V)" != 1 ]; then echo "  CC      $< (light)"; fi
	$(Q)$(CC) $(CFLAGS_ALL) -DCLI_LIGHT $(call pkg_cflags,$(PKGS_MAIN)) -c -o $@ $<

$(PROGRAM): $(CLI_LIGHT_OBJS) $(LIBCORE)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -Wl,--as-needed -o $@ $(CLI_LIGHT_OBJS) $(LIBCORE) \
		$(call pkg_libs,$(PKGS_MAIN)) -lm

$(NET_PROGRAM): $(CLI_OBJS) $(LIBCORE)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CXX) $(LDFLAGS_ALL) -o $@ $(CLI_OBJS) $(LIBCORE) $(call pkg_libs,$(PKGS_MAIN)) -lm

$(WORKER): $(EXTRACT_OBJS) $(LIBCORE)
	@if [ "$(V)" != 1 ]; then echo "  LINK    $@"; fi
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(EXTRACT_OBJS) $(LIBCORE) $(call pkg_libs,$(PKGS_EXTRACT) nettle)

# The bundled sample: fictional reports, generated as real PDFs from text in
# data/sample/ by the same fixture builder the tests use.
SAMPLE_TXT = $(sort $(wildcard data/sample/*.txt))
SAMPLE_PDF = $(patsubst data/sample/%.txt,$(BUILD)/sample/%.pdf,$(SAMPLE_TXT))
$(BUILD)/sample/%.pdf: data/sample/%.txt $(MKPDF)
	@mkdir -p $(dir $@)
	$(Q)$(MKPDF) $< $@
sample: $(SAMPLE_PDF)
	@for f in $(BUILD)/sample/*.pdf; do \
		[ -f "data/sample/$$(basename "$$f" .pdf).txt" ] || rm -f "$$f"; done

RUN_HOME ?= $(BUILD)/run-home
run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory programs sample
	@sh mk/run.sh $(PROGRAM) $(BUILD)/sample $(RUN_HOME)

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory check

# new_delete_type_mismatch=0: Xapian 1.4.22's Database::check() frees one of
# its own objects with the wrong size (inside libxapian, which we cannot fix).
# tests/lsan.supp: leaks inside libraries, each with the case that shows it.
# CASEREVIEW_SANITIZED tells the tests that measure memory that ASan's
# shadow and quarantine are in the figures.
ASAN_OPTIONS_SUITE = new_delete_type_mismatch=0
asan:
	@$(MAKE) --no-print-directory deps
	@ASAN_OPTIONS=$(ASAN_OPTIONS_SUITE) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		CASEREVIEW_SANITIZED=1 $(MAKE) --no-print-directory BUILD=build/asan SAN=1 check

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
