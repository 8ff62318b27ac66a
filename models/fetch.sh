#!/usr/bin/env bash
# Fetches the pinned face-api npm package, checks its sha512 against models/SOURCE,
# unpacks it, and converts its three nets into pgface model files (.pgfm).
#   models/fetch.sh OUTDIR      (default build/models)
# Re-running is cheap: a verified tarball and up-to-date model files are kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-build/models}
mkdir -p "$out"
out=$(cd "$out" && pwd)

field() { sed -n "s/^$1=//p" "$here/SOURCE"; }
package=$(field package)
version=$(field version)
integrity=$(field integrity)
models=$(field models)
tarball="$out/face-api-$version.tgz"

# The sha512 of a file in npm's "integrity" notation.
integrity_of() {
	node -e 'const c=require("crypto"),f=require("fs");
		console.log("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

if [ ! -f "$tarball" ] || [ "$(integrity_of "$tarball")" != "$integrity" ]; then
	rm -f "$tarball"
	packed=$(cd "$out" && npm pack "$package@$version" --silent --loglevel=error | tail -n 1)
	mv "$out/$packed" "$tarball"
	actual=$(integrity_of "$tarball")
	if [ "$actual" != "$integrity" ]; then
		rm -f "$tarball"
		echo "fetch.sh: $package@$version does not match the pinned integrity" >&2
		echo "  expected $integrity" >&2
		echo "  got      $actual" >&2
		exit 1
	fi
fi

if [ ! -f "$out/face-api/package.json" ] || [ "$tarball" -nt "$out/face-api/package.json" ]; then
	rm -rf "$out/face-api"
	mkdir -p "$out/face-api"
	tar -xzf "$tarball" -C "$out/face-api" --strip-components=1
	touch "$out/face-api/package.json"
fi

for model in $models; do
	target="$out/$model.pgfm"
	if [ ! -f "$target" ] || [ "$here/convert.js" -nt "$target" ] || [ "$tarball" -nt "$target" ]; then
		node "$here/convert.js" "$out/face-api/model/$model-weights_manifest.json" "$target.tmp"
		mv "$target.tmp" "$target"
	fi
done
