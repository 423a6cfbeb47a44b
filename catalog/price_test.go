package catalog

import (
	"strings"
	"testing"
)

func TestParsePriceCell(t *testing.T) {
	m := func(v Money) *Money { return &v }
	for _, tc := range []struct {
		cell    string
		price   *Money
		cur     string
		cert    *Money
		unknown bool
		bad     bool
	}{
		{cell: "$99", price: m(9900), cur: "USD"},
		{cell: "99 USD", price: m(9900), cur: "USD"},
		{cell: "€ 1.240,00", price: m(124000), cur: "EUR"},
		{cell: "1,250.50 USD", price: m(125050), cur: "USD"},
		{cell: "£49", price: m(4900), cur: "GBP"},
		{cell: "CHF 1'200.–", price: m(120000), cur: "CHF"},
		{cell: "480", price: m(48000)},
		{cell: "FREE-Add a Verified Certificate for $99 USD", price: m(0), cur: "USD", cert: m(9900)},
		{cell: "Gratuit (certificat : 49 €)", price: m(0), cur: "EUR", cert: m(4900)},
		{cell: "Free", price: m(0)},
		{cell: "gratis", price: m(0)},
		{cell: "Paid", unknown: true},
		{cell: "op aanvraag", unknown: true},
		{cell: "-5 EUR", bad: true},
		{cell: "€ -5", bad: true},
		{cell: "¥ 5000", bad: true},
		{cell: "500 kr", bad: true},
		{cell: "99 USD / 89 EUR", bad: true},
		{cell: "€ 480 (members € 400)", bad: true},
		{cell: "ask us", bad: true},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			got, err := ParsePriceCell(tc.cell)
			if tc.bad {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			eq := func(a, b *Money) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
			if !eq(got.Price, tc.price) || got.Currency != tc.cur || !eq(got.Certificate, tc.cert) || got.Unknown != tc.unknown {
				t.Errorf("got %v %q cert %v unknown %v", got.Price, got.Currency, got.Certificate, got.Unknown)
			}
		})
	}
}

// TestCSVCurrencyKept: a file's currency is kept, never replaced by EUR;
// a price without any currency is a problem naming the field and line.
func TestCSVCurrencyKept(t *testing.T) {
	in := "source_id,title,provider,price,currency\n" +
		"a,A,P,$99,\n" +
		"b,B,P,99,USD\n" +
		"c,C,P,€ 10,USD\n" +
		"d,D,P,480,\n" +
		"e,E,P,FREE-Add a Verified Certificate for $99 USD,\n" +
		"f,F,P,Paid,\n"
	got, errs := parseAll(t, asParser(ParseCSV), strings.NewReader(in), "c.csv", ParseOptions{Source: "s"})
	if len(errs) != 2 || errs[0].Line != 4 || errs[0].Field != "price" || errs[1].Line != 5 || errs[1].Field != "currency" {
		t.Fatalf("errors %v", errs)
	}
	if len(got) != 4 {
		t.Fatalf("%d offers", len(got))
	}
	for _, o := range got[:2] {
		if o.Currency != "USD" || *o.Price != 9900 {
			t.Errorf("%s: %v %s", o.SourceID, *o.Price, o.Currency)
		}
	}
	if e := got[2]; *e.Price != 0 || e.Currency != "USD" || *e.CertificatePrice != 9900 {
		t.Errorf("e: %+v", e)
	}
	if f := got[3]; f.Price != nil || len(f.Flags) != 1 || !strings.Contains(f.Flags[0], "c.csv line 7") {
		t.Errorf("f: price %v flags %q", f.Price, f.Flags)
	}
}

func FuzzParsePriceCell(f *testing.F) {
	for _, s := range []string{"$99", "€ 1.240,00", "FREE-Add a Verified Certificate for $99 USD", "Paid", "-5 EUR", "CHF 1'200.–", "Gratuit (certificat : 49 €)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		pc, err := ParsePriceCell(cell)
		if err != nil {
			return
		}
		if pc.Price != nil && *pc.Price < 0 || pc.Certificate != nil && *pc.Certificate < 0 {
			t.Fatalf("%q: negative %+v", cell, pc)
		}
		if pc.Unknown && pc.Price != nil {
			t.Fatalf("%q: unknown with a price", cell)
		}
	})
}

// TestSuggestLeavesOutOtherCurrencies: a pathway's costs are in EUR, so an
// offer priced in USD is never suggested, however cheap.
func TestSuggestLeavesOutOtherCurrencies(t *testing.T) {
	usd, eur := cand("usd", 100, 10, "s:1"), cand("eur", 90000, 10, "s:1")
	usd.Currency, eur.Currency = "USD", "EUR"
	sg := Suggest(SuggestInput{Essential: skills("s:1"), Candidates: []Candidate{usd, eur}, Rules: DefaultRules(), Today: NewDate(2026, 1, 1),
		Constraints: Constraints{Budget: map[string]int64{SchemeILA: 100000}}})
	if len(sg.Pathways) == 0 || len(sg.Pathways[0].Steps) != 1 || sg.Pathways[0].Steps[0].ID != "eur" {
		t.Fatalf("pathways %+v", sg.Pathways)
	}
	for _, pw := range sg.Pathways {
		for _, st := range pw.Steps {
			if st.ID == "usd" {
				t.Errorf("a USD offer was suggested: %+v", pw)
			}
		}
	}
}
