#!/bin/sh
# make run: the main job on the bundled sample. Adds the sample reports to a
# repository under build/, indexes them, and runs two example searches.
# Running it again is cheap: the reports are already present and the index is
# up to date.
set -e
prog=$1
sample=$2
home=$3
cr() {
    echo "\$ casereview $*"
    "$prog" --home "$home" "$@"
    echo
}
echo "casereview: the bundled sample (fictional reports) in '$home'"
echo
cr add --quiet "$sample"
cr index
cr search --limit 3 '"professional curiosity"'
cr search --limit 3 'neglect AND (bruising OR "head injury")'
echo "Try your own: $prog --home $home search WORDS"
