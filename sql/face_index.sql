-- The GiST index (face_embedding_ops USING gist): the shared conformance checks.
\set index_method gist
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/include/index_conformance.sql
