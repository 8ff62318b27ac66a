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

-- Every type, operator and operator class of the extension carries a comment.
SELECT classid::regclass AS catalog, count(*) AS objects,
	count(*) FILTER (WHERE obj_description(objid, classid::regclass::text) IS NOT NULL) AS commented
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
	AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pgface')
	AND classid IN ('pg_type'::regclass, 'pg_operator'::regclass, 'pg_opclass'::regclass)
	-- A type's array type is an extension member too from PostgreSQL 17 on; it has no comment.
	AND NOT (classid = 'pg_type'::regclass AND objid IN (SELECT oid FROM pg_type WHERE typcategory = 'A'))
GROUP BY 1 ORDER BY 1::text;

-- face_embedding_ops is the default GiST operator class, with KNN ordering and a sort for builds.
SELECT c.opcname, c.opcdefault, c.opckeytype::regtype AS storage,
	array_agg(DISTINCT o.amopstrategy || ' ' || o.amopopr::regoperator || ' ' || o.amoppurpose::text) AS operators,
	array_agg(DISTINCT p.amprocnum ORDER BY p.amprocnum) AS support_functions
FROM pg_opclass c
JOIN pg_amop o ON o.amopfamily = c.opcfamily
JOIN pg_amproc p ON p.amprocfamily = c.opcfamily
WHERE c.opcname = 'face_embedding_ops'
GROUP BY 1, 2, 3;

-- The library states the version the control file does (the Makefile passes it on).
SELECT (SELECT value FROM pgface_info() WHERE name = 'library_version')
	= (SELECT extversion FROM pg_extension WHERE extname = 'pgface') AS library_is_extension_version;
