package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

type personKeys struct {
	Session, Ledger, Search, Plan, Scroll, Back key.Binding
	Down                                        key.Binding
	Edit, Select, Done, Cancel                  key.Binding
	// Conflicts opens the sync conflicts of a person checked out to a laptop.
	Conflicts key.Binding
}

func newPersonKeys(sh *Shared) personKeys {
	tr := sh.Tr
	return personKeys{
		Session:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", tr.T("people.key.session"))),
		Ledger:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", tr.T("people.key.ledger"))),
		Search:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", tr.T("people.key.search"))),
		Plan:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("plan.key.open"))),
		Scroll:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("people.key.scroll"))),
		Down:      key.NewBinding(key.WithKeys("down", "j")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		Edit:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", tr.T("people.key.edit"))),
		Select:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", tr.T("people.key.select_action"))),
		Done:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", tr.T("people.key.action_done"))),
		Cancel:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", tr.T("people.key.action_cancel"))),
		Conflicts: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", tr.T("sync.key.conflicts"))),
	}
}

// personFile is everything the overview shows, loaded in one command.
type personFile struct {
	person      sessions.Person
	balances    []sessions.Balance
	credentials []sessions.Credential
	actions     []sessions.Action
	sessions    []sessions.Session
	next        time.Time
	// entries are the ledger's entries; the timeline shows the changes a
	// counsellor made (a reason, a correction) and who made them.
	entries []sessions.Entry
	// targetLabel names the target occupation ("" when ESCO is not loaded).
	targetLabel string
	// glass are the looks at the file from outside the caseload (server).
	glass []app.AuditEntry
	// eraseRequests are the requests that the person be erased.
	eraseRequests []sessions.EraseRequest
	// sync is the person's state on a laptop they are checked out to (nil elsewhere).
	sync *app.SyncHeader
}

// syncHeaderer says a checked-out person's sync state (app.App on a laptop).
type syncHeaderer interface {
	SyncHeader(ctx context.Context, personID string) (app.SyncHeader, bool, error)
}

type personFileMsg struct {
	seq  int
	file personFile
	err  error
}

// personPage is the person overview: balances, open actions and the next
// appointment above the fold; credentials, goals and the timeline below
// (beside, on a wide terminal).
type personPage struct {
	sh     *Shared
	keys   personKeys
	id     string
	file   personFile
	loaded bool
	err    error
	seq    int
	scroll int
	w, h   int
	// actOn and act select an open action (a), to mark it done (d) or cancelled (x).
	actOn bool
	act   int
	// reason is the break-glass prompt, open while the file waits for a
	// reason; audited is set once this opening's view is in the audit log
	// (reloads after a change or a return are not new looks).
	reason  *reasonPrompt
	audited bool
}

func newPersonPage(sh *Shared, id string) *personPage {
	return &personPage{sh: sh, keys: newPersonKeys(sh), id: id}
}

func (p *personPage) Init() tea.Cmd { return p.load() }

func (p *personPage) load() tea.Cmd {
	p.seq++
	seq, id, dep, lang, audit := p.seq, p.id, p.sh.Deps.People, p.sh.Tr.Lang(), !p.audited
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		f, err := loadPersonFile(ctx, dep, id, lang)
		if err == nil && audit {
			err = dep.Audit(ctx, id, "view", "person overview")
		}
		return personFileMsg{seq: seq, file: f, err: err}
	}
}

func loadPersonFile(ctx context.Context, dep People, id, lang string) (personFile, error) {
	var f personFile
	var err error
	if f.person, err = dep.Person(ctx, id); err != nil {
		return f, err
	}
	if f.balances, err = dep.Balances(ctx, id); err != nil {
		return f, err
	}
	if f.credentials, err = dep.Credentials(ctx, id); err != nil {
		return f, err
	}
	if f.actions, err = dep.OpenActions(ctx, id); err != nil {
		return f, err
	}
	if f.sessions, err = dep.Sessions(ctx, id, false); err != nil {
		return f, err
	}
	if f.next, err = dep.NextAppointment(ctx, id); err != nil {
		return f, err
	}
	if gv, ok := dep.(glassViewer); ok {
		if f.glass, err = gv.GlassViews(ctx, id); err != nil {
			return f, err
		}
	}
	if er, ok := dep.(eraseRequester); ok {
		if f.eraseRequests, err = er.EraseRequests(ctx, id); err != nil {
			return f, err
		}
	}
	if f.entries, err = dep.Entries(ctx, id, ""); err != nil {
		return f, err
	}
	if sh, ok := dep.(syncHeaderer); ok {
		h, on, err := sh.SyncHeader(ctx, id)
		if err != nil {
			return f, err
		}
		if on {
			f.sync = &h
		}
	}
	if uri := f.person.TargetOccupation; uri != "" {
		if oc, err := dep.OccupationSkills(ctx, uri, lang); err == nil {
			f.targetLabel = oc.Label
		}
	}
	return f, nil
}

