package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/tui"
)

// TestOneFormatOnEveryFace: in each language, the same balances in EUR,
// hours and days read the same in the TUI's person overview, in `koers
// account show` and in the Markdown plan, because all three print through
// present. The days scheme has a code no default knows: its unit comes from
// the schemes table.
func TestOneFormatOnEveryFace(t *testing.T) {
	for _, lang := range []string{"en", "nl", "fr"} {
		t.Run(lang, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "koers.db")
			ctx := context.Background()
			ap, err := app.Open(ctx, db, app.Options{Actor: "tester"})
			if err != nil {
				t.Fatal(err)
			}
			if err := ap.DefineScheme(ctx, sessions.Scheme{Code: "fed-days", Unit: sessions.UnitDays}); err != nil {
				t.Fatal(err)
			}
			ap.Close()
			id := addPersonCLI(t, db, "Ann Peeters")
			for _, post := range [][]string{{"ila", "1240.00"}, {"leave", "7.5"}, {"fed-days", "2"}} {
				if code, _, errs := peopleCLI(t, db, "", "account", "post", "--person", id, "--scheme", post[0], "--kind", "accrual", "--amount", post[1]); code != 0 {
					t.Fatalf("post %v: %s", post, errs)
				}
			}
			schemes := []sessions.Scheme{{Code: "ila", Unit: sessions.UnitEUR}, {Code: "leave", Unit: sessions.UnitHours}, {Code: "fed-days", Unit: sessions.UnitDays}}
			pr := present.New(locale.Must().For(lang), schemes)
			want := []string{pr.Amount("ila", 124000), pr.Amount("leave", 450), pr.Amount("fed-days", 2)}

			_, cliText, errs := peopleCLI(t, db, "", "--lang", lang, "account", "show", "--person", id)
			md := filepath.Join(t.TempDir(), "plan.md")
			if code, _, errs2 := peopleCLI(t, db, "", "export", "plan", "--person", id, "--lang", lang, "--format", "md", "-o", md); code != 0 {
				t.Fatalf("export: %s %s", errs, errs2)
			}
			doc, err := os.ReadFile(md)
			if err != nil {
				t.Fatal(err)
			}
			screen := overviewScreen(t, db, lang, "Ann Peeters", want)
			for _, w := range want {
				if !strings.Contains(cliText, w) {
					t.Errorf("account show lacks %q:\n%s", w, cliText)
				}
				if !strings.Contains(string(doc), w) {
					t.Errorf("Markdown plan lacks %q", w)
				}
				if !strings.Contains(screen, w) {
					t.Errorf("TUI overview lacks %q", w)
				}
			}
		})
	}
}

// overviewScreen drives the TUI to the person's overview and returns the
// screen once every string of want shows.
func overviewScreen(t *testing.T, db, lang, name string, want []string) string {
	t.Helper()
	ctx := context.Background()
	ap, err := app.Open(ctx, db, app.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer ap.Close()
	schemes, err := ap.Schemes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deps := tui.Deps{Register: ap, Concepts: ap, People: ap, Plans: ap}
	m := tui.New(deps, locale.Must(), tui.Options{Lang: lang, Now: time.Now, Schemes: schemes})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	var screen string
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), name) }, teatest.WithDuration(45*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		screen += string(b)
		for _, w := range want {
			if !strings.Contains(screen, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(45*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
	return screen
}
