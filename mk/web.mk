# web/: the local web page of `casereview serve` (libmicrohttpd); see web/web.h
WEB_SRCS = \
	web/web_assets.c \
	web/web_compare.c \
	web/web_file.c \
	web/web_html.c \
	web/web_pack.c \
	web/web_params.c \
	web/web_report.c \
	web/web_saved.c \
	web/web_search.c \
	web/web_server.c
WEB_TESTS = \
	tests/web/test_browser.c \
	tests/web/test_web_html.c \
	tests/web/test_web_http.c

# The stylesheet and the icon are kept as files and compiled in as bytes, so the server
# needs no file beside the binary and serves nothing from outside it.
$(BUILD)/gen/web/style_css.inc: web/style.css mk/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh mk/embed.sh web/style.css > $@
$(BUILD)/gen/web/icon_svg.inc: web/icon.svg mk/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh mk/embed.sh web/icon.svg > $@
$(BUILD)/obj/web/web_assets.o: $(BUILD)/gen/web/style_css.inc $(BUILD)/gen/web/icon_svg.inc
$(BUILD)/obj/web/web_assets.o: EXTRA_CFLAGS = -I$(BUILD)/gen
