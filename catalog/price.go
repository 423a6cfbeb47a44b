package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// PriceCell is what a price cell states: the course's price (nil when the
// cell says a price exists but not how much: "Paid", "on request"), its
// ISO 4217 currency ("" when the cell names none) and, for "free course,
// paid certificate" offers, the certificate's price.
type PriceCell struct {
	Price       *Money
	Currency    string
	Certificate *Money
	// Unknown is set when the cell says the price is not known ("Paid",
	// "on request"): no value, and the caller keeps a flag.
	Unknown bool
}

var (
	// reCode is an ISO 4217 code standing alone ("99 USD", "EUR 480").
	reCode = regexp.MustCompile(`(?:^|[^A-Za-z])([A-Z]{3})(?:$|[^A-Za-z])`)
	// reAmount is a number with thousands separators and decimals.
	reAmount = regexp.MustCompile(`\d[\d .,'\x{00a0}\x{202f}]*`)
	// currencyWords are symbols and words that name one currency for sure.
	currencyWords = []struct{ word, code string }{
		{"US$", "USD"}, {"AU$", "AUD"}, {"A$", "AUD"}, {"CA$", "CAD"}, {"C$", "CAD"}, {"NZ$", "NZD"},
		{"€", "EUR"}, {"£", "GBP"}, {"$", "USD"}, {"₹", "INR"}, {"₺", "TRY"}, {"zł", "PLN"}, {"Kč", "CZK"},
		{"euros", "EUR"}, {"euro", "EUR"}, {"dollars", "USD"}, {"pounds", "GBP"},
	}
	// isoCodes are the ISO 4217 codes koers reads standing alone in a cell.
	isoCodes = map[string]bool{"EUR": true, "USD": true, "GBP": true, "CHF": true, "SEK": true, "DKK": true, "NOK": true,
		"PLN": true, "CZK": true, "HUF": true, "RON": true, "BGN": true, "ISK": true, "AUD": true, "CAD": true, "NZD": true,
		"INR": true, "JPY": true, "CNY": true, "TRY": true, "BRL": true, "MXN": true, "ZAR": true, "SGD": true, "HKD": true}
	freeWords        = []string{"free", "gratis", "gratuit", "gratuite", "kostenlos", "gratuito", "kosteloos", "gratuitement"}
	certificateWords = []string{"certificate", "certificat", "certificaat", "zertifikat", "certificado", "certification", "badge"}
	unknownPrice     = []string{"paid", "betalend", "payant", "kostenpflichtig", "de pago", "on request", "op aanvraag",
		"sur demande", "auf anfrage", "a consultar", "varies", "subscription", "abonnement", "suscripcion"}
)

// ParsePriceCell reads a price cell: "€ 1.240,00", "480,00 EUR", "$99",
// "99 USD", "1,250.50 USD", "free", "FREE-Add a Verified Certificate for
// $99 USD" (price 0, certificate 99 USD), "Paid" (price unknown). A cell
// with two currencies, an ambiguous symbol (¥, kr) or two amounts for the
// course is an error: never a guess.
func ParsePriceCell(cell string) (PriceCell, error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return PriceCell{}, errors.New("is empty")
	}
	f := FoldSearch(s)
	course, cert, hasCert := s, "", false
	if i := indexWord(f, certificateWords); i >= 0 {
		course, cert, hasCert = s[:byteAt(s, f, i)], s[byteAt(s, f, i):], true
	}
	var pc PriceCell
	cf := FoldSearch(course)
	switch {
	case hasWord(cf, freeWords):
		z := Money(0)
		pc.Price = &z
		if reAmount.MatchString(cf) {
			return PriceCell{}, fmt.Errorf("%q says free and gives an amount", cell)
		}
	case !reAmount.MatchString(course) && hasWord(f, unknownPrice):
		pc.Unknown = true
		return pc, nil
	default:
		m, cur, err := amountIn(course)
		if err != nil {
			return PriceCell{}, fmt.Errorf("%q: %w", cell, err)
		}
		pc.Price, pc.Currency = &m, cur
	}
	if hasCert && reAmount.MatchString(cert) {
		m, cur, err := amountIn(cert)
		if err != nil {
			return PriceCell{}, fmt.Errorf("%q: certificate: %w", cell, err)
		}
		if pc.Currency != "" && cur != "" && cur != pc.Currency {
			return PriceCell{}, fmt.Errorf("%q states two currencies (%s and %s)", cell, pc.Currency, cur)
		}
		if cur != "" {
			pc.Currency = cur
		}
		pc.Certificate = &m
	}
	return pc, nil
}

// ParsePrice reads a price cell with its currency ("" when the cell names
// none); see ParsePriceCell, which also keeps a certificate's price.
func ParsePrice(cell string) (Money, string, error) {
	pc, err := ParsePriceCell(cell)
	if err != nil {
		return 0, "", err
	}
	if pc.Price == nil {
		return 0, "", fmt.Errorf("%q states no amount", cell)
	}
	return *pc.Price, pc.Currency, nil
}

