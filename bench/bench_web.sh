#!/bin/sh
# bench_web.sh BUILD CORPUS [N] [SECONDS] [CLIENTS]
#
# The web page under load: `casereview serve` over a repository of the first
# N real PDFs of CORPUS (../shared/bench/make-corpus.sh; default 150 files),
# and wrk, on loopback, with CLIENTS connections (default 50) for SECONDS
# (default 20) asking the search page for a mix of queries: one word, two
# words, a phrase, AND / OR / NOT, a field, a wildcard, a misspelling (which
# asks for "did you mean"), a filter, a date range, the second page of
# results, and every report at once. Every search counts its facets, as the
# page always does. Prints requests per second, latency percentiles and
# errors (socket errors, and answers other than 200).
#
# The repository is kept in BUILD/bench/web-home, so that a second run does
# not index again. Numbers vary with the machine's load: run it on a quiet
# machine.
set -eu
BUILD=${1:?usage: bench_web.sh BUILD CORPUS [N] [SECONDS] [CLIENTS]}
CORPUS=${2:?usage: bench_web.sh BUILD CORPUS [N] [SECONDS] [CLIENTS]}
N=${3:-150}
SECS=${4:-20}
CLIENTS=${5:-50}
prog=$(cd "$BUILD" && pwd)/casereview
home=$(cd "$BUILD" && pwd)/bench/web-home
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v wrk > /dev/null 2>&1; then
    echo "bench_web: wrk is missing (make deps installs it)" >&2
    exit 1
fi
if [ ! -d "$CORPUS/pdf" ]; then
    echo "bench_web: no corpus at '$CORPUS' (build one with:" >&2
    echo "  INSTALL=1 ../shared/bench/make-corpus.sh $CORPUS )" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-web-XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill -INT "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# the repository: the first N files, added and indexed once
mkdir -p "$work/pdf"
ls "$CORPUS/pdf" | sort | head -n "$N" > "$work/list"
while read -r f; do ln -s "$(cd "$CORPUS/pdf" && pwd)/$f" "$work/pdf/$f"; done < "$work/list"
export CASEREVIEW_NO_PROGRESS=1
"$prog" --home "$home" add -q "$work/pdf" > /dev/null
"$prog" --home "$home" index > "$work/index.out" 2>&1 || {
    cat "$work/index.out" >&2
    exit 1
}
reports=$(sqlite3 "$home/catalog.sqlite" "SELECT count(*) FROM reports WHERE state = 'indexed'")
pages=$(sqlite3 "$home/catalog.sqlite" "SELECT coalesce(sum(pages), 0) FROM reports WHERE state = 'indexed'")

# the server, on a free loopback port
"$prog" --home "$home" serve --port 0 > "$work/serve.out" 2>&1 &
pid=$!
for _ in $(seq 50); do
    grep -q 'http://' "$work/serve.out" 2> /dev/null && break
    sleep 0.1
done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -n 1)
if [ -z "$url" ]; then
    cat "$work/serve.out" >&2
    exit 1
fi

# one pass over every query first: each must answer 200
fails=0
for p in $(sed -n 's/^ *"\(\/search[^"]*\)",*$/\1/p' "$here/web_mix.lua"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' "${url%/}$p")
    if [ "$code" != 200 ]; then
        echo "bench_web: $p answered $code" >&2
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] || exit 1

wrk -t2 -c"$CLIENTS" -d"${SECS}s" --timeout 10s --latency -s "$here/web_mix.lua" "${url%/}" \
    > "$work/wrk.out" 2>&1
kill -INT "$pid"
wait "$pid" || true
pid=

rps=$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.out")
total=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.out")
p90=$(awk '$1 == "90%" { print $2 }' "$work/wrk.out")
p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.out")
sock=$(awk '/Socket errors/ { sub(/.*Socket errors: /, ""); print }' "$work/wrk.out")
non2xx=$(awk '/Non-2xx/ { print $NF }' "$work/wrk.out")
echo "bench-web: $CLIENTS clients for ${SECS} s on loopback (wrk, 2 threads), $reports reports"
echo "           ($pages pages) from $CORPUS, mixed queries with facets"
printf '  %-22s %s\n' "requests" "$total" "requests per second" "$rps" \
    "latency p50" "$p50" "latency p90" "$p90" "latency p99" "$p99" \
    "socket errors" "${sock:-none}" "answers other than 200" "${non2xx:-0}"
