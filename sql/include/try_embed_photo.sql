-- try_detect(photo): embed(photo) with detection, as 'ok' or the SQLSTATE and message it
-- fails with; shared by the tests of whole photos.
CREATE FUNCTION try_detect(photo bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM embed(photo);
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
