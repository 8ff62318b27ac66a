#!/usr/bin/env bash
# Makes a PostgreSQL major version other than the system's available to build and test
# pgface against, from Debian's registry only, and prints the path of its pg_config.
# The system's apt configuration is never touched: newer suites are read through a
# temporary source list with its own lists and cache, under .pg-versions/ (git ignores it).
#   scripts/pg-version.sh 18    unstable's source package postgresql-18, built with
#                               bookworm's compilers into .pg-versions/18/install (5 to 25
#                               minutes on 2 cores the first time, then cached)
#   scripts/pg-version.sh 15    the system's own (postgresql-server-dev-15)
#   scripts/pg-version.sh 17 --headers
#                               trixie's postgresql-server-dev-17, unpacked (not installed):
#                               prints its server include folder, for a compile check
# Then: make PG_CONFIG=$(scripts/pg-version.sh 18) ...; make test PG_CONFIG=... runs the
# suite against it. Progress goes to stderr; only the pg_config path goes to stdout.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: scripts/pg-version.sh VERSION}
root="$repo/.pg-versions"
say() { echo "pg-version: $*" >&2; }
source "$repo/scripts/private-apt.sh"

case "$version" in
15)
	echo /usr/lib/postgresql/15/bin/pg_config
	exit 0
	;;
18)
	suite=unstable
	;;
16)
	say "PostgreSQL 16 is in none of bookworm-backports, trixie, unstable or experimental"
	exit 1
	;;
17)
	# Trixie ships 17's binaries only (its source files answer 404), and its binaries need
	# trixie's libc: so 17 is a compile check against its server headers (--headers).
	if [ "${2:-}" != --headers ]; then
		say "PostgreSQL 17: no server here, only its headers: scripts/pg-version.sh 17 --headers"
		exit 1
	fi
	headers="$root/17/unpacked/usr/include/postgresql/17/server"
	if [ ! -f "$headers/postgres.h" ]; then
		mkdir -p "$root/17"
		say "reading trixie's package lists (a private apt view; the system's sources are untouched)"
		private_apt trixie deb "$root/apt-trixie"
		say "fetching trixie's postgresql-server-dev-17 (headers only; nothing is installed)"
		(cd "$root/17" && apt-get "${apt_private[@]}" download -q postgresql-server-dev-17 >&2)
		dpkg-deb -x "$(ls "$root"/17/postgresql-server-dev-17_*.deb | head -1)" "$root/17/unpacked"
	fi
	echo "$headers"
	exit 0
	;;
*)
	say "no PostgreSQL $version from Debian's registry"
	exit 1
	;;
esac

prefix="$root/$version/install"
if [ -x "$prefix/bin/pg_config" ]; then
	say "PostgreSQL $version is built in $prefix"
	echo "$prefix/bin/pg_config"
	exit 0
fi

# The build needs bison and flex (release tarballs no longer ship generated parsers) and
# dpkg-source to unpack the source package: bookworm's own packages.
needed=()
for package in bison flex dpkg-dev libreadline-dev zlib1g-dev libicu-dev pkg-config; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
		needed+=("$package")
done
if [ ${#needed[@]} -gt 0 ]; then
	say "installing bookworm's ${needed[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${needed[@]}" |
		{ grep --line-buffered '^Setting up' || true; } >&2
fi

# A private apt view of the newer suite's sources: its own source list, lists and cache.
say "reading $suite's source lists (a private apt view; the system's sources are untouched)"
private_apt "$suite" deb-src "$root/apt-$suite-src"

source_dir="$root/$version/source"
rm -rf "$source_dir"
mkdir -p "$source_dir"
say "fetching $suite's source package postgresql-$version"
(cd "$source_dir" && apt-get "${apt_private[@]}" source --download-only -q "postgresql-$version" >&2)
# Upstream's tarball, without Debian's patches: they fix pkglibdir at /usr/lib/postgresql/N,
# which would put this build's modules into the system's folders.
orig=$(find "$source_dir" -maxdepth 1 -name "postgresql-${version}_*.orig.tar.*" | head -1)
[ -n "$orig" ] && tar -xf "$orig" -C "$source_dir"
tree=$(find "$source_dir" -maxdepth 1 -mindepth 1 -type d -name "postgresql-$version*" | head -1)
[ -n "$tree" ] || {
	say "the source package did not unpack"
	exit 1
}

build_dir="$root/$version/build"
rm -rf "$build_dir"
mkdir -p "$build_dir"
say "configuring $(basename "$tree") (log: $build_dir/configure.log)"
(cd "$build_dir" && "$tree/configure" --prefix="$prefix" --without-llvm --with-icu \
	--enable-debug >configure.log 2>&1) || {
	tail -20 "$build_dir/configure.log" >&2
	exit 1
}
say "building (log: $build_dir/build.log; 5 to 25 minutes on 2 cores)"
# The generated headers first: a parallel build from the tarball raced past them once
# (utils/errcodes.h missing in src/common); then the rest in parallel, and serially if
# that still fails.
{ make -C "$build_dir/src/backend" generated-headers &&
	{ make -C "$build_dir" -j"$(nproc)" || make -C "$build_dir"; }; } >"$build_dir/build.log" 2>&1 || {
	tail -20 "$build_dir/build.log" >&2
	exit 1
}
make -C "$build_dir" install >>"$build_dir/build.log" 2>&1
# initdb refuses root, so the cluster's owner must be able to run the binaries.
chmod -R a+rX "$root/$version"
say "PostgreSQL $version installed in $prefix"
echo "$prefix/bin/pg_config"
