package tui

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// draftDebounce is how long typing pauses before the draft is saved.
const draftDebounce = 300 * time.Millisecond

// draftKind is the drafts kind of this screen (sessions.DraftSession).
const draftKind = "session"

// sessionDraft is what the session screen saves as you type.
type sessionDraft struct {
	Channel string            `json:"channel"`
	When    string            `json:"when,omitempty"`
	Minutes string            `json:"minutes"`
	Venue   string            `json:"venue,omitempty"`
	Absent  string            `json:"absent,omitempty"` // why the person did not attend
	Summary string            `json:"summary"`
	Notes   string            `json:"notes"`
	Goal    string            `json:"goal"`
	Goals   []sessions.Goal   `json:"goals"`
	Action  string            `json:"action"`
	Due     string            `json:"due"`
	Actions []sessions.Action `json:"actions"`
	Next    string            `json:"next"`
}

func (d sessionDraft) empty() bool {
	return strings.TrimSpace(d.Minutes+d.Venue+d.Absent+d.Summary+d.Notes+d.Goal+d.Action+d.Due+d.Next) == "" && len(d.Goals) == 0 && len(d.Actions) == 0
}

// Session screen fields, in tab order.
const (
	fChannel = iota
	fWhen
	fMinutes
	fVenue
	fSummary
	fNotes
	fAbsent
	fGoal
	fAction
	fDue
	fNext
	nFields
)

type sessionKeys struct {
	Next, Prev, Save, Discard, Back, Add, Cycle key.Binding
}

func newSessionKeys(sh *Shared) sessionKeys {
	tr := sh.Tr
	return sessionKeys{
		Next:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", tr.T("people.key.next_field"))),
		Prev:    key.NewBinding(key.WithKeys("shift+tab")),
		Save:    key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", tr.T("people.key.save"))),
		Discard: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", tr.T("people.key.discard"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("people.key.leave"))),
		Add:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("people.key.add"))),
		Cycle:   key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", tr.T("people.key.channel"))),
	}
}

type (
	draftLoadedMsg struct {
		body string
		at   time.Time
		err  error
	}
	draftTickMsg  struct{ seq int }
	draftSavedMsg struct {
		at  time.Time
		err error
	}
	sessionSavedMsg struct {
		g   sessions.Session
		err error
	}
)

// sessionPage records a guidance session: channel, duration, situation
// summary, restricted notes, goals, agreed actions and the next
// appointment. Every change is saved as a draft after a short pause, so a
// crash or a closed terminal loses nothing; reopening restores it.
type sessionPage struct {
	sh     *Shared
	keys   sessionKeys
	person sessions.Person
	at     time.Time
	// form holds the fields in tab order (fChannel … fNext).
	form    *fields
	goals   []sessions.Goal
	actions []sessions.Action
	editSeq int
	// closed is set once the screen is leaving (esc, or a save under way):
	// from then on it takes no keys, so nothing typed lands in a field
	// that is about to go.
	closed  bool
	savedAt time.Time
	restore time.Time // when the restored draft was last saved
	problem string
	saving  bool
	// draftBusy is set while a draft save is in flight; a session save
	// asked for meanwhile waits for it (pendingSave), so a late draft
	// write can never bring back the draft the session save discards.
	draftBusy   bool
	pendingSave bool
	// pendingDiscard is a ctrl+d asked while a draft write was in flight.
	pendingDiscard bool
	w, h           int
}

func newSessionPage(sh *Shared, p sessions.Person) *sessionPage {
	sp := &sessionPage{sh: sh, keys: newSessionKeys(sh), person: p}
	sp.reset()
	return sp
}

// reset makes the form a clean new session: every field empty, the time
// now, the first channel, the focus on the first field.
func (p *sessionPage) reset() {
	sh := p.sh
	p.at = sh.Now()
	p.form = newFields(sh.Styles.IsDark)
	var channels []string
	for _, c := range sessions.Channels {
		channels = append(channels, sh.Tr.T("people.channel."+string(c)))
	}
	ph := map[int]string{fMinutes: sh.Tr.T("people.ph.minutes"), fVenue: sh.Tr.T("people.ph.venue"), fAbsent: sh.Tr.T("people.ph.absent"), fSummary: sh.Tr.T("people.ph.summary"), fGoal: sh.Tr.T("people.ph.goal"),
		fAction: sh.Tr.T("people.ph.action"), fDue: "YYYY-MM-DD", fNext: "YYYY-MM-DD HH:MM"}
	checks := map[int]func(string) string{fWhen: dateCheck(sh, true, false), fDue: dateCheck(sh, false, false), fNext: dateCheck(sh, true, false)}
	for i := range nFields {
		switch i {
		case fChannel:
			p.form.choose(channels)
		case fNotes:
			p.form.area(sh.Tr.T("people.ph.notes"), 3)
		default:
			p.form.text(ph[i], checks[i])
		}
	}
	p.form.set(fWhen, p.at.Local().Format("2006-01-02 15:04"))
	p.goals, p.actions = nil, nil
	p.problem = ""
	p.savedAt, p.restore = time.Time{}, time.Time{}
	p.form.focusOn(fChannel)
	if p.w > 0 {
		p.SetSize(p.w, p.h)
	}
}

