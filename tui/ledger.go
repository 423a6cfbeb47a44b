package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func dateOf(t time.Time) catalog.Date { return catalog.DateOf(t.Local()) }

type ledgerKeys struct {
	Scheme, Post, Kind, Submit, Cancel, Back key.Binding
	Select, Correct                          key.Binding
}

func newLedgerKeys(sh *Shared) ledgerKeys {
	tr := sh.Tr
	return ledgerKeys{
		Scheme:  key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", tr.T("people.key.scheme"))),
		Post:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("people.key.post"))),
		Kind:    key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", tr.T("people.key.kind"))),
		Submit:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("people.key.submit"))),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("people.key.cancel"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		Select:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", tr.T("people.key.entry"))),
		Correct: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("people.key.correct"))),
	}
}

type ledgerMsg struct {
	seq      int
	schemes  []sessions.Scheme
	balances []sessions.Balance
	entries  []sessions.Entry
	err      error
}

type postedMsg struct {
	e   sessions.Entry
	err error
}

// entryForm is the ledger's entry form: kind, amount, reason and funder.
type entryForm struct {
	kind   int
	inputs [3]textinput.Model // amount, reason, funder
	focus  int
	key    string // idempotency key, kept across retries of one entry
}

// formKinds are the kinds the form posts (a correction needs an entry id: CLI).
var formKinds = []sessions.Kind{sessions.Accrual, sessions.TopUp, sessions.Reserve, sessions.Spend, sessions.Release, sessions.Expire}

// ledgerPage lists one scheme's entries with the running available, and
// opens an entry form.
type ledgerPage struct {
	sh      *Shared
	keys    ledgerKeys
	person  sessions.Person
	schemes []sessions.Scheme
	bal     []sessions.Balance
	entries []sessions.Entry
	scheme  int
	form    *entryForm
	// sel is the selected entry among the current scheme's (-1: the newest).
	sel  int
	seq  int
	err  error
	w, h int
}

func newLedgerPage(sh *Shared, p sessions.Person) *ledgerPage {
	return &ledgerPage{sh: sh, keys: newLedgerKeys(sh), person: p, sel: -1}
}

func (p *ledgerPage) Init() tea.Cmd { return p.load() }

func (p *ledgerPage) load() tea.Cmd {
	p.seq++
	seq, id, dep := p.seq, p.person.ID, p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		m := ledgerMsg{seq: seq}
		if m.schemes, m.err = dep.Schemes(ctx); m.err != nil {
			return m
		}
		if m.balances, m.err = dep.Balances(ctx, id); m.err != nil {
			return m
		}
		m.entries, m.err = dep.Entries(ctx, id, "")
		if m.err == nil {
			m.err = dep.Audit(ctx, id, "view", "ledger")
		}
		return m
	}
}

func (p *ledgerPage) current() sessions.Scheme {
	if len(p.schemes) == 0 {
		return sessions.Scheme{Unit: sessions.UnitEUR}
	}
	return p.schemes[p.scheme]
}

func (p *ledgerPage) openForm() {
	f := &entryForm{key: sessions.NewID()}
	ph := []string{p.sh.Tr.T("people.ph.amount", "Unit", string(p.current().Unit)), p.sh.Tr.T("people.ph.reason"), p.sh.Tr.T("people.ph.funder")}
	for i := range f.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = ph[i]
		in.SetStyles(peopleInputStyles(p.sh.Styles.IsDark))
		in.SetWidth(max(p.w-24, 10))
		f.inputs[i] = in
	}
	f.inputs[0].Focus()
	p.form = f
}

