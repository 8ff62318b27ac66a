#!/usr/bin/env bash
# Compiles every file of the SQL layer (src/pg) against a PostgreSQL version's server
# headers alone, with the build's flags and -Werror: for a version this machine cannot
# run (17: trixie ships its binaries only). Prints one TAP line per file that fails, and
# one for the whole.
#   test/compile_check.sh SERVER_INCLUDE_DIR LABEL
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
headers=$1
label=$2
source "$repo/test/tap.sh"
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$repo/pgface.control")
sources=("$repo"/src/pg/*.c)
broken=0
for file in "${sources[@]}"; do
	if ! gcc -std=gnu11 -Wall -Wextra -Werror -fPIC -O2 -c -o /dev/null \
		-I"$repo/src" -I"$repo/src/pg" -isystem "$headers" -isystem /usr/include/stb \
		-DPGFACE_LIBRARY_VERSION="\"$version\"" "$file" 2>"/tmp/compile_check.$$.log"; then
		record 1 "$label: ${file#"$repo"/} compiles"
		head -20 "/tmp/compile_check.$$.log"
		broken=$((broken + 1))
	fi
done
rm -f "/tmp/compile_check.$$.log"
[ "$broken" -eq 0 ]
record $? "$label: the ${#sources[@]} files of src/pg compile against its server headers with -Werror"
echo "$passed passed, $failed failed"
