package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func dateOf(t time.Time) catalog.Date { return catalog.DateOf(t.Local()) }

type ledgerKeys struct {
	Scheme, Post, Kind, Submit, Cancel, Back key.Binding
	Select, Correct, Confirm, Refuse, Review key.Binding
	Approve                                  key.Binding
}

func newLedgerKeys(sh *Shared) ledgerKeys {
	tr := sh.Tr
	return ledgerKeys{
		Scheme:  key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", tr.T("people.key.scheme"))),
		Post:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("people.key.post"))),
		Kind:    key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", tr.T("people.key.kind"))),
		Submit:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("people.key.submit"))),
		Review:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("people.key.review"))),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("people.key.cancel"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		Select:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", tr.T("people.key.entry"))),
		Correct: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("people.key.correct"))),
		Confirm: key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", tr.T("people.key.confirm"))),
		Refuse:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", tr.T("people.key.not_yet"))),
		Approve: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", tr.T("team.key.approve"))),
	}
}

type ledgerMsg struct {
	seq      int
	schemes  []sessions.Scheme
	balances []sessions.Balance
	entries  []sessions.Entry
	requests []sessions.LedgerRequest
	err      error
}

type postedMsg struct {
	e   sessions.Entry
	err error
}

// Entry form fields, in tab order.
const (
	efKind = iota
	efAmount
	efReason
	efFunder
)

// entryForm is the ledger's form for one change: a new entry (kind,
// amount, reason, funder) or the correction of a selected entry (its
// reason only). Nothing is posted before the counsellor confirms the
// effect stated in words (confirm).
type entryForm struct {
	form *fields
	// corrects is the entry a correction reverses (nil: a new entry).
	corrects *sessions.Entry
	// confirm is the effect in words once the form is read; the next
	// y/enter posts, n/esc goes back to the form.
	confirm string
	entry   sessions.Entry
	key     string // idempotency key, kept across retries of one entry
}

// formKinds are the kinds the form posts; a correction comes from the
// selected entry (c).
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
	// audited is set once this opening's view is audited: a reload after a
	// posting is not a new look.
	audited bool
	// requests are the entries held for approval (ledger_requests.go).
	requests []sessions.LedgerRequest
}

func newLedgerPage(sh *Shared, p sessions.Person) *ledgerPage {
	return &ledgerPage{sh: sh, keys: newLedgerKeys(sh), person: p, sel: -1}
}

func (p *ledgerPage) Init() tea.Cmd { return p.load() }

func (p *ledgerPage) load() tea.Cmd {
	p.seq++
	seq, id, dep, audit := p.seq, p.person.ID, p.sh.Deps.People, !p.audited
	p.audited = true
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
			m.requests, m.err = loadRequests(ctx, dep, id)
		}
		if m.err == nil && audit {
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

func (p *ledgerPage) openForm() tea.Cmd {
	tr := p.sh.Tr
	f := &entryForm{key: sessions.NewID(), form: newFields(p.sh.Styles.IsDark)}
	var kinds []string
	for _, k := range formKinds {
		kinds = append(kinds, tr.T("people.kind."+string(k)))
	}
	f.form.choose(kinds)
	unit := p.current().Unit
	f.form.text(tr.T("people.ph.amount", "Unit", p.sh.P.UnitAmount(unit, 0)), func(s string) string {
		if s == "" {
			return ""
		}
		if _, err := unit.Parse(s); err != nil {
			return tr.T("people.err.amount_typed", "Value", s, "Example", p.sh.P.UnitAmount(unit, 12550))
		}
		return ""
	})
	f.form.text(tr.T("people.ph.reason"), nil)
	f.form.text(tr.T("people.ph.funder"), nil)
	f.form.setWidth(max(p.w-24, 10))
	p.form = f
	return f.form.focusOn(efKind)
}

// openCorrection opens the form that reverses e: a reason, then the
// confirmation.
func (p *ledgerPage) openCorrection(e sessions.Entry) tea.Cmd {
	f := &entryForm{key: "correct-" + e.ID, form: newFields(p.sh.Styles.IsDark), corrects: &e}
	f.form.text(p.sh.Tr.T("people.ph.correct_reason"), nil)
	f.form.setWidth(max(p.w-24, 10))
	p.form = f
	return f.form.focusOn(0)
}

// available is the scheme's available amount now.
func (p *ledgerPage) available() int64 {
	b, _ := sessions.BalanceOf(p.bal, p.current().Code)
	return b.Available
}

func (p *ledgerPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if cmd, ok := p.requestMsg(msg); ok {
		return p, cmd
	}
	switch msg := msg.(type) {
	case ledgerMsg:
		if msg.seq != p.seq {
			return p, nil
		}
		p.err = msg.err
		if msg.err != nil {
			return p, nil
		}
		p.schemes, p.bal, p.entries, p.requests = msg.schemes, msg.balances, msg.entries, msg.requests
		p.scheme = min(p.scheme, max(len(p.schemes)-1, 0))
		// The header's available ILA follows what was just posted.
		fc := focusFor(p.sh.P, personFile{person: p.person, balances: p.bal})
		p.sh.Focus = fc // at once, on the update loop: the next screen drawn carries it
		return p, nil
	case postedMsg:
		tr := p.sh.Tr
		if msg.err != nil {
			if p.form != nil {
				p.form.confirm = ""
			}
			return p, Status(tr.T("people.err.post", "Err", p.sh.P.Error(msg.err)), true)
		}
		p.form, p.sel = nil, -1
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
			return p, p.openForm()
		}
	case tea.PasteMsg:
		if p.form != nil && p.form.confirm == "" {
			_, cmd := p.form.form.update(msg)
			return p, cmd
		}
	}
	return p, nil
}

