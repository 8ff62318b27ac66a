#!/usr/bin/env bash
# TAP-style tally shared by the test suite (test/run.sh) and the stress suite
# (test/stress/run.sh): sourced, it keeps $passed and $failed.
passed=0
failed=0

# Adds one named check's outcome to the tally.
record() {
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		echo "not ok - $2"
	fi
}

# Adds the ok / not ok lines of a TAP-style log to the tally.
tally() {
	passed=$((passed + $(grep -c '^ok ' "$1")))
	failed=$((failed + $(grep -c '^not ok ' "$1")))
}

# Runs a script that prints TAP lines into LOG, shows them, and adds them to the tally;
# a run without a single ok is a failure of its own.
run_tap() { # run_tap LOG WHAT COMMAND...
	local log=$1 what=$2
	shift 2
	"$@" >"$log" 2>&1
	cat "$log"
	tally "$log"
	grep -q '^ok ' "$log" || record 1 "$what produced no result"
}

# Adds a whole run's last "N passed, N failed" line in LOG to the tally and keeps it in
# $last_summary; fails when the run ended without one.
tally_summary() { # tally_summary LOG
	local rest
	last_summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
	[ -n "$last_summary" ] || return 1
	rest=${last_summary#* passed, }
	passed=$((passed + ${last_summary%% passed*}))
	failed=$((failed + ${rest%% failed}))
}