// focusFor is the header summary: the name and the available ILA balance.
func focusFor(pr *present.Printer, f personFile) *Focus {
	tr := pr.Tr()
	fc := &Focus{PersonID: f.person.ID, Name: present.Terminal(f.person.Name)}
	if b, ok := sessions.BalanceOf(f.balances, "ila"); ok {
		fc.Balance = tr.T("people.focus_balance", "Amount", pr.UnitAmount(b.Unit, b.Available))
	}
	return fc
}

func (p *personPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.reason != nil {
		return p, p.reasonKey(k)
	}
	if cmd, ok := p.actionKey(msg); ok {
		return p, cmd
	}
	if cmd, ok := p.fileKey(msg); ok {
		return p, cmd
	}
	switch msg := msg.(type) {
	case personFileMsg:
		if msg.seq != p.seq {
			return p, nil
		}
		p.err, p.loaded = msg.err, true
		if p.needsReason(msg.err) {
			p.reason = newReasonPrompt(p.sh)
			return p, nil
		}
		if msg.err != nil {
			return p, Status(p.sh.P.Error(msg.err), true)
		}
		p.audited = true
		p.file = msg.file
		fc := focusFor(p.sh.P, p.file)
		// Set at once, on the update loop, not by a message that a key
		// pressed meanwhile could overtake: the next screen drawn (the
		// profile form, say) carries the person in its header.
		p.sh.Focus = fc
		return p, nil
	case RevealMsg:
		return p, p.load()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.keys.Back):
			return p, Pop()
		case key.Matches(msg, p.keys.Session) && p.loaded && p.err == nil:
			return p, Push(newSessionPage(p.sh, p.file.person))
		case key.Matches(msg, p.keys.Ledger) && p.loaded && p.err == nil:
			return p, Push(newLedgerPage(p.sh, p.file.person))
		case key.Matches(msg, p.keys.Search) && p.loaded && p.err == nil:
			return p, p.searchFor()
		case key.Matches(msg, p.keys.Plan) && p.loaded && p.err == nil && p.sh.Deps.Plans != nil:
			return p, Push(NewPlannerPage(p.sh, p.id))
		case key.Matches(msg, p.keys.Conflicts) && p.hasConflicts():
			return p, Push(newConflictsPage(p.sh, p.sh.Deps.People.(conflictResolver), p.id, p.file.person.Name))
		case key.Matches(msg, p.keys.Scroll):
			p.scroll = max(p.scroll-1, 0)
		case key.Matches(msg, p.keys.Down):
			p.scroll++
		}
	}
	return p, nil
}

func (p *personPage) View() string {
	tr := p.sh.Tr
	if p.reason != nil {
		return p.reasonView()
	}
	if !p.loaded {
		return Fit(" "+tr.T("people.loading"), p.w, p.h)
	}
	if p.err != nil {
		return Fit(" "+p.sh.Styles.Error.Render("! "+p.sh.P.Error(p.err)), p.w, p.h)
	}
	var body string
	if p.w >= WideWidth {
		lw := p.w*3/5 - 1
		rw := p.w - lw - 1
		left := Fit(p.headView(lw)+"\n"+p.planView(lw), lw, p.h)
		right := p.sh.Styles.Pane.Height(p.h).Width(rw).Render(Fit(p.historyView(rw-2), rw-2, p.h))
		body = lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right)
	} else {
		body = p.headView(p.w) + "\n" + p.planView(p.w) + "\n" + p.historyView(p.w)
	}
	lines := strings.Split(body, "\n")
	p.scroll = min(p.scroll, max(len(lines)-p.h, 0))
	return Fit(strings.Join(lines[p.scroll:], "\n"), p.w, p.h)
}