func (p *sessionPage) Init() tea.Cmd {
	id, dep := p.person.ID, p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		body, at, err := dep.Draft(ctx, id, draftKind)
		if aerr := dep.Audit(ctx, id, "view", "session screen"); err == nil {
			err = aerr // the screen shows the person's draft: one look per opening
		}
		return draftLoadedMsg{body: body, at: at, err: err}
	}
}

func (p *sessionPage) draft() sessionDraft {
	v := p.form.value
	return sessionDraft{Channel: string(sessions.Channels[p.form.list[fChannel].choice]), When: v(fWhen), Minutes: v(fMinutes),
		Venue: v(fVenue), Absent: v(fAbsent), Summary: v(fSummary), Notes: v(fNotes), Goal: v(fGoal), Goals: p.goals,
		Action: v(fAction), Due: v(fDue), Actions: p.actions, Next: v(fNext)}
}

func (p *sessionPage) apply(d sessionDraft) {
	for i, c := range sessions.Channels {
		if string(c) == d.Channel {
			p.form.list[fChannel].choice = i
		}
	}
	if d.When != "" {
		p.form.set(fWhen, d.When)
	}
	for f, v := range map[int]string{fMinutes: d.Minutes, fVenue: d.Venue, fAbsent: d.Absent, fSummary: d.Summary, fNotes: d.Notes,
		fGoal: d.Goal, fAction: d.Action, fDue: d.Due, fNext: d.Next} {
		p.form.set(f, v)
	}
	p.goals, p.actions = d.Goals, d.Actions
}

// changed schedules a draft save after the debounce pause.
func (p *sessionPage) changed() tea.Cmd {
	p.editSeq++
	seq := p.editSeq
	return tea.Tick(draftDebounce, func(time.Time) tea.Msg { return draftTickMsg{seq: seq} })
}

// discardDraft deletes the stored draft.
func (p *sessionPage) discardDraft() tea.Cmd {
	id, dep := p.person.ID, p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		_ = dep.DiscardDraft(ctx, id, draftKind)
		return nil
	}
}

func (p *sessionPage) saveDraft() tea.Cmd {
	p.draftBusy = true
	body, _ := json.Marshal(p.draft())
	id, dep, now := p.person.ID, p.sh.Deps.People, p.sh.Now
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		err := dep.SaveDraft(ctx, id, draftKind, string(body))
		return draftSavedMsg{at: now(), err: err}
	}
}

func (p *sessionPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case draftLoadedMsg:
		if msg.err == nil {
			var d sessionDraft
			if json.Unmarshal([]byte(msg.body), &d) == nil {
				p.apply(d)
				p.restore = msg.at
				return p, Status(p.sh.Tr.T("people.draft_restored", "Time", msg.at.Local().Format("2006-01-02 15:04")), false)
			}
		}
		return p, nil
	case draftTickMsg:
		if msg.seq == p.editSeq && !p.saving {
			return p, p.saveDraft()
		}
		return p, nil
	case draftSavedMsg:
		p.draftBusy = false
		if p.pendingDiscard {
			p.pendingDiscard = false
			return p, p.discardDraft()
		}
		if p.pendingSave {
			p.pendingSave = false
			return p, p.save()
		}
		if msg.err != nil {
			return p, Status(p.sh.Tr.T("people.err.draft", "Err", p.sh.P.Error(msg.err)), true)
		}
		p.savedAt = msg.at
		return p, nil
	case sessionSavedMsg:
		p.saving = false
		if msg.err != nil {
			p.closed = false
			p.problem = p.sh.P.Error(msg.err)
			return p, Status(p.sh.Tr.T("people.err.session"), true)
		}
		p.editSeq++ // drop pending draft saves: the store discarded the draft
		return p, tea.Sequence(Status(p.sh.Tr.T("people.session_saved"), false), Pop())
	case tea.KeyPressMsg:
		if p.closed {
			return p, nil
		}
		return p.key(msg)
	case tea.PasteMsg:
		if p.closed {
			return p, nil
		}
		return p.edit(msg)
	}
	return p, nil
}

