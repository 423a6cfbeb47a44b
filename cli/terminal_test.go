package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataNeverDrivesTheTerminal: an imported title and a person's name
// carrying escape sequences (OSC 0 window title, OSC 52 clipboard, clear
// screen), a right-to-left override and a line break reach the CLI's text
// output only as visible placeholders; --json keeps the data itself,
// escaped by JSON.
func TestDataNeverDrivesTheTerminal(t *testing.T) {
	evil := "Data\x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07\x1b[2J\u202ecod.exe\nsecond line"
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	line, _ := json.Marshal(map[string]any{"source_id": "x1", "title": evil, "provider": "Evil\x1b[31m Corp", "awarding_body": "A",
		"country": "BE", "eqf": 4, "mode": "online", "languages": []string{"en"}, "hours": 10, "assessment": "written-exam",
		"quality_assurance": "accredited-programme", "learning_outcomes": []map[string]string{{"text": "o"}}})
	file := filepath.Join(dir, "reg.jsonl")
	if err := os.WriteFile(file, append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := registerCLI(t, db, "import", "--source", "evil", file); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	id := addPersonCLI(t, db, "Ann\x1b]0;x\x07 Peeters")
	for _, args := range [][]string{{"search", "--provider", "evil"}, {"offer", "evil:x1"}, {"person", "list"}, {"person", "show", id}} {
		code, out, errs := registerCLI(t, db, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errs)
		}
		if strings.ContainsAny(out, "\x1b\x07\u202e") {
			t.Errorf("%v prints raw control characters: %q", args, out)
		}
	}
	_, out, _ := registerCLI(t, db, "search", "--provider", "evil", "--json")
	var hits []struct{ Title string }
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) != 1 || hits[0].Title != evil {
		t.Errorf("--json must keep the title as data: %v, %d hits", err, len(hits))
	}
}
