-- sqlstate_of(statement): the SQLSTATE a statement fails with, or 'no error'; shared by the
-- upgrade test and test/second_model.sh.
CREATE FUNCTION sqlstate_of(call text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE call;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