func (p *sessionPage) key(msg tea.KeyPressMsg) (Page, tea.Cmd) {
	switch {
	case key.Matches(msg, p.keys.Back):
		p.editSeq++
		p.closed = true
		if p.draft().empty() {
			return p, Pop()
		}
		return p, tea.Sequence(p.saveDraft(), Status(p.sh.Tr.T("people.draft_kept"), false), Pop())
	case key.Matches(msg, p.keys.Save):
		return p, p.save()
	case key.Matches(msg, p.keys.Discard):
		p.reset()
		p.editSeq++
		status := Status(p.sh.Tr.T("people.draft_discarded"), false)
		if p.draftBusy {
			// A draft write in flight would bring the draft back: discard
			// once it has landed.
			p.pendingDiscard = true
			return p, status
		}
		return p, tea.Batch(status, p.discardDraft())
	case key.Matches(msg, p.keys.Add) && (p.form.focus == fGoal || p.form.focus == fAction || p.form.focus == fDue):
		return p, p.addItem()
	}
	return p.edit(msg)
}

func (p *sessionPage) edit(msg tea.Msg) (Page, tea.Cmd) {
	changed, cmd := p.form.update(msg)
	if !changed {
		return p, cmd
	}
	return p, tea.Batch(cmd, p.changed())
}

// addItem moves the goal or the action (with its due date) into the list.
func (p *sessionPage) addItem() tea.Cmd {
	tr := p.sh.Tr
	if p.form.focus == fGoal {
		s := strings.TrimSpace(p.form.value(fGoal))
		if s == "" {
			return nil
		}
		p.goals = append(p.goals, sessions.Goal{Summary: s, Status: "open"})
		p.form.set(fGoal, "")
		return p.changed()
	}
	s := strings.TrimSpace(p.form.value(fAction))
	if s == "" {
		return nil
	}
	a := sessions.Action{Summary: s, Owner: "person", Status: "open"}
	if d := strings.TrimSpace(p.form.value(fDue)); d != "" {
		due, err := catalog.ParseDate(d)
		if err != nil {
			return Status(tr.T("people.err.field", "Field", tr.T("people.f.due"), "Err", tr.T("people.err.date_typed", "Value", d, "Want", "YYYY-MM-DD")), true)
		}
		a.Due = due
	}
	p.actions = append(p.actions, a)
	p.form.set(fAction, "")
	p.form.set(fDue, "")
	p.form.focusOn(fAction)
	return p.changed()
}

// session builds the record from the form, or names the field in error.
func (p *sessionPage) session() (sessions.Session, error) {
	tr := p.sh.Tr
	g := sessions.Session{PersonID: p.person.ID, At: p.at, Attended: true, Channel: sessions.Channels[p.form.list[fChannel].choice],
		Venue: strings.TrimSpace(p.form.value(fVenue)), Summary: strings.TrimSpace(p.form.value(fSummary)),
		Goals: p.goals, Actions: p.actions}
	if v := strings.TrimSpace(p.form.value(fWhen)); v != "" {
		t, err := parseLocalWhen(v)
		if err != nil {
			p.form.focusOn(fWhen)
			return g, errors.New(tr.T("people.err.field", "Field", tr.T("people.f.when"), "Err", tr.T("people.err.date_typed", "Value", v, "Want", "YYYY-MM-DD [HH:MM]")))
		}
		g.At = t
	}
	if r := strings.TrimSpace(p.form.value(fAbsent)); r != "" {
		g.Attended, g.Reason = false, r
	}
	if m := strings.TrimSpace(p.form.value(fMinutes)); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return g, errors.New(tr.T("people.err.field", "Field", tr.T("people.f.minutes"), "Err", strconv.Quote(m)))
		}
		g.Minutes = n
	}
	if n := strings.TrimSpace(p.form.value(fNotes)); n != "" {
		g.Notes = []string{n}
	}
	if v := strings.TrimSpace(p.form.value(fNext)); v != "" {
		t, err := parseLocalWhen(v)
		if err != nil {
			p.form.focusOn(fNext)
			return g, errors.New(tr.T("people.err.field", "Field", tr.T("people.f.next"), "Err", tr.T("people.err.date_typed", "Value", v, "Want", "YYYY-MM-DD [HH:MM]")))
		}
		g.Next = t
	}
	// A goal or action typed but not yet added with enter still counts.
	if s := strings.TrimSpace(p.form.value(fGoal)); s != "" {
		g.Goals = append(append([]sessions.Goal(nil), g.Goals...), sessions.Goal{Summary: s, Status: "open"})
	}
	if s := strings.TrimSpace(p.form.value(fAction)); s != "" {
		a := sessions.Action{Summary: s, Owner: "person", Status: "open"}
		if d, err := catalog.ParseDate(p.form.value(fDue)); err == nil {
			a.Due = d
		}
		g.Actions = append(append([]sessions.Action(nil), g.Actions...), a)
	}
	return g, nil
}

func (p *sessionPage) save() tea.Cmd {
	g, err := p.session()
	if err != nil {
		p.problem = p.sh.P.Error(err)
		return Status(p.problem, true)
	}
	p.saving, p.problem, p.closed = true, "", true
	if p.draftBusy {
		p.pendingSave = true
		return nil
	}
	dep := p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		saved, err := dep.AddSession(ctx, g)
		return sessionSavedMsg{g: saved, err: err}
	}
}
