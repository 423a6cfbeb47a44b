package tui

// The conflicts screen of a laptop (issue 17): a change made here and on
// the server to the same editable record is never overwritten silently;
// the counsellor sees both versions, field by field where they differ,
// and chooses one. The choice goes through app.SyncResolve (audited).

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// conflictResolver is what the conflicts screen needs of the people side:
// app.App on a laptop.
type conflictResolver interface {
	SyncPersonConflicts(ctx context.Context, personID string) ([]app.PersonConflict, error)
	ResolveConflict(ctx context.Context, id, choice string) error
}

type conflictKeys struct {
	Next, Prev, Mine, Theirs, Confirm, Back key.Binding
}

type conflictsMsg struct {
	list []app.PersonConflict
	err  error
}

type conflictResolvedMsg struct {
	choice string
	err    error
}

// conflictsPage lists a person's open conflicts, one at a time.
type conflictsPage struct {
	sh     *Shared
	keys   conflictKeys
	dep    conflictResolver
	person string
	name   string
	list   []app.PersonConflict
	at     int
	loaded bool
	err    error
	// choosing is the choice waiting for confirmation ("" when none).
	choosing string
	busy     bool
	w, h     int
}

func newConflictsPage(sh *Shared, dep conflictResolver, personID, name string) *conflictsPage {
	tr := sh.Tr
	return &conflictsPage{sh: sh, dep: dep, person: personID, name: name, keys: conflictKeys{
		Next:    key.NewBinding(key.WithKeys("down", "j", "tab"), key.WithHelp("↑/↓", tr.T("sync.key.next"))),
		Prev:    key.NewBinding(key.WithKeys("up", "k", "shift+tab")),
		Mine:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", tr.T("sync.key.mine"))),
		Theirs:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", tr.T("sync.key.theirs"))),
		Confirm: key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", tr.T("people.key.confirm"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}}
}

func (c *conflictsPage) Init() tea.Cmd { return c.load() }

func (c *conflictsPage) load() tea.Cmd {
	dep, id := c.dep, c.person
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		l, err := dep.SyncPersonConflicts(ctx, id)
		return conflictsMsg{list: l, err: err}
	}
}

func (c *conflictsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case conflictsMsg:
		c.loaded, c.err, c.list = true, msg.err, msg.list
		c.at = min(c.at, max(len(c.list)-1, 0))
		if msg.err != nil {
			return c, Status(c.sh.P.Error(msg.err), true)
		}
		return c, nil
	case conflictResolvedMsg:
		c.busy = false
		if msg.err != nil {
			return c, tea.Batch(Status(c.sh.P.Error(msg.err), true), c.load())
		}
		done := Status(c.sh.Tr.T("sync.tui.resolved", "Choice", c.sh.Tr.T("sync.keep."+msg.choice)), false)
		if len(c.list) <= 1 {
			return c, tea.Sequence(done, Pop())
		}
		return c, tea.Batch(done, c.load())
	case tea.KeyPressMsg:
		if c.choosing != "" {
			switch {
			case key.Matches(msg, c.keys.Confirm) && !c.busy:
				return c, c.resolve()
			case msg.String() == "n" || key.Matches(msg, c.keys.Back):
				c.choosing = ""
			}
			return c, nil
		}
		switch {
		case key.Matches(msg, c.keys.Back):
			return c, Pop()
		case key.Matches(msg, c.keys.Next):
			c.at = min(c.at+1, max(len(c.list)-1, 0))
		case key.Matches(msg, c.keys.Prev):
			c.at = max(c.at-1, 0)
		case key.Matches(msg, c.keys.Mine) && len(c.list) > 0:
			c.choosing = "mine"
		case key.Matches(msg, c.keys.Theirs) && len(c.list) > 0:
			c.choosing = "theirs"
		}
	}
	return c, nil
}

func (c *conflictsPage) resolve() tea.Cmd {
	c.busy = true
	dep, id, choice := c.dep, c.list[c.at].ID, c.choosing
	c.choosing = ""
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		return conflictResolvedMsg{choice: choice, err: dep.ResolveConflict(ctx, id, choice)}
	}
}

// conflictField is one field that differs between the two versions.
type conflictField struct {
	label, mine, theirs string
}

