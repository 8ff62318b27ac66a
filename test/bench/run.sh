#!/usr/bin/env bash
# The benchmarks, each against a baseline measured in the same run (these machines are
# noisy). Not part of the test suite: timings are not asserted.
#  1. the recognition net: pgface's ms per chip, the sgemm bound (OpenBLAS at the net's
#     own shapes) and face-api's run.sh bench (TensorFlow.js, WASM);
#  2. the photo pipeline on the model package's sample photos, stage by stage, and
#     face-api's run.sh detect on the same photos;
#  3. the detector (at 416) and the landmark net layer by layer, each layer against the
#     sgemm bound of its own matrix products;
#  4. JPEG decoding of the same photos: stb_image (the baseline) against libjpeg-turbo at
#     full size and at 1/2 and 1/4 scale, and pgface_image_decode end to end;
#  5. face_va's first-pass filter kernels against the portable C one, a page in cache
#     and pages streamed from memory.
#   make bench            (or: test/bench/run.sh [RUNS])
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
runs=${1:-200}
make -s build/bench_recognition build/bench_pipeline build/bench_layers build/bench_decode build/bench_lead_filter "$repo/build/models/face_recognition_model.pgfm"
samples=(build/models/face-api/demo/sample*.jpg)
reference=${FACEAPI_REFERENCE:-$repo/../shared/tools/faceapi-reference/run.sh}
have_reference() { command -v node >/dev/null && [ -f "$reference" ]; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

echo "## $(date -u +%Y-%m-%d) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
	"$(nproc) cores; OpenBLAS core ${OPENBLAS_CORETYPE:-auto}"
build/bench_recognition build/models "$runs" | tee "$tmp"
ours=$(awk '/ms per chip/ {print $NF}' "$tmp")
if have_reference; then
	theirs=$(bash "$reference" bench | node -e 'process.stdin.on("data", d => console.log(JSON.parse(d).ms_per_chip))')
	echo "face-api (TensorFlow.js, WASM backend, node $(node --version))"
	printf '  face-api ms per chip             %8.3f\n' "$theirs"
	awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "  face-api / pgface                %8.2fx\n", a / b }'
else
	echo "face-api reference tool not found (set FACEAPI_REFERENCE); skipped the comparison"
fi

echo
build/bench_pipeline build/models 5 "${samples[@]}" | tee "$tmp"
ours=$(awk '/faces\(photo\) end to end/ {print $NF}' "$tmp")
if have_reference; then
	# face-api's own pipeline (detect, landmarks, descriptors of every face): its marginal
	# cost per photo, from one pass and three passes over the photos, so that node's
	# start-up and model loading cancel out.
	time_passes() {
		local files=() start end
		for _ in $(seq "$1"); do files+=("${samples[@]}"); done
		start=$(date +%s.%N)
		bash "$reference" detect "${files[@]/#/$repo/}" >/dev/null
		end=$(date +%s.%N)
		awk -v a="$end" -v b="$start" 'BEGIN { print a - b }'
	}
	one=$(time_passes 1)
	three=$(time_passes 3)
	theirs=$(awk -v t="$three" -v o="$one" -v n="${#samples[@]}" 'BEGIN { print (t - o) * 1000 / (2 * n) }')
	echo "face-api run.sh detect, every face (marginal, from 1 and 3 passes)"
	printf '  face-api ms per photo            %8.2f\n' "$theirs"
	awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "  face-api / pgface faces()        %8.2fx\n", a / b }'
fi

echo
build/bench_layers build/models 10 "${samples[@]}"

echo
build/bench_decode 20 "${samples[@]}"

echo
build/bench_lead_filter 5
