#!/usr/bin/env bash
# Regenerates reference.tsv: face-api's own descriptors for the golden chips, computed by
# the reference tool in ../shared/tools/faceapi-reference (TensorFlow.js, WASM backend).
# Run from the repository after "make": test/golden/regenerate.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tool="$repo/../shared/tools/faceapi-reference/run.sh"
[ -x "$tool" ] || { echo "regenerate.sh: $tool not found" >&2; exit 1; }
chips=$(mktemp -d)
trap 'rm -rf "$chips"' EXIT
make -s -C "$repo" build/cut_chips
"$repo/build/cut_chips" "$repo/test/golden/chips.txt" "$repo/build/models/face-api/demo" "$chips"
(cd "$chips" && bash "$tool" chip *.png) | node -e '
	const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
	console.log("# name\tface-api descriptor (regenerate with test/golden/regenerate.sh)");
	for (const r of lines.sort((a, b) => a.file.localeCompare(b.file)))
		console.log(r.file.replace(/\.png$/, "") + "\t[" + r.descriptor.join(",") + "]");
' >"$repo/test/golden/reference.tsv"
echo "wrote test/golden/reference.tsv"
