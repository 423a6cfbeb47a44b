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

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

// People is what the people pages need from the store.
type People interface {
	People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error)
	CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	Person(ctx context.Context, id string) (sessions.Person, error)
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Credentials(ctx context.Context, personID string) ([]sessions.Credential, error)
	OpenActions(ctx context.Context, personID string) ([]sessions.Action, error)
	Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error)
	NextAppointment(ctx context.Context, personID string) (time.Time, error)
	Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error)
	Schemes(ctx context.Context) ([]sessions.Scheme, error)
	PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, sessions.Scheme, error)
	AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error)
	SetActionStatus(ctx context.Context, actionID, status string) error
	SaveDraft(ctx context.Context, personID, kind, body string) error
	Draft(ctx context.Context, personID, kind string) (string, time.Time, error)
	DiscardDraft(ctx context.Context, personID, kind string) error
	Audit(ctx context.Context, personID, action, detail string) error
	// OccupationSkills names an ESCO occupation (its label in lang); the
	// overview shows the target occupation by name.
	OccupationSkills(ctx context.Context, uri, lang string) (catalog.Occupation, error)
}

// ioTimeout bounds every store call a people page makes.
const ioTimeout = 5 * time.Second

type peopleKeys struct {
	Up, Down, Open, New, Back, Reports key.Binding
	// Erase opens the erasure requests waiting for the caller's decision.
	Erase key.Binding
	// Week checks out "my appointments this week" from the laptop's server.
	Week key.Binding
}

func newPeopleKeys(sh *Shared) peopleKeys {
	tr := sh.Tr
	return peopleKeys{
		Up:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/↓", tr.T("people.key.move"))),
		Down: key.NewBinding(key.WithKeys("down", "ctrl+n")),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("people.key.open"))),
		New:  key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", tr.T("people.key.new"))),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		// ctrl+g ("figures"): the list's search box takes every printable key.
		Reports: key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", tr.T("report.key.reports"))),
		Erase:   key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", tr.T("erase.queue.key"))),
		Week:    key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", tr.T("sync.key.week"))),
	}
}

// peopleMsg carries the people matching a query; seq drops stale replies.
type peopleMsg struct {
	seq  int
	list []sessions.PersonSummary
	err  error
	// audited are the people whose view this query audited.
	audited []string
	// erase is how many erasure requests wait for the caller's decision.
	erase int
	// server is the sync server of a laptop with a checkout ("" elsewhere).
	server string
}

// listAuditor audits the people a list shows in one go (app.App).
type listAuditor interface {
	AuditViews(ctx context.Context, ids []string, detail string) error
}

// personCreatedMsg reports a person added from the list.
type personCreatedMsg struct {
	p   sessions.Person
	err error
}

// peoplePage is the people list with search as you type.
type peoplePage struct {
	sh     *Shared
	keys   peopleKeys
	input  textinput.Model
	list   []sessions.PersonSummary
	sel    int
	seq    int
	loaded bool
	err    error
	w, h   int
	// seen are the people this opening of the list showed and audited:
	// each is one look per opening, not one per keystroke.
	seen map[string]bool
	// erase is how many erasure requests wait for the caller's decision
	// (ctrl+x opens them; the key shows only when there are some).
	erase int
	// server is the sync server of a laptop with a checkout ("" elsewhere);
	// ctrl+o checks out this week's appointments from it.
	server string
	// checkingOut is set while that checkout runs.
	checkingOut bool
}

func newPeoplePage(sh *Shared) Page {
	if sh.Deps.People == nil {
		return nil
	}
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = sh.Tr.T("people.search_placeholder")
	in.Focus()
	return &peoplePage{sh: sh, keys: newPeopleKeys(sh), input: in, seen: map[string]bool{}}
}

func (p *peoplePage) Init() tea.Cmd { return p.query() }

