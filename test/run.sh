#!/usr/bin/env bash
# The whole test suite: build and install the extension, unit-test the core under
# ASan/UBSan, check that the distance kernel is vectorised, start a throwaway cluster,
# and run the pg_regress suite. Ends with "N passed, N failed"; exits non-zero on failure.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
source scripts/cluster.sh

source test/tap.sh
log=$(mktemp -d /tmp/pgface-test.XXXXXX)
chmod 755 "$log"

finish() {
	[ -n "${data:-}" ] && cluster_stop "$data"
	[ "$failed" -ne 0 ] && echo "# the logs of this run are kept in $log"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && rm -rf "$log"
	[ "$failed" -eq 0 ]
}

echo "# build and install (make; the first run fetches the model weights from npm)"
if ! { make -s models >"$log/build.log" 2>&1 && make -s >>"$log/build.log" 2>&1 &&
	make -s install >>"$log/build.log" 2>&1; }; then
	cat "$log/build.log"
	record 1 "build and install"
	finish
	exit 1
fi
record 0 "build and install"

# PGFACE_TEST_SERVER_ONLY=1 (make test-versions, for another PostgreSQL) runs only what
# depends on the server: the build, the export list, pg_regress, dump/restore, the standby
# and the README; the core, the CLI and the golden numbers do not change with the version.
server_only=${PGFACE_TEST_SERVER_ONLY:-}
if [ -z "$server_only" ]; then
	echo "# core unit tests (ASan + UBSan)"
	# A failed build must not leave an older binary to run in its place.
	if make -s build/unit_tests >"$log/unit-build.log" 2>&1; then
		build/unit_tests | sed 's/^\([0-9]* passed\)/# unit tests: \1/' | tee "$log/unit.log"
		unit_rc=${PIPESTATUS[0]}
		unit_failed=$(grep -c '^not ok ' "$log/unit.log")
		tally "$log/unit.log"
		# A crash or sanitizer report ends the run early; that is a failure too.
		[ "$unit_rc" -ne 0 ] && [ "$unit_failed" -eq 0 ] && record 1 "unit tests exited with $unit_rc"
	else
		cat "$log/unit-build.log"
		record 1 "unit tests build"
	fi

	echo "# the C sources follow .clang-format"
	# Every C file of the project (git's list, or the source folders outside a checkout), as
	# clang-format would write it; the files that differ are named.
	c_files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src test fuzz -name '*.[ch]')
	# Written for Debian 12's clang-format 14 (scripts/install-deps.sh installs it).
	if command -v clang-format >/dev/null; then
		unformatted=$(for file in $c_files; do
			clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || echo "$file"
		done)
		[ -n "$c_files" ] && [ -z "$unformatted" ]
		record $? "C sources follow .clang-format${unformatted:+ (not: $(echo $unformatted))}"
	else
		record 1 "C sources follow .clang-format (clang-format is not installed)"
	fi

	echo "# the distance kernel is vectorised"
	# Packed multiplies (mulps) in the kernel mean SIMD lanes; scalar code has only mulss.
	make -s vec-report >"$log/vec.log" 2>&1
	grep -E 'vectorized|mulps' "$log/vec.log"
	grep -q 'mulps' "$log/vec.log"
	record $? "distance kernel vectorised (packed mulps in pgface_l2_squared)"

fi

echo "# the library exports only what the server looks up"
# PostgreSQL loads modules RTLD_GLOBAL: a core or stb_image symbol exported from pgface.so
# could take the place of another library's. Only the magic block, _PG_init and the SQL
# functions (prefixed face_ or pgface_) with their pg_finfo_ records may be exported.
nm -D --defined-only pgface.so | awk '{print $3}' >"$log/exports.txt"
stray=$(grep -vE '^(Pg_magic_func|_PG_init|(pg_finfo_)?(pgface|face)_[a-z0-9_]+)$' "$log/exports.txt" | head -5 | xargs)
[ -z "$stray" ] && grep -qx pgface_embed "$log/exports.txt" && grep -qx _PG_init "$log/exports.txt"
record $? "pgface.so exports $(wc -l <"$log/exports.txt") symbols, each a server entry point${stray:+ (not: $stray)}"

