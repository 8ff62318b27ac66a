#!/usr/bin/env bash
# The server's tests (build, exports, pg_regress, dump/restore, the standby, the README's
# SQL) against other PostgreSQL major versions, each made by scripts/pg-version.sh (18 is
# built from Debian's source package, 5 to 25 minutes the first time, then cached), in a
# copy of the tree, since PGXS builds its objects in place and they differ by version.
# Ends with "N passed, N failed" over all the versions.
# 17 cannot run here (trixie's binaries need its libc): its server headers are fetched and
# every file of src/pg is compiled against them.
#   test/versions.sh [VERSION...]        (make test-versions; default: 17 18)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/test/tap.sh"
versions=(17 18)
[ $# -gt 0 ] && versions=("$@")
mkdir -p "$repo/build" # the logs of the compile check and of pg_upgrade

for version in "${versions[@]}"; do
	echo "# PostgreSQL $version"
	# 17: no server to run here, so its headers: every file of src/pg compiled against them.
	if [ "$version" = 17 ]; then
		if headers=$("$repo/scripts/pg-version.sh" 17 --headers); then
			bash "$repo/test/compile_check.sh" "$headers" "PostgreSQL 17 (headers only)" >"$repo/build/compile-17.log" 2>&1
			grep -v 'passed, ' "$repo/build/compile-17.log"
			tally "$repo/build/compile-17.log"
		else
			record 1 "PostgreSQL 17: scripts/pg-version.sh could not fetch its headers"
		fi
		continue
	fi
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
	if ! tally_summary "$tree.log"; then
		record 1 "PostgreSQL $version: the suite ended without a summary (log: $tree.log)"
		continue
	fi
	echo "# PostgreSQL $version: $last_summary"
	if [[ "$last_summary" == *" 0 failed" ]]; then
		rm -rf "$tree" "$tree.log"
	else
		echo "# the tree and its log are kept: $tree, $tree.log"
	fi

	# A 15 cluster with pgface data moved to this version: pgface installed in both.
	echo "# pg_upgrade from PostgreSQL 15 to $version"
	(cd "$repo" && make -s install PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config) >"$repo/build/install-15.log" 2>&1 &&
		bash "$repo/test/pg_upgrade.sh" /usr/lib/postgresql/15/bin/pg_config "$pg_config" >"$repo/build/upgrade-$version.log" 2>&1
	cat "$repo/build/upgrade-$version.log"
	tally "$repo/build/upgrade-$version.log"
	grep -q '^ok ' "$repo/build/upgrade-$version.log" || record 1 "pg_upgrade from 15 to $version produced no result"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
