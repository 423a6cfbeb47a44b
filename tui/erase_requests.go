package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

// eraseRequester is what the person page needs of the people side for
// erasure requests (issue 15): a counsellor, who may not erase, asks a
// supervisor to; the file shows the requests and their decisions.
type eraseRequester interface {
	RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error)
	EraseRequests(ctx context.Context, personID string) ([]sessions.EraseRequest, error)
	Caller() (sessions.Counsellor, bool)
}

// eraseDecider is what the supervisors' queue needs: the open requests the
// caller may decide, and a decision (an approval erases).
type eraseDecider interface {
	EraseQueue(ctx context.Context) ([]app.EraseQueueItem, error)
	EraseQueueCount(ctx context.Context) (int, error)
	DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error)
}

// eraseRequestKey is the person page's key to ask for an erasure, offered
// where the role table refuses the erasure itself (pending: a counsellor
// on their own caseload) and no request is open.
func eraseRequestKey(sh *Shared) key.Binding {
	return key.NewBinding(key.WithKeys("X"), key.WithHelp("X", sh.Tr.T("erase.key.request")))
}

// canRequestErase: the caller may only ask for this person's erasure, and
// no request of theirs is open.
func (p *personPage) canRequestErase() bool {
	er, ok := p.sh.Deps.People.(eraseRequester)
	if !ok || !p.loaded || p.err != nil {
		return false
	}
	c, served := er.Caller()
	if !served {
		return false
	}
	sc := sessions.ScopeOf(c, p.file.person.Counsellor, p.file.person.Centre)
	if sessions.Decide(c.Role, sessions.OpErasePerson, sc) != sessions.Pending || sessions.Decide(c.Role, sessions.OpRequestErase, sc) != sessions.Allow {
		return false
	}
	for _, r := range p.file.eraseRequests {
		if r.Open() {
			return false
		}
	}
	return true
}

// eraseLines are the file's erasure requests under its head: who asked,
// when and why, and what was decided.
func (p *personPage) eraseLines(w int) []string {
	tr, pr, st := p.sh.Tr, p.sh.P, p.sh.Styles
	var out []string
	for _, r := range p.file.eraseRequests {
		line := tr.T("erase.file_line", "Who", present.Terminal(r.CreatedBy), "When", pr.Date(catalog.DateOf(r.CreatedAt.Local())), "Reason", present.Terminal(r.Reason))
		switch d := r.Decision; {
		case d == nil:
			line += " — " + tr.T("erase.status.pending")
		case d.Decision == sessions.EraseDeclined:
			line += " — " + tr.T("erase.status.declined", "Who", present.Terminal(d.DecidedBy), "Reason", present.Terminal(d.Reason))
		default:
			line += " — " + tr.T("erase.status.unfinished")
		}
		// Wrapped, not cut: the reason is what the supervisor decides on.
		for _, l := range strings.Split(ansi.Wrap(line, max(w-4, 20), ""), "\n") {
			out = append(out, " "+st.Warning.Render(l))
		}
	}
	return out
}

// newEraseRequestForm asks for the reason and files the request.
func newEraseRequestForm(sh *Shared, person sessions.Person) *smallForm {
	tr := sh.Tr
	f := newSmallForm(sh, tr.T("erase.form.title"), tr.T("erase.form.heading", "Name", present.Terminal(person.Name)), tr.T("erase.form.send"))
	f.intro = []string{tr.T("erase.form.intro")}
	reason := f.text(tr.T("erase.form.reason"), "", "", nil)
	dep, id := sh.Deps.People.(eraseRequester), person.ID
	f.submit = func(f *smallForm) tea.Cmd {
		text := f.form.trimmed(reason)
		if text == "" {
			f.problem = tr.T("erase.err.reason_required")
			return nil
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			_, err := dep.RequestErase(ctx, id, text)
			return formResultMsg{text: tr.T("erase.tui.requested"), err: err}
		}
	}
	return f
}

// eraseQueuePage lists the open erasure requests the caller may decide:
// a approves (the person's name typed to confirm; the person is erased),
// d declines with a reason.
type eraseQueuePage struct {
	sh    *Shared
	list  []app.EraseQueueItem
	sel   int
	err   error
	seq   int
	keys  eraseQueueKeys
	w, h  int
	ready bool
}

type eraseQueueKeys struct {
	Up, Down, Approve, Decline, Back key.Binding
}

type eraseQueueMsg struct {
	seq  int
	list []app.EraseQueueItem
	err  error
}

func newEraseQueuePage(sh *Shared) *eraseQueuePage {
	tr := sh.Tr
	return &eraseQueuePage{sh: sh, keys: eraseQueueKeys{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("people.key.move"))),
		Down:    key.NewBinding(key.WithKeys("down", "j")),
		Approve: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", tr.T("erase.queue.key.approve"))),
		Decline: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", tr.T("erase.queue.key.decline"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}}
}

func (p *eraseQueuePage) Init() tea.Cmd { return p.load() }

func (p *eraseQueuePage) load() tea.Cmd {
	p.seq++
	seq, dep := p.seq, p.sh.Deps.People.(eraseDecider)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		list, err := dep.EraseQueue(ctx)
		return eraseQueueMsg{seq: seq, list: list, err: err}
	}
}