echo "# golden chips: pgface against face-api's own descriptors"
chips="$log/chips"
mkdir -p "$chips"
if ! { make -s build/cut_chips >"$log/golden-build.log" 2>&1 &&
	build/cut_chips test/golden/chips.txt build/models/face-api/demo "$chips"; }; then
	cat "$log/golden-build.log"
	record 1 "cut the golden chips"
elif [ -n "$server_only" ]; then
	echo "# (server tests only: the chips are cut for pg_regress, not compared)"
else
	build/pgface embed --chip --models build/models "$chips"/*.png >"$log/golden.jsonl"
	node test/golden/compare.js test/golden/reference.tsv "$log/golden.jsonl" 2e-4 | tee "$log/golden.log"
	[ -s "$log/golden.log" ] || record 1 "golden comparison produced no result"
	# The same chips through every other kernel set this CPU has (OpenBLAS, SSE2, AVX2).
	for simd in openblas sse2 avx2; do
		PGFACE_SIMD=$simd build/pgface embed --chip --models build/models "$chips"/*.png \
			>"$log/golden-$simd.jsonl" 2>"$log/golden-$simd.err"
		if grep -q "not available" "$log/golden-$simd.err"; then
			echo "# $simd: not on this CPU, skipped"
			continue
		fi
		node test/golden/compare.js test/golden/reference.tsv "$log/golden-$simd.jsonl" 2e-4 \
			>"$log/golden-$simd.log"
		record $? "golden chips with the $simd kernels: $(grep -c '^ok ' "$log/golden-$simd.log") of 10 within 2e-4"
	done
	tally "$log/golden.log"
fi

if [ -z "$server_only" ]; then
	echo "# detection: pgface's boxes, landmarks and embeddings against face-api's"
	build/pgface detect --alignment faceapi --models build/models build/models/face-api/demo/sample*.jpg \
		>"$log/detections.jsonl"
	node test/golden/compare_detections.js test/golden/detections.jsonl "$log/detections.jsonl" |
		tee "$log/detections.log"
	[ -s "$log/detections.log" ] || record 1 "detection comparison produced no result"
	tally "$log/detections.log"

	echo "# the CLI under valgrind: no memory errors, every allocation freed"
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
		build/pgface embed --chip --models build/models "$chips/s5_small.png" "$chips/s6_square150.png" \
		>"$log/valgrind.out" 2>"$log/valgrind.log"
	valgrind_rc=$?
	[ "$valgrind_rc" -ne 0 ] && cat "$log/valgrind.log"
	[ "$valgrind_rc" -eq 0 ] && [ "$(wc -l <"$log/valgrind.out")" -eq 2 ]
	record $? "pgface embed --chip under valgrind: 2 embeddings, no errors, no leaks"
	# The whole photo pipeline (decode, detection at five sizes, landmarks, alignment, net).
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
		build/pgface embed --models build/models "$chips/s2_face.png" \
		>"$log/valgrind-photo.out" 2>"$log/valgrind-photo.log"
	valgrind_rc=$?
	[ "$valgrind_rc" -ne 0 ] && cat "$log/valgrind-photo.log"
	[ "$valgrind_rc" -eq 0 ] && [ "$(wc -l <"$log/valgrind-photo.out")" -eq 1 ]
	record $? "pgface embed (detection) under valgrind: no errors, no leaks"
	# pgface draw: faces() finds none there at 416, embed() finds the face at a smaller size,
	# drawn as its own marked box; the mirror's pass left out (about a minute as it is).
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
		build/pgface draw --mirror-average off --models build/models "$chips/s2_face.png" \
		-o "$log/valgrind-draw.png" >"$log/valgrind-draw.out" 2>"$log/valgrind-draw.log"
	valgrind_rc=$?
	[ "$valgrind_rc" -ne 0 ] && cat "$log/valgrind-draw.log"
	[ "$valgrind_rc" -eq 0 ] && grep -q '"embed_box": \[' "$log/valgrind-draw.out" && [ -s "$log/valgrind-draw.png" ]
	record $? "pgface draw under valgrind: the picture written, no errors, no leaks"

	echo "# pgface draw: the picture against the detections and the photo, and its failures"
	run_tap "$log/draw.log" "the draw test" bash test/cli_draw.sh

	echo "# the pgface(1) man page"
	# Installed by make install, rendered by groff without a warning, and covering every
	# command and option that pgface --help lists, so the two cannot drift apart.
	man_page="$(pg_config --mandir)/man1/pgface.1"
	if command -v groff >/dev/null; then
		man_text=$(groff -man -Tascii -P-cbou -ww "$man_page" 2>"$log/man.log")
		man_missing=""
		for word in embed detect compare draw $(build/pgface --help | grep -o -- '--[a-z-]*' | sort -u) PGFACE_MODEL_DIR; do
			grep -q -- "$word" <<<"$man_text" || man_missing="$man_missing $word"
		done
		[ -s "$man_page" ] && [ ! -s "$log/man.log" ] && [ -z "$man_missing" ]
		record $? "man page installed, renders without warnings, covers pgface --help${man_missing:+ (missing:$man_missing)}"
	else
		record 1 "man page: groff is not installed, so it cannot be rendered (scripts/install-deps.sh installs groff-base)"
	fi

fi

# The server reads these as the postgres user, so they go where it can: the test folder.
cp test/golden/reference.tsv test/golden/detections.jsonl test/common/failing_embeds.sql \
	test/common/cancel_lateness.sql "$chips/"
bash test/make_photos.sh "$chips" >>"$log/golden-build.log" 2>&1 ||
	{ cat "$log/golden-build.log"; record 1 "make the test photos"; }

# Damaged copies of the recognition model, for the error tests.
bad_models="$log/bad-models"
mkdir -p "$bad_models/truncated" "$bad_models/flipped"
head -c 100000 build/models/face_recognition_model.pgfm >"$bad_models/truncated/face_recognition_model.pgfm"
cp build/models/face_recognition_model.pgfm "$bad_models/flipped/"
printf '\xff' | dd of="$bad_models/flipped/face_recognition_model.pgfm" bs=1 seek=5000000 conv=notrunc status=none
# and of dlib's shape predictor (landmarks.sql), cut short
head -c 5000000 /usr/share/dlib/shape_predictor_68_face_landmarks.dat >"$bad_models/truncated_shape_predictor.dat"

echo "# pg_regress against a throwaway cluster"
data="$log/data"
if cluster_init "$data" && cluster_start "$data" -c fsync=off; then
	PGFACE_TEST_CHIPS="$chips" PGFACE_TEST_GOLDEN="$chips/reference.tsv" \
		PGFACE_TEST_BAD_MODELS="$bad_models" \
		make -s installcheck PGHOST="$data" PGPORT=5432 PGUSER=postgres >"$log/regress.log" 2>&1
	regress_status=$?
	cat "$log/regress.log"
	# pg_regress prints "test name ... ok" up to 15 and TAP ("ok 3 - name") from 16 on.
	regress_passed=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' "$log/regress.log")
	regress_failed=$(grep -cE '\.\.\. (FAILED|failed)|^not ok [0-9]+ ' "$log/regress.log")
	passed=$((passed + regress_passed))
	failed=$((failed + regress_failed))
	if [ "$regress_passed" -eq 0 ] && [ "$regress_failed" -eq 0 ]; then
		record 1 "pg_regress ran no test"
	elif [ "$regress_status" -ne 0 ] && [ "$regress_failed" -eq 0 ]; then
		record 1 "pg_regress exited with $regress_status, though no test failed"
	fi
	[ -f regression.diffs ] && [ "$regress_failed" -gt 0 ] && cat regression.diffs

	echo "# pg_dump and pg_restore, plain and custom format"
	run_tap "$log/dump.log" "dump and restore" bash test/dump_restore.sh "$data"

	echo "# a streaming standby answers as its primary, with wal_consistency_checking"
	run_tap "$log/standby.log" "the standby test" bash test/standby.sh

	echo "# a face_va index of another layout: refused with a REINDEX hint, then rebuilt"
	run_tap "$log/layout.log" "the layout test" bash test/face_va_layout.sh

	echo "# a second recognition model (a test-only build), through embed, both indexes, face_tau and pg_dump"
	run_tap "$log/second-model.log" "the second-model test" bash test/second_model.sh

	echo "# every sql block of the README and doc/*.md, as written"
	run_tap "$log/readme.log" "the sql blocks of the README and doc/*.md" bash test/readme_sql.sh "$data" "$chips"
else
	record 1 "start a throwaway cluster"
fi

finish
