package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

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

func (t termSet) add(text offerText) {
	for _, s := range []string{text.title, text.description, text.outcomes, text.skills, text.provider} {
		for _, w := range catalog.Words(s) {
			t[w] = struct{}{}
		}
	}
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
	return err
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
	rows, err := db.QueryContext(ctx, `SELECT term FROM offer_terms ORDER BY term`)
	if err != nil {
		return nil, err // (the meta key exists only where the table does)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// expandPrefix is the FTS expression for a last-word prefix: the words of
// terms it expands to, or the prefix query itself.
func expandPrefix(p string, terms []string) string {
	native := quote(p) + "*"
	if terms == nil || len([]rune(p)) < minExpandLen {
		return native
	}
	i := sort.SearchStrings(terms, p)
	var words []string
	for ; i < len(terms) && strings.HasPrefix(terms[i], p); i++ {
		if len(words) == maxExpansion {
			return native
		}
		words = append(words, quote(terms[i]))
	}
	switch len(words) {
	case 0:
		return native // nothing known: let FTS decide
	case 1:
		return words[0]
	}
	return "(" + strings.Join(words, " OR ") + ")"
}

func quote(w string) string { return `"` + strings.ReplaceAll(w, `"`, `""`) + `"` }
