#!/usr/bin/env bash
# A/B of two builds of pgface.so on one running cluster, alternating, in fresh sessions:
#   [ORDER=abba] test/bench/so_ab.sh A.so B.so ROUNDS SQLFILE [psql options...]
# Each round installs A, then B (with ORDER=abba: A, B, B, A, so that neither build always
# runs first; where single runs vary by more than the change, compare the means of many
# rounds), into the server's library directory (a copy renamed into
# place, so backends that still map the old file keep it: copying over a mapped library
# crashes them), and runs SQLFILE with psql in a fresh session; the NOTICE lines it raises
# (its figures) are printed after the build's name. The build installed last stays; run
# make install afterwards to restore yours. For example, face_va's scan before and after
# a change, on scale.js's 1M table:
#   test/bench/so_ab.sh /tmp/before.so /tmp/after.so 3 test/bench/face_va_loop.sql \
#     -h "$PWD/.pgdata" -U postgres -d bench -v table=scale_1000000 -v tau=0.4058
set -euo pipefail
a=${1:?A.so} b=${2:?B.so} rounds=${3:?rounds} sql=${4:?SQL file}
shift 4
libdir=$(pg_config --pkglibdir)
order=("$a" "$b")
if [ "${ORDER:-ab}" = abba ]; then order=("$a" "$b" "$b" "$a"); fi
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for round in $(seq "$rounds"); do
	for build in "${order[@]}"; do
		cp "$build" "$libdir/pgface.so.ab" && mv "$libdir/pgface.so.ab" "$libdir/pgface.so"
		sleep 1
		line="$(basename "$build") (round $round): $(psql -X -q "$@" -f "$sql" 2>&1 |
			sed -n 's/.*NOTICE: *//p' | tr '\n' ' ')"
		echo "$line" | tee -a "$runs"
	done
done
# Each build's runs averaged: every number of its figures replaced by its mean.
awk '{
	build = $1; sub(/^[^:]*: /, "")
	runs[build]++; n = split($0, word, " ")
	for (i = 1; i <= n; i++) {
		if (word[i] ~ /^[0-9.]+,?$/) { sum[build, i] += word[i] + 0; text[build, i] = "" }
		else text[build, i] = word[i]
	}
	words[build] = n
} END {
	for (build in runs) {
		line = sprintf("%s, mean of %d runs:", build, runs[build])
		for (i = 1; i <= words[build]; i++)
			line = line " " (text[build, i] != "" ? text[build, i] : sprintf("%.3f", sum[build, i] / runs[build]))
		print line
	}
}' "$runs"
