-- 0016: a full-text index of offer titles alone (issues 11 and 12).
--
-- Search ranks the offers whose title matches before the others. Asking
-- offers_fts for title matches ('title : (…)') made FTS5 decode every
-- position list of every phrase for bm25's row counts: at 1M offers the
-- title tier cost more than ranking all columns. This index holds titles
-- only (same tokenizer, same two-letter prefixes; rowid = offers.rid), so
-- its doclists are short and the title tier is ranked by bm25 over the
-- title. Contentless like offers_fts: the importer writes and unindexes
-- it beside offers_fts. Existing offers are indexed by the Go step of this
-- migration (store/search_title.go, backfillTitles), in the same
-- transaction.
CREATE VIRTUAL TABLE offers_title_fts USING fts5 (
    title,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2'
);
