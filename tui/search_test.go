package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/catalog"
)

// searchProbe wraps the root model and keeps what the screen shows after every
// message, so a test can wait for the screen rather than for raw output.
type searchProbe struct {
	m       *Model
	mu      sync.Mutex
	last    string
	settled bool // the search page has the hits and the facets of its latest query
}

func (p *searchProbe) Init() tea.Cmd { return p.m.Init() }
func (p *searchProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.m.Update(msg)
	p.mu.Lock()
	p.last = plain(p.m)
	if sp, ok := p.m.Active().(*searchPage); ok {
		p.settled = !sp.loading && sp.fseq == sp.seq
	}
	p.mu.Unlock()
	return p, cmd
}
func (p *searchProbe) View() tea.View { return p.m.View() }

func (p *searchProbe) screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

func (p *searchProbe) state() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.settled
}

// searchSession runs the search screen in a teatest program at w×h.
type searchSession struct {
	t  *testing.T
	tm *teatest.TestModel
	p  *searchProbe
	f  *fakeRegister
	sh *Shared
}

func newSearchSession(t *testing.T, lang string, w, h int, target *SearchTarget) *searchSession {
	t.Helper()
	sh := testShared(t, lang)
	f := newFakeRegister(t)
	sh.Deps.Register = f
	p := &searchProbe{m: newModel(sh, NewSearchPage(sh, target))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	s := &searchSession{t: t, tm: tm, p: p, f: f, sh: sh}
	s.waitFor(s.count(""))
	return s
}

// waitFor waits until the search has settled (hits and facets of the
// latest query are in) and every text is on screen. The check is on the
// rendered screen, so it cannot race the renderer.
func (s *searchSession) waitFor(texts ...string) {
	s.t.Helper()
	teatest.WaitFor(s.t, s.tm.Output(), func([]byte) bool {
		scr, settled := s.p.state()
		if !settled {
			return false
		}
		for _, t := range texts {
			if !strings.Contains(scr, t) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// count is the summary the screen shows once text has been counted.
func (s *searchSession) count(text string) string {
	return s.sh.Tr.N("app.offers", len(s.f.match(catalog.Query{Text: text})))
}

func (s *searchSession) keys(ks ...string) {
	for _, k := range ks {
		s.tm.Send(navKey(k))
	}
}

// navKey is a key press by its name, with the navigation keys keyPress lacks.
func navKey(s string) tea.KeyPressMsg {
	codes := map[string]rune{"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace}
	if c, ok := codes[s]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	return keyPress(s)
}

// finish quits and returns the last screen.
func (s *searchSession) finish() string {
	s.t.Helper()
	s.tm.Send(keyPress("ctrl+c"))
	s.tm.WaitFinished(s.t, teatest.WithFinalTimeout(15*time.Second))
	return s.p.screen()
}

// golden compares what the screen shows now with the golden file.
func (s *searchSession) golden() {
	s.t.Helper()
	scr := s.p.screen()
	golden.RequireEqual(s.t, []byte(scr))
	s.finish()
}

func TestSearchScreens(t *testing.T) {
	sizes := []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}}
	for _, sz := range sizes {
		t.Run("home/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "en", sz.w, sz.h, nil)
			s.waitFor("764 offers", "EQF")
			s.golden()
		})
		t.Run("typing/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "en", sz.w, sz.h, nil)
			s.tm.Type("data")
			s.waitFor("> data", s.count("data"))
			if s.count("data") == s.count("") {
				t.Error("data does not narrow the register")
			}
			s.golden()
		})
		t.Run("zorg-nl/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "nl", sz.w, sz.h, nil)
			s.tm.Type("zorg")
			s.waitFor("> zorg", s.count("zorg"), "Zorgkundige")
			if s.count("zorg") == s.count("") {
				t.Error("zorg does not narrow the register")
			}
			s.golden()
		})
		t.Run("filters/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "en", sz.w, sz.h, nil)
			// leave the box, open filters, EQF from 5, mode: blended (third), max price
			s.keys("esc", "f", "l", "l", "l", "l", "l", "j", "j", "l", "l", "l")
			s.waitFor("offers · EQF ≥ 5 · blended", "‹ blended ›")
			s.golden()
		})
		t.Run("filtered-list/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "en", sz.w, sz.h, nil)
			s.keys("esc", "f", "j", "j", "l", "j", "j", "j", "l", "esc")
			s.waitFor("offers · online · free")
			s.golden()
		})
		t.Run("detail/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "en", sz.w, sz.h, nil)
			s.tm.Type("circular economy 1")
			s.waitFor("Circular Economy 1", "1 offer")
			s.keys("enter")
			s.waitFor("Learning outcomes", "Type of quality assurance")
			s.golden()
		})
		t.Run("detail-scrolled/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "fr", sz.w, sz.h, nil)
			s.tm.Type("gestion de projet numerique 2")
			s.waitFor("Gestion de projet", "1 offre")
			s.keys("enter")
			s.waitFor("Acquis d'apprentissage")
			s.keys("pgdown", "end")
			s.waitFor("Source", "academie-du-hainaut")
			s.golden()
		})
		t.Run("help/"+sz.name, func(t *testing.T) {
			s := newSearchSession(t, "en", sz.w, sz.h, nil)
			s.keys("esc", "?")
			s.waitFor("page down", "quit")
			s.golden()
		})
	}
	t.Run("too-small", func(t *testing.T) {
		s := newSearchSession(t, "en", 80, 24, nil)
		s.tm.Send(tea.WindowSizeMsg{Width: 70, Height: 20})
		s.waitFor("70×20")
		s.golden()
	})
	t.Run("for-person/80x24", func(t *testing.T) {
		var added []string
		target := &SearchTarget{Label: "Ann Peeters", Add: func(o catalog.Offer) tea.Cmd {
			added = append(added, o.SourceID)
			return Status("Added "+o.Title+" to the plan", false)
		}}
		s := newSearchSession(t, "en", 80, 24, target)
		s.tm.Type("heat pump")
		s.waitFor("> heat pump", "Heat pump installer")
		s.keys("esc", "p")
		s.waitFor("Added Heat pump installer")
		s.golden()
		if len(added) != 1 {
			t.Errorf("Add called %d times, want 1", len(added))
		}
	})
	// From a person's file p makes the offer an agreed action of the
	// session being prepared, and the help line says so.
	t.Run("for-person-action/80x24", func(t *testing.T) {
		target := &SearchTarget{Label: "Ann Peeters", AddHelp: "add as agreed action", Add: func(o catalog.Offer) tea.Cmd {
			return Status("Added "+o.Title+" as an agreed action", false)
		}}
		s := newSearchSession(t, "en", 80, 24, target)
		s.tm.Type("heat pump")
		s.waitFor("> heat pump", "Heat pump installer")
		s.keys("esc")
		s.waitFor("p add as agreed action")
		s.golden()
	})
}

