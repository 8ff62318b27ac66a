#!/usr/bin/env bash
# A/B of two builds of pgface.so on one running cluster, alternating, in fresh sessions:
#   [ORDER=abba] test/bench/so_ab.sh A.so B.so ROUNDS SQLFILE [psql options...]
# Each round installs A, then B (with ORDER=abba: A, B, B, A, so that neither build always
# runs first; where single runs vary by more than the change, compare the means of many
# rounds), into the server's library directory (a copy renamed into
# place, so backends that still map the old file keep it: copying over a mapped library
# crashes them), and runs SQLFILE with psql in a fresh session; the NOTICE lines it raises
# (its figures) are printed after the build's label (A or B) and name, and at the end each
# build's means. The build installed last stays; run
# make install afterwards to restore yours. For example, face_va's scan before and after
# a change, on scale.js's 1M table:
#   test/bench/so_ab.sh /tmp/before.so /tmp/after.so 3 test/bench/face_va_loop.sql \
#     -h "$PWD/.pgdata" -U postgres -d bench -v table=scale_1000000 -v tau=0.4058
set -euo pipefail
a=${1:?A.so} b=${2:?B.so} rounds=${3:?rounds} sql=${4:?SQL file}
shift 4
libdir=$(pg_config --pkglibdir)
case ${ORDER:-ab} in
ab) order=(A B) ;;
abba) order=(A B B A) ;;
*)
	echo "so_ab.sh: ORDER is ab or abba, not '$ORDER'" >&2
	exit 2
	;;
esac
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for round in $(seq "$rounds"); do
	for label in "${order[@]}"; do
		if [ "$label" = A ]; then build=$a; else build=$b; fi
		cp "$build" "$libdir/pgface.so.ab" && mv "$libdir/pgface.so.ab" "$libdir/pgface.so"
		sleep 1
		# A failed run stops the comparison, with psql's own words.
		out=$(psql -X -q "$@" -f "$sql" 2>&1) || {
			printf '%s\n' "$out" >&2
			exit 1
		}
		figures=$(printf '%s\n' "$out" | sed -n 's/.*NOTICE: *//p' | tr '\n' ' ')
		echo "$label $(basename "$build") (round $round): $figures" | tee -a "$runs"
	done
done
# Each build's runs averaged, A first: every number of its figures replaced by its mean
# over the runs that have a number there (a run without figures counts for none).
awk '{
	label = $1; name[label] = $2; sub(/^[^:]*: */, "")
	n = split($0, word, " ")
	for (i = 1; i <= n; i++) {
		token = word[i]; comma = sub(/,$/, "", token)
		if (token ~ /^[0-9]+(\.[0-9]+)?$/) { sum[label, i] += token; count[label, i]++ }
		else text[label, i] = word[i]
		trail[label, i] = comma ? "," : ""
	}
	if (n > words[label]) words[label] = n
} END {
	for (l = 0; l < 2; l++) {
		label = l == 0 ? "A" : "B"
		if (!(label in name)) continue
		line = sprintf("%s %s, means:", label, name[label])
		for (i = 1; i <= words[label]; i++)
			line = line " " (count[label, i] ? sprintf("%.3f%s (%d runs)", sum[label, i] / count[label, i], trail[label, i], count[label, i]) : text[label, i])
		print line
	}
}' "$runs"