// headView is the profile line and the balances: above the fold always.
func (p *personPage) headView(w int) string {
	st, tr, pr := p.sh.Styles, p.sh.Tr, p.file.person
	var b strings.Builder
	facts := []string{st.Bold.Render(pr.Name)}
	if pr.BirthYear > 0 {
		facts = append(facts, tr.T("people.born", "Year", pr.BirthYear))
	}
	if pr.Employment != "" {
		facts = append(facts, tr.T("people.employment."+pr.Employment))
	}
	if pr.EQF > 0 {
		facts = append(facts, p.sh.P.EQFShort(pr.EQF))
	}
	if pr.Language != "" {
		facts = append(facts, p.sh.P.Vocab("lang", pr.Language))
	}
	b.WriteString(" " + strings.Join(facts, " · ") + "\n")
	if l := p.syncLine(w); l != "" {
		b.WriteString(l + "\n")
	}
	for _, l := range p.glassLines(w) {
		b.WriteString(l + "\n")
	}
	for _, l := range p.eraseLines(w) {
		b.WriteString(l + "\n")
	}
	if pr.TargetOccupation != "" {
		target := pr.TargetOccupation
		if p.file.targetLabel != "" {
			target = p.file.targetLabel
		}
		b.WriteString(" " + st.Label.Render(tr.T("people.target")+":") + " " + ansi.Truncate(target, w-20, "…") + "\n")
	}
	asOf := ""
	if p.file.sync != nil {
		asOf = " " + st.Muted.Render(tr.T("sync.head.as_of", "Time", p.clock(p.file.sync.CopiedAt)))
	}
	b.WriteString(" " + st.Title.Render(tr.T("people.balances")) + " " + st.Warning.Render("("+tr.T("people.indicative")+")") + asOf + "\n")
	for _, bl := range p.file.balances {
		// A balance wraps rather than lose its date at 80 columns.
		nameW := schemeWidth(p.sh, p.file.balances)
		line := ansi.Wrap(balanceLine(p.sh, bl, 1<<16, nameW), w-2, "")
		b.WriteString("  " + strings.ReplaceAll(line, "\n", "\n"+strings.Repeat(" ", nameW+3)) + "\n")
	}
	return b.String()
}

// syncLine is the honest state of a person checked out to this laptop:
// when it last synced, the changes waiting, open conflicts and refused
// entries ("" when the person is not checked out).
func (p *personPage) syncLine(w int) string {
	h := p.file.sync
	if h == nil {
		return ""
	}
	st, tr := p.sh.Styles, p.sh.Tr
	parts := []string{st.Muted.Render(tr.T("sync.head.synced", "Time", p.clock(h.SyncedAt)))}
	if h.Waiting > 0 {
		parts = append(parts, st.Warning.Render(tr.N("sync.head.waiting", h.Waiting)))
	} else {
		parts = append(parts, st.Muted.Render(tr.T("sync.head.none_waiting")))
	}
	if h.Conflicts > 0 {
		parts = append(parts, st.Error.Render(tr.N("sync.head.conflicts", h.Conflicts)))
	}
	if h.Refused > 0 {
		parts = append(parts, st.Error.Render(tr.N("sync.head.refused", h.Refused)))
	}
	return ansi.Truncate(" "+strings.Join(parts, " · "), w, "…")
}

// clock is a time of today as 10:42, of another day with its date.
func (p *personPage) clock(t time.Time) string {
	t = t.Local()
	if t.Format("2006-01-02") == p.sh.Now().Local().Format("2006-01-02") {
		return t.Format("15:04")
	}
	return p.sh.P.DateTime(t)
}

// schemeWidth is the widest scheme name among bs, so the amounts line up.
func schemeWidth(sh *Shared, bs []sessions.Balance) int {
	w := 0
	for _, b := range bs {
		w = max(w, ansi.StringWidth(sh.P.Scheme(b.Scheme)))
	}
	return w
}

// balanceLine is one scheme's position, its name padded to nameW cells.
func balanceLine(sh *Shared, bl sessions.Balance, w, nameW int) string {
	tr := sh.Tr
	name := sh.P.Scheme(bl.Scheme)
	name += strings.Repeat(" ", max(nameW-ansi.StringWidth(name), 0))
	if bl.AsOf.IsZero() {
		return name + " " + sh.Styles.Muted.Render(tr.T("people.never"))
	}
	line := name + " " + sh.Styles.Bold.Render(tr.T("people.available", "Amount", sh.P.UnitAmount(bl.Unit, bl.Available)))
	if bl.Reserved != 0 {
		line += " · " + tr.T("people.reserved", "Amount", sh.P.UnitAmount(bl.Unit, bl.Reserved))
	}
	line += " · " + sh.Styles.Muted.Render(tr.T("people.as_of", "Date", sh.P.DateTime(bl.AsOf.Local())))
	return ansi.Truncate(line, w, "…")
}

