package present

import (
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// TestAmountsPerLanguage: one format per language for money, hours and
// days, whatever the scheme's code: the unit comes from the schemes table.
func TestAmountsPerLanguage(t *testing.T) {
	schemes := []sessions.Scheme{{Code: "ila", Unit: sessions.UnitEUR}, {Code: "leave", Unit: sessions.UnitHours},
		{Code: "fed-days", Unit: sessions.UnitDays}, {Code: "regional-credit", Unit: sessions.UnitEUR}}
	cases := []struct {
		lang                             string
		eur, hours, days, oneDay, bigEUR string
	}{
		{"en", "€1,240.00", "7.5 h", "2 days", "1 day", "€1,234,567.05"},
		{"nl", "€ 1.240,00", "7,5 u", "2 dagen", "1 dag", "€ 1.234.567,05"},
		{"fr", "1\u00a0240,00\u00a0€", "7,5 h", "2 jours", "1 jour", "1\u00a0234\u00a0567,05\u00a0€"},
	}
	cat := locale.Must()
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			p := New(cat.For(c.lang), schemes)
			for _, tc := range []struct{ got, want string }{
				{p.Amount("ila", 124000), c.eur},
				{p.Amount("regional-credit", 124000), c.eur},
				{p.Amount("leave", 450), c.hours},
				{p.Amount("fed-days", 2), c.days},
				{p.Amount("fed-days", 1), c.oneDay},
				{p.Money(catalog.Money(123456705), "EUR"), c.bigEUR},
			} {
				if tc.got != tc.want {
					t.Errorf("got %q, want %q", tc.got, tc.want)
				}
			}
		})
	}
}

func TestEQFByLanguage(t *testing.T) {
	cat := locale.Must()
	for lang, want := range map[string]string{"en": "EQF 5", "nl": "EQF 5", "fr": "CEC 5"} {
		if got := New(cat.For(lang), nil).EQF(5); got != want {
			t.Errorf("%s: got %q, want %q", lang, got, want)
		}
	}
}

func TestInsufficientInTheSchemesUnit(t *testing.T) {
	p := New(locale.Must().For("en"), []sessions.Scheme{{Code: "ila", Unit: sessions.UnitEUR}})
	got := p.Error(&sessions.InsufficientError{Scheme: "ila", Kind: sessions.Spend, Asked: 30000, Balance: 750, Available: 750})
	if want := "Not enough ILA: €300.00 asked, €7.50 available."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTerminal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Data-analyse met Python", "Data-analyse met Python"},
		{"énergie", "énergie"},
		{"a\x1b]0;pwned\x07b", "a␛]0;pwned␇b"},
		{"x\x1b]52;c;ZXZpbA==\x1b\\", "x␛]52;c;ZXZpbA==␛\\"},
		{"row\nsplit", "row ⏎ split"},
		{"evil\u202Etxt.exe", "evil‹U+202E›txt.exe"},
		{"zero\u200Bwidth", "zero‹U+200B›width"},
		{"c1\u009b31m", "c1‹U+009B›31m"},
	} {
		if got := Terminal(tc.in); got != tc.want {
			t.Errorf("Terminal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTerminalWriter(t *testing.T) {
	var b strings.Builder
	w := NewTerminalWriter(&b)
	title := "Evil\x1b]0;owned\x07 title\u202e\n"
	// a rune cut across two writes is held, not broken
	euro := []byte("€")
	for _, p := range [][]byte{[]byte("col\t"), []byte(title), euro[:1], euro[1:], []byte("\n")} {
		if n, err := w.Write(p); err != nil || n != len(p) {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if got, want := b.String(), "col\tEvil␛]0;owned␇ title‹U+202E›\n€\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if Raw(w) != &b {
		t.Error("Raw is not the writer underneath")
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1-2":                     "'+1-2",
		"-cmd|' /C calc'!A0":       "'-cmd|' /C calc'!A0",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tx":                      "'\tx",
		"Stad Gent":                "Stad Gent",
		"":                         "",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFieldInWords: an ISCED-F code reads as its field in the
// interface's language; a detailed code keeps its code beside the wider
// field it is labelled by; an unknown one stays a code.
func TestFieldInWords(t *testing.T) {
	for _, c := range []struct{ lang, code, want string }{
		{"en", "06", "Information and communication technologies (ICT)"},
		{"en", "061", "Information and communication technologies (ICT)"},
		{"en", "0613", "Information and communication technologies (ICT) (0613)"},
		{"nl", "0913", "Gezondheidszorg (0913)"},
		{"fr", "041", "Commerce et administration"},
		{"fr", "1041", "Services de transport (1041)"},
		{"en", "0X", "0X"},
		{"en", "", ""},
	} {
		if got := New(locale.Must().For(c.lang), nil).Field(c.code); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.lang, c.code, got, c.want)
		}
	}
}
