-- 200 threshold and 200 top-1 queries through the table's index in one session, 40 probes
-- of scale.js's in turn; raises the mean time of each as a NOTICE. psql variables: table
-- (a scale.js table kept with --keep) and tau (its 1%-stranger threshold).
LOAD 'pgface';
SET jit = off;
\set probes_table :table _probes
CREATE TEMP TABLE loop_probes AS
SELECT emb FROM :"probes_table" WHERE kind IN ('stranger', 'enrolled') ORDER BY kind, i;
SELECT count(*) AS warm_up FROM :"table" WHERE emb <-> (SELECT emb FROM loop_probes LIMIT 1) < :tau \gset
SELECT set_config('loop.table', :'table', false), set_config('loop.tau', :'tau', false) \gset
DO $$
DECLARE
	q face_embedding;
	n int;
	t0 timestamptz;
	within float8 := 0;
	nearest float8 := 0;
	probes int := (SELECT count(*) FROM loop_probes);
BEGIN
	FOR r IN 1..200 LOOP
		SELECT emb INTO q FROM loop_probes OFFSET r % probes LIMIT 1;
		t0 := clock_timestamp();
		EXECUTE format('SELECT count(*) FROM %I WHERE emb <-> $1 < %s', current_setting('loop.table'),
		               current_setting('loop.tau')::float8) INTO n USING q;
		within := within + extract(epoch FROM clock_timestamp() - t0);
		t0 := clock_timestamp();
		EXECUTE format('SELECT id FROM %I ORDER BY emb <-> $1 LIMIT 1', current_setting('loop.table'))
			INTO n USING q;
		nearest := nearest + extract(epoch FROM clock_timestamp() - t0);
	END LOOP;
	RAISE NOTICE 'threshold % ms, top-1 % ms', round((within / 200 * 1000)::numeric, 2),
		round((nearest / 200 * 1000)::numeric, 2);
END $$;
