package present

import (
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
)

// TestBlockedSaysTheTrueReason: an empty suggestion never says "rules out 0
// offers"; it says that nothing teaches what is missing, or that the offers
// do not fit together, or names the constraint with its count.
func TestBlockedSaysTheTrueReason(t *testing.T) {
	missing := []catalog.SkillRef{{URI: "a"}, {URI: "b"}}
	cases := []struct {
		name string
		sg   catalog.Suggestion
		want map[string]string
	}{
		{"untaught", catalog.Suggestion{Missing: missing, Untaught: missing, Blocked: &catalog.Blocker{Constraint: "untaught"}},
			map[string]string{"en": "no offer in the register teaches the 2 essential skills", "nl": "geen aanbod in het register leert de 2", "fr": "aucune offre du registre n’enseigne les 2"}},
		{"together", catalog.Suggestion{Missing: missing, Blocked: &catalog.Blocker{Constraint: "combination"}},
			map[string]string{"en": "no set of them fits the limits together", "nl": "geen combinatie past samen", "fr": "aucune combinaison ne tient ensemble"}},
		{"language", catalog.Suggestion{Missing: missing, Blocked: &catalog.Blocker{Constraint: "language", Offers: 4}},
			map[string]string{"en": "language of instruction (rules out 4 offers", "nl": "4 aanbiedingen", "fr": "4"}},
		{"nothing missing", catalog.Suggestion{}, map[string]string{"en": "Nothing to cover", "nl": "Niets te dekken", "fr": ""}},
	}
	for _, c := range cases {
		for lang, want := range c.want {
			t.Run(c.name+"/"+lang, func(t *testing.T) {
				got := New(locale.Must().For(lang), nil).Blocked(c.sg)
				if got == "" || !strings.Contains(got, want) {
					t.Errorf("Blocked = %q, want it to contain %q", got, want)
				}
				if strings.Contains(got, " 0 ") {
					t.Errorf("Blocked = %q speaks of 0 offers", got)
				}
			})
		}
	}
}
