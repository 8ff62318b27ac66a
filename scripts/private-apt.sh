#!/usr/bin/env bash
# A private apt view of another Debian suite, sourced by scripts/pg-version.sh and
# test/bench/pgvector.sh: its own source list, package lists and cache under a folder of
# the caller's, so that the system's apt configuration is never touched.

# private_apt SUITE LINE_KIND DIR: writes DIR's source list ("deb" or "deb-src" lines of
# SUITE's main), reads its lists, and sets the array apt_private to the apt-get options
# that use the view: apt-get "${apt_private[@]}" source --download-only PACKAGE.
private_apt() {
	local suite=$1 kind=$2 dir=$3
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "$kind http://deb.debian.org/debian $suite main" >"$dir/sources.list"
	apt_private=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
		-o Dir::State::Status=/var/lib/dpkg/status)
	apt-get "${apt_private[@]}" update -qq >&2
}
