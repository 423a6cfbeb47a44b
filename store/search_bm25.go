package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/koers-project/koers/catalog"
)

// FTS5's bm25() recomputes, on every query, how many rows hold each
// phrase: a pass over the phrase's whole doclist. At 1M offers that pass
// is two thirds of ranking a keystroke, and it repeats the same counts
// keystroke after keystroke ("data", "data a", "data an", …). Under
// filters, where ranking covers at most filteredBudget offers, koers
// computes the same bm25 in Go instead: the row counts are kept by the
// imports (offer_term_rows; counted through FTS and cached where they do
// not cover a phrase), each candidate's phrase
// frequencies come from its own text, tokenised as FTS5 tokenises it,
// and its length in tokens from FTS5's docsize table. The result equals
// bm25(offers_fts, bm25Weights) (tested on the sample and synthetic
// registers).

// ftsPhrase is one phrase of a MATCH expression: a word, or a prefix.
type ftsPhrase struct {
	text   string
	prefix bool
}

// match is the FTS5 expression of the phrase alone.
func (p ftsPhrase) match() string {
	if p.prefix {
		return quote(p.text) + "*"
	}
	return quote(p.text)
}

// column weights of bm25Weights, by FTS column.
var bm25ColumnWeights = [...]float64{10.0, 1.0, 2.0, 2.0, 3.0}

// ftsIndex is one of the register's two full-text indexes as ranking sees
// it: offers_fts (every text column, weighted) and offers_title_fts (the
// title alone, which ranks the title tier: search_title.go).
type ftsIndex struct {
	table    string                       // the FTS5 table
	weights  []float64                    // bm25 weight of each column
	bm25Args string                       // the weights as bm25()'s arguments
	columns  func(t offerText) []string   // an offer's text for each column, in order
	kept     bool                         // imports keep its row counts of words and two-letter prefixes (offer_term_rows)
	stats    func(r *register) *bm25Stats // its figures for ranking in Go
}

var (
	allColumns = &ftsIndex{
		table: "offers_fts", weights: bm25ColumnWeights[:], bm25Args: bm25Weights, kept: true,
		columns: func(t offerText) []string { return []string{t.title, t.description, t.outcomes, t.skills, t.provider} },
		stats:   func(r *register) *bm25Stats { return &r.bm25 },
	}
	titleOnly = &ftsIndex{
		table: "offers_title_fts", weights: []float64{1}, bm25Args: "1.0",
		columns: func(t offerText) []string { return []string{t.title} },
		stats:   func(r *register) *bm25Stats { return &r.bm25Title },
	}
)

const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// bm25Stats are the register-wide figures bm25 needs, for one register
// generation: rows and average tokens a row (FTS5's totals record) and
// the rows holding each phrase seen so far.
type bm25Stats struct {
	mu    sync.Mutex
	gen   string
	nRow  int64
	avgdl float64
	hits  map[ftsPhrase]int64
}

func (b *bm25Stats) clear() {
	b.mu.Lock()
	b.gen, b.hits = "", nil
	b.mu.Unlock()
}

// totals is the generation's row count and average row length, loaded
// once per generation.
func (b *bm25Stats) totals(ctx context.Context, db *sql.DB, ix *ftsIndex, gen string) (int64, float64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gen == gen && b.hits != nil {
		return b.nRow, b.avgdl, nil
	}
	var rec []byte
	err := db.QueryRowContext(ctx, `SELECT block FROM `+ix.table+`_data WHERE id = 1`).Scan(&rec)
	if err != nil {
		return 0, 0, err
	}
	nRow, nTok, err := parseFTSAverages(rec, len(ix.weights))
	if err != nil {
		return 0, 0, err
	}
	b.gen, b.nRow, b.avgdl, b.hits = gen, nRow, float64(nTok)/float64(nRow), map[ftsPhrase]int64{}
	return b.nRow, b.avgdl, nil
}

// rows is how many rows of ix hold phrase p (what bm25's xQueryPhrase
// counts): from the counts the imports keep when they are complete and
// cover p (a word, or a two-letter prefix), else counted through FTS once
// and cached.
func (b *bm25Stats) rows(ctx context.Context, db *sql.DB, ix *ftsIndex, idx *memIndex, p ftsPhrase) (int64, error) {
	if ix.kept && idx.termRows != nil {
		switch {
		case !p.prefix:
			return idx.termRows[p.text], nil // absent: no offer has it
		case prefix2(p.text) == len(p.text):
			return idx.termRows[p.text+"*"], nil
		}
	}
	gen := idx.gen
	b.mu.Lock()
	n, ok := b.hits[p]
	ok = ok && b.gen == gen
	b.mu.Unlock()
	if ok {
		return n, nil
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+ix.table+` WHERE `+ix.table+` MATCH ?`, p.match()).Scan(&n); err != nil {
		return 0, err
	}
	b.mu.Lock()
	if b.gen == gen && b.hits != nil {
		b.hits[p] = n
	}
	b.mu.Unlock()
	return n, nil
}

var errFTSTotals = errors.New("FTS totals record is damaged")

