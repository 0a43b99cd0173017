#!/bin/sh
# make run: the main job on the bundled sample. Adds the sample reports to a
# repository under build/, indexes them, runs two example searches, and ends
# by serving the web page over them (port $RUN_PORT, default 8080) until
# Ctrl-C.
# Running it again is cheap: the reports are already present and the index is
# up to date.
set -e
prog=$1
sample=$2
home=$3
cr() {
    echo "\$ casereview $*"
    # exit status 1 is "nothing found": an answer, not a failure of the run
    "$prog" --home "$home" "$@" || [ $? -eq 1 ]
    echo
}
echo "casereview: the bundled sample (fictional reports) in '$home'"
echo
cr add --quiet "$sample"
cr index
cr search --limit 3 '"professional curiosity"'
cr search --limit 3 'neglect AND (bruising OR "head injury")'
echo "Try your own: $prog --home $home search WORDS"
echo
echo "The same in a browser: open the address below (Ctrl-C stops the server)."
exec "$prog" --home "$home" serve --port "${RUN_PORT:-8080}"
