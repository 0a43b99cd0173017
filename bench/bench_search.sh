#!/bin/sh
# bench_search.sh BUILD REPORTS PAGES [CORPUS]
#
# Search latency (bench/bench_search.c) on:
#   - a synthetic repository of REPORTS reports of about PAGES pages each,
#     written straight into an index by bench/synth the first time and kept
#     in BUILD/bench/synth-REPORTS-PAGES/ (building it takes minutes);
#   - the real corpus (CORPUS/pdf, ../shared/bench/make-corpus.sh), added
#     and indexed once into BUILD/bench/corpus-home/, when there is one.
# Numbers vary with the machine's load: run it on a quiet machine.
set -eu
BUILD=${1:?usage: bench_search.sh BUILD REPORTS PAGES [CORPUS]}
REPORTS=${2:?}
PAGES=${3:?}
CORPUS=${4:-}
top=$(pwd)
prog=$top/$BUILD/casereview
home=$top/$BUILD/bench/synth-$REPORTS-$PAGES
if [ ! -f "$home/.built" ]; then
    # one shard per core, built in parallel, then merged by xapian-compact
    jobs=$(nproc 2>/dev/null || echo 1)
    echo "bench-search: building the synthetic index ($REPORTS reports, $jobs shards) in '$home' (once)"
    rm -rf "$home"
    mkdir -p "$home"
    t0=$(date +%s)
    shards=""
    j=0
    while [ "$j" -lt "$jobs" ]; do
        first=$(( REPORTS * j / jobs + 1 ))
        last=$(( REPORTS * (j + 1) / jobs ))
        "$BUILD/bench/synth" "$home/shard$j" "$REPORTS" "$PAGES" "$first" "$last" \
            >"$home/synth$j.log" 2>&1 &
        shards="$shards $home/shard$j"
        j=$((j + 1))
    done
    wait
    # shellcheck disable=SC2086
    xapian-compact --multipass $shards "$home/index" >/dev/null
    rm -rf $shards
    echo "bench-search: built in $(( $(date +%s) - t0 ))s"
    touch "$home/.built"
fi
echo "== synthetic repository: $(du -sh "$home/index" | cut -f1) index"
"$BUILD/bench/bench_search" "$home" "$prog" 1000 200

if [ -n "$CORPUS" ] && [ -d "$CORPUS/pdf" ]; then
    chome=$top/$BUILD/bench/corpus-home
    if [ ! -f "$chome/.built" ]; then
        echo "bench-search: indexing the real corpus '$CORPUS' into '$chome' (once)"
        rm -rf "$chome"
        "$prog" --home "$chome" add --quiet "$CORPUS/pdf" >/dev/null
        "$prog" --home "$chome" index >/dev/null
        touch "$chome/.built"
    fi
    # a run with nothing new keeps the vocabulary compiled in the index for
    # this build of the program, as every `casereview index` does
    "$prog" --home "$chome" index >/dev/null
    echo "== real corpus: $(ls "$CORPUS/pdf" | wc -l) PDFs, $(du -sh "$chome/index" | cut -f1) index"
    "$BUILD/bench/bench_search" "$chome" "$prog" 1000 200
fi
