package present

import (
	"testing"

	"github.com/koers-project/koers/locale"
)

// TestFigures: report figures in every language: grouped whole units
// (cents and minutes rounded half up), one-decimal percentages.
func TestFigures(t *testing.T) {
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang, unit string
		v          int64
		want       string
	}{
		{"en", "EUR", 123456789, "1,234,568"},
		{"nl", "EUR", 123456789, "1.234.568"},
		{"en", "EUR", 49, "0"},
		{"en", "EUR", 50, "1"},
		{"en", "hours", 90, "2"},
		{"nl", "hours", 60 * 12500, "12.500"},
		{"en", "people", 74444, "74,444"},
		{"en", "count", 7, "7"},
		{"en", "days", 1234, "1,234"},
	}
	for _, c := range cases {
		if got := New(cat.For(c.lang), nil).Figure(c.unit, c.v); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.lang, c.unit, c.v, got, c.want)
		}
	}
	fr := New(cat.For("fr"), nil)
	if got := fr.Figure("EUR", 123456789); got != fr.Count(1234568) {
		t.Errorf("fr figure %q, want the grouping of Count %q", got, fr.Count(1234568))
	}
	for lang, want := range map[string]string{"en": "62.5 %", "nl": "62,5 %", "fr": "62,5 %"} {
		if got := New(cat.For(lang), nil).Percent(62.46); got != want {
			t.Errorf("%s percent %q, want %q", lang, got, want)
		}
	}
	if got := New(cat.For("nl"), nil).Decimal1(2); got != "2,0" {
		t.Errorf("nl decimal %q", got)
	}
}
