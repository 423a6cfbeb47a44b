-- 0010: how many offers of the FTS index hold each word of the register's
-- vocabulary, and each two-letter prefix (written "pr*"): the document
-- frequencies bm25 needs, kept by every import (added offers count, a
-- changed offer's old text is taken off) so that ranking never recounts
-- them over the whole index (store/search_bm25.go). meta
-- 'register.term_rows' = 'complete' says the counts cover every offer;
-- until then ranking counts through FTS, and the next import counts every
-- offer afresh.
CREATE TABLE offer_term_rows (
    phrase TEXT PRIMARY KEY,
    rows   INTEGER NOT NULL CHECK (rows >= 0)
) STRICT, WITHOUT ROWID;
