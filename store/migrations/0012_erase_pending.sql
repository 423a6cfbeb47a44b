-- Erasure is atomic across a crash (issue 14, item 7): person erase first
-- commits a marker naming the person's id (never their name), then erases,
-- scrubs the file (VACUUM, WAL truncate) and only then removes the marker.
-- store.Open finishes every marked erase before anything else runs, so a
-- killed erase never leaves the person's data in the file for long.
CREATE TABLE erase_pending (
    person_id    TEXT PRIMARY KEY,
    requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL
) STRICT;
