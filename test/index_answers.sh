#!/usr/bin/env bash
# Whether an index answers as a seq scan does, shared by the dump/restore test and the
# stress suite: for each probe, the distances of the k nearest faces in the order the
# scan hands them out (an index that returns the right faces in the wrong order fails),
# and the ids of the faces within tau, with the planner pushed through the index or kept
# off it. Sourced; the caller defines sql (psql with its connection and -At), and extra
# arguments go to it.

# The probe answers of TABLE, one line a probe. PROBES is a query giving (id, emb).
index_answers() { # index_answers index|seq TABLE PROBES K TAU [SQL ARGS...]
	local mode=$1 table=$2 probes=$3 k=$4 tau=$5
	local settings="SET enable_seqscan = off;"
	shift 5
	[ "$mode" = seq ] && settings="SET enable_indexscan = off; SET enable_bitmapscan = off;"
	sql "$@" -c "LOAD 'pgface'; $settings" -c "
		SELECT p.id,
			(SELECT array_agg(d) FROM (SELECT t.emb <-> p.emb AS d FROM $table t
				ORDER BY t.emb <-> p.emb LIMIT $k) nearest),
			(SELECT array_agg(t.id ORDER BY t.id) FROM $table t WHERE t.emb <-> p.emb < $tau)
		FROM ($probes) p ORDER BY p.id"
}

# True when the index's answers are those of a seq scan, and there are some; both sets
# are left in FILE_PREFIX-index and FILE_PREFIX-seq.
index_agrees() { # index_agrees FILE_PREFIX TABLE PROBES K TAU [SQL ARGS...]
	local prefix=$1
	shift
	index_answers index "$@" >"$prefix-index" && index_answers seq "$@" >"$prefix-seq" &&
		[ -s "$prefix-index" ] && cmp -s "$prefix-index" "$prefix-seq"
}
