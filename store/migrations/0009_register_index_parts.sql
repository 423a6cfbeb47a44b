-- 0009: the saved search index in parts of at most 512 KiB
-- (store/search_snapshot.go), so that opening a large register never holds
-- the whole 41 MB value in SQLite's memory and Go's at once. Part 0 is the
-- header; the others hold whole values of one column each, in order. An
-- index saved before (one value, "KRX1") moves to part 0 and stays
-- readable until the next import saves it in parts.
CREATE TABLE register_index_parts (
    part       INTEGER PRIMARY KEY,
    generation TEXT NOT NULL,
    data       BLOB NOT NULL
) STRICT;

INSERT INTO register_index_parts (part, generation, data)
    SELECT 0, generation, data FROM register_index;

DROP TABLE register_index;
