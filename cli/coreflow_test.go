package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

// nurseAssistant is the ESCO v1.1.1 occupation of the core flow.
const nurseAssistant = "http://data.europa.eu/esco/occupation/87d0795a-d41f-47ee-979f-0ab7d73836e7"

// TestCoreFlowFreshDatabase is issue 13's "Must show" at the CLI level: on
// a fresh database with no import (ESCO and the sample register come with
// the binary; an explicit --db gets the sample by `koers seed sample`), a French speaker in Charleroi without a car, who can travel
// in her own province only, gets a target occupation; suggest takes its
// constraints from her file; the accepted pathway covers at least 70 % of
// the occupation's essential skills, every step is taught in French in
// Hainaut or online, and the plan asks no scheme more than it has (leave
// hours beyond her balance are her own time, as suggest showed); the plan
// exports to PDF.
func TestCoreFlowFreshDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	cli := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("koers %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return stdout
	}
	// an explicit --db starts without the sample register: load it on
	// purpose (ESCO comes on its own).
	cli("seed", "sample")
	var person struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(cli("person", "add", "--name", "Amélie Dubois", "--language", "fr",
		"--postcode", "6000", "--mobility", "province", "--hours-per-week", "10", "--json")), &person); err != nil || person.ID == "" {
		t.Fatalf("person add: %v", err)
	}
	cli("person", "edit", person.ID, "--target-occupation", nurseAssistant)
	cli("account", "post", "--person", person.ID, "--scheme", "ila", "--kind", "accrual", "--amount", "300.00", "--key", "core-ila")
	cli("account", "post", "--person", person.ID, "--scheme", "leave", "--kind", "accrual", "--amount", "40", "--key", "core-leave")

	var sg []struct {
		Steps []struct {
			Offer   string `json:"offer"`
			Title   string `json:"title"`
			Hours   float64
			Funding []struct {
				Scheme string  `json:"scheme"`
				Amount float64 `json:"amount"`
			} `json:"funding"`
		} `json:"steps"`
		Totals map[string]any `json:"totals"`
	}
	if err := json.Unmarshal([]byte(cli("plan", "suggest", "--person", person.ID, "--json")), &sg); err != nil || len(sg) == 0 {
		t.Fatalf("suggest: %v, %d pathways", err, len(sg))
	}
	best := sg[0]
	suggestedLeave := 0.0
	for _, s := range best.Steps {
		for _, f := range s.Funding {
			if f.Scheme == "leave" {
				suggestedLeave += f.Amount
			}
		}
	}
	if suggestedLeave > 40 {
		t.Errorf("suggest asks %v h of leave, the balance is 40 h", suggestedLeave)
	}

	// every step fits the person: French, and in Hainaut or online.
	st, err := store.Open(context.Background(), db, store.Options{Actor: "test", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range best.Steps {
		o, err := st.Offer(context.Background(), s.Offer)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(o.Languages, "fr") || (o.Mode != catalog.ModeOnline && !strings.HasPrefix(o.Region, "BE32")) {
			t.Errorf("step %q: %v in %s (%s) does not fit a French speaker in Hainaut without a car", o.Title, o.Languages, o.Region, o.Mode)
		}
	}
	st.Close()

	// the text says what the suggestion kept to, in the person's words.
	text := cli("--lang", "fr", "plan", "suggest", "--person", person.ID)
	t.Log(strings.SplitN(text, "\n", 2)[0])
	for _, want := range []string{"Hainaut ou en ligne", "10 h par semaine"} {
		if !strings.Contains(text, want) {
			t.Errorf("suggest text lacks %q:\n%s", want, text)
		}
	}
	cli("plan", "accept", "--person", person.ID)
	var plan planOutJSON
	if err := json.Unmarshal([]byte(cli("plan", "show", "--person", person.ID, "--json")), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != len(best.Steps) {
		t.Errorf("accepted plan has %d steps, suggest showed %d", len(plan.Steps), len(best.Steps))
	}
	for _, sc := range plan.Totals.Schemes {
		if sc.Gap > 0 {
			t.Errorf("accepted plan is short of %v %s on %s: suggest showed no shortfall", sc.Gap, sc.Unit, sc.Scheme)
		}
		if sc.Scheme == "leave" && sc.Asked != suggestedLeave {
			t.Errorf("accepted plan asks %v h of leave, suggest showed %v h", sc.Asked, suggestedLeave)
		}
	}
	for _, w := range plan.Warnings {
		if strings.Contains(w.Code, "fund") || strings.Contains(w.Code, "leave") || strings.Contains(w.Code, "balance") {
			t.Errorf("accepted plan warns %s: %s", w.Code, w.Message)
		}
	}

	var gap struct {
		Essential struct {
			Total   int `json:"total"`
			Covered int `json:"covered"`
			Planned int `json:"planned"`
		} `json:"essential"`
	}
	if err := json.Unmarshal([]byte(cli("plan", "gap", "--person", person.ID, "--json")), &gap); err != nil {
		t.Fatal(err)
	}
	t.Logf("pathway: %d steps, %v h of leave from the account; gap: %d covered + %d planned of %d", len(best.Steps), suggestedLeave, gap.Essential.Covered, gap.Essential.Planned, gap.Essential.Total)
	if e := gap.Essential; e.Total == 0 || float64(e.Covered+e.Planned) < 0.7*float64(e.Total) {
		t.Errorf("accepted pathway covers %d+%d of %d essential skills, want ≥ 70 %%", e.Covered, e.Planned, e.Total)
	}

	pdf := filepath.Join(t.TempDir(), "plan.pdf")
	cli("--lang", "fr", "export", "plan", "--person", person.ID, "--format", "pdf", "-o", pdf)
	data, err := os.ReadFile(pdf)
	if err != nil || !strings.HasPrefix(string(data), "%PDF") {
		t.Fatalf("PDF: %v, %d bytes", err, len(data))
	}
}
