#!/bin/bash
# Runs every sql block of the README and of doc/*.md, as written, on the cluster whose socket
# is in $1, in a database with the tables their examples use: staff and staff_photos (the
# faces of the sample photos in PHOTO_DIR) and photos. The blocks run in one database, file
# by file (README.md first, then doc/*.md in name order), each file's from top to bottom; a
# block is named by its file and the line it starts on. A block with $1 is prepared and
# executed with a sample photo as $1 (and :tau set to 0.6). The README's "Your own photos"
# block is run from a folder holding the files it names: two photos of one face (me.jpg,
# who_is_this.jpg, turned by EXIF), then a stranger (the face of sample1.jpg, 0.60 away: a
# near one). Blocks marked "not run by test/readme_sql.sh" are skipped, and counted. Prints
# TAP.
#   test/readme_sql.sh SOCKET_DIR PHOTO_DIR
set -u
host=$1
photos=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/tap.sh" # record: one TAP line a check
sql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -h "$host" -U postgres "$@"; }

# One file per block, block_FILE_LINE.sql: FILE numbers the documents in the order they run
# (listed in "documents" as number and name), LINE is the line the block starts on. Skipped
# blocks are listed in "skipped" as document and line; the "Your own photos" block goes to
# own_photos.sql.
shopt -s nullglob
documents=("$repo/README.md" "$repo"/doc/*.md)
shopt -u nullglob
awk -v dir="$work" -v repo="$repo/" '
	FNR == 1 {
		file_number++; inside = 0; previous = ""
		name = substr(FILENAME, 1, length(repo)) == repo ? substr(FILENAME, length(repo) + 1) : FILENAME
		print file_number, name > (dir "/documents")
	}
	/^```sql$/ {
		inside = 1; start = FNR; skip = (previous ~ /not run by test\/readme_sql.sh/)
		file = previous ~ /test\/readme_sql.sh runs the next block from a folder/ ? "/own_photos.sql" : "/block_" file_number "_" start ".sql"
		next
	}
	inside && /^```$/ { inside = 0; if (skip) print name, start > (dir "/skipped"); next }
	inside && !skip { print > (dir file) }
	{ previous = $0 }' "${documents[@]}"
touch "$work/skipped"
blocks=$(ls "$work"/block_*.sql 2>/dev/null | wc -l)
skipped=$(wc -l <"$work/skipped")
counts=$(while read -r number name; do # the documents that have sql blocks: how many of each
	run=$(ls "$work"/block_"$number"_*.sql 2>/dev/null | wc -l)
	not_run=$(awk -v n="$name" '$1 == n' "$work/skipped" | wc -l)
	[ $((run + not_run)) -gt 0 ] && printf '%s %s run, %s not run; ' "$name" "$run" "$not_run"
done <"$work/documents")
[ "$blocks" -gt 0 ]
record $? "README and doc/*.md: $blocks sql blocks to run, $skipped marked as not run here (${counts%; })"
[ -s "$work/own_photos.sql" ]
record $? "the README's \"Your own photos\" block found ($(wc -l <"$work/own_photos.sql" 2>/dev/null) lines)"

sql -d postgres -c "DROP DATABASE IF EXISTS readme_sql" -c "CREATE DATABASE readme_sql" >/dev/null
sql -d readme_sql >/dev/null <<SQL
CREATE EXTENSION pgface;
CREATE TABLE photos AS
SELECT name, pg_read_binary_file('$photos/' || name) AS photo
FROM unnest(ARRAY['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg']) AS name;
CREATE TABLE staff (name text PRIMARY KEY, emb face_embedding);
INSERT INTO staff SELECT p.name || '#' || f.face, f.embedding FROM photos p, faces(p.photo) f;
CREATE TABLE staff_photos (name text, emb face_embedding);
INSERT INTO staff_photos SELECT name, emb FROM staff;
INSERT INTO staff_photos SELECT 'sample2.jpg#1', embed(pg_read_binary_file('$photos/variants/' || v))
FROM unnest(ARRAY['original.jpg', 'recompressed.jpg']) AS v;
SQL

for block in $(cd "$work" && ls block_*.sql | sort -t_ -k2,2n -k3,3n); do
	id=$(basename "$block" .sql | cut -d_ -f2-) # FILE_LINE
	block="$work/$block"
	line=${id#*_}
	document=$(awk -v n="${id%%_*}" '$1 == n { print $2 }' "$work/documents")
	if grep -q '\$1' "$block"; then
		# One statement with a parameter: prepared, then run with a probe photo.
		{
			echo "SELECT pg_read_binary_file('$photos/variants/exif_rotated.jpg') AS probe \\gset"
			echo "\\set tau 0.6"
			printf 'PREPARE readme_%s(bytea) AS\n' "$id"
			sed 's/;[[:space:]]*$//' "$block"
			echo ";"
			echo "EXECUTE readme_$id(:'probe');"
		} >"$work/run_$id.sql"
	else
		cp "$block" "$work/run_$id.sql"
	fi
	sql -d readme_sql -f "$work/run_$id.sql" >"$work/out_$id" 2>&1
	rc=$?
	[ "$rc" -ne 0 ] && sed 's/^/# /' "$work/out_$id"
	# An identification (a block with $1) must name the probe's person: sample2's face.
	if [ "$rc" -eq 0 ] && grep -q '\$1' "$block"; then
		echo "# $document line $line answered: $(tr '\n' ' ' <"$work/out_$id" | cut -c1-100)"
		grep -q 'sample2.jpg#1' "$work/out_$id" || rc=1
	fi
	record $rc "$document line $line: $(head -1 "$block" | cut -c1-60) runs$(grep -q '\$1' "$block" && echo ', names the probe')"
done

run_own_photos() { # run_own_photos ME WHO_IS_THIS: the block's output, from a folder with those files
	cp "$1" "$work/me.jpg"
	cp "$2" "$work/who_is_this.jpg"
	(cd "$work" && sql -d readme_sql -A -t -f own_photos.sql)
}
same=$(run_own_photos "$photos/variants/original.jpg" "$photos/variants/exif_rotated.jpg")
echo "# the same face: $same"
[[ $same == me\|* ]]
record $? "README block: a second photo of the enrolled face is \"me\""
stranger=$(run_own_photos "$photos/variants/original.jpg" "$photos/sample1.jpg")
echo "# a stranger: $stranger"
[[ $stranger == unknown\|* ]]
record $? "README block: a stranger is \"unknown\""
sql -d postgres -c "DROP DATABASE readme_sql" >/dev/null
