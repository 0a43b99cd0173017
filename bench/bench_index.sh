#!/bin/sh
# bench_index.sh BUILD CORPUS [N]
#
# Indexing speed on real PDFs nobody here wrote: the corpus that
# ../shared/bench/make-corpus.sh builds from Debian's documentation packages
# (CORPUS/pdf/*.pdf). Takes the first N files (default 150; 0 = all) and
# measures, for -j1 and -j2:
#   - casereview add + index: wall time, pages/s, CPU of the indexer and of
#     its workers, peak RSS of each, index size;
#   - pdftotext on the same files, one process per file, the same
#     parallelism: the floor for any Poppler-based indexer;
#   - the ratio casereview/pdftotext, and the -j1/-j2 speed-up;
#   - a second `casereview index` with nothing new (whole process, median of 20).
# Prints a table; numbers vary with the machine's load, so run it on a quiet
# machine.
set -eu
BUILD=${1:?usage: bench_index.sh BUILD CORPUS [N]}
CORPUS=${2:?usage: bench_index.sh BUILD CORPUS [N]}
N=${3:-150}
prog=$(cd "$BUILD" && pwd)/casereview
if [ ! -d "$CORPUS/pdf" ]; then
    echo "bench_index: no corpus at '$CORPUS' (build one with:" >&2
    echo "  INSTALL=1 ../shared/bench/make-corpus.sh $CORPUS )" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-index-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pdf"
if [ "$N" = 0 ]; then
    ls "$CORPUS/pdf" | sort > "$work/list"
else
    ls "$CORPUS/pdf" | sort | head -n "$N" > "$work/list"
fi
while read -r f; do ln -s "$(cd "$CORPUS/pdf" && pwd)/$f" "$work/pdf/$f"; done < "$work/list"
files=$(wc -l < "$work/list")

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
secs() { calc "$2 - $1"; }

# pdftotext floor, and the size of the extracted text
# (wall seconds; the CPU seconds, user + sys, of every pdftotext go to cpu.N)
floor() {
    t0=$(now)
    sed "s|^|$work/pdf/|" "$work/list" | tr '\n' '\0' > "$work/list0"
    /usr/bin/time -f '%U %S' -o "$work/time.$1" \
        xargs -0 -n1 -P "$1" -a "$work/list0" sh -c 'pdftotext -q "$0" - | wc -c' \
        > "$work/chars.$1" 2>/dev/null || true
    t1=$(now)
    awk '{ print $1 + $2 }' "$work/time.$1" | tail -1 > "$work/cpu.$1"
    secs "$t0" "$t1"
}

run() {
    j=$1
    home="$work/home$j"
    rm -rf "$home"
    CASEREVIEW_NO_PROGRESS=1 "$prog" --home "$home" add -q "$work/pdf" > /dev/null
    t0=$(now)
    CASEREVIEW_NO_PROGRESS=1 CASEREVIEW_DEBUG=1 "$prog" --home "$home" index -j "$j" \
        > "$work/out.$j" 2> "$work/err.$j"
    t1=$(now)
    secs "$t0" "$t1"
}

p1=$(floor 1)
p2=$(floor 2)
text=$(awk '{ s += $1 } END { print s }' "$work/chars.1")
c1=$(run 1)
c2=$(run 2)
pages=$(sed -n 's/.*(\([0-9]*\) pages).*/\1/p' "$work/out.2" | head -1)
failed=$(sed -n 's/.*; \([0-9]*\) failed.*/\1/p' "$work/out.2" | head -1)
failed=${failed:-0}
isize=$(du -sb "$work/home2/index" | cut -f1)
cpu() { sed -n "s/.*cpu: indexer \([0-9.]*\) s user \([0-9.]*\) s sys; workers \([0-9.]*\) s user \([0-9.]*\) s sys; indexer peak rss \([0-9]*\) KB, workers peak rss \([0-9]*\) KB.*/\\$2/p" "$work/err.$1"; }

# whole-process time of a run with nothing to do
noop=$(for i in $(seq 20); do
    t0=$(now); "$prog" --home "$work/home2" index > /dev/null; t1=$(now)
    calc "($t1 - $t0) * 1000"
done | sort -n | sed -n 10p)

echo
printf 'Indexing %s PDFs, %s pages (%s failed), %.1f MiB of extracted text\n' "$files" "$pages" \
    "$failed" "$(calc "$text / 1048576")"
printf '%-28s %10s %10s %12s\n' "" "-j1 / -P1" "-j2 / -P2" ""
printf '%-28s %10.1f %10.1f %12s\n' "casereview index (s)" "$c1" "$c2" ""
printf '%-28s %10.1f %10.1f %12s\n' "pdftotext, per file (s)" "$p1" "$p2" ""
printf '%-28s %10.2f %10.2f %12s\n' "ratio casereview/pdftotext" "$(calc "$c1 / $p1")" \
    "$(calc "$c2 / $p2")" "(aim <= 0.8)"
printf '%-28s %10.0f %10.0f\n' "pages/s" "$(calc "$pages / $c1")" "$(calc "$pages / $c2")"
printf '%-28s %21.2f %12s\n' "speed-up -j2 over -j1" "$(calc "$c1 / $c2")" "(aim >= 1.7)"
printf '%-28s %10s %10s\n' "indexer CPU user+sys (s)" \
    "$(calc "$(cpu 1 1) + $(cpu 1 2)")" "$(calc "$(cpu 2 1) + $(cpu 2 2)")"
printf '%-28s %10s %10s\n' "workers CPU user+sys (s)" \
    "$(calc "$(cpu 1 3) + $(cpu 1 4)")" "$(calc "$(cpu 2 3) + $(cpu 2 4)")"
printf '%-28s %10s %10s\n' "pdftotext CPU user+sys (s)" "$(cat "$work/cpu.1")" "$(cat "$work/cpu.2")"
printf '%-28s %10.2f %10.2f %12s\n' "CPU ratio casereview/pdftotext" \
    "$(calc "($(cpu 1 1) + $(cpu 1 2) + $(cpu 1 3) + $(cpu 1 4)) / $(cat "$work/cpu.1")")" \
    "$(calc "($(cpu 2 1) + $(cpu 2 2) + $(cpu 2 3) + $(cpu 2 4)) / $(cat "$work/cpu.2")")" \
    "(all processes)"
printf '%-28s %10s %10s %12s\n' "peak RSS indexer (MB)" "$(( $(cpu 1 5) / 1024 ))" \
    "$(( $(cpu 2 5) / 1024 ))" "(aim < 150)"
printf '%-28s %10s %10s\n' "peak RSS one worker (MB)" "$(( $(cpu 1 6) / 1024 ))" \
    "$(( $(cpu 2 6) / 1024 ))"
printf '%-28s %21.1f\n' "index size (MiB)" "$(calc "$isize / 1048576")"
printf '%-28s %21.2f %12s\n' "index size / text" "$(calc "$isize / $text")" "(aim <= 1.5)"
for t in position postlist termlist docdata; do
    f="$work/home2/index/$t.glass"
    [ -f "$f" ] && printf '%-28s %21.2f\n' "  $t table / text" "$(calc "$(stat -c %s "$f") / $text")"
done
printf '%-28s %21.1f %12s\n' "index, nothing new (ms)" "$noop" "(aim < 50)"
