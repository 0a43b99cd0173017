
# bench-meta: precision and recall of metadata and tags over the labelled
# fictional reports (tests/fixtures/labelled), through the real pipeline.
.PHONY: bench-meta
bench: bench-meta
bench-meta: programs fixtures $(BUILD)/tests/indexer/test_labelled
	@CASEREVIEW_LABELLED_REPORT=$(abspath $(BUILD))/labelled-report.txt BUILD=$(BUILD) \
		sh tests/run.sh indexer/test_labelled >/dev/null || true
	@cat $(BUILD)/labelled-report.txt 2>/dev/null || echo "bench-meta: no labelled fixtures"
