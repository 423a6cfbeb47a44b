package vault

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Blind index limits: a query word shorter than MinPrefix runes has no
// token (one letter would put most of a caseload under a handful of
// tokens, telling a reader of the file how first letters are spread), and
// prefixes stop at MaxPrefix runes (a longer query word is looked up by its
// first MaxPrefix runes and checked against the opened name).
const (
	MinPrefix = 2
	MaxPrefix = 16
)

// Fold is s in the form the index compares: lower case, accents removed
// ("Chloé" and "CHLOE" fold alike), through Unicode normalisation.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// Words splits folded text into words: runs of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// Tokens are the blind index tokens of texts (a name, an e-mail address):
// one for every prefix of MinPrefix to MaxPrefix runes of every word,
// deduplicated and sorted.
func (b *Box) Tokens(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, w := range Words(t) {
			r := []rune(w)
			for n := MinPrefix; n <= min(len(r), MaxPrefix); n++ {
				out = append(out, b.mac(string(r[:n])))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// QueryToken is the token that a word of a search finds names by, and
// false for a word too short to have one (the caller then opens every name).
func (b *Box) QueryToken(word string) (string, bool) {
	ws := Words(word)
	if len(ws) != 1 {
		return "", false
	}
	r := []rune(ws[0])
	if len(r) < MinPrefix {
		return "", false
	}
	return b.mac(string(r[:min(len(r), MaxPrefix)])), true
}

// Matches reports whether every word of query is a prefix of a word of one
// of texts: the search the index serves, checked on opened values.
func Matches(query string, texts ...string) bool {
	var words []string
	for _, t := range texts {
		words = append(words, Words(t)...)
	}
	for _, q := range Words(query) {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, q) }) {
			return false
		}
	}
	return true
}