func (p *peoplePage) query() tea.Cmd {
	p.seq++
	seq, q, dep := p.seq, p.input.Value(), p.sh.Deps.People
	seen := make(map[string]bool, len(p.seen))
	for id := range p.seen {
		seen[id] = true
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		list, err := dep.People(ctx, q, 200)
		if err != nil {
			return peopleMsg{seq: seq, err: err}
		}
		var fresh []string
		for _, ps := range list {
			if !seen[ps.ID] {
				fresh = append(fresh, ps.ID)
			}
		}
		if la, ok := dep.(listAuditor); ok {
			err = la.AuditViews(ctx, fresh, "people list")
		} else {
			for _, id := range fresh {
				if err = dep.Audit(ctx, id, "view", "people list"); err != nil {
					break
				}
			}
		}
		if err != nil {
			return peopleMsg{seq: seq, err: err}
		}
		n := 0
		if ed, ok := dep.(eraseDecider); ok {
			if n, err = ed.EraseQueueCount(ctx); err != nil {
				n = 0 // a role that may not decide has no queue
			}
		}
		var server string
		if wc, ok := dep.(weekCheckouter); ok {
			if server, err = wc.SyncServer(ctx); err != nil {
				return peopleMsg{seq: seq, err: err}
			}
		}
		return peopleMsg{seq: seq, list: list, audited: fresh, erase: n, server: server}
	}
}

func (p *peoplePage) create(name string) tea.Cmd {
	dep := p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		np, err := dep.CreatePerson(ctx, sessions.Person{Name: name})
		return personCreatedMsg{p: np, err: err}
	}
}

func (p *peoplePage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case peopleMsg:
		for _, id := range msg.audited {
			p.seen[id] = true
		}
		if msg.seq != p.seq {
			return p, nil
		}
		p.list, p.err, p.loaded = msg.list, msg.err, true
		if msg.err == nil {
			p.erase, p.server = msg.erase, msg.server
		}
		p.sel = min(p.sel, max(len(p.list)-1, 0))
		return p, nil
	case personCreatedMsg:
		if msg.err != nil {
			return p, Status(p.sh.Tr.T("people.err.create", "Err", p.sh.P.Error(msg.err)), true)
		}
		p.input.SetValue("")
		return p, tea.Batch(p.query(), Push(newPersonPage(p.sh, msg.p.ID)))
	case RevealMsg:
		return p, p.query()
	case weekCheckoutMsg:
		p.checkingOut = false
		if msg.err != nil {
			return p, Status(p.sh.Tr.T("sync.tui.week_failed", "Err", p.sh.P.Error(msg.err)), true)
		}
		return p, tea.Batch(Status(p.sh.Tr.N("sync.tui.week_done", len(msg.status.People), "From", p.sh.P.Date(msg.from), "To", p.sh.P.Date(msg.to)), false), p.query())
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.keys.Back):
			return p, Pop()
		case key.Matches(msg, p.keys.Up):
			p.sel = max(p.sel-1, 0)
			return p, nil
		case key.Matches(msg, p.keys.Down):
			p.sel = min(p.sel+1, max(len(p.list)-1, 0))
			return p, nil
		case key.Matches(msg, p.keys.New):
			if name := strings.TrimSpace(p.input.Value()); name != "" {
				return p, p.create(name)
			}
			return p, Status(p.sh.Tr.T("people.new_hint"), false)
		case key.Matches(msg, p.keys.Week) && p.server != "" && !p.checkingOut:
			return p, p.checkoutWeek()
		case key.Matches(msg, p.keys.Erase) && p.erase > 0:
			return p, Push(newEraseQueuePage(p.sh))
		case key.Matches(msg, p.keys.Reports):
			if rp := newReportsPage(p.sh); rp != nil {
				return p, Push(rp)
			}
			return p, nil
		case key.Matches(msg, p.keys.Open):
			if len(p.list) > 0 {
				return p, Push(newPersonPage(p.sh, p.list[p.sel].ID))
			}
			return p, nil
		}
		return p, typeIn(&p.input, msg, func() tea.Cmd { p.sel = 0; return p.query() })
	}
	return p, typeIn(&p.input, msg, p.query)
}

