#!/usr/bin/env bash
# The server's tests (build, exports, pg_regress, dump/restore, the standby, the README's
# SQL) against other PostgreSQL major versions, each made by scripts/pg-version.sh (18 is
# built from Debian's source package, about 25 minutes the first time, then cached), in a
# copy of the tree, since PGXS builds its objects in place and they differ by version.
# Ends with "N passed, N failed" over all the versions.
#   test/versions.sh [VERSION...]        (make test-versions; default: 18)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/test/tap.sh"
versions=(18)
[ $# -gt 0 ] && versions=("$@")

for version in "${versions[@]}"; do
	echo "# PostgreSQL $version"
	if ! pg_config=$("$repo/scripts/pg-version.sh" "$version"); then
		record 1 "PostgreSQL $version: scripts/pg-version.sh could not provide it"
		continue
	fi
	tree=$(mktemp -d /tmp/pgface-pg"$version".XXXXXX)
	chmod 755 "$tree"
	# The tracked and the new files, as they are now, and the fetched models (not again).
	(cd "$repo" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$tree"
	mkdir -p "$tree/build" && cp -r "$repo/build/models" "$tree/build/" 2>/dev/null
	(cd "$tree" && PGFACE_TEST_SERVER_ONLY=1 make -s test PG_CONFIG="$pg_config") >"$tree.log" 2>&1
	sed 's/^/    /' "$tree.log" | grep -vE '^    (ok|# )' | tail -40
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tree.log" | tail -1)
	if [ -z "$summary" ]; then
		record 1 "PostgreSQL $version: the suite ended without a summary (log: $tree.log)"
		continue
	fi
	version_passed=${summary%% passed*}
	version_failed=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$summary")
	echo "# PostgreSQL $version: $summary"
	passed=$((passed + version_passed))
	failed=$((failed + version_failed))
	[ "$version_failed" -eq 0 ] && rm -rf "$tree" "$tree.log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
