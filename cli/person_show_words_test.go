package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPersonShowInWords (issue 13 item 13): koers person show prints
// skill and occupation labels, not URIs; scheme names and evidence in
// words; a next appointment given as a date only without 00:00; the home
// region and mobility by name; an unknown person is said once.
func TestPersonShowInWords(t *testing.T) {
	db := planFixture(t)
	code, out, errs := peopleCLI(t, db, "", "person", "add", "--name", "Ann Peeters", "--json", "--add-skill", "http://data.europa.eu/esco/skill/s1",
		"--evidence", "self-declared", "--home-region", "Charleroi", "--mobility", "province", "--target-occupation", testOcc, "--employment", "unemployed")
	if code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	var added struct{ ID string }
	if err := json.Unmarshal([]byte(out), &added); err != nil || added.ID == "" {
		t.Fatalf("person add json %q: %v", out, err)
	}
	id := added.ID
	planCLI(t, db, 0, "session", "add", "--person", id, "--summary", "first", "--next", "2027-01-15")
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Skill: skill s1 (self-declared)", "test occupation", "Hainaut", "own province", "2027-01-15\n", "ILA ", "job seeker"}},
		{"fr", []string{"skill s1 (déclarée)", "test occupation", "Hainaut", "sa province", "15/01/2027\n", "CIF", "demandeur d'emploi"}},
	} {
		text := planCLI(t, db, 0, "--lang", c.lang, "person", "show", id)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: person show lacks %q:\n%s", c.lang, w, text)
			}
		}
		for _, bad := range []string{"http://data.europa.eu", "00:00", "unemployed", "  ila "} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: person show prints %q:\n%s", c.lang, bad, text)
			}
		}
	}
	code, _, errs = peopleCLI(t, db, "", "person", "show", "nobody")
	if code == 0 || strings.Count(errs, "nobody") != 1 {
		t.Errorf("person show nobody: exit %d, stderr %q (want the id named once)", code, errs)
	}
}
