#!/usr/bin/env bash
# Regenerates the golden numbers from the reference tool in ../shared/tools/faceapi-reference
# (face-api on TensorFlow.js, WASM backend): reference.tsv, face-api's descriptors for the
# golden chips, and detections.jsonl, its detections of the package's sample photos.
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

# face-api's own detections (boxes, landmarks, descriptors) of the package's sample photos.
bash "$tool" detect "$repo"/build/models/face-api/demo/sample*.jpg | node -e '
	const path = require("path");
	const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
	for (const r of lines) console.log(JSON.stringify({ file: path.basename(r.file), faces: r.faces }));
' >"$repo/test/golden/detections.jsonl"
echo "wrote test/golden/detections.jsonl"