func (p *ledgerPage) formKey(msg tea.KeyPressMsg) tea.Cmd {
	f := p.form
	if f.confirm != "" {
		switch {
		case key.Matches(msg, p.keys.Confirm):
			return p.post(f.entry)
		case key.Matches(msg, p.keys.Refuse):
			f.confirm = ""
		}
		return nil
	}
	switch {
	case key.Matches(msg, p.keys.Cancel):
		p.form = nil
		return nil
	case key.Matches(msg, p.keys.Kind) && f.corrects == nil:
		k := f.form.list[efKind]
		k.choice = (k.choice + 1) % len(k.choices)
		return nil
	case key.Matches(msg, p.keys.Submit):
		return p.review()
	}
	_, cmd := f.form.update(msg)
	return cmd
}

// review reads the form into an entry and states its effect for the
// confirmation, or says what is missing.
func (p *ledgerPage) review() tea.Cmd {
	f, tr, pr := p.form, p.sh.Tr, p.sh.P
	sc := p.current()
	bad := func(field int, label, msg string) tea.Cmd {
		f.form.focusOn(field)
		return Status(tr.T("people.err.field", "Field", tr.T(label), "Err", msg), true)
	}
	before := p.available()
	var dB, dR int64
	if o := f.corrects; o != nil {
		reason := f.form.trimmed(0)
		if reason == "" {
			return bad(0, "people.f.reason", tr.T("people.err.required"))
		}
		f.entry = sessions.Entry{PersonID: p.person.ID, Scheme: o.Scheme, Kind: sessions.Correct, Corrects: o.ID, Key: f.key, Reason: reason}
		dB, dR = -o.DBalance, -o.DReserved
		f.confirm = tr.T("people.confirm_correct", "Amount", pr.UnitAmount(sc.Unit, o.Amount), "Kind", tr.T("people.kind."+string(o.Kind)),
			"Date", pr.Date(dateOf(o.CreatedAt)), "Scheme", pr.Scheme(sc.Code), "Before", pr.UnitAmount(sc.Unit, before),
			"After", pr.UnitAmount(sc.Unit, before+dB-dR))
		return nil
	}
	if s := f.form.problem(efAmount); s != "" {
		return bad(efAmount, "people.f.amount", s)
	}
	amount, err := sc.Unit.Parse(f.form.trimmed(efAmount))
	if err != nil || amount <= 0 {
		return bad(efAmount, "people.f.amount", tr.T("people.err.zero"))
	}
	reason := f.form.trimmed(efReason)
	if reason == "" {
		return bad(efReason, "people.f.reason", tr.T("people.err.required"))
	}
	kind := formKinds[f.form.list[efKind].choice]
	e := sessions.Entry{PersonID: p.person.ID, Scheme: sc.Code, Kind: kind, Amount: amount, Key: f.key,
		Reason: reason, Funder: f.form.trimmed(efFunder)}
	if kind == sessions.Reserve || kind == sessions.Release {
		e.Ref = e.Reason
	}
	f.entry = e
	dB, dR = sessions.Effect(kind, amount, e.Ref != "")
	f.confirm = tr.T("people.confirm_post", "Kind", tr.T("people.kind."+string(kind)), "Amount", pr.UnitAmount(sc.Unit, amount),
		"Scheme", pr.Scheme(sc.Code), "Before", pr.UnitAmount(sc.Unit, before), "After", pr.UnitAmount(sc.Unit, before+dB-dR))
	return nil
}

// post sends a confirmed entry through the application.
func (p *ledgerPage) post(e sessions.Entry) tea.Cmd {
	dep := p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		got, _, err := dep.PostEntry(ctx, e)
		return postedMsg{e: got, err: err}
	}
}

