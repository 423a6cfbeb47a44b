package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/koers-project/koers/catalog"
)

var reCurrencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// pricedElsewhereSQL lists the offers priced in another currency than ?1:
// its WHERE repeats the partial index's so that SQLite can use it.
const pricedElsewhereSQL = `SELECT rid FROM offers WHERE price IS NOT NULL AND currency <> '' AND currency < ?1 AND rid <= ` + ceilingSQL + `
	UNION ALL SELECT rid FROM offers WHERE price IS NOT NULL AND currency <> '' AND currency > ?1 AND rid <= ` + ceilingSQL

// pricedElsewhere sets in out the offers priced in a currency other than
// cur ("" is catalog.MainCurrency): a price filter never compares amounts
// across currencies (issue 12: a USD price used to pass a EUR maximum), so
// an offer in USD, even a free one with a paid certificate, never passes a
// EUR maximum. A free offer that names no currency passes any. The partial
// index offers_priced_currency makes this two range scans around cur.
func (s *Store) pricedElsewhere(ctx context.Context, cur string, out *bitset) error {
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if cur == "" {
		cur = catalog.MainCurrency
	}
	if !reCurrencyCode.MatchString(cur) {
		return fmt.Errorf("search: currency %q is not an ISO 4217 code", cur)
	}
	rows, err := s.db.QueryContext(ctx, pricedElsewhereSQL, cur)
	if err != nil {
		return fmt.Errorf("search: currency: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return err
		}
		out.set(rid)
	}
	return rows.Err()
}
