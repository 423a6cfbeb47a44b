package sessions

import (
	"slices"

	"github.com/koers-project/koers/catalog"
)

// CurrencyTotal is a plan's cost and out-of-pocket in one currency.
type CurrencyTotal struct {
	Currency    string        `json:"currency"`
	Cost        catalog.Money `json:"cost"`
	OutOfPocket catalog.Money `json:"out_of_pocket"`
}

// currencyTotals sums steps priced in currencies other than the main one.
type currencyTotals map[string]*CurrencyTotal

func (c currencyTotals) add(cur string, cost, own catalog.Money) {
	t := c[cur]
	if t == nil {
		t = &CurrencyTotal{Currency: cur}
		c[cur] = t
	}
	t.Cost += cost
	t.OutOfPocket += own
}

// list is the main currency's line (always present) and then the others
// by code.
func (c currencyTotals) list(mainCost, mainOwn catalog.Money) []CurrencyTotal {
	out := []CurrencyTotal{{Currency: catalog.MainCurrency, Cost: mainCost, OutOfPocket: mainOwn}}
	codes := make([]string, 0, len(c))
	for k := range c {
		codes = append(codes, k)
	}
	slices.Sort(codes)
	for _, k := range codes {
		out = append(out, *c[k])
	}
	return out
}
