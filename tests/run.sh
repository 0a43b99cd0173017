#!/bin/sh
# Runs the test programs under $BUILD/tests (all, or those whose path
# contains $1), each with a fresh temporary directory, and prints a summary.
# $TEST_WRAP, if set, runs before each program (make valgrind: memcheck).
# Exit status: 0 when every program passed.
set -u
BUILD=${BUILD:-build}
filter=${1:-}
top=$(pwd)
export CASEREVIEW_BIN="$top/$BUILD/casereview"
export CASEREVIEW_EXTRACT="$top/$BUILD/casereview-extract"
export CASEREVIEW_FIXTURES="$top/$BUILD/fixtures"
export CASEREVIEW_MKPDF="$top/$BUILD/tools/mkpdf"
export CASEREVIEW_HOSTILE="${CASEREVIEW_HOSTILE:-$top/$BUILD/hostile}"
export CASEREVIEW_SAMPLE="$top/$BUILD/sample"
export CASEREVIEW_SRC="$top"
export CASEREVIEW_NO_PROGRESS=1
unset CASEREVIEW_HOME CASEREVIEW_FAULT CASEREVIEW_WORKER_FAULT
# no test may reach the network: proxies off, loopback only
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy='*'

pass=0
fail=0
failed=""
start=$(date +%s)
for t in $(find "$BUILD/tests" -type f -name 'test_*' -perm -u+x | sort); do
    case "$t" in *"$filter"*) ;; *) continue ;; esac
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/casereview-run-XXXXXX")
    t0=$(date +%s)
    # shellcheck disable=SC2086
    if TMPDIR="$tmp" HOME="$tmp" timeout "${TEST_TIMEOUT:-600}" ${TEST_WRAP:-} "$t" > "$tmp.log" 2>&1; then
        pass=$((pass + 1))
        printf '  ok    %-40s %3ss\n' "${t#$BUILD/tests/}" $(( $(date +%s) - t0 ))
    else
        fail=$((fail + 1))
        failed="$failed ${t#$BUILD/tests/}"
        printf '  FAIL  %-40s %3ss\n' "${t#$BUILD/tests/}" $(( $(date +%s) - t0 ))
        sed 's/^/        /' "$tmp.log"
    fi
    rm -rf "$tmp" "$tmp.log"
done
echo "tests: $pass passed, $fail failed in $(( $(date +%s) - start ))s"
[ -n "$failed" ] && echo "failed:$failed"
[ "$fail" -eq 0 ]