func (p *ledgerPage) View() string {
	st, tr := p.sh.Styles, p.sh.Tr
	if p.err != nil {
		return Fit(" "+st.Error.Render("! "+p.sh.P.Error(p.err)), p.w, p.h)
	}
	var b strings.Builder
	var tabs []string
	for i, sc := range p.schemes {
		if i == p.scheme {
			tabs = append(tabs, st.Selected.Render("["+p.sh.P.Scheme(sc.Code)+"]"))
		} else {
			tabs = append(tabs, " "+p.sh.P.Scheme(sc.Code)+" ")
		}
	}
	b.WriteString(" " + st.Bold.Render(p.person.Name) + "  " + strings.Join(tabs, " ") + "\n")
	sc := p.current()
	if bl, ok := sessions.BalanceOf(p.bal, sc.Code); ok {
		// The whole line wraps at the width: "(indicative)" is never cut off.
		line := balanceLine(p.sh, bl, 1<<16, 0) + " " + st.Warning.Render("("+tr.T("people.indicative")+")")
		b.WriteString(" " + strings.ReplaceAll(ansi.Wrap(line, p.w-2, ""), "\n", "\n ") + "\n")
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
		row := ansi.Truncate(fmt.Sprintf("%s%-10s %3d %-9s %12s %12s  %s", marker(i == selected), p.sh.P.Date(dateOf(e.CreatedAt)), e.Seq,
			tr.T("people.kind."+string(e.Kind)), sign+p.sh.P.UnitAmount(sc.Unit, e.Amount), p.sh.P.UnitAmount(sc.Unit, e.BalanceAfter-e.ReservedAfter), note), p.w, "…")
		if i == selected {
			row = st.Selected.Render(row)
		}
		rows = append(rows, row)
	}
	rows = append(rows, p.requestRows(sc.Code)...)
	if len(rows) == 0 {
		rows = append(rows, " "+st.Muted.Render(tr.T("people.never")))
	}
	formH, form := 0, ""
	if p.form != nil {
		form = p.formView()
		formH = lipgloss.Height(form)
	}
	avail := max(p.h-strings.Count(b.String(), "\n")-formH, 1)
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
		body += "\n" + form
	}
	return Fit(body, p.w, p.h)
}

func (p *ledgerPage) formView() string {
	st, tr, pr, f := p.sh.Styles, p.sh.Tr, p.sh.P, p.form
	sc := p.current()
	lines := []string{st.Rule.Render(strings.Repeat("─", p.w))}
	labels := []string{tr.T("people.f.kind"), tr.T("people.f.amount"), tr.T("people.f.reason"), tr.T("people.f.funder")}
	if o := f.corrects; o != nil {
		lines = append(lines, " "+st.Title.Render(tr.T("people.correct_title", "Kind", tr.T("people.kind."+string(o.Kind)),
			"Amount", pr.UnitAmount(sc.Unit, o.Amount), "Date", pr.Date(dateOf(o.CreatedAt)), "Seq", o.Seq)))
		labels = []string{tr.T("people.f.reason")}
	} else {
		lines = append(lines, " "+st.Title.Render(tr.T("people.new_entry", "Scheme", pr.Scheme(sc.Code))))
	}
	for i, l := range labels {
		v := f.form.view(i)
		if i == efKind && f.corrects == nil {
			v = "◂ " + st.Bold.Render(f.form.value(i)) + " ▸ " + st.Muted.Render("(ctrl+k)")
		}
		lines = append(lines, f.form.label(st, i, l, 14)+v)
		if pl := f.form.problemLine(st, i, 16, p.w); pl != "" {
			lines = append(lines, pl)
		}
	}
	if f.confirm != "" {
		q := ansi.Wrap(f.confirm+" "+tr.T("people.confirm_keys"), p.w-3, "")
		lines = append(lines, " "+st.Warning.Render(strings.ReplaceAll(q, "\n", "\n ")))
	} else {
		hint := tr.T("people.entry_hint")
		if f.corrects != nil {
			hint = tr.T("people.correct_hint")
		}
		lines = append(lines, " "+st.Muted.Render(strings.ReplaceAll(ansi.Wrap(hint, p.w-2, ""), "\n", "\n ")))
	}
	return strings.Join(lines, "\n")
}

func (p *ledgerPage) SetSize(w, h int)   { p.w, p.h = w, h }
func (p *ledgerPage) Title() string      { return p.sh.Tr.T("people.ledger") }
func (p *ledgerPage) InputFocused() bool { return p.form != nil }
func (p *ledgerPage) ShortHelp() []key.Binding {
	switch {
	case p.form != nil && p.form.confirm != "":
		return []key.Binding{p.keys.Confirm, p.keys.Refuse}
	case p.form != nil && p.form.corrects != nil:
		return []key.Binding{p.keys.Review, p.keys.Cancel}
	case p.form != nil:
		return []key.Binding{p.keys.Kind, p.keys.Review, p.keys.Cancel}
	}
	if p.canApprove() {
		return []key.Binding{p.keys.Scheme, p.keys.Select, p.keys.Correct, p.keys.Post, p.keys.Approve, p.keys.Back}
	}
	return []key.Binding{p.keys.Scheme, p.keys.Select, p.keys.Correct, p.keys.Post, p.keys.Back}
}
func (p *ledgerPage) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
