package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedFileIsCurrent regenerates the register and compares it with
// the committed offers.jsonl: the generator is deterministic and the file
// matches its tables.
func TestCommittedFileIsCurrent(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	zip := filepath.Join(wd, "..", "..", "..", "..", "shared", "data", "esco", "v1.1.1-en", "ESCO dataset - v1.1.1 - classification - en - csv.zip")
	if _, err := os.Stat(zip); err != nil {
		t.Skipf("real ESCO data not available (%v)", err)
	}
	out := filepath.Join(t.TempDir(), "offers.jsonl")
	if err := run(zip, out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "offers.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("offers.jsonl is stale: run go generate ./catalog/sample")
	}
}

func TestSlug(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Académie du Hainaut", "academie-du-hainaut"},
		{"Safety on site (VCA)", "safety-on-site-vca"},
		{"--x--", "x"},
	} {
		if got := slug(c.in); got != c.want {
			t.Errorf("slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