func (p *ledgerPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case ledgerMsg:
		if msg.seq != p.seq {
			return p, nil
		}
		p.err = msg.err
		if msg.err != nil {
			return p, nil
		}
		p.schemes, p.bal, p.entries = msg.schemes, msg.balances, msg.entries
		p.scheme = min(p.scheme, max(len(p.schemes)-1, 0))
		// The header's available ILA follows what was just posted.
		fc := focusFor(p.sh.P, personFile{person: p.person, balances: p.bal})
		return p, func() tea.Msg { return FocusMsg{Focus: fc} }
	case postedMsg:
		tr := p.sh.Tr
		if msg.err != nil {
			return p, Status(tr.T("people.err.post", "Err", msg.err.Error()), true)
		}
		p.form = nil
		sc := p.current()
		text := tr.T("people.posted_tui", "Kind", tr.T("people.kind."+string(msg.e.Kind)), "Amount", p.sh.P.UnitAmount(sc.Unit, msg.e.Amount),
			"Available", p.sh.P.UnitAmount(sc.Unit, msg.e.BalanceAfter-msg.e.ReservedAfter))
		return p, tea.Batch(Status(text, false), p.load())
	case tea.KeyPressMsg:
		if p.form != nil {
			return p, p.formKey(msg)
		}
		if cmd, ok := p.entryKey(msg); ok {
			return p, cmd
		}
		switch {
		case key.Matches(msg, p.keys.Back):
			return p, Pop()
		case key.Matches(msg, p.keys.Scheme) && len(p.schemes) > 0:
			n := len(p.schemes)
			if msg.String() == "left" {
				p.scheme = (p.scheme + n - 1) % n
			} else {
				p.scheme = (p.scheme + 1) % n
			}
		case key.Matches(msg, p.keys.Post) && p.err == nil && len(p.schemes) > 0:
			p.openForm()
		}
	case tea.PasteMsg:
		if p.form != nil {
			var cmd tea.Cmd
			f := p.form
			f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
			return p, cmd
		}
	}
	return p, nil
}

func (p *ledgerPage) formKey(msg tea.KeyPressMsg) tea.Cmd {
	f, tr := p.form, p.sh.Tr
	switch {
	case key.Matches(msg, p.keys.Cancel):
		p.form = nil
		return nil
	case key.Matches(msg, p.keys.Kind):
		f.kind = (f.kind + 1) % len(formKinds)
		return nil
	case msg.String() == "tab" || msg.String() == "shift+tab":
		f.inputs[f.focus].Blur()
		d := 1
		if msg.String() == "shift+tab" {
			d = len(f.inputs) - 1
		}
		f.focus = (f.focus + d) % len(f.inputs)
		return f.inputs[f.focus].Focus()
	case key.Matches(msg, p.keys.Submit):
		sc := p.current()
		amount, err := sc.Unit.Parse(f.inputs[0].Value())
		if err != nil {
			return Status(tr.T("people.err.field", "Field", tr.T("people.f.amount"), "Err", err.Error()), true)
		}
		kind := formKinds[f.kind]
		e := sessions.Entry{PersonID: p.person.ID, Scheme: sc.Code, Kind: kind, Amount: amount, Key: f.key,
			Reason: strings.TrimSpace(f.inputs[1].Value()), Funder: strings.TrimSpace(f.inputs[2].Value())}
		if kind == sessions.Reserve || kind == sessions.Release {
			e.Ref = e.Reason
		}
		dep := p.sh.Deps.People
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			got, _, err := dep.PostEntry(ctx, e)
			return postedMsg{e: got, err: err}
		}
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return cmd
}