// searchTestPage builds a bare search page over the fake register at 80×24.
func searchTestPage(t *testing.T) (*searchPage, *fakeRegister) {
	t.Helper()
	sh := testShared(t, "en")
	f := newFakeRegister(t)
	sh.Deps.Register = f
	p := NewSearchPage(sh, nil).(*searchPage)
	p.SetSize(80, 21)
	return p, f
}

// runSearch executes cmd the way the runtime would, feeding every message back to
// the page; ticks are answered at once.
func runSearch(p *searchPage, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runSearch(p, c)
		}
	case nil:
	default:
		_, next := p.Update(msg)
		runSearch(p, next)
	}
}

func TestStaleRepliesAreDropped(t *testing.T) {
	p, _ := searchTestPage(t)
	runSearch(p, p.Init())
	if len(p.hits) == 0 {
		t.Fatal("no hits for the empty query")
	}
	// Type "d" then "a": two queries; the first one's reply arrives last.
	_, c1 := p.Update(keyPress("d"))
	_, c2 := p.Update(keyPress("a"))
	first, second := p.seq-1, p.seq
	_ = c1
	_ = c2
	newer := []catalog.Hit{{Offer: catalog.Offer{ID: "new", Title: "Newer"}}}
	older := []catalog.Hit{{Offer: catalog.Offer{ID: "old", Title: "Older"}}}
	p.Update(searchHitsMsg{seq: second, hits: newer})
	p.Update(searchHitsMsg{seq: first, hits: older})
	p.Update(searchFacetsMsg{seq: first, facets: catalog.Facets{Total: 999}})
	if len(p.hits) != 1 || p.hits[0].Offer.ID != "new" {
		t.Errorf("hits = %v, want only the newer reply", p.hits)
	}
	if p.facets != nil && p.facets.Total == 999 {
		t.Error("stale facets were shown")
	}
	// A stale debounce fires nothing.
	if _, cmd := p.Update(searchDebounceMsg{seq: first}); cmd != nil {
		t.Error("stale debounce started a query")
	}
}

