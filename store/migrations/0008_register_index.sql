-- 0008: the register's in-memory search index, saved by every import
-- (store/search_snapshot.go): filter and facet values of every offer,
-- about 41 bytes each, valid for the register generation it names.
CREATE TABLE register_index (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation TEXT NOT NULL,
    data       BLOB NOT NULL
) STRICT;