func (c *conflictsPage) View() string {
	st, tr := c.sh.Styles, c.sh.Tr
	if !c.loaded {
		return Fit(" "+tr.T("people.loading"), c.w, c.h)
	}
	if c.err != nil {
		return Fit(" "+st.Error.Render("! "+c.sh.P.Error(c.err)), c.w, c.h)
	}
	if len(c.list) == 0 {
		return Fit(" "+tr.T("sync.tui.none"), c.w, c.h)
	}
	cf := c.list[c.at]
	lines := []string{
		" " + st.Bold.Render(tr.T("sync.tui.title", "Name", present.Terminal(c.name))) + "  " +
			st.Muted.Render(tr.T("sync.tui.position", "N", c.at+1, "Of", len(c.list))),
		" " + tr.T("sync.tui.about", "What", c.about(cf)),
	}
	for _, l := range strings.Split(ansi.Wordwrap(tr.T("sync.tui.when", "Time", c.sh.P.DateTime(cf.At.Local())), max(c.w-2, 20), ""), "\n") {
		lines = append(lines, " "+st.Muted.Render(l))
	}
	lines = append(lines, "")
	fields := c.diff(cf)
	if c.w >= WideWidth {
		lw := 24
		cw := (c.w - lw - 4) / 2
		lines = append(lines, " "+st.Bold.Render(pad(tr.T("sync.tui.field"), lw)+" "+pad(tr.T("sync.tui.mine"), cw)+" "+tr.T("sync.tui.theirs")))
		for _, f := range fields {
			lines = append(lines, " "+pad(f.label, lw)+" "+st.Warning.Render(pad(f.mine, cw))+" "+ansi.Truncate(f.theirs, cw, "…"))
		}
	} else {
		for _, f := range fields {
			lines = append(lines, " "+st.Bold.Render(f.label),
				"   "+st.Muted.Render(tr.T("sync.tui.mine")+": ")+st.Warning.Render(ansi.Truncate(f.mine, c.w-6, "…")),
				"   "+st.Muted.Render(tr.T("sync.tui.theirs")+": ")+ansi.Truncate(f.theirs, c.w-6, "…"))
		}
	}
	if len(fields) == 0 {
		lines = append(lines, " "+st.Muted.Render(tr.T("sync.tui.same")))
	}
	lines = append(lines, "")
	switch {
	case c.busy:
		lines = append(lines, " "+tr.T("people.loading"))
	case c.choosing != "":
		lines = append(lines, " "+st.Warning.Render(tr.T("sync.tui.confirm", "Choice", tr.T("sync.keep."+c.choosing))))
	default:
		for _, l := range strings.Split(ansi.Wordwrap(tr.T("sync.tui.choose"), max(c.w-2, 20), ""), "\n") {
			lines = append(lines, " "+st.Muted.Render(l))
		}
	}
	return Fit(strings.Join(lines, "\n"), c.w, c.h)
}

// pad truncates or pads s to w cells.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// about says in words what a conflict is about.
func (c *conflictsPage) about(cf app.PersonConflict) string {
	tr := c.sh.Tr
	switch cf.Table {
	case "people":
		return tr.T("sync.tui.about.profile")
	case "goals", "actions":
		row := cf.Local
		if len(row) == 0 {
			row = cf.Server
		}
		return tr.T("sync.tui.about."+cf.Table, "Summary", present.Terminal(text(row["summary"])))
	case "plans":
		plan := asMap(cf.Local["plan"])
		if plan == nil {
			plan = asMap(cf.Server["plan"])
		}
		return tr.T("sync.tui.about.plans", "Plan", present.Terminal(text(plan["name"])))
	}
	return present.Terminal(cf.Table)
}

