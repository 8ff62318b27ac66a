#!/bin/bash
# run.sh: runs each named libFuzzer harness for FUZZ_SECONDS on its corpus in FUZZ_DIR,
# then prints per harness the runs, exec/s, coverage, corpus size and crashes. Exits
# non-zero if any harness crashed, timed out, ran out of memory or leaked.
#
#   FUZZ_SECONDS=600 FUZZ_DIR=build/fuzz PGFACE_MODEL_DIR=build/models fuzz/run.sh photo_fuzz ...
#
# Artifacts (crash-*, leak-*, timeout-*, oom-*) go to FUZZ_DIR/artifacts-HARNESS/, emptied
# at the start of that harness's run; the log to FUZZ_DIR/HARNESS.log.
set -u
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
export PGFACE_MODEL_DIR=${PGFACE_MODEL_DIR:-build/models}
# One BLAS thread: the fuzzer measures one input at a time, and the machine has two cores.
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Per harness: the largest input, the seconds one input may take, the memory ceiling, the dictionary.
options() {
	case "$1" in
	# a 4-megapixel image and three nets, under ASan at -O1, take a few seconds at worst
	photo_fuzz) echo "-max_len=32768 -timeout=30 -rss_limit_mb=3072 -dict=fuzz/photo.dict" ;;
	# 4096 values (PGFACE_MAX_DIMS) of two characters each fit; the parser is linear
	embedding_text_fuzz) echo "-max_len=16384 -timeout=5 -rss_limit_mb=1024 -dict=fuzz/embedding_text.dict" ;;
	# the header and table of the largest real model (146 entries, 18752 bytes) fit
	model_file_fuzz) echo "-max_len=32768 -timeout=5 -rss_limit_mb=1024 -dict=fuzz/model_file.dict" ;;
	# one decoder on a photo of up to 4 megapixels, under ASan at -O1
	decode_*_fuzz) echo "-max_len=65536 -timeout=10 -rss_limit_mb=2048 -dict=fuzz/photo.dict" ;;
	*)
		echo "run.sh: unknown harness $1" >&2
		exit 2
		;;
	esac
}

failed=0
summary=()
for harness in "$@"; do
	opts=$(options "$harness") || exit 2
	corpus=$FUZZ_DIR/corpus-$harness
	artifacts=$FUZZ_DIR/artifacts-$harness
	log=$FUZZ_DIR/$harness.log
	mkdir -p "$corpus"
	rm -rf "$artifacts"
	mkdir -p "$artifacts"
	echo "== $harness: ${FUZZ_SECONDS}s, $opts (log: $log)"
	# shellcheck disable=SC2086
	"$FUZZ_DIR/$harness" $opts -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
	rc=$?

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	status_line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status_line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status_line")
	files=$(find "$corpus" -type f | wc -l)
	bytes=$(du -sk "$corpus" | cut -f1)
	mapfile -t crashes < <(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) | sort)
	if [ "${#crashes[@]}" -gt 0 ] || [ "$rc" -ne 0 ]; then
		failed=1
		tail -40 "$log"
	fi
	line=$(printf '%-20s runs %-10s exec/s %-7s cov %-6s ft %-7s corpus %s files (%s KiB)  crashes %s' \
		"$harness" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$files" "$bytes" "${#crashes[@]}")
	[ "$rc" -ne 0 ] && line="$line  (exit $rc)"
	for c in "${crashes[@]}"; do line="$line"$'\n'"    $c"; done
	summary+=("$line")
done

echo
echo "== fuzz summary (${FUZZ_SECONDS}s each)"
printf '%s\n' "${summary[@]}"
exit $failed
