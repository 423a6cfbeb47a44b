package tui

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
)

// escoStore is a real store with a small hand-made ESCO in three
// languages (skills in English only, as in the real download).
func escoStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "koers.db"), store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const head = "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels\n"
	occ := func(rows ...string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(head + strings.Join(rows, "\n") + "\n")}
	}
	fsys := fstest.MapFS{
		"occupations_en.csv": occ(
			"Occupation,http://data.europa.eu/esco/occupation/hair,5141,hairdresser,\"hair stylist\nladies' hairdresser\",",
			"Occupation,http://data.europa.eu/esco/occupation/barber,5141,barber,men's hairdresser,",
			"Occupation,http://data.europa.eu/esco/occupation/wig,7531,wig maker,hairpiece maker,",
			"Occupation,http://data.europa.eu/esco/occupation/cga,2423,career guidance advisor,career guidance counsellor,"),
		"occupations_fr.csv": occ(
			"Occupation,http://data.europa.eu/esco/occupation/hair,5141,coiffeur/coiffeuse,coiffeuse,",
			"Occupation,http://data.europa.eu/esco/occupation/barber,5141,barbier/barbière,coiffeur pour hommes/coiffeuse pour hommes,",
			"Occupation,http://data.europa.eu/esco/occupation/wig,7531,perruquier/perruquière,,"),
		"occupations_nl.csv": occ(
			"Occupation,http://data.europa.eu/esco/occupation/hair,5141,kapper,kapster,",
			"Occupation,http://data.europa.eu/esco/occupation/cga,2423,loopbaanadviseur,loopbaanbegeleider,"),
		"skills_en.csv": {Data: []byte("conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels\n" +
			"KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/cut,skill/competence,,cut hair,trim hair\n")},
	}
	if _, err := st.ImportESCO(ctx, store.ESCOSource{FS: fsys, Label: "esco"}); err != nil {
		t.Fatal(err)
	}
	return st
}

// openerPage stands for a screen that asks for a concept.
type openerPage struct {
	blankPage
	mu     sync.Mutex
	picked []ConceptPickedMsg
}

func (p *openerPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if m, ok := msg.(ConceptPickedMsg); ok {
		p.mu.Lock()
		p.picked = append(p.picked, m)
		p.mu.Unlock()
		p.text = "picked " + m.Concept.Label
	}
	return p, nil
}

type pickerRun struct {
	t      *testing.T
	tm     *teatest.TestModel
	p      *peopleProbe
	opener *openerPage
}

func startPicker(t *testing.T, lang string, kind catalog.ConceptKind, w, h int) *pickerRun {
	t.Helper()
	st := escoStore(t)
	sh := newShared(locale.Must(), Deps{Concepts: st}, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
	op := &openerPage{blankPage: blankPage{sh: sh, title: "Plan"}}
	p := &peopleProbe{m: newModel(sh, op)}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	tm.Send(PushMsg{Page: NewConceptPicker(sh, kind, "target", "")})
	return &pickerRun{t: t, tm: tm, p: p, opener: op}
}

func (r *pickerRun) waitFor(texts ...string) {
	r.t.Helper()
	teatest.WaitFor(r.t, r.tm.Output(), func([]byte) bool {
		scr := r.p.screen()
		for _, s := range texts {
			if !strings.Contains(scr, s) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func (r *pickerRun) finish() {
	r.tm.Send(keyPress("ctrl+c"))
	r.tm.WaitFinished(r.t, teatest.WithFinalTimeout(15*time.Second))
}

func TestConceptPickerScreen(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r := startPicker(t, "fr", catalog.KindOccupation, sz.w, sz.h)
			r.waitFor("Choisir un métier", "Tapez au moins deux lettres.")
			r.tm.Type("hairdresser") // English label, French interface
			r.waitFor("coiffeur/coiffeuse", "barbier/barbière", "ISCO 5141", "trouvé par « hairdresser » (en)")
			// an earlier prefix's results can show while the last query is still in flight
			searching := locale.Must().For("fr").T("picker.searching")
			teatest.WaitFor(t, r.tm.Output(), func([]byte) bool { return !strings.Contains(r.p.screen(), searching) },
				teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
			golden.RequireEqual(t, []byte(r.p.screen()))
			r.finish()
		})
	}
}

func TestConceptPickerPicks(t *testing.T) {
	r := startPicker(t, "nl", catalog.KindOccupation, 80, 24)
	r.waitFor("Kies een beroep")
	r.tm.Type("q") // q types into the field, it does not quit
	r.waitFor("> q")
	r.tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	r.tm.Type("Coiffeuse")
	r.waitFor("▸ kapper")
	r.tm.Send(keyPress("enter"))
	r.waitFor("picked kapper")
	r.opener.mu.Lock()
	got := r.opener.picked
	r.opener.mu.Unlock()
	if len(got) != 1 || got[0].Tag != "target" || got[0].Concept.URI != "http://data.europa.eu/esco/occupation/hair" || got[0].Concept.LabelLang != "nl" {
		t.Fatalf("picked %+v", got)
	}
	r.finish()
}

func TestConceptPickerSkillFallsBackToEnglish(t *testing.T) {
	r := startPicker(t, "nl", catalog.KindSkill, 80, 24)
	r.waitFor("Kies een vaardigheid")
	r.tm.Type("trim")
	r.waitFor("cut hair [en]")
	r.tm.Send(keyPress("esc"))
	r.waitFor("Plan")
	r.finish()
}

func TestPickerDropsStaleResults(t *testing.T) {
	sh := testShared(t, "en")
	pg := NewConceptPicker(sh, catalog.KindOccupation, "", "").(*pickerPage)
	pg.SetSize(80, 20)
	pg.seq = 2
	pg.Update(pickerResultsMsg{seq: 1, items: []catalog.ConceptMatch{{Label: "stale"}}})
	if len(pg.items) != 0 {
		t.Fatal("stale results shown")
	}
	pg.Update(pickerResultsMsg{seq: 2, items: []catalog.ConceptMatch{{Label: "fresh"}}})
	if len(pg.items) != 1 || !strings.Contains(pg.View(), "fresh") {
		t.Fatal("current results not shown")
	}
}
