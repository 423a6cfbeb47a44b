package present

import (
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
)

// TestLapseAndUnknownInWords (issues 12 and 13): a passed start or
// deadline is said in words with the date in the language, and an unknown
// price or workload reads "unknown", never 0 or blank.
func TestLapseAndUnknownInWords(t *testing.T) {
	today := catalog.NewDate(2026, 12, 7)
	started := catalog.Offer{Start: catalog.NewDate(2026, 11, 3)}
	closed := catalog.Offer{Start: catalog.NewDate(2027, 1, 10), ApplyBy: catalog.NewDate(2026, 12, 1)}
	lastYear := catalog.Offer{Start: catalog.NewDate(2025, 6, 2)}
	open := catalog.Offer{Start: catalog.NewDate(2027, 1, 10), ApplyBy: catalog.NewDate(2026, 12, 7)}
	cat := locale.Must()
	for _, c := range []struct{ lang, start, deadline, old, unknown string }{
		{"en", "start passed 3\u00a0Nov", "deadline passed 1\u00a0Dec", "start passed 2\u00a0Jun\u00a02025", "unknown"},
		{"nl", "start voorbij: 3\u00a0nov", "inschrijving gesloten: 1\u00a0dec", "start voorbij: 2\u00a0jun\u00a02025", "onbekend"},
		{"fr", "début passé\u00a0: 3\u00a0nov.", "inscriptions closes\u00a0: 1\u00a0déc.", "début passé\u00a0: 2\u00a0juin\u00a02025", "inconnu"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			p := New(cat.For(c.lang), nil)
			for _, tc := range []struct{ got, want string }{
				{p.Lapse(started, today), c.start},
				{p.Lapse(closed, today), c.deadline},
				{p.Lapse(lastYear, today), c.old},
				{p.Lapse(open, today), ""},
				{p.Lapse(catalog.Offer{}, today), ""},
				{p.Price(nil, "EUR"), c.unknown},
				{p.Workload(nil, nil), c.unknown},
				{p.WorkloadShort(nil, nil), c.unknown},
			} {
				if tc.got != tc.want {
					t.Errorf("got %q, want %q", tc.got, tc.want)
				}
			}
		})
	}
}
