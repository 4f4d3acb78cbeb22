-- PostgreSQL's search documents now carry the start of each of their words (see the
-- PostgreSQL migration of the same name); SQLite's FTS5 keeps its own prefix index, and its
-- documents are unchanged.
SELECT 1;
