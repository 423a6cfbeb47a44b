package tui

import (
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
)

func TestLabelsAndNumbers(t *testing.T) {
	cat := locale.Must()
	en, nl, fr := present.New(cat.For("en"), nil), present.New(cat.For("nl"), nil), present.New(cat.For("fr"), nil)
	ects, hours := 2.5, 60.0
	free, paid := catalog.Money(0), catalog.Money(124050)
	tests := []struct {
		name, got, want string
	}{
		{"count en", en.Count(12480), "12,480"},
		{"count nl", nl.Count(12480), "12.480"},
		{"count small", fr.Count(512), "512"},
		{"euros", en.MoneyShort(paid, "EUR"), "€1,240.50"},
		{"euros round", en.MoneyShort(48000, "EUR"), "€480"},
		{"price free nl", nl.Price(&free, "EUR"), "gratis"},
		{"price unknown", en.Price(nil, ""), "unknown"},
		{"price other currency", en.Price(&paid, "CHF"), "CHF 1,240.50"},
		{"workload ects first", en.WorkloadShort(&ects, &hours), "2.5 ECTS"},
		{"workload hours", en.WorkloadShort(nil, &hours), "60 h"},
		{"eqf fr", fr.EQF(6), "CEC 6"},
		{"eqf n/a nl", nl.EQF(catalog.EQFNotApplicable), nl.Tr().T("app.na")},
		{"mode nl", nl.Vocab("mode", "onsite"), "ter plaatse"},
		{"unknown code stays", en.Vocab("assessment", "peer-review"), "peer-review"},
		{"region nuts3 falls back", en.Region("BE221"), "Limburg (BE)"},
		{"region unknown", en.Region("XX9"), ""},
		{"bar full", bar(10, 10, 5), "█████"},
		{"bar eighths", bar(1, 16, 5), "▎"},
		{"bar zero", bar(0, 10, 5), ""},
		{"joinFit drops dangling divider", joinFit([]string{"a 1", "b 2", "│", "long bucket 3"}, " · ", 12), "a 1 · b 2"},
		{"joinFit keeps divider", joinFit([]string{"a 1", "│", "c 3"}, " · ", 40), "a 1 │ c 3"},
		{"padLeft", padLeft("€30", 6), "   €30"},
		{"padRight cuts", padRight("Zorgkundige", 6), "Zorgk…"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestFilterQuery(t *testing.T) {
	now := testShared(t, "en").Now()
	var s filterState
	s.step(fEQFMin, 4)     // EQF 4
	s.step(fEQFMax, -3)    // wraps back through "any" to 6
	s.step(fMode, 2)       // onsite
	s.step(fRegion, 3)     // BE2
	s.step(fMaxPrice, 4)   // 500
	s.step(fScheme, 2)     // leave
	s.step(fStartAfter, 3) // in three months
	q := s.query(now)
	if q.EQFMin != 4 || q.EQFMax != 6 || len(q.Modes) != 1 || q.Modes[0] != catalog.ModeOnsite ||
		q.Region != "BE2" || q.MaxPrice == nil || *q.MaxPrice != 50000 || q.Scheme != "leave" ||
		q.StartAfter.String() != "2027-03-03" {
		t.Errorf("query %+v", q)
	}
	tr := locale.Must().For("en")
	if got, want := s.summary(present.New(tr, nil), now), "EQF 4–6 · onsite · Flanders · ≤ €500 · paid training leave · ≥ 2027-03-03"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if (filterState{}).summary(present.New(tr, nil), now) != "" {
		t.Error("no filters should have an empty summary")
	}
}