// planView is the next appointment, open actions and goals.
func (p *personPage) planView(w int) string {
	st, tr := p.sh.Styles, p.sh.Tr
	var b strings.Builder
	next := tr.T("people.none")
	if !p.file.next.IsZero() {
		next = p.sh.P.DateTime(p.file.next.Local())
	}
	b.WriteString(" " + st.Label.Render(tr.T("people.next_label")) + " " + next + "\n") // French puts a space before the colon
	b.WriteString(" " + st.Title.Render(tr.T("people.open_actions", "Count", len(p.file.actions))) + "\n")
	if len(p.file.actions) == 0 {
		b.WriteString("  " + st.Muted.Render(tr.T("people.no_actions")) + "\n") // "aucune action" in French
	}
	if len(p.file.actions) > 0 {
		b.WriteString("  " + st.Muted.Render(tr.T("people.action_keys")) + "\n")
	}
	for i, a := range p.file.actions {
		line := "  • " + a.Summary
		if p.actOn && i == p.act {
			line = st.Selected.Render("  ▸ " + a.Summary)
		}
		if a.Owner != "" {
			line += " · " + ownerLabel(tr, a.Owner)
		}
		if !a.Due.IsZero() {
			due := tr.T("people.due", "Date", p.sh.P.Date(a.Due))
			if a.Due.Before(dateOf(p.sh.Now())) {
				due = st.Warning.Render("⚠ " + due)
			}
			line += " · " + due
		}
		b.WriteString(ansi.Truncate(line, w, "…") + "\n")
	}
	var goals []sessions.Goal
	for _, g := range p.file.sessions {
		goals = append(goals, g.Goals...)
	}
	if len(goals) > 0 {
		b.WriteString(" " + st.Title.Render(tr.T("people.goals")) + "\n")
		for _, g := range goals {
			line := "  • " + g.Summary
			if !g.Target.IsZero() {
				line += " · " + tr.T("people.by", "Date", p.sh.P.Date(g.Target))
			}
			line += " · " + tr.T("people.status."+g.Status)
			b.WriteString(ansi.Truncate(line, w, "…") + "\n")
		}
	}
	return b.String()
}

// historyView is the earned credentials, the timeline and the privacy record.
func (p *personPage) historyView(w int) string {
	st, tr, pr := p.sh.Styles, p.sh.Tr, p.file.person
	var b strings.Builder
	b.WriteString(" " + st.Title.Render(tr.T("people.credentials", "Count", len(p.file.credentials))) + "\n")
	if len(p.file.credentials) == 0 {
		b.WriteString("  " + st.Muted.Render(tr.T("people.none")) + "\n")
	}
	for _, c := range p.file.credentials {
		parts := []string{c.Title, c.AwardingBody, p.sh.P.Date(c.Issued)}
		if c.ECTS != nil {
			parts = append(parts, p.sh.P.Number(*c.ECTS)+" ECTS")
		}
		if c.EQF > 0 {
			parts = append(parts, p.sh.P.EQFShort(c.EQF))
		}
		b.WriteString(ansi.Truncate("  • "+strings.Join(parts, " · "), w, "…") + "\n")
	}
	b.WriteString(" " + st.Title.Render(tr.T("people.timeline")) + "\n")
	if len(p.timeline()) == 0 {
		b.WriteString("  " + st.Muted.Render(tr.T("people.no_session")) + "\n")
	}
	for _, l := range p.timeline() {
		// A timeline line wraps under its text: who did it is never cut off.
		pad := strings.Repeat(" ", 13)
		b.WriteString("  " + l.date + " " + strings.ReplaceAll(ansi.Wrap(l.text, max(w-13, 10), ""), "\n", "\n"+pad) + "\n")
	}
	b.WriteString(" " + st.Title.Render(tr.T("people.privacy")) + " " + st.Muted.Render(tr.T("people.edit_hint")) + "\n")
	notice := tr.T("people.notice_missing")
	if !pr.NoticeShown.IsZero() {
		notice = tr.T("people.notice_shown", "Version", pr.NoticeVersion, "Date", p.sh.P.Date(pr.NoticeShown))
	}
	b.WriteString(ansi.Truncate("  "+notice, w, "…") + "\n")
	var cs []string
	for _, c := range pr.Consents {
		mark := "✗"
		if c.Active() {
			mark = "✓"
		}
		cs = append(cs, tr.T("people.consent."+string(c.Purpose))+" "+mark)
	}
	if len(cs) > 0 {
		b.WriteString(ansi.Truncate("  "+tr.T("people.consents")+": "+strings.Join(cs, " · "), w, "…") + "\n")
	}
	return b.String()
}