// amountIn reads the one amount in s and the currency s names around it.
func amountIn(s string) (Money, string, error) {
	cur, err := currencyIn(s)
	if err != nil {
		return 0, "", err
	}
	loc := reAmount.FindStringIndex(s)
	if loc == nil {
		return 0, cur, errors.New("is not a price")
	}
	before := strings.TrimRight(s[:loc[0]], " \u00a0€£$₹")
	for _, w := range []string{"US", "AU", "CA", "NZ", "A", "C"} {
		before = strings.TrimSuffix(before, w)
	}
	before = strings.TrimRight(before, " \u00a0")
	if strings.HasSuffix(before, "-") || strings.HasSuffix(before, "−") {
		return 0, cur, errors.New("is negative")
	}
	n := strings.TrimRight(s[loc[0]:loc[1]], " .,'")
	if rest := s[loc[0]+len(n):]; reAmount.MatchString(rest) {
		return 0, cur, errors.New("states more than one amount")
	}
	m, err := decimal(n)
	if err != nil {
		return 0, cur, err
	}
	return m, cur, nil
}

// currencyIn is the one currency s names, or "".
func currencyIn(s string) (string, error) {
	found := map[string]bool{}
	rest := strings.ToLower(s) // symbols found are cut out, so "US$" is not also "$"
	for _, cw := range currencyWords {
		w := strings.ToLower(cw.word)
		if i := strings.Index(rest, w); i >= 0 {
			found[cw.code] = true
			rest = rest[:i] + " " + rest[i+len(w):]
		}
	}
	for _, m := range reCode.FindAllStringSubmatch(s, -1) {
		if isoCodes[m[1]] {
			found[m[1]] = true
		}
	}
	if strings.ContainsAny(rest, "¥") || hasWord(FoldSearch(rest), []string{"kr", "yen", "yuan"}) {
		return "", errors.New("names a currency that is not one for sure (¥, kr): write its ISO 4217 code")
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		for c := range found {
			return c, nil
		}
	}
	return "", errors.New("states more than one currency")
}

// decimal reads "1.240,00", "1,250.50", "480", "480,5" as money: a last
// separator followed by one or two digits is the decimal mark.
func decimal(n string) (Money, error) {
	n = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\'' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, n)
	dot, comma := strings.LastIndexByte(n, '.'), strings.LastIndexByte(n, ',')
	dec := -1
	switch {
	case dot >= 0 && comma >= 0:
		dec = max(dot, comma)
	case comma >= 0 && len(n)-comma-1 <= 2 && strings.Count(n, ",") == 1:
		dec = comma
	case dot >= 0 && len(n)-dot-1 <= 2 && strings.Count(n, ".") == 1:
		dec = dot
	}
	whole, frac := n, ""
	if dec >= 0 {
		whole, frac = n[:dec], n[dec+1:]
	}
	whole = strings.NewReplacer(".", "", ",", "").Replace(whole)
	if frac == "" {
		return ParseMoney(whole)
	}
	return ParseMoney(whole + "." + frac)
}

// hasWord reports whether folded text f holds one of words as a word.
func hasWord(f string, words []string) bool { return indexWord(f, words) >= 0 }

// indexWord is the byte index in folded f of the first of words standing
// as a word (not inside another), or -1.
func indexWord(f string, words []string) int {
	best := -1
	for _, w := range words {
		for i := 0; ; {
			j := strings.Index(f[i:], w)
			if j < 0 {
				break
			}
			j += i
			end := j + len(w)
			if (j == 0 || !isLetter(f[j-1])) && (end == len(f) || !isLetter(f[end])) {
				if best < 0 || j < best {
					best = j
				}
				break
			}
			i = j + 1
		}
	}
	return best
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80 }

// byteAt maps a byte index in folded f back to s (the same when s is
// ASCII; else by counting runes, folding keeping one rune per rune).
func byteAt(s, f string, i int) int {
	if len(s) == len(f) {
		return i
	}
	n := len([]rune(f[:i]))
	r := []rune(s)
	if n > len(r) {
		return len(s)
	}
	return len(string(r[:n]))
}

// csvPrice reads a row's price, certificate_price and currency cells. The
// currency comes from the currency column or the price cell, never from a
// silent default: a non-zero price that names no currency is a problem
// (give a currency column or a mapping default). A price cell that says
// the price is not known ("Paid") leaves it unknown with a flag.
func csvPrice(o *Offer, c csvCols, get func(string) (string, bool), bad func(f, msg string)) {
	setCur := func(f, cur string) bool {
		switch {
		case cur == "":
		case o.Currency == "":
			o.Currency = cur
		case cur != o.Currency:
			bad(f, fmt.Sprintf("states %s but the currency is %s", cur, o.Currency))
			return false
		}
		return true
	}
	if v, ok := get("price"); ok {
		pc, err := ParsePriceCell(v)
		switch {
		case err != nil:
			bad("price", err.Error())
		case pc.Unknown:
			col := c.col["price"]
			o.Flags = append(o.Flags, fmt.Sprintf("price: %q states no amount; left unknown (column %q)", v, col))
		case setCur("price", pc.Currency):
			o.Price, o.CertificatePrice = pc.Price, pc.Certificate
		}
	}
	if v, ok := get("certificate_price"); ok {
		pc, err := ParsePriceCell(v)
		switch {
		case err != nil:
			bad("certificate_price", err.Error())
		case pc.Price == nil:
			bad("certificate_price", fmt.Sprintf("%q states no amount", v))
		case setCur("certificate_price", pc.Currency):
			o.CertificatePrice = pc.Price
		}
	}
	if o.Currency == "" && (o.Price != nil && *o.Price != 0 || o.CertificatePrice != nil && *o.CertificatePrice != 0) {
		bad("currency", "the price states no currency: add a currency column or a mapping default (\"currency\": {\"default\": \"EUR\"})")
	}
}
