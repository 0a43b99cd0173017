#!/bin/sh
# make fuzz: runs each libFuzzer harness (build/fuzz/fuzz_NAME) for SECONDS
# from its seeds (tests/fuzz/NAME/) and what earlier runs learnt
# (build/fuzz/corpus/NAME/), then prints, per harness: runs, executions per
# second, edges covered, features, corpus size, and failures. A failing input
# is kept in build/fuzz/crashes/NAME/: copy it into tests/fuzz/NAME/ and
# make test runs it for good.
# usage: run.sh BUILD SECONDS NAME...
set -u
build=$1
secs=$2
shift 2
bad=0
summary=""
for name in "$@"; do
    corpus="$build/corpus/$name"
    crashes="$build/crashes/$name"
    log="$build/logs/$name.log"
    mkdir -p "$corpus" "$crashes" "$build/logs"
    printf '  FUZZ    %-10s %ss\n' "$name" "$secs"
    # -rss_limit_mb: a harness may not grow past it; -timeout: nor take 10 s on one input
    "$build/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$crashes/" \
        "$corpus" "tests/fuzz/$name" > "$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    n=$(ls "$corpus" | wc -l)
    found=$(ls "$crashes" | wc -l)
    if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
        bad=1
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/          /'
    fi
    summary="$summary$(printf '%-10s %10s %8s %7s %7s %7s %6s' "$name" "${runs:-?}" \
        "${eps:-?}" "${cov:-?}" "${ft:-?}" "$n" "$found")
"
done
printf '\n%-10s %10s %8s %7s %7s %7s %6s\n' harness runs exec/s edges features corpus fails
printf '%s' "$summary"
[ "$bad" -eq 0 ] || echo "make fuzz: failures kept in $build/crashes/ (logs in $build/logs/)"
exit "$bad"