func (p *peoplePage) View() string {
	st, tr := p.sh.Styles, p.sh.Tr
	var b strings.Builder
	b.WriteString(" " + p.input.View())
	b.WriteString("\n" + st.Muted.Render(" "+tr.N("people.count", len(p.list))) + "\n")
	b.WriteString(st.Rule.Render(strings.Repeat("─", p.w)) + "\n")
	rows := max(p.h-4, 1)
	switch {
	case p.err != nil:
		b.WriteString(" " + st.Error.Render("! "+p.sh.P.Error(p.err)) + "\n")
	case p.loaded && len(p.list) == 0:
		if q := strings.TrimSpace(p.input.Value()); q != "" {
			b.WriteString(" " + tr.T("people.none_match", "Query", q) + "\n")
		} else {
			b.WriteString(" " + tr.T("people.none_yet") + "\n")
		}
	}
	start := 0
	if p.sel >= rows {
		start = p.sel - rows + 1
	}
	nameW := min(36, p.w/2)
	for i := start; i < len(p.list) && i < start+rows; i++ {
		ps := p.list[i]
		last := tr.T("people.no_session")
		if !ps.LastSession.IsZero() {
			last = tr.T("people.last_session", "Date", p.sh.P.Date(catalog.DateOf(ps.LastSession)))
		}
		name := present.Terminal(ps.Name)
		if ps.OutsideCaseload { // found by id; the name waits for a reason
			name = "(" + tr.T("team.reason_title") + ")"
		}
		// the date gets its whole width (issue 13: the Dutch one was cut
		// even at 120 columns); the e-mail takes what is left
		emailW := max(p.w-nameW-ansi.StringWidth(last)-4, 0)
		line := fmt.Sprintf("%s %-*s %s %s", marker(i == p.sel), nameW, ansi.Truncate(name, nameW, "…"),
			padRight(ansi.Truncate(ps.Email, emailW, "…"), emailW), last)
		if i == p.sel {
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	return Fit(b.String(), p.w, p.h)
}

func marker(sel bool) string {
	if sel {
		return "▸"
	}
	return " "
}

func (p *peoplePage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.input.SetWidth(max(w-4, 10))
}

func (p *peoplePage) Title() string      { return p.sh.Tr.T("people.title") }
func (p *peoplePage) InputFocused() bool { return true }
func (p *peoplePage) ShortHelp() []key.Binding {
	keys := p.shortHelp()
	if p.server != "" {
		// Before esc: the laptop's way to take this week's people along.
		return append(keys[:len(keys)-1:len(keys)-1], p.keys.Week, keys[len(keys)-1])
	}
	return keys
}

func (p *peoplePage) shortHelp() []key.Binding {
	if p.erase > 0 {
		k := p.keys.Erase
		k.SetHelp("ctrl+x", p.sh.Tr.T("erase.queue.key")+" ("+p.sh.P.Count(p.erase)+")")
		return []key.Binding{p.keys.Up, p.keys.Open, p.keys.New, p.keys.Reports, k, p.keys.Back}
	}
	return []key.Binding{p.keys.Up, p.keys.Open, p.keys.New, p.keys.Reports, p.keys.Back}
}
func (p *peoplePage) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// weekCheckouter is the laptop side of "my appointments this week":
// app.App on a laptop's SQLite file with a checkout.
type weekCheckouter interface {
	SyncServer(ctx context.Context) (string, error)
	SyncCheckout(ctx context.Context, from string, sel app.SyncSelection) (app.SyncStatus, error)
}

type weekCheckoutMsg struct {
	from, to catalog.Date
	status   app.SyncStatus
	err      error
}

// checkoutWeek checks out, from the laptop's server, the people with an
// appointment of the counsellor's from today to six days on; the status
// line says it runs, then what it took.
func (p *peoplePage) checkoutWeek() tea.Cmd {
	p.checkingOut = true
	dep := p.sh.Deps.People.(weekCheckouter)
	server := p.server
	today := catalog.DateOf(p.sh.Now())
	to := catalog.DateOf(p.sh.Now().AddDate(0, 0, 6))
	run := func() tea.Msg {
		// A checkout copies whole files over the network: longer than a page's reads.
		ctx, cancel := context.WithTimeout(context.Background(), 10*ioTimeout)
		defer cancel()
		st, err := dep.SyncCheckout(ctx, server, app.SyncSelection{Appointments: today, Days: 7})
		return weekCheckoutMsg{from: today, to: to, status: st, err: err}
	}
	return tea.Batch(Status(p.sh.Tr.T("sync.tui.week_running", "DB", present.Terminal(server)), false), run)
}
