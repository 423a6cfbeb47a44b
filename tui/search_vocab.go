package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
)

// vocab is the label of a vocabulary code (vocab.KIND.CODE in the
// catalogue), or the code itself when the catalogue has none: imported
// registers may use values koers does not know.
func vocab(tr *locale.Tr, kind, code string) string {
	if code == "" {
		return ""
	}
	id := "vocab." + kind + "." + code
	if tr.Has(id) {
		return tr.T(id)
	}
	return code
}

// count is n with the language's digit grouping ("12,480", "12.480", "12 480").
func count(tr *locale.Tr, n int) string {
	return message.NewPrinter(language.Make(tr.Lang())).Sprintf("%d", n)
}

// region is the label of a NUTS code, or of the nearest larger region the
// catalogue knows ("BE221" → Limburg (BE)), or "".
func region(tr *locale.Tr, code string) string {
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if l := vocab(tr, "region", c); l != c {
			return l
		}
	}
	return ""
}

// eqfLabel is "EQF 5", "not applicable" or "unknown".
func eqfLabel(tr *locale.Tr, e catalog.EQF) string {
	switch {
	case e == catalog.EQFNotApplicable:
		return tr.T("app.na")
	case e < 1 || e > 8:
		return tr.T("app.unknown")
	}
	return tr.T("vocab.eqf.level", "Level", int(e))
}

// eqfShort is "EQF 5" or "–" for the result list.
func eqfShort(e catalog.EQF) string {
	if e < 1 || e > 8 {
		return "–"
	}
	return "EQF " + strconv.Itoa(int(e))
}

// euros is an amount as "€480" or "€1 240.50".
func euros(m catalog.Money) string {
	s := m.String()
	whole, cents, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	out := "€" + b.String()
	if cents != "00" {
		out += "." + cents
	}
	if neg {
		out = "-" + out
	}
	return out
}

// price is "free", "€480" or "–" (unknown).
func price(tr *locale.Tr, o catalog.Offer) string {
	switch {
	case o.Price == nil:
		return "–"
	case *o.Price == 0:
		return tr.T("search.free")
	case o.Currency != "" && o.Currency != "EUR":
		return o.Price.String() + " " + o.Currency
	}
	return euros(*o.Price)
}

// num is a float without trailing zeros ("4", "2.5").
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// workload is "4 ECTS" or "60 h" for the result list (ECTS first).
func workload(o catalog.Offer) string {
	switch {
	case o.ECTS != nil:
		return num(*o.ECTS) + " ECTS"
	case o.Hours != nil:
		return num(*o.Hours) + " h"
	}
	return "–"
}

// padRight cuts or pads s to exactly w cells.
func padRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s = strings.Repeat(" ", w-n) + s
	}
	return s
}
