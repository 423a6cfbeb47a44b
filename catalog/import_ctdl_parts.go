package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// checkParts compares each program's (or stacked credential's) stated
// cost and duration with the sum of its parts described in the document:
// a difference is a flag on the whole, never a correction.
func (d *ctdlDoc) checkParts(offers map[int]*Offer) {
	byID := map[string]*Offer{}
	for _, o := range offers {
		byID[o.SourceID] = o
	}
	parts := map[string][]*Offer{}
	for _, o := range offers {
		for _, r := range o.Relations {
			if r.Kind == PartOf {
				parts[r.Target] = append(parts[r.Target], o)
			}
		}
	}
	ids := make([]string, 0, len(parts))
	for id := range parts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		whole, ps := byID[id], parts[id]
		if whole == nil || len(ps) == 0 {
			continue
		}
		if msg := partsCost(whole, ps); msg != "" {
			whole.Flags = append(whole.Flags, msg)
		}
		if msg := partsHours(whole, ps); msg != "" {
			whole.Flags = append(whole.Flags, msg)
		}
	}
}

func partsCost(whole *Offer, ps []*Offer) string {
	if whole.Price == nil {
		return ""
	}
	var sum Money
	for _, p := range ps {
		if p.Price == nil || (*p.Price != 0 && p.Currency != whole.Currency) {
			return "" // a part without a price in the program's currency: nothing to compare
		}
		sum += *p.Price
	}
	if sum != *whole.Price {
		return fmt.Sprintf("price: %s %s stated for the whole, its %d parts sum to %s %s", whole.Price, whole.Currency, len(ps), sum, whole.Currency)
	}
	return ""
}

func partsHours(whole *Offer, ps []*Offer) string {
	switch {
	case whole.Hours != nil:
		sum := 0.0
		for _, p := range ps {
			if p.Hours == nil {
				return ""
			}
			sum += *p.Hours
		}
		if round2(sum) != *whole.Hours {
			return fmt.Sprintf("hours: %g h stated for the whole, its %d parts sum to %g h", *whole.Hours, len(ps), round2(sum))
		}
	case whole.Length != nil && whole.Length.Single():
		sum := 0.0
		for _, p := range ps {
			if p.Length == nil || p.Length.Unit != whole.Length.Unit || !p.Length.Single() {
				return ""
			}
			sum += p.Length.Min
		}
		if sum != whole.Length.Min {
			return fmt.Sprintf("length: %s stated for the whole, its %d parts sum to %g %s", whole.Length, len(ps), sum, strings.TrimSpace(string(whole.Length.Unit)))
		}
	}
	return ""
}
