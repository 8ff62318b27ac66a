#!/usr/bin/env bash
# A fresh session's first face_va (or GiST) query against the same query later in a session,
# on a table that scale.js kept (--keep), its probes one by one:
#   test/bench/fresh_session.sh TABLE TAU [psql options...]
# For each enrolled and stranger probe of TABLE_probes, a new psql session runs the 1%-stranger
# threshold query (then, in another new session, top-1) under EXPLAIN ANALYZE, and reads the
# backend's minor page faults from /proc/self/stat around it (needs a superuser: pg_read_file).
# Then each session runs the threshold query for two probes in turn. Prints the means.
# For example, on scale.js's 1M table:
#   test/bench/fresh_session.sh scale_1000000 0.4085 -h "$PWD/.pgdata" -U postgres -d bench
set -euo pipefail
table=${1:?table} tau=${2:?tau}
shift 2
psql_args=("$@")
probes=$(mktemp)
trap 'rm -f "$probes"' EXIT
psql -X -At "${psql_args[@]}" -c "SELECT emb::text FROM ${table}_probes
	WHERE kind IN ('enrolled', 'stranger') ORDER BY kind, i" >"$probes"

# The query of a kind (threshold or top-1) for a probe's literal.
query() {
	if [ "$1" = threshold ]; then
		echo "SELECT count(*) FROM $table WHERE emb <-> '$2'::face_embedding < $tau"
	else
		echo "SELECT id FROM $table ORDER BY emb <-> '$2'::face_embedding LIMIT 1"
	fi
}

for kind in threshold top-1; do
	while read -r probe; do
		psql -X -At "${psql_args[@]}" <<SQL
SET jit = off;
SELECT split_part(pg_read_file('/proc/self/stat'), ' ', 10) AS faults \gset
EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $(query "$kind" "$probe");
SELECT 'faults ' || (split_part(pg_read_file('/proc/self/stat'), ' ', 10)::bigint - :faults);
SQL
	done <"$probes" | awk -v kind="$kind" '
		/Planning Time/ { planning += $3; n++ }
		/Execution Time/ { execution += $3 }
		/^faults/ { faults += $2 }
		END { printf "%s, fresh sessions (%d): planning %.2f ms, execution %.2f ms, minor faults %.0f\n",
			kind, n, planning / n, execution / n, faults / n }'
done

mapfile -t literals <"$probes"
for ((i = 0; i + 1 < ${#literals[@]}; i++)); do
	psql -X -At "${psql_args[@]}" <<SQL
SET jit = off;
EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $(query threshold "${literals[$i]}");
EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) $(query threshold "${literals[$((i + 1))]}");
SQL
done | awk '/Execution Time/ { n++; if (n % 2) first += $3; else second += $3 }
	END { printf "threshold, two probes a session (%d): execution %.2f ms first, %.2f ms second\n",
		n / 2, first / (n / 2), second / (n / 2) }'
