-- Every object the extension creates is declared as users expect.

-- Functions: IMMUTABLE STRICT PARALLEL SAFE, each with a comment.
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proisstrict AS strict,
	p.proparallel AS parallel, obj_description(p.oid, 'pg_proc') IS NOT NULL AS has_comment
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'pgface'
ORDER BY 1::text;

-- The type, operator and casts carry comments too.
SELECT obj_description('face_embedding'::regtype, 'pg_type') IS NOT NULL AS type_comment,
	obj_description('<->(face_embedding, face_embedding)'::regoperator, 'pg_operator') IS NOT NULL AS operator_comment;
SELECT c.castsource::regtype, c.casttarget::regtype, c.castcontext,
	obj_description(c.oid, 'pg_cast') IS NOT NULL AS has_comment
FROM pg_cast c
WHERE c.castsource = 'face_embedding'::regtype OR c.casttarget = 'face_embedding'::regtype
ORDER BY 1::text, 2::text;
SELECT oprname, oprcom::regoperator AS commutator, oprresult::regtype
FROM pg_operator WHERE oprleft = 'face_embedding'::regtype;