// parseFTSAverages reads FTS5's totals record (rowid 1 of the _data
// table): the number of rows, then the total tokens of each column, as
// SQLite varints. It returns the rows and the tokens of all columns.
func parseFTSAverages(b []byte, cols int) (nRow, nTok int64, err error) {
	v, n := sqliteVarint(b)
	if n == 0 || v == 0 {
		return 0, 0, errFTSTotals
	}
	nRow, b = int64(v), b[n:]
	for range cols {
		v, n := sqliteVarint(b)
		if n == 0 {
			return 0, 0, errFTSTotals
		}
		nTok, b = nTok+int64(v), b[n:]
	}
	return nRow, nTok, nil
}

// sqliteVarint decodes SQLite's big-endian varint (1–9 bytes; the ninth
// contributes all 8 bits); n is 0 when b is too short.
func sqliteVarint(b []byte) (v uint64, n int) {
	for i := 0; i < 9 && i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// docTokens is each candidate's length in tokens over all columns of ix,
// from FTS5's docsize table (a varint a column).
func (s *Store) docTokens(ctx context.Context, ix *ftsIndex, rids []uint32) (map[uint32]int64, error) {
	out := make(map[uint32]int64, len(rids))
	for start := 0; start < len(rids); start += 500 {
		ph, args := inList(rids[start:min(start+500, len(rids))])
		rows, err := s.db.QueryContext(ctx, `SELECT id, sz FROM `+ix.table+`_docsize WHERE id IN (`+ph+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var sz sql.RawBytes
			if err := rows.Scan(&id, &sz); err != nil {
				rows.Close()
				return nil, err
			}
			var total int64
			for b := []byte(sz); len(b) > 0; {
				v, n := sqliteVarint(b)
				if n == 0 {
					break
				}
				total, b = total+int64(v), b[n:]
			}
			out[uint32(id)] = total
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// phraseFreqs is, for each phrase, its weighted count in the offer's
// text indexed by ix (bm25's aFreq: an occurrence counts its column's
// weight).
func phraseFreqs(ix *ftsIndex, o *catalog.Offer, phrases []ftsPhrase, out []float64) {
	clear(out)
	for c, text := range ix.columns(textOf(o)) {
		if text == "" {
			continue
		}
		w := ix.weights[c]
		for _, tok := range catalog.Words(text) {
			for i, p := range phrases {
				if tok == p.text || (p.prefix && strings.HasPrefix(tok, p.text)) {
					out[i] += w
				}
			}
		}
	}
}

// rankInGo scores the first budget matches of expr in ix that pass f
// (through the pass map) with bm25 computed in Go, and sorts them.
func (s *Store) rankInGo(ctx context.Context, ix *ftsIndex, fq ftsQuery, f *filter, budget int) ([]scored, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rowid FROM `+ix.table+`
		WHERE `+ix.table+` MATCH ?1 AND substr(?3, rowid + 1, 1) = x'01' LIMIT ?2`, fq.expr, budget, s.reg.passMap(f))
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", fq.expr, mapErr(err))
	}
	var cands []uint32
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			rows.Close()
			return nil, err
		}
		if f.keep(uint32(rid)) {
			cands = append(cands, uint32(rid))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %s: %w", fq.expr, mapErr(err))
	}
	if len(cands) == 0 {
		return nil, nil
	}
	st := ix.stats(s.reg)
	gen := f.idx.gen
	nRow, avgdl, err := st.totals(ctx, s.db, ix, gen)
	if errors.Is(err, errFTSTotals) {
		return s.rank(ctx, ix, fq.expr, f, budget) // FTS5 can still rank (and say what is wrong)
	}
	if err != nil {
		return nil, fmt.Errorf("search: bm25 totals: %w", mapErr(err))
	}
	idf := make([]float64, len(fq.phrases))
	for i, p := range fq.phrases {
		n, err := st.rows(ctx, s.db, ix, f.idx, p)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", p.match(), mapErr(err))
		}
		idf[i] = math.Log((float64(nRow) - float64(n) + 0.5) / (float64(n) + 0.5))
		if idf[i] <= 0 {
			idf[i] = 1e-6
		}
	}
	lengths, err := s.docTokens(ctx, ix, cands)
	if err != nil {
		return nil, fmt.Errorf("search: %w", mapErr(err))
	}
	offers, err := s.offersByRIDs(ctx, cands)
	if err != nil {
		return nil, err
	}
	out := make([]scored, 0, len(cands))
	freq := make([]float64, len(fq.phrases))
	for i, rid := range cands {
		if offers[i].ID == "" {
			continue
		}
		phraseFreqs(ix, &offers[i], fq.phrases, freq)
		norm := bm25K1 * (1 - bm25B + bm25B*float64(lengths[rid])/avgdl)
		var score float64
		for j := range fq.phrases {
			score += idf[j] * ((freq[j] * (bm25K1 + 1.0)) / (freq[j] + norm)) // FTS5's order of operations
		}
		out = append(out, scored{rid, -score})
	}
	sortScored(out)
	return out, nil
}