func TestFirstPageBeforeFacets(t *testing.T) {
	p, _ := searchTestPage(t)
	runSearch(p, p.Init())
	p.Update(keyPress("x"))
	p.Update(searchHitsMsg{seq: p.seq, hits: []catalog.Hit{{Offer: catalog.Offer{ID: "1", Title: "Only hit"}}}})
	v := searchPlain(p)
	if !strings.Contains(v, "Only hit") || !strings.Contains(v, "…") {
		t.Errorf("first page should show with the count pending:\n%s", v)
	}
	p.Update(searchFacetsMsg{seq: p.seq, facets: catalog.Facets{Total: 1}})
	if v := searchPlain(p); !strings.Contains(v, "1 offer") {
		t.Errorf("count missing after facets:\n%s", v)
	}
}

func TestSearchErrorGoesToStatus(t *testing.T) {
	p, _ := searchTestPage(t)
	_, cmd := p.Update(searchHitsMsg{seq: p.seq, err: errors.New("disk on fire")})
	if cmd == nil {
		t.Fatal("no status command")
	}
	st, ok := cmd().(StatusMsg)
	if !ok || !st.Err || !strings.Contains(st.Text, "disk on fire") {
		t.Errorf("got %#v, want an error status", st)
	}
}

func TestQInBoxTypesAndEscLeaves(t *testing.T) {
	sh := testShared(t, "en")
	sh.Deps.Register = newFakeRegister(t)
	m := newModel(sh, NewSearchPage(sh, nil))
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	p := m.Active().(*searchPage)
	if !m.Active().InputFocused() {
		t.Fatal("the search box should have focus on the home screen")
	}
	if cmd := send(m, keyPress("q")); isQuitCmd(cmd) {
		t.Fatal("q in the search box quit")
	}
	if got := p.input.Value(); got != "q" {
		t.Fatalf("box holds %q, want %q", got, "q")
	}
	send(m, keyPress("esc"))
	if m.Active().InputFocused() {
		t.Fatal("esc did not leave the box")
	}
	send(m, keyPress("/"))
	if !m.Active().InputFocused() {
		t.Fatal("/ did not focus the box")
	}
	send(m, keyPress("esc"))
	if cmd := send(m, keyPress("q")); !isQuitCmd(cmd) {
		t.Fatal("q outside the box did not quit")
	}
}

