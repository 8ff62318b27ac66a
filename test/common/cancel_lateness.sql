-- cancel_lateness_ms(photo, timeout_ms): how long after a statement_timeout of timeout_ms
-- the embed of photo was stopped, in milliseconds (NULL when it finished first). Both
-- ends are read on the server's clock: the statement's start, and the moment the cancel
-- reaches this function. Shared by sql/hostile_input.sql and test/stress/run.sh.
CREATE FUNCTION cancel_lateness_ms(photo bytea, timeout_ms int) RETURNS float8
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM embed(photo);
	RETURN NULL;
EXCEPTION WHEN query_canceled THEN
	RETURN extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000 - timeout_ms;
END $$;
