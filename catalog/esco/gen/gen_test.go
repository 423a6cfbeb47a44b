package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/esco"
)

// TestSnapshotIsCurrent rebuilds the snapshot from the official files and
// compares its text with the committed one: the generator is deterministic
// and the committed file matches the download it claims to derive from.
func TestSnapshotIsCurrent(t *testing.T) {
	data := filepath.Join("..", "..", "..", "..", "shared", "data", "esco")
	if _, err := os.Stat(filepath.Join(data, "v1.1.1-en")); err != nil {
		t.Skipf("real ESCO data not available (%v)", err)
	}
	got, err := build(data)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(esco.Compressed()))
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot.tsv.gz is stale (%d bytes of text rebuilt, %d committed): run go generate ./catalog/esco", len(got), len(want))
	}
	info, err := esco.Decode(bytes.NewReader(got), catalog.ESCOVisitor{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Occupations != 3007 || info.Skills != 13896 || info.Essential < 64000 || info.Version != esco.Version {
		t.Errorf("rebuilt snapshot holds %+v", info)
	}
}