func (p *personPage) SetSize(w, h int)   { p.w, p.h = w, h }
func (p *personPage) Title() string      { return p.sh.Tr.T("people.overview") }
func (p *personPage) InputFocused() bool { return p.reason != nil }

// hasConflicts reports whether the person, checked out to this laptop,
// has open sync conflicts the counsellor can resolve here.
func (p *personPage) hasConflicts() bool {
	_, ok := p.sh.Deps.People.(conflictResolver)
	return ok && p.loaded && p.err == nil && p.file.sync != nil && p.file.sync.Conflicts > 0
}

func (p *personPage) ShortHelp() []key.Binding {
	if p.hasConflicts() {
		// First: an open conflict is what the counsellor must see to.
		return append([]key.Binding{p.keys.Conflicts}, p.shortHelp()...)
	}
	return p.shortHelp()
}

func (p *personPage) shortHelp() []key.Binding {
	files := p.fileKeyHelp()
	if p.canRequestErase() {
		files = append(files, eraseRequestKey(p.sh))
	}
	if p.sh.Deps.Plans == nil {
		return append([]key.Binding{p.keys.Session, p.keys.Ledger, p.keys.Search, p.keys.Edit}, append(files, p.keys.Back)...)
	}
	return append([]key.Binding{p.keys.Session, p.keys.Ledger, p.keys.Plan, p.keys.Search, p.keys.Edit}, append(files, p.keys.Back)...)
}

// FullHelp lists every key of the overview: the pages it opens, the
// actions on open actions, scrolling.
func (p *personPage) FullHelp() [][]key.Binding {
	open := []key.Binding{p.keys.Session, p.keys.Ledger, p.keys.Search, p.keys.Edit}
	if p.sh.Deps.Plans != nil {
		open = append(open, p.keys.Plan)
	}
	if p.hasConflicts() {
		open = append([]key.Binding{p.keys.Conflicts}, open...)
	}
	// The file keys join the columns there are (a fifth column would push
	// the global keys off an 80-column screen).
	files := p.fileKeyHelp()
	if p.canRequestErase() {
		files = append(files, eraseRequestKey(p.sh))
	}
	acts := append([]key.Binding{p.keys.Select, p.keys.Done, p.keys.Cancel}, files[:min(len(files), 2)]...)
	return [][]key.Binding{open, acts, append([]key.Binding{p.keys.Scroll, p.keys.Back}, files[min(len(files), 2):]...)}
}

// timelineLine is one line of the timeline and when it happened.
type timelineLine struct {
	at   time.Time
	date string
	text string
}

// timeline is the sessions and the ledger changes made by hand (with a
// reason, or a correction), newest first, each saying who did it.
func (p *personPage) timeline() []timelineLine {
	st, tr, pr := p.sh.Styles, p.sh.Tr, p.sh.P
	by := func(who string) string {
		if who == "" {
			return ""
		}
		return " " + st.Muted.Render("· "+tr.T("people.done_by", "Who", who))
	}
	var out []timelineLine
	for _, g := range p.file.sessions {
		line := fmt.Sprintf("%-12s %s", tr.T("people.channel."+string(g.Channel)), g.Summary)
		if !g.Attended {
			line += " " + st.Warning.Render("("+tr.T("people.not_attended")+")")
		}
		who := g.Counsellor
		if who == "" {
			who = g.CreatedBy
		}
		out = append(out, timelineLine{at: g.At, date: pr.Date(dateOf(g.At)), text: line + by(who)})
	}
	for _, e := range p.file.entries {
		if e.Kind != sessions.Correct && e.Reason == "" {
			continue
		}
		text := tr.T("people.timeline_entry", "Kind", tr.T("people.kind."+string(e.Kind)), "Amount", pr.Amount(e.Scheme, e.Amount),
			"Scheme", pr.Scheme(e.Scheme), "Seq", e.Seq)
		text += by(e.CreatedBy)
		if e.Reason != "" {
			text += ": " + e.Reason
		}
		out = append(out, timelineLine{at: e.CreatedAt, date: pr.Date(dateOf(e.CreatedAt)), text: text})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.After(out[j].at) })
	return out
}

// ownerLabel names who owns an action: the words for a known owner code
// ("person", "counsellor"), or the name as it was typed.
func ownerLabel(tr *locale.Tr, owner string) string {
	if id := "people.owner." + owner; tr.Has(id) {
		return tr.T(id)
	}
	return owner
}
