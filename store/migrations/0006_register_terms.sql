-- 0006: the register's vocabulary, every distinct folded word given to the
-- FTS index (never pruned: a word no longer indexed only matches nothing).
-- Search expands a typed prefix of three or more letters into these words,
-- so FTS streams a few term doclists instead of materialising a prefix
-- merge (store/search_terms.go). meta 'register.terms' = 'complete' says
-- every offer's words are here; until then prefixes go to FTS as such.
CREATE TABLE offer_terms (
    term TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;
