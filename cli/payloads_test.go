package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/internal/payloads"
)

// TestInjectionPayloadsInCLIText imports an offer per payload of
// testdata/injection-payloads.json (as title, provider and description)
// and a person named with each, then reads the CLI's text output of
// search, offer, person list and person show: no control, escape, bidi
// override or invisible character may reach the terminal raw.
func TestInjectionPayloadsInCLIText(t *testing.T) {
	ps := payloads.Load(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	var lines []string
	for i, p := range ps {
		line, _ := json.Marshal(map[string]any{"source_id": fmt.Sprintf("p%d", i), "title": "Payload " + p[1], "provider": "Prov " + p[1],
			"description": p[1], "awarding_body": "A", "country": "BE", "eqf": 4, "mode": "online", "languages": []string{"en"}, "hours": 10,
			"assessment": "written-exam", "quality_assurance": "accredited-programme", "learning_outcomes": []map[string]string{{"text": p[1]}}})
		lines = append(lines, string(line))
	}
	file := filepath.Join(dir, "reg.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := registerCLI(t, db, "import", "--source", "evil", file); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	var people []string
	for _, p := range ps {
		code, out, _ := peopleCLI(t, db, "", "person", "add", "--name", "Ann "+p[1], "--json")
		if code != 0 {
			continue // a name the person rules refuse (a line break) never reaches an output
		}
		var got struct{ ID string }
		if json.Unmarshal([]byte(out), &got) == nil {
			people = append(people, got.ID)
		}
	}
	if len(people) < 20 {
		t.Fatalf("only %d of %d hostile names were accepted: the test shows little", len(people), len(ps))
	}
	runs := [][]string{{"search", "payload", "--limit", "0"}, {"search", "", "--limit", "0"}, {"person", "list"}}
	for i := range ps {
		runs = append(runs, []string{"offer", fmt.Sprintf("evil:p%d", i)})
	}
	for _, id := range people {
		runs = append(runs, []string{"person", "show", id})
	}
	for _, args := range runs {
		code, out, errs := registerCLI(t, db, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errs)
		}
		if args[0] == "search" && args[1] == "payload" && strings.Count(out, "Payload") < len(ps) {
			t.Fatalf("search shows %d of the %d offers: the check would prove little\n%s", strings.Count(out, "Payload"), len(ps), out)
		}
		for _, r := range out + errs {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e ||
				r >= 0x2066 && r <= 0x2069 || r == 0x200b || r == 0x200e || r == 0x200f || r == 0xfeff || r == 0x2028 || r == 0x2029 {
				t.Errorf("%v prints U+%04X raw", args, r)
				break
			}
		}
	}
}