func isQuitCmd(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func searchPlain(p *searchPage) string {
	return stripANSI(p.View())
}

func stripANSI(s string) string { return ansi.Strip(s) }

func TestScrollLoadsNextPageAndRevealKeepsSelection(t *testing.T) {
	p, f := searchTestPage(t)
	runSearch(p, p.Init())
	p.Update(navKey("esc"))
	if len(p.hits) != searchPageSize || !p.more {
		t.Fatalf("first page: %d hits, more %v", len(p.hits), p.more)
	}
	for range 12 {
		_, cmd := p.Update(navKey("pgdown"))
		runSearch(p, cmd)
	}
	if len(p.hits) <= searchPageSize {
		t.Fatalf("after paging down: %d hits, want the next page loaded", len(p.hits))
	}
	want := f.match(catalog.Query{Limit: 0, BookableOn: catalog.DateOf(p.sh.Now())})
	for i, h := range p.hits {
		if h.Offer.ID != want[i].Offer.ID {
			t.Fatalf("hit %d is %s, want %s: pages joined out of order", i, h.Offer.ID, want[i].Offer.ID)
		}
	}
	sel := p.hits[p.cursor].Offer.ID
	if p.cursor >= searchPageSize {
		// a refresh loads the first page only; pick a row on it
		p.cursor = 7
		sel = p.hits[7].Offer.ID
	}
	_, cmd := p.Update(RevealMsg{})
	runSearch(p, cmd)
	if got := p.hits[p.cursor].Offer.ID; got != sel {
		t.Errorf("after reveal the selection is %s, want %s", got, sel)
	}
}

// TestNewerQueryCancelsTheOneInFlight: the store is asked to stop working
// on a query nobody will see, and its cancellation is not an error.
func TestNewerQueryCancelsTheOneInFlight(t *testing.T) {
	p, f := searchTestPage(t)
	p.search()
	old := p.fetch(p.seq)
	p.search()
	current := p.fetch(p.seq)
	runSearch(p, old) // arrives late, with a cancelled context
	runSearch(p, current)
	if len(f.ctxErrs) != 2 || f.ctxErrs[0] == nil || f.ctxErrs[1] != nil {
		t.Fatalf("context errors %v, want the first cancelled and the second live", f.ctxErrs)
	}
	if p.err != "" || len(p.hits) == 0 {
		t.Errorf("err %q, %d hits; want the current results and no error", p.err, len(p.hits))
	}
}

// TestWidePaneFollowsSelection: beside the list (≥ 120 columns) up and
// down browse offers and the pane shows the selected one; full screen
// (below 120) they scroll the detail instead.
func TestWidePaneFollowsSelection(t *testing.T) {
	p, _ := searchTestPage(t)
	p.SetSize(120, 37)
	runSearch(p, p.Init())
	_, cmd := p.Update(navKey("enter"))
	runSearch(p, cmd)
	if p.detail == nil || p.detail.id != p.hits[0].Offer.ID {
		t.Fatal("enter did not open the first offer")
	}
	_, cmd = p.Update(navKey("down"))
	runSearch(p, cmd)
	if p.cursor != 1 || p.detail == nil || p.detail.id != p.hits[1].Offer.ID || !p.detail.full {
		t.Fatalf("after down: cursor %d, pane %v; want the second offer", p.cursor, p.detail)
	}
	if !strings.Contains(searchPlain(p), p.hits[1].Offer.Title) {
		t.Error("the pane does not show the selected offer")
	}

	p.SetSize(80, 21)
	_, cmd = p.Update(navKey("down"))
	runSearch(p, cmd)
	if p.cursor != 1 || p.detail.id != p.hits[1].Offer.ID {
		t.Errorf("full screen: down moved the selection to %d", p.cursor)
	}
}

// TestDetailShowsDescriptionInInterfaceLanguage: a Dutch offer read in a
// French interface also shows its French description.
func TestDetailShowsDescriptionInInterfaceLanguage(t *testing.T) {
	sh := testShared(t, "fr")
	f := newFakeRegister(t)
	sh.Deps.Register = f
	p := NewSearchPage(sh, nil).(*searchPage)
	p.SetSize(80, 21)
	var o catalog.Offer
	for _, c := range f.offers {
		if c.SourceID == "series-zorg-1" {
			o = c
		}
	}
	p.hits = []catalog.Hit{{Offer: o}}
	runSearch(p, p.openDetail())
	v := searchPlain(p)
	if !strings.Contains(v, "Zorgkundige 1: Basiszorg") || !strings.Contains(v, "fr: Module 1 sur 4") {
		t.Errorf("detail lacks the French description:\n%s", v)
	}
}

// TestAddWithoutTargetSaysHow: p on the home search says how to add to a
// plan rather than doing nothing.
func TestAddWithoutTargetSaysHow(t *testing.T) {
	p, _ := searchTestPage(t)
	runSearch(p, p.Init())
	p.Update(navKey("esc"))
	_, cmd := p.Update(navKey("p"))
	if cmd == nil {
		t.Fatal("p did nothing")
	}
	st, ok := cmd().(StatusMsg)
	if !ok || !strings.Contains(st.Text, "person or plan") {
		t.Errorf("got %#v, want a hint to open the register from a person or plan", st)
	}
}

// TestTabInBoxOpensPeople: on the home screen tab leaves the search box and
// asks for the people list; opened for a person, tab stays in the page.
func TestTabInBoxOpensPeople(t *testing.T) {
	sh := testShared(t, "en")
	sh.Deps.Register = newFakeRegister(t)
	m := newModel(sh, NewSearchPage(sh, nil))
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if !m.Active().InputFocused() {
		t.Fatal("the search box should have focus on the home screen")
	}
	cmd := send(m, keyPress("tab"))
	if cmd == nil {
		t.Fatal("tab in the box did nothing")
	}
	if _, ok := cmd().(OpenPeopleMsg); !ok {
		t.Fatal("tab in the box did not ask for the people list")
	}
	if m.Active().InputFocused() {
		t.Fatal("tab left the box focused")
	}

	sh2 := testShared(t, "en")
	sh2.Deps.Register = newFakeRegister(t)
	m2 := newModel(sh2, NewSearchPage(sh2, &SearchTarget{Label: "Ann"}))
	send(m2, tea.WindowSizeMsg{Width: 80, Height: 24})
	m2.Active().(*searchPage).input.Focus()
	if cmd := send(m2, keyPress("tab")); cmd != nil {
		if _, ok := cmd().(OpenPeopleMsg); ok {
			t.Fatal("a search opened for a person opened the people list")
		}
	}
}

// TestEmptyRegisterSaysHowToFillIt: on a register with no offer the list
// says how to fill it (import, or the sample), in the interface's
// language and whole at 80 columns; a query that finds nothing in a
// register that has offers still says "no match".
func TestEmptyRegisterSaysHowToFillIt(t *testing.T) {
	for _, c := range []struct{ lang, want, none string }{
		{"en", "The register is empty", "No offers match"},
		{"nl", "Het register is leeg", "Geen aanbod gevonden"},
		{"fr", "Le registre est vide", "Aucune offre"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			sh := testShared(t, c.lang)
			f := newFakeRegister(t)
			f.offers, f.words, f.title = nil, nil, nil
			sh.Deps.Register = f
			p := NewSearchPage(sh, nil).(*searchPage)
			p.SetSize(80, 21)
			runSearch(p, p.Init())
			v := searchPlain(p)
			if !strings.Contains(v, c.want) || !strings.Contains(v, "koers seed sample") || strings.Contains(v, c.none) {
				t.Errorf("empty register:\n%s", v)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > 80 {
					t.Errorf("line wider than 80: %q", l)
				}
			}

			p, _ = searchTestPage(t)
			p.sh.Tr = sh.Tr
			runSearch(p, p.Init())
			for _, r := range "zzqx" {
				_, cmd := p.Update(keyPress(string(r)))
				runSearch(p, cmd)
			}
			if v := searchPlain(p); strings.Contains(v, c.want) || len(p.hits) != 0 {
				t.Errorf("a query with no match in a register with offers:\n%s", v)
			}
		})
	}
}
