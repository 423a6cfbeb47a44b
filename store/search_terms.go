package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/koers-project/koers/catalog"
)

// Prefix expansion. FTS5 answers a prefix query without a prefix index
// ("energ"*) by merging the doclists of every matching term before it
// returns a first row: tens of milliseconds for common words at 1M offers,
// even for a page of 50. The same words as an OR of terms stream, so a
// first page reads only its first matches. The register keeps its
// vocabulary (offer_terms) for this; a prefix of 3+ letters that expands to
// at most maxExpansion words goes to FTS as those words.
const (
	minExpandLen = 3
	maxExpansion = 32
)

// termSet collects the distinct words of the offers an import writes.
type termSet map[string]struct{}

// add adds the words among an offer's termPhrases.
func (t termSet) add(phrases []string) {
	for _, p := range phrases {
		if !strings.HasSuffix(p, "*") {
			t[p] = struct{}{}
		}
	}
}

// merge adds every word of o.
func (t termSet) merge(o termSet) {
	for w := range o {
		t[w] = struct{}{}
	}
}

// termPhrases are the distinct words of an offer's indexed text and the
// distinct two-letter prefixes of its words ("pr*"), the keys of
// offer_term_rows: an offer counts once for each. The seen sets are the
// caller's to reuse (an import calls this a million times).
func termPhrases(text offerText, seen *phraseSeen) []string {
	if seen.words == nil {
		seen.words, seen.prefixes = map[string]struct{}{}, map[string]struct{}{}
	}
	clear(seen.words)
	clear(seen.prefixes)
	var out []string
	for _, s := range []string{text.title, text.description, text.outcomes, text.skills, text.provider} {
		for _, w := range catalog.Words(s) {
			if _, ok := seen.words[w]; !ok {
				seen.words[w] = struct{}{}
				out = append(out, w)
			}
			if i := prefix2(w); i > 0 {
				if _, ok := seen.prefixes[w[:i]]; !ok {
					seen.prefixes[w[:i]] = struct{}{}
					out = append(out, w[:i]+"*")
				}
			}
		}
	}
	return out
}

// phraseSeen is termPhrases's scratch space.
type phraseSeen struct{ words, prefixes map[string]struct{} }

// prefix2 is the byte length of w's first two characters, or 0 when w has
// fewer (FTS5's two-letter prefix index counts characters).
func prefix2(w string) int {
	_, a := utf8.DecodeRuneInString(w)
	if a == len(w) {
		return 0
	}
	_, b := utf8.DecodeRuneInString(w[a:])
	return a + b
}