func (p *eraseQueuePage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case eraseQueueMsg:
		if msg.seq != p.seq {
			return p, nil
		}
		p.list, p.err, p.ready = msg.list, msg.err, true
		p.sel = min(p.sel, max(len(p.list)-1, 0))
		return p, nil
	case RevealMsg:
		return p, p.load()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.keys.Back):
			return p, Pop()
		case key.Matches(msg, p.keys.Up):
			p.sel = max(p.sel-1, 0)
		case key.Matches(msg, p.keys.Down):
			p.sel = min(p.sel+1, max(len(p.list)-1, 0))
		case key.Matches(msg, p.keys.Approve) && len(p.list) > 0:
			return p, Push(newEraseApproveForm(p.sh, p.list[p.sel]))
		case key.Matches(msg, p.keys.Decline) && len(p.list) > 0:
			return p, Push(newEraseDeclineForm(p.sh, p.list[p.sel]))
		}
	}
	return p, nil
}

func (p *eraseQueuePage) View() string {
	st, tr, pr := p.sh.Styles, p.sh.Tr, p.sh.P
	var b strings.Builder
	b.WriteString(" " + st.Title.Render(tr.T("erase.queue.title")) + "\n")
	b.WriteString(st.Rule.Render(strings.Repeat("─", p.w)) + "\n")
	switch {
	case p.err != nil:
		b.WriteString(" " + st.Error.Render("! "+pr.Error(p.err)) + "\n")
	case p.ready && len(p.list) == 0:
		b.WriteString(" " + tr.T("erase.queue_empty") + "\n")
	}
	for i, r := range p.list {
		by := tr.T("erase.queue.by", "Who", present.Terminal(r.CreatedBy), "When", pr.Date(catalog.DateOf(r.CreatedAt.Local())))
		if r.Decision != nil {
			by += " · " + tr.T("erase.status.unfinished")
		}
		nameW := max(p.w-ansi.StringWidth(by)-4, 10)
		line := marker(i == p.sel) + " " + padRight(ansi.Truncate(present.Terminal(r.Name), nameW, "…"), nameW) + " " + st.Muted.Render(by)
		if i == p.sel {
			line = st.Selected.Render(line)
		}
		b.WriteString(ansi.Truncate(line, p.w, "…") + "\n")
		reason := ansi.Wrap(tr.T("erase.reason_line", "Reason", present.Terminal(r.Reason)), max(p.w-6, 20), "")
		b.WriteString("    " + strings.ReplaceAll(reason, "\n", "\n    ") + "\n")
	}
	return Fit(b.String(), p.w, p.h)
}

func (p *eraseQueuePage) SetSize(w, h int)   { p.w, p.h = w, h }
func (p *eraseQueuePage) Title() string      { return p.sh.Tr.T("erase.queue.title") }
func (p *eraseQueuePage) InputFocused() bool { return false }
func (p *eraseQueuePage) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Approve, p.keys.Decline, p.keys.Back}
}
func (p *eraseQueuePage) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// newEraseApproveForm asks for the person's name, typed, before it
// approves the request, which erases them (as the erase form does).
func newEraseApproveForm(sh *Shared, r app.EraseQueueItem) *smallForm {
	tr := sh.Tr
	name := present.Terminal(r.Name)
	f := newSmallForm(sh, tr.T("erase.queue.approve_title"), tr.T("people.file.erase_heading", "Name", name), tr.T("erase.queue.key.approve"))
	f.intro = []string{tr.T("erase.reason_line", "Reason", present.Terminal(r.Reason)), tr.T("people.file.erase_kept"), tr.T("erase.queue.confirm", "Name", name)}
	field := f.text(tr.T("erase.queue.name"), "", "", nil)
	dep, id := sh.Deps.People.(eraseDecider), r.ID
	f.submit = func(f *smallForm) tea.Cmd {
		if !strings.EqualFold(strings.Join(strings.Fields(f.form.value(field)), " "), strings.Join(strings.Fields(r.Name), " ")) {
			f.problem = tr.T("erase.queue.mismatch", "Name", name)
			return nil
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), fileTimeout)
			defer cancel()
			_, err := dep.DecideErase(ctx, id, true, "")
			return formResultMsg{text: tr.T("erase.queue.erased", "Name", name), err: err}
		}
	}
	return f
}

// newEraseDeclineForm asks for the reason of a decline.
func newEraseDeclineForm(sh *Shared, r app.EraseQueueItem) *smallForm {
	tr := sh.Tr
	f := newSmallForm(sh, tr.T("erase.queue.decline_title"), tr.T("erase.queue.decline_heading", "Name", present.Terminal(r.Name)), tr.T("erase.queue.key.decline"))
	f.intro = []string{tr.T("erase.reason_line", "Reason", present.Terminal(r.Reason)), tr.T("erase.queue.decline_intro")}
	reason := f.text(tr.T("erase.form.reason"), "", "", nil)
	dep, id := sh.Deps.People.(eraseDecider), r.ID
	f.submit = func(f *smallForm) tea.Cmd {
		text := f.form.trimmed(reason)
		if text == "" {
			f.problem = tr.T("erase.err.reason_required")
			return nil
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			_, err := dep.DecideErase(ctx, id, false, text)
			return formResultMsg{text: tr.T("erase.queue.declined"), err: err}
		}
	}
	return f
}
