-- p50 and p95 of face_va's threshold and top-1 queries on a table that scale.js kept
-- (--keep), for its enrolled and stranger probes apart, each query timed in the server as
-- scale.js times it (clock_timestamp() around EXECUTE, planning included), every probe
-- three times after one warm-up round: the figures scale.js reports, without reloading
-- the table. psql variables: table and tau (its 1%-stranger threshold). For example:
--   psql -h DIR -U postgres -d bench -v table=scale_10000000 -v tau=0.4013 \
--     -f test/bench/face_va_quantiles.sql
LOAD 'pgface';
SET jit = off;
\set probes_table :table _probes
SELECT set_config('quantiles.table', :'table', false), set_config('quantiles.tau', :'tau', false) \gset
CREATE TEMP TABLE quantile_times (kind text, query text, round int, ms float8);
DO $$
DECLARE
	p record;
	n int[];
	t0 timestamptz;
	threshold text := format('SELECT array_agg(id) FROM %I WHERE emb <-> $1 < %s',
	                         current_setting('quantiles.table'), current_setting('quantiles.tau'));
	nearest text := format('SELECT array_agg(id) FROM (SELECT id FROM %I ORDER BY emb <-> $1 LIMIT 1) t',
	                       current_setting('quantiles.table'));
BEGIN
	FOR r IN 0..3 LOOP
		FOR p IN EXECUTE format('SELECT kind, emb FROM %I WHERE kind IN (''enrolled'', ''stranger'') ORDER BY kind, i',
		                        current_setting('quantiles.table') || '_probes') LOOP
			t0 := clock_timestamp();
			EXECUTE threshold INTO n USING p.emb;
			INSERT INTO quantile_times VALUES (p.kind, 'threshold', r, 1000 * extract(epoch FROM clock_timestamp() - t0));
			t0 := clock_timestamp();
			EXECUTE nearest INTO n USING p.emb;
			INSERT INTO quantile_times VALUES (p.kind, 'top-1', r, 1000 * extract(epoch FROM clock_timestamp() - t0));
		END LOOP;
	END LOOP;
END $$;
SELECT query, kind, count(*) AS queries,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p95_ms
FROM quantile_times WHERE round > 0 GROUP BY query, kind ORDER BY query, kind;
