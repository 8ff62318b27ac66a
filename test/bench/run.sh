#!/usr/bin/env bash
# The recognition-net benchmark: pgface's ms per chip and the sgemm bound, measured in
# one run, then face-api (TensorFlow.js, WASM) on the same machine when its reference
# tool is at hand, and the ratio. Not part of the test suite: timings are not asserted.
#   make bench            (or: test/bench/run.sh [RUNS])
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
runs=${1:-200}
make -s build/bench_recognition "$repo/build/models/face_recognition_model.pgfm"

echo "## $(date -u +%Y-%m-%d) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
	"OpenBLAS core ${OPENBLAS_CORETYPE:-auto}"
build/bench_recognition build/models "$runs" | tee /tmp/pgface-bench.$$
ours=$(awk '/ms per chip/ {print $NF}' /tmp/pgface-bench.$$)
rm -f /tmp/pgface-bench.$$

reference=${FACEAPI_REFERENCE:-$repo/../shared/tools/faceapi-reference/run.sh}
if command -v node >/dev/null && [ -f "$reference" ]; then
	theirs=$(bash "$reference" bench | node -e 'process.stdin.on("data", d => console.log(JSON.parse(d).ms_per_chip))')
	echo "face-api (TensorFlow.js $(node --version), WASM backend)"
	printf '  face-api ms per chip             %8.3f\n' "$theirs"
	awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "  face-api / pgface                %8.2fx\n", a / b }'
else
	echo "face-api reference tool not found (set FACEAPI_REFERENCE); skipped the comparison"
fi
