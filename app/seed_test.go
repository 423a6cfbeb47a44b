package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog/esco"
)

func openFresh(t *testing.T, opt Options) *App {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "koers.db"), opt)
}

func openAt(t *testing.T, path string, opt Options) *App {
	t.Helper()
	a, err := Open(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// TestFreshDatabaseHasESCO: a new database, with no import, has the ESCO
// occupations, skills and relations of the snapshot, and an occupation's
// essential skills are labelled in English, Dutch and French (Dutch and
// French where the official files carry a label for the skill).
func TestFreshDatabaseHasESCO(t *testing.T) {
	ctx := context.Background()
	t0, cpu0 := time.Now(), cpuTime()
	var told []string
	opt := Options{Actor: "test", SeedESCO: true, Seeding: func(what string) { told = append(told, what) }}
	a := openFresh(t, opt)
	if len(told) != 0 {
		t.Errorf("the open itself loaded ESCO (%v): it is loaded on first use", told)
	}
	if err := a.EnsureESCO(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("open with ESCO seed: %v wall, %v CPU (snapshot %d bytes)", time.Since(t0), cpuTime()-cpu0, esco.Size())
	st, err := a.st.ESCOStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Occupations != 3007 || st.Skills != 13896 || st.Relations != 123788 {
		t.Errorf("stats = %+v, want 3007 occupations, 13896 skills, 123788 relations", st)
	}
	// data analyst: its essential skills include digital and transversal
	// skills, which the French and Dutch collections label.
	labels := map[string]map[string]string{}
	for _, lang := range []string{"en", "nl", "fr"} {
		oc, err := a.Occupation(ctx, "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2", lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(oc.Essential) < 10 {
			t.Fatalf("%s: %d essential skills", lang, len(oc.Essential))
		}
		labels[lang] = map[string]string{"": oc.Label}
		for _, s := range oc.Essential {
			labels[lang][s.URI] = s.Label
		}
	}
	if labels["en"][""] != "data analyst" || labels["nl"][""] == labels["en"][""] || labels["fr"][""] == labels["en"][""] {
		t.Errorf("occupation labels en %q nl %q fr %q", labels["en"][""], labels["nl"][""], labels["fr"][""])
	}
	for _, lang := range []string{"nl", "fr"} {
		own := 0
		for uri, l := range labels[lang] {
			if uri != "" && l != "" && l != labels["en"][uri] {
				own++
			}
		}
		if own == 0 {
			t.Errorf("%s: no essential skill of data analyst has its own %s label", lang, lang)
		}
	}
	// A second open leaves the loaded taxonomy alone, and says nothing.
	seeded, err := a.SeedESCO(ctx)
	if err != nil || seeded {
		t.Errorf("second seed = %v, %v; want false, nil", seeded, err)
	}
	path := a.Path()
	a.Close()
	b := openAt(t, path, opt)
	if err := b.EnsureESCO(ctx); err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || told[0] != "esco" {
		t.Errorf("seeding was told %v, want [esco] once", told)
	}
}
