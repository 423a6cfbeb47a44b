package sample

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

func offers(t *testing.T) []catalog.Offer {
	t.Helper()
	all, err := Offers()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestSampleSizeAndValidity(t *testing.T) {
	all := offers(t)
	if len(all) < 400 {
		t.Errorf("got %d offers, want at least 400", len(all))
	}
	if n := len(JSONL()); n >= 2<<20 {
		t.Errorf("offers.jsonl is %d bytes, want under 2 MiB", n)
	}
	providers := map[string]bool{}
	ids := map[string]bool{}
	for _, o := range all {
		if p := o.Validate(); len(p) > 0 {
			t.Errorf("%s: %v", o.SourceID, p)
		}
		if o.Source != Source {
			t.Errorf("%s: source %q, want %q", o.SourceID, o.Source, Source)
		}
		if ids[o.SourceID] {
			t.Errorf("duplicate source_id %s", o.SourceID)
		}
		ids[o.SourceID] = true
		providers[o.Provider] = true
		if len(o.Skills()) == 0 {
			t.Errorf("%s: no ESCO skills on its learning outcomes", o.SourceID)
		}
		if w := o.WorkloadWarning(); w != "" {
			t.Errorf("%s: %s", o.SourceID, w)
		}
	}
	if len(providers) < 40 {
		t.Errorf("got %d providers, want at least 40", len(providers))
	}
}

// TestSampleSpread checks the register is varied enough to demonstrate
// facets and filters: every EQF level 2–7, every main mode, all three
// languages, free and paid offers, all three schemes, starts in 2027.
func TestSampleSpread(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range offers(t) {
		seen["eqf"+o.EQF.URI()] = true
		seen["mode:"+string(o.Mode)] = true
		for _, l := range o.Languages {
			seen["lang:"+l] = true
		}
		for _, s := range o.Schemes {
			seen["scheme:"+s] = true
		}
		if o.Price != nil && *o.Price == 0 {
			seen["free"] = true
		}
		if o.Price != nil && *o.Price >= 15000 && *o.Price <= 90000 {
			seen["150-900"] = true
		}
		if o.Start.Time().Year() == 2027 {
			seen["2027"] = true
		}
	}
	want := []string{"mode:online", "mode:onsite", "mode:blended", "lang:nl", "lang:en", "lang:fr",
		"scheme:ila", "scheme:leave", "scheme:voucher", "free", "150-900", "2027"}
	for l := 2; l <= 7; l++ {
		want = append(want, "eqf"+catalog.EQF(l).URI())
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("no offer with %s", w)
		}
	}
}

// TestSampleNarrows checks that the words a counsellor types first pick
// out a visible part of the register, not all or nothing.
func TestSampleNarrows(t *testing.T) {
	all := offers(t)
	for _, word := range []string{"data", "zorg", "energie", "logisti"} {
		n := 0
		for _, o := range all {
			if strings.Contains(strings.ToLower(o.Title+" "+o.Description), word) {
				n++
			}
		}
		if n < 10 || n > len(all)/4 {
			t.Errorf("%q matches %d of %d offers, want 10..%d", word, n, len(all), len(all)/4)
		}
	}
}

// TestSampleSeries checks the stackable series: 3–5 modules each, every
// relation target exists, and every module's prerequisite is the title of
// another module of its series.
func TestSampleSeries(t *testing.T) {
	all := offers(t)
	byID := map[string]catalog.Offer{}
	for _, o := range all {
		byID[o.SourceID] = o
	}
	parts := map[string]int{}
	for _, o := range all {
		for _, r := range o.Relations {
			target, ok := byID[r.Target]
			if !ok {
				t.Errorf("%s: %s %s does not exist", o.SourceID, r.Kind, r.Target)
				continue
			}
			if r.Label != "" && r.Label != target.Title {
				t.Errorf("%s: relation label %q, target title %q", o.SourceID, r.Label, target.Title)
			}
			if r.Kind == catalog.StacksTowards {
				parts[r.Target]++
				if o.Stackability != "stackable" {
					t.Errorf("%s stacks towards %s but is %q", o.SourceID, r.Target, o.Stackability)
				}
			}
		}
		if o.Stackability == "stackable" {
			for _, pre := range o.Prerequisites {
				found := false
				for _, other := range all {
					if other.Title == pre && other.SourceID != o.SourceID && strings.HasPrefix(other.SourceID, "series-") {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: prerequisite %q is not a module in the register", o.SourceID, pre)
				}
			}
		}
	}
	if len(parts) < 3 {
		t.Errorf("got %d stackable series, want at least 3", len(parts))
	}
	for whole, n := range parts {
		if n < 3 || n > catalog.DefaultMaxSteps {
			t.Errorf("%s has %d modules, want 3 to %d (one suggestion holds them all)", whole, n, catalog.DefaultMaxSteps)
		}
	}
}

// dataDir is ../shared/data from the repository root.
func dataDir(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..", "..", "shared", "data")
}

// TestSampleESCOURIsExist checks every skill URI against the real ESCO
// v1.1.1 skills file.
func TestSampleESCOURIsExist(t *testing.T) {
	path := filepath.Join(dataDir(t), "esco", "v1.1.1-en", "ESCO dataset - v1.1.1 - classification - en - csv.zip")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real ESCO data not available (%v)", err)
	}
	known := escoSkills(t, path)
	if len(known) < 13000 {
		t.Fatalf("read %d ESCO skills, want the full file", len(known))
	}
	n := 0
	for _, o := range offers(t) {
		for _, s := range o.Skills() {
			n++
			label, ok := known[s.URI]
			if !ok {
				t.Errorf("%s: %s is not an ESCO v1.1.1 skill", o.SourceID, s.URI)
			} else if label != s.Label {
				t.Errorf("%s: %s is %q in ESCO, %q here", o.SourceID, s.URI, label, s.Label)
			}
		}
	}
	if n == 0 {
		t.Fatal("no skills checked")
	}
}

func escoSkills(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "skills_en.csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		cr := csv.NewReader(rc)
		cr.FieldsPerRecord = -1
		if _, err := cr.Read(); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return m
			}
			if err != nil {
				t.Fatal(err)
			}
			m[rec[1]] = strings.TrimSpace(rec[4])
		}
	}
	t.Fatal("no skills_en.csv in the ESCO zip")
	return nil
}