func (p *ledgerPage) View() string {
	st, tr := p.sh.Styles, p.sh.Tr
	if p.err != nil {
		return Fit(" "+st.Error.Render("! "+p.err.Error()), p.w, p.h)
	}
	var b strings.Builder
	var tabs []string
	for i, sc := range p.schemes {
		if i == p.scheme {
			tabs = append(tabs, st.Selected.Render("["+sc.Code+"]"))
		} else {
			tabs = append(tabs, " "+sc.Code+" ")
		}
	}
	b.WriteString(" " + st.Bold.Render(p.person.Name) + "  " + strings.Join(tabs, " ") + "\n")
	sc := p.current()
	for _, bl := range p.bal {
		if bl.Scheme == sc.Code {
			b.WriteString(" " + balanceLine(p.sh, bl, p.w-2) + " " + st.Warning.Render("("+tr.T("people.indicative")+")") + "\n")
		}
	}
	b.WriteString(st.Rule.Render(strings.Repeat("─", p.w)) + "\n")
	b.WriteString(st.Muted.Render(fmt.Sprintf(" %-10s %3s %-9s %12s %12s  %s", tr.T("people.col.date"), "#", tr.T("people.col.kind"),
		tr.T("people.col.amount"), tr.T("people.col.available"), tr.T("people.col.reason"))) + "\n")
	var rows []string
	list := p.schemeEntries()
	selected := p.selected(len(list))
	for i, e := range list {
		sign := "+"
		if e.DBalance-e.DReserved < 0 {
			sign = "−"
		}
		note := e.Reason
		if e.Funder != "" {
			note = e.Funder + ": " + note
		}
		if e.Ref != "" && e.Ref != e.Reason {
			note = strings.TrimSpace(note + " ⟶ " + e.Ref)
		}
		row := ansi.Truncate(fmt.Sprintf("%s%-10s %3d %-9s %12s %12s  %s", marker(i == selected), e.CreatedAt.Local().Format("2006-01-02"), e.Seq,
			tr.T("people.kind."+string(e.Kind)), sign+p.sh.P.UnitAmount(sc.Unit, e.Amount), p.sh.P.UnitAmount(sc.Unit, e.BalanceAfter-e.ReservedAfter), note), p.w, "…")
		if i == selected {
			row = st.Selected.Render(row)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		rows = append(rows, " "+st.Muted.Render(tr.T("people.never")))
	}
	formH := 0
	if p.form != nil {
		formH = 6
	}
	avail := max(p.h-4-formH, 1)
	if len(rows) > avail {
		start := min(max(selected-avail+1, 0), len(rows)-avail)
		if selected >= len(rows)-avail {
			start = len(rows) - avail // newest entries stay visible
		}
		rows = rows[start : start+avail]
	}
	b.WriteString(strings.Join(rows, "\n") + "\n")
	body := Fit(b.String(), p.w, p.h-formH)
	if p.form != nil {
		body += "\n" + p.formView()
	}
	return Fit(body, p.w, p.h)
}

func (p *ledgerPage) formView() string {
	st, tr, f := p.sh.Styles, p.sh.Tr, p.form
	label := func(i int, s string) string {
		l := fmt.Sprintf(" %-14s", s)
		if i == f.focus {
			return st.Label.Render("▸" + l[1:])
		}
		return l
	}
	lines := []string{
		st.Rule.Render(strings.Repeat("─", p.w)),
		" " + st.Title.Render(tr.T("people.new_entry", "Scheme", p.current().Code)) + "  " + tr.T("people.f.kind") + ": ◂ " +
			st.Bold.Render(tr.T("people.kind."+string(formKinds[f.kind]))) + " ▸ " + st.Muted.Render("(ctrl+k)"),
		label(0, tr.T("people.f.amount")) + f.inputs[0].View(),
		label(1, tr.T("people.f.reason")) + f.inputs[1].View(),
		label(2, tr.T("people.f.funder")) + f.inputs[2].View(),
		" " + st.Muted.Render(tr.T("people.entry_hint")),
	}
	return strings.Join(lines, "\n")
}

func (p *ledgerPage) SetSize(w, h int)   { p.w, p.h = w, h }
func (p *ledgerPage) Title() string      { return p.sh.Tr.T("people.ledger") }
func (p *ledgerPage) InputFocused() bool { return p.form != nil }
func (p *ledgerPage) ShortHelp() []key.Binding {
	if p.form != nil {
		return []key.Binding{p.keys.Kind, p.keys.Submit, p.keys.Cancel}
	}
	return []key.Binding{p.keys.Scheme, p.keys.Select, p.keys.Correct, p.keys.Post, p.keys.Back}
}
func (p *ledgerPage) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
