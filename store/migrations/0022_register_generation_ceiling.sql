-- 0022: the register generation's ceiling (store/import_stage.go). An
-- import stages its offer rows above meta 'register.ceiling', the last
-- rowid of the current generation, in short transactions; readers leave
-- rows above it out; the import's final transaction raises it. The FTS
-- settings an import changes while staging are written out here with
-- their values between imports, so that an import that fails leaves the
-- database as it found it.
INSERT INTO meta (key, value, updated_at, updated_by)
    SELECT 'register.ceiling', CAST(coalesce(max(rid), 0) AS TEXT), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'migration 0020' FROM offers
    WHERE true
    ON CONFLICT (key) DO NOTHING;
INSERT INTO offers_fts (offers_fts, rank) VALUES ('automerge', 4);
INSERT INTO offers_fts (offers_fts, rank) VALUES ('crisismerge', 16);
INSERT INTO offers_fts (offers_fts, rank) VALUES ('hashsize', 1048576);
INSERT INTO offers_title_fts (offers_title_fts, rank) VALUES ('automerge', 4);
INSERT INTO offers_title_fts (offers_title_fts, rank) VALUES ('crisismerge', 16);
INSERT INTO offers_title_fts (offers_title_fts, rank) VALUES ('hashsize', 1048576);
