package vault

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
// ("Chloé" and "CHLOE" fold alike), through Unicode normalisation (NFD,
// combining marks dropped). ASCII, most names, takes a short path: a
// search opens and folds every name of a caseload.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
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
