package catalog

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Coiffeur/Coiffeuse", "coiffeur/coiffeuse"},
		{"  coiffeur / coiffeuse ", "coiffeur/coiffeuse"},
		{"l’agent", "l agent"},
		{"l'agent", "l agent"},
		{"Éducateur spécialisé", "educateur specialise"},
		{"career-guidance  counsellor", "career guidance counsellor"},
		{"re-integratiedeskundige", "re integratiedeskundige"},
		{"Straße", "strasse"},
		{"ICT – support", "ict support"},
		{"", ""},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFoldVariants(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"coiffeur/coiffeuse", []string{"coiffeur/coiffeuse", "coiffeur", "coiffeuse"}},
		{"directeur technique/directrice technique", []string{"directeur technique/directrice technique", "directeur technique", "directrice technique"}},
		{"agent/agente de sécurité", []string{"agent/agente de securite", "agent de securite", "agente de securite"}},
		{"hairdresser", []string{"hairdresser"}},
		{"   ", nil},
	} {
		if got := FoldVariants(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("FoldVariants(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
