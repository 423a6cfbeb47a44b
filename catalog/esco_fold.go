package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold reduces a label or a query to the form concept matching compares:
// lower case, diacritics removed, every apostrophe variant (’ ‘ ʼ ` ')
// and every hyphen or dash treated as a word break, other punctuation
// (except "/") dropped, and runs of spaces collapsed. "Coiffeur/Coiffeuse",
// "coiffeur/coiffeuse " and "COIFFEUR/coiffeuse" fold alike; so do
// "l’agent" and "l'agent".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining mark: the diacritic of the previous letter
		case r == 'ß':
			b.WriteString("ss")
			space = false
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
			space = false
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
			space = false
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
			space = false
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
			space = false
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
			space = false
		case r == '/':
			b.WriteByte('/')
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || isApostrophe(r) || r == '.' || r == ',' || r == '(' || r == ')' || r == ';' || r == ':':
			if !space {
				b.WriteByte(' ')
				space = true
			}
		default:
			// other symbols (quotes, &, +) carry no meaning for matching
		}
	}
	out := strings.ReplaceAll(b.String(), " /", "/")
	return strings.TrimRight(strings.ReplaceAll(out, "/ ", "/"), " ")
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '`', '´', '′':
		return true
	}
	return false
}

// FoldVariants is every folded form under which a label should be found:
// the folded label itself and, for gender pairs written with "/", each
// alternative on its own. "coiffeur/coiffeuse" gives "coiffeur/coiffeuse",
// "coiffeur" and "coiffeuse"; "directeur technique/directrice technique"
// gives both phrases; "agent/agente de sécurité" gives "agent de securite"
// and "agente de securite".
func FoldVariants(label string) []string {
	f := Fold(label)
	if f == "" {
		return nil
	}
	out := []string{f}
	if !strings.Contains(f, "/") {
		return out
	}
	add := func(v string) {
		v = strings.Join(strings.Fields(strings.ReplaceAll(v, "/", " ")), " ")
		if v == "" {
			return
		}
		for _, o := range out {
			if o == v {
				return
			}
		}
		out = append(out, v)
	}
	// Whole-phrase alternatives: "directeur technique/directrice technique".
	parts := strings.Split(f, "/")
	if len(parts) <= 4 {
		n := len(strings.Fields(parts[0]))
		same := true
		for _, p := range parts[1:] {
			if len(strings.Fields(p)) != n {
				same = false
			}
		}
		if same && n > 1 {
			for _, p := range parts {
				add(p)
			}
			return out
		}
	}
	// Word-level alternatives: "agent/agente de securite".
	words := strings.Fields(f)
	var expand func(i int, acc []string)
	count := 0
	expand = func(i int, acc []string) {
		if count > 16 {
			return
		}
		if i == len(words) {
			count++
			add(strings.Join(acc, " "))
			return
		}
		alts := strings.Split(words[i], "/")
		for _, a := range alts {
			if a == "" {
				continue
			}
			expand(i+1, append(acc, a))
		}
	}
	expand(0, make([]string, 0, len(words)))
	return out
}
