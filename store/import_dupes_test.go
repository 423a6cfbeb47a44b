package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestImportDuplicateKey: a source id twice in one file is a validation
// problem naming both lines, and nothing is written, into an empty source
// (where the second insert used to fail on SQLite's UNIQUE constraint) and
// into one that already has offers (where it was silently merged).
func TestImportDuplicateKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTB(t)
	csv := filepath.Join(dir, "dup.csv")
	if err := os.WriteFile(csv, []byte("source_id,title,provider\na,A,P\nb,B,P\na,A again,P\nc,C,P\nb,B,P\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(dir, "dup.jsonl")
	if err := os.WriteFile(jsonl, []byte(`{"source":"j","source_id":"x","title":"X","provider":"P"}`+"\n"+
		`{"source":"j","source_id":"x","title":"X","provider":"P"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, source string
		want               []catalog.ImportError
	}{
		{"csv, empty source", csv, "cat", []catalog.ImportError{
			{File: csv, Line: 4, Field: "source_id", Msg: `"a" is already the source id of line 2: a key may appear once in a file`},
			{File: csv, Line: 6, Field: "source_id", Msg: `"b" is already the source id of line 3: a key may appear once in a file`},
		}},
		{"jsonl, empty source", jsonl, "", []catalog.ImportError{
			{File: jsonl, Line: 2, Field: "source_id", Msg: `"x" is already the source id of line 1: a key may appear once in a file`},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := s.Import(ctx, []string{tc.path}, ImportOptions{Source: tc.source})
			if !errors.Is(err, ErrImportInput) {
				t.Fatalf("err %v, want ErrImportInput", err)
			}
			if len(rep.Errors) != len(tc.want) {
				t.Fatalf("errors %v, want %v", rep.Errors, tc.want)
			}
			for i := range tc.want {
				if rep.Errors[i] != tc.want[i] {
					t.Errorf("error %d: %+v, want %+v", i, rep.Errors[i], tc.want[i])
				}
			}
		})
	}
	// Into a source with offers: same refusal, and nothing changed.
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("source_id,title,provider\na,A,P\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, []string{good}, ImportOptions{Source: "cat"}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Import(ctx, []string{csv}, ImportOptions{Source: "cat"})
	if !errors.Is(err, ErrImportInput) || len(rep.Errors) != 2 || rep.Errors[0].Line != 4 {
		t.Fatalf("re-import: %v %v", err, rep.Errors)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM offers WHERE source = 'cat'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("offers after a refused import: %d, %v; want 1", n, err)
	}
	if !strings.Contains(rep.Errors[0].Error(), "dup.csv:4: source_id:") {
		t.Errorf("message %q", rep.Errors[0].Error())
	}
}
