-- explain_plan(query [, options]): the query's plan, as EXPLAIN (COSTS OFF) prints it, in one
-- form for every PostgreSQL version pgface supports (15 to 18), so that one expected file
-- serves them all. What differs between the versions is rewritten to 17's form:
--  * 15 and 16 print an init plan as "InitPlan 1 (returns $0)" and its value as "$0";
--    17 and 18 print "InitPlan 1" and "(InitPlan 1).col1";
--  * 18 prints "Disabled: true" under a node that an enable_* setting switched off.
\set ECHO none
CREATE OR REPLACE FUNCTION explain_plan(query text, options text DEFAULT '') RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	lines text[];
	line text;
	init record;
	param text;
BEGIN
	FOR line IN EXECUTE format('EXPLAIN (COSTS OFF%s) %s', options, query) LOOP
		CONTINUE WHEN line ~ '^\s*Disabled: true$';
		lines := lines || line;
	END LOOP;
	-- The init plans of 15 and 16, with the parameters each returns, then their uses.
	FOR init IN SELECT m[1] AS number, m[2] AS params
		FROM unnest(lines) l, regexp_matches(l, 'InitPlan (\d+) \(returns ([$0-9,]+)\)') m
	LOOP
		lines := (SELECT array_agg(regexp_replace(l, 'InitPlan (\d+) \(returns [$0-9,]+\)', 'InitPlan \1')
			ORDER BY n) FROM unnest(lines) WITH ORDINALITY u(l, n));
		FOREACH param IN ARRAY string_to_array(init.params, ',') LOOP
			lines := (SELECT array_agg(regexp_replace(l, '\' || param || '(?![0-9])',
				format('(InitPlan %s).col%s', init.number,
					array_position(string_to_array(init.params, ','), param)), 'g') ORDER BY n)
				FROM unnest(lines) WITH ORDINALITY u(l, n));
		END LOOP;
	END LOOP;
	FOREACH line IN ARRAY lines LOOP
		RETURN NEXT line;
	END LOOP;
END $$;
\set ECHO all
