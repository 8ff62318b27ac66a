#!/bin/bash
# Runs the README's "Your own photos" block, exactly as written, on the cluster whose socket
# is in $1, from a folder holding three of the test photos under the README's names: the
# same face twice (me.jpg, who_is_this.jpg, turned by EXIF), then a stranger (the face of
# sample1.jpg, 0.60 away: a near one). Prints TAP.
#   test/readme_own_photos.sh SOCKET_DIR PHOTO_DIR
set -u
host=$1
photos=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/tap.sh" # record: one TAP line a check

# The first sql block after the marker line.
awk '/test\/readme_own_photos.sh runs the next block/ { marked = 1; next }
	marked && /^```sql$/ { inside = 1; next }
	inside && /^```$/ { exit }
	inside { print }' "$repo/README.md" >"$work/block.sql"
[ -s "$work/block.sql" ]
record $? "the README's \"Your own photos\" block found ($(wc -l <"$work/block.sql") lines)"

psql -X -q -h "$host" -U postgres -d postgres -c "SET client_min_messages = warning" \
	-c "DROP DATABASE IF EXISTS own_photos" -c "CREATE DATABASE own_photos" >/dev/null
psql -X -q -h "$host" -U postgres -d own_photos -c "CREATE EXTENSION pgface" >/dev/null
run_block() { # run_block ME WHO_IS_THIS: the block's output, unaligned
	cp "$1" "$work/me.jpg"
	cp "$2" "$work/who_is_this.jpg"
	(cd "$work" && PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 \
		-h "$host" -U postgres -d own_photos -f block.sql)
}
same=$(run_block "$photos/variants/original.jpg" "$photos/variants/exif_rotated.jpg")
echo "# the same face: $same"
[[ $same == me\|* ]]
record $? "README block: a second photo of the enrolled face is \"me\""
stranger=$(run_block "$photos/variants/original.jpg" "$photos/sample1.jpg")
echo "# a stranger: $stranger"
[[ $stranger == unknown\|* ]]
record $? "README block: a stranger is \"unknown\""
psql -X -q -h "$host" -U postgres -d postgres -c "DROP DATABASE own_photos" >/dev/null