// diff lists the fields that differ between the two versions, in words.
func (c *conflictsPage) diff(cf app.PersonConflict) []conflictField {
	var out []conflictField
	add := func(label string, mine, theirs string) {
		if mine != theirs {
			out = append(out, conflictField{label: label, mine: mine, theirs: theirs})
		}
	}
	switch cf.Table {
	case "people":
		for _, f := range profileFields {
			add(c.sh.Tr.T(f.label), c.profileValue(f.col, cf.Local[f.col]), c.profileValue(f.col, cf.Server[f.col]))
		}
	case "goals", "actions":
		add(c.sh.Tr.T("sync.tui.status"), c.status(cf.Local["status"]), c.status(cf.Server["status"]))
	case "plans":
		add(c.sh.Tr.T("sync.tui.plan_name"), present.Terminal(text(asMap(cf.Local["plan"])["name"])), present.Terminal(text(asMap(cf.Server["plan"])["name"])))
		add(c.sh.Tr.T("sync.tui.plan_agreed"), c.yesNo(asMap(cf.Local["plan"])["agreed"]), c.yesNo(asMap(cf.Server["plan"])["agreed"]))
		add(c.sh.Tr.T("sync.tui.plan_steps"), c.steps(cf.Local["steps"]), c.steps(cf.Server["steps"]))
	default:
		keys := make([]string, 0, len(cf.Local))
		for k := range cf.Local {
			keys = append(keys, k)
		}
		for k := range cf.Server {
			if _, ok := cf.Local[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(present.Terminal(k), present.Terminal(text(cf.Local[k])), present.Terminal(text(cf.Server[k])))
		}
	}
	return out
}

// profileFields are the profile's fields a counsellor edits, with their
// labels (as on the profile form).
var profileFields = []struct{ col, label string }{
	{"name", "people.pf.name"}, {"email", "people.email"}, {"phone", "people.phone"},
	{"birth_year", "people.pf.birth"}, {"language", "people.pf.language"}, {"eqf", "people.pf.eqf"},
	{"employment", "people.employment"}, {"current_occupation", "sync.tui.current_occupation"},
	{"target_occupation", "people.target"}, {"availability", "people.pf.availability"},
	{"mobility", "people.pf.mobility"}, {"modes", "sync.tui.modes"}, {"lawful_basis", "people.pf.basis"},
	{"notice_version", "people.pf.notice_version"}, {"notice_shown", "people.pf.notice_shown"},
	{"retain_until", "people.pf.retain"},
}

func (c *conflictsPage) profileValue(col string, v any) string {
	s := text(v)
	switch col {
	case "employment":
		return employmentLabel(c.sh, s)
	case "mobility":
		return mobilityLabel(c.sh, s)
	case "eqf":
		n, err := json.Number(s).Int64()
		if err != nil || n == 0 {
			return "–"
		}
		return c.sh.P.EQF(catalog.EQF(n))
	case "birth_year":
		if s == "" || s == "0" {
			return "–"
		}
	case "modes":
		var ms []string
		if err := json.Unmarshal([]byte(s), &ms); err != nil {
			return present.Terminal(s)
		}
		for i, m := range ms {
			ms[i] = c.sh.P.Mode(catalog.Mode(m))
		}
		if len(ms) == 0 {
			return "–"
		}
		return present.Terminal(strings.Join(ms, ", "))
	}
	if s == "" {
		return "–"
	}
	return present.Terminal(s)
}

func (c *conflictsPage) status(v any) string {
	s := text(v)
	if s == "" {
		return "–"
	}
	if id := "people.status." + s; c.sh.Tr.Has(id) {
		return c.sh.Tr.T(id)
	}
	return present.Terminal(s)
}

func (c *conflictsPage) yesNo(v any) string {
	switch text(v) {
	case "1", "true":
		return c.sh.Tr.T("sync.tui.yes")
	case "":
		return "–"
	}
	return c.sh.Tr.T("sync.tui.no")
}

// steps is a plan's steps in a line: each title with its status.
func (c *conflictsPage) steps(v any) string {
	rows, _ := v.([]any)
	var parts []string
	for _, r := range rows {
		m := asMap(r)
		st := text(m["status"])
		if id := "plan.status." + st; c.sh.Tr.Has(id) {
			st = c.sh.Tr.T(id)
		}
		parts = append(parts, present.Terminal(text(m["title"]))+" ("+present.Terminal(st)+")")
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, "; ")
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// text is a JSON value as text ("" for none).
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

func (c *conflictsPage) SetSize(w, h int)   { c.w, c.h = w, h }
func (c *conflictsPage) Title() string      { return c.sh.Tr.T("sync.tui.page") }
func (c *conflictsPage) InputFocused() bool { return false }
func (c *conflictsPage) ShortHelp() []key.Binding {
	if c.choosing != "" {
		return []key.Binding{c.keys.Confirm, c.keys.Back}
	}
	return []key.Binding{c.keys.Mine, c.keys.Theirs, c.keys.Next, c.keys.Back}
}
func (c *conflictsPage) FullHelp() [][]key.Binding {
	return [][]key.Binding{slices.Clone(c.ShortHelp())}
}