// writeTerms stores the import's new words, and marks the vocabulary
// complete when the register held no offers before this import (or was
// complete already).
func (w *offerWriter) writeTerms(ctx context.Context, terms termSet, hadOffers bool) error {
	var state string
	err := w.tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.terms'`).Scan(&state)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("import offers: terms: %w", err)
	}
	list := make([]string, 0, len(terms))
	for t := range terms {
		list = append(list, t)
	}
	slices.Sort(list)
	st, err := w.tx.PrepareContext(ctx, `INSERT OR IGNORE INTO offer_terms (term) VALUES (?)`)
	if err != nil {
		return fmt.Errorf("import offers: terms: %w", err)
	}
	defer st.Close()
	for _, t := range list {
		if _, err := st.ExecContext(ctx, t); err != nil {
			return fmt.Errorf("import offers: terms: %w", err)
		}
	}
	if state == "complete" || !hadOffers {
		_, err = w.tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES ('register.terms', 'complete', ?1, ?2)
			ON CONFLICT (key) DO UPDATE SET value = 'complete', updated_at = ?1, updated_by = ?2`, w.stamp, w.actor)
	}
	if err != nil {
		return err
	}
	return w.writeTermRows(ctx, hadOffers)
}

// writeTermRows applies the import's change to offer_term_rows when the
// counts are complete or this import is the register's first; otherwise
// (offers imported before migration 0010) it counts every offer afresh,
// once (measured: 51 s and 126 MB at 1M offers).
func (w *offerWriter) writeTermRows(ctx context.Context, hadOffers bool) error {
	var state string
	err := w.tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.term_rows'`).Scan(&state)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("import offers: term rows: %w", err)
	}
	if state != "complete" && hadOffers {
		if err := w.recountTermRows(ctx); err != nil {
			return fmt.Errorf("import offers: term rows: %w", err)
		}
	}
	keys := make([]string, 0, len(w.termRows))
	for k, d := range w.termRows {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	// (an UPDATE, then an INSERT for new phrases: an upsert would check
	// the inserted row, a negative change, against rows >= 0 first)
	upd, err := w.tx.PrepareContext(ctx, `UPDATE offer_term_rows SET rows = rows + ?2 WHERE phrase = ?1`)
	if err != nil {
		return fmt.Errorf("import offers: term rows: %w", err)
	}
	defer upd.Close()
	ins, err := w.tx.PrepareContext(ctx, `INSERT INTO offer_term_rows (phrase, rows) VALUES (?1, ?2)`)
	if err != nil {
		return fmt.Errorf("import offers: term rows: %w", err)
	}
	defer ins.Close()
	for _, k := range keys {
		res, err := upd.ExecContext(ctx, k, w.termRows[k])
		if err != nil {
			return fmt.Errorf("import offers: term rows %q: %w", k, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := ins.ExecContext(ctx, k, w.termRows[k]); err != nil {
				return fmt.Errorf("import offers: term rows %q: %w", k, err)
			}
		}
	}
	_, err = w.tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES ('register.term_rows', 'complete', ?1, ?2)
		ON CONFLICT (key) DO UPDATE SET value = 'complete', updated_at = ?1, updated_by = ?2`, w.stamp, w.actor)
	return err
}

// recountTermRows makes w.termRows the counts of every offer as the
// import leaves them (the FTS index holds every offer's current text, the
// withdrawn ones too), and empties the table they replace.
func (w *offerWriter) recountTermRows(ctx context.Context) error {
	if _, err := w.tx.ExecContext(ctx, `DELETE FROM offer_term_rows`); err != nil {
		return err
	}
	rows, err := w.tx.QueryContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom)
	if err != nil {
		return err
	}
	defer rows.Close()
	counts := map[string]int64{}
	var c docCodec
	for rows.Next() {
		_, o, err := c.scanOffer(rows)
		if err != nil {
			return err
		}
		for _, ph := range termPhrases(textOf(&o), &w.seen) {
			counts[ph]++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	w.termRows = counts
	return nil
}

// loadTermRows reads offer_term_rows, or nil when it is not complete.
func loadTermRows(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	var state string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.term_rows'`).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) || state != "complete" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT phrase, rows FROM offer_term_rows`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			return nil, err
		}
		out[p] = n
	}
	return out, rows.Err()
}

// loadTerms reads the sorted vocabulary, or nil when it is not complete.
func loadTerms(ctx context.Context, db *sql.DB) ([]string, error) {
	var state string
	err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.terms'`).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) || state != "complete" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// (the meta key exists only where the table does)
	return queryStrings(ctx, db, `SELECT term FROM offer_terms ORDER BY term`)
}

// expandPrefix is the FTS expression for a last-word prefix, and its
// phrases: the words of terms it expands to, or the prefix query itself.
func expandPrefix(p string, terms []string) (string, []ftsPhrase) {
	native, nativePh := quote(p)+"*", []ftsPhrase{{text: p, prefix: true}}
	if terms == nil || len([]rune(p)) < minExpandLen {
		return native, nativePh
	}
	i := sort.SearchStrings(terms, p)
	var words []string
	var ph []ftsPhrase
	for ; i < len(terms) && strings.HasPrefix(terms[i], p); i++ {
		if len(words) == maxExpansion {
			return native, nativePh
		}
		words = append(words, quote(terms[i]))
		ph = append(ph, ftsPhrase{text: terms[i]})
	}
	switch len(words) {
	case 0:
		return native, nativePh // nothing known: let FTS decide
	case 1:
		return words[0], ph
	}
	return "(" + strings.Join(words, " OR ") + ")", ph
}

func quote(w string) string { return `"` + strings.ReplaceAll(w, `"`, `""`) + `"` }
