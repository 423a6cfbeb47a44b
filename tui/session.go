package tui

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
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
	sh      *Shared
	keys    sessionKeys
	person  sessions.Person
	at      time.Time
	channel int
	inputs  [nFields]textinput.Model // fChannel and fNotes unused
	notes   textarea.Model
	goals   []sessions.Goal
	actions []sessions.Action
	focus   int
	editSeq int
	savedAt time.Time
	restore time.Time // when the restored draft was last saved
	problem string
	saving  bool
	// draftBusy is set while a draft save is in flight; a session save
	// asked for meanwhile waits for it (pendingSave), so a late draft
	// write can never bring back the draft the session save discards.
	draftBusy   bool
	pendingSave bool
	w, h        int
}

func peopleInputStyles(isDark bool) textinput.Styles {
	s := textinput.DefaultStyles(isDark)
	s.Cursor.Blink = false
	return s
}

func newSessionPage(sh *Shared, p sessions.Person) *sessionPage {
	sp := &sessionPage{sh: sh, keys: newSessionKeys(sh), person: p, at: sh.Now(), focus: fSummary}
	ph := map[int]string{fMinutes: sh.Tr.T("people.ph.minutes"), fVenue: sh.Tr.T("people.ph.venue"), fAbsent: sh.Tr.T("people.ph.absent"), fSummary: sh.Tr.T("people.ph.summary"), fGoal: sh.Tr.T("people.ph.goal"),
		fAction: sh.Tr.T("people.ph.action"), fDue: "YYYY-MM-DD", fNext: "YYYY-MM-DD HH:MM"}
	for i := range sp.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = ph[i]
		in.SetStyles(peopleInputStyles(sh.Styles.IsDark))
		sp.inputs[i] = in
	}
	sp.inputs[fWhen].SetValue(sp.at.Local().Format("2006-01-02 15:04"))
	sp.notes = textarea.New()
	sp.notes.ShowLineNumbers = false
	sp.notes.Prompt = "│ "
	sp.notes.Placeholder = sh.Tr.T("people.ph.notes")
	sp.notes.SetHeight(3)
	sp.setFocus(fSummary)
	return sp
}

func (p *sessionPage) Init() tea.Cmd {
	id, dep := p.person.ID, p.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		body, at, err := dep.Draft(ctx, id, draftKind)
		return draftLoadedMsg{body: body, at: at, err: err}
	}
}

func (p *sessionPage) setFocus(f int) {
	p.focus = (f + nFields) % nFields
	for i := range p.inputs {
		if i == p.focus {
			p.inputs[i].Focus()
		} else {
			p.inputs[i].Blur()
		}
	}
	if p.focus == fNotes {
		p.notes.Focus()
	} else {
		p.notes.Blur()
	}
}

func (p *sessionPage) draft() sessionDraft {
	return sessionDraft{Channel: string(sessions.Channels[p.channel]), When: p.inputs[fWhen].Value(), Minutes: p.inputs[fMinutes].Value(),
		Venue: p.inputs[fVenue].Value(), Absent: p.inputs[fAbsent].Value(),
		Summary: p.inputs[fSummary].Value(), Notes: p.notes.Value(), Goal: p.inputs[fGoal].Value(), Goals: p.goals,
		Action: p.inputs[fAction].Value(), Due: p.inputs[fDue].Value(), Actions: p.actions, Next: p.inputs[fNext].Value()}
}

func (p *sessionPage) apply(d sessionDraft) {
	for i, c := range sessions.Channels {
		if string(c) == d.Channel {
			p.channel = i
		}
	}
	if d.When != "" {
		p.inputs[fWhen].SetValue(d.When)
	}
	p.inputs[fMinutes].SetValue(d.Minutes)
	p.inputs[fVenue].SetValue(d.Venue)
	p.inputs[fAbsent].SetValue(d.Absent)
	p.inputs[fSummary].SetValue(d.Summary)
	p.notes.SetValue(d.Notes)
	p.inputs[fGoal].SetValue(d.Goal)
	p.inputs[fAction].SetValue(d.Action)
	p.inputs[fDue].SetValue(d.Due)
	p.inputs[fNext].SetValue(d.Next)
	p.goals, p.actions = d.Goals, d.Actions
}

// changed schedules a draft save after the debounce pause.
func (p *sessionPage) changed() tea.Cmd {
	p.editSeq++
	seq := p.editSeq
	return tea.Tick(draftDebounce, func(time.Time) tea.Msg { return draftTickMsg{seq: seq} })
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
		if p.pendingSave {
			p.pendingSave = false
			return p, p.save()
		}
		if msg.err != nil {
			return p, Status(p.sh.Tr.T("people.err.draft", "Err", msg.err.Error()), true)
		}
		p.savedAt = msg.at
		return p, nil
	case sessionSavedMsg:
		p.saving = false
		if msg.err != nil {
			p.problem = msg.err.Error()
			return p, Status(p.sh.Tr.T("people.err.session"), true)
		}
		p.editSeq++ // drop pending draft saves: the store discarded the draft
		return p, tea.Sequence(Status(p.sh.Tr.T("people.session_saved"), false), Pop())
	case tea.KeyPressMsg:
		return p.key(msg)
	case tea.PasteMsg:
		return p.edit(msg)
	}
	return p, nil
}

func (p *sessionPage) key(msg tea.KeyPressMsg) (Page, tea.Cmd) {
	switch {
	case key.Matches(msg, p.keys.Back):
		p.editSeq++
		if p.draft().empty() {
			return p, Pop()
		}
		return p, tea.Sequence(p.saveDraft(), Status(p.sh.Tr.T("people.draft_kept"), false), Pop())
	case key.Matches(msg, p.keys.Next):
		p.setFocus(p.focus + 1)
		return p, nil
	case key.Matches(msg, p.keys.Prev):
		p.setFocus(p.focus - 1)
		return p, nil
	case key.Matches(msg, p.keys.Save):
		return p, p.save()
	case key.Matches(msg, p.keys.Discard):
		p.apply(sessionDraft{})
		p.editSeq++
		id, dep := p.person.ID, p.sh.Deps.People
		return p, tea.Batch(Status(p.sh.Tr.T("people.draft_discarded"), false), func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			_ = dep.DiscardDraft(ctx, id, draftKind)
			return nil
		})
	case p.focus == fChannel && key.Matches(msg, p.keys.Cycle):
		n := len(sessions.Channels)
		if msg.String() == "left" {
			p.channel = (p.channel + n - 1) % n
		} else {
			p.channel = (p.channel + 1) % n
		}
		return p, p.changed()
	case key.Matches(msg, p.keys.Add) && (p.focus == fGoal || p.focus == fAction || p.focus == fDue):
		return p, p.addItem()
	}
	return p.edit(msg)
}

func (p *sessionPage) edit(msg tea.Msg) (Page, tea.Cmd) {
	var cmd tea.Cmd
	switch p.focus {
	case fChannel:
		return p, nil
	case fNotes:
		before := p.notes.Value()
		p.notes, cmd = p.notes.Update(msg)
		if p.notes.Value() == before {
			return p, cmd
		}
	default:
		before := p.inputs[p.focus].Value()
		p.inputs[p.focus], cmd = p.inputs[p.focus].Update(msg)
		if p.inputs[p.focus].Value() == before {
			return p, cmd
		}
	}
	return p, tea.Batch(cmd, p.changed())
}

// addItem moves the goal or the action (with its due date) into the list.
func (p *sessionPage) addItem() tea.Cmd {
	tr := p.sh.Tr
	if p.focus == fGoal {
		s := strings.TrimSpace(p.inputs[fGoal].Value())
		if s == "" {
			return nil
		}
		p.goals = append(p.goals, sessions.Goal{Summary: s, Status: "open"})
		p.inputs[fGoal].SetValue("")
		return p.changed()
	}
	s := strings.TrimSpace(p.inputs[fAction].Value())
	if s == "" {
		return nil
	}
	a := sessions.Action{Summary: s, Owner: tr.T("people.owner.person"), Status: "open"}
	if d := strings.TrimSpace(p.inputs[fDue].Value()); d != "" {
		due, err := catalog.ParseDate(d)
		if err != nil {
			return Status(tr.T("people.err.field", "Field", tr.T("people.f.due"), "Err", err.Error()), true)
		}
		a.Due = due
	}
	p.actions = append(p.actions, a)
	p.inputs[fAction].SetValue("")
	p.inputs[fDue].SetValue("")
	p.setFocus(fAction)
	return p.changed()
}

// session builds the record from the form, or names the field in error.
func (p *sessionPage) session() (sessions.Session, error) {
	tr := p.sh.Tr
	g := sessions.Session{PersonID: p.person.ID, At: p.at, Attended: true, Channel: sessions.Channels[p.channel],
		Venue: strings.TrimSpace(p.inputs[fVenue].Value()), Summary: strings.TrimSpace(p.inputs[fSummary].Value()),
		Goals: p.goals, Actions: p.actions}
	if v := strings.TrimSpace(p.inputs[fWhen].Value()); v != "" {
		t, err := parseLocalWhen(v)
		if err != nil {
			return g, errors.New(tr.T("people.err.field", "Field", tr.T("people.f.when"), "Err", err.Error()))
		}
		g.At = t
	}
	if r := strings.TrimSpace(p.inputs[fAbsent].Value()); r != "" {
		g.Attended, g.Reason = false, r
	}
	if m := strings.TrimSpace(p.inputs[fMinutes].Value()); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return g, errors.New(tr.T("people.err.field", "Field", tr.T("people.f.minutes"), "Err", strconv.Quote(m)))
		}
		g.Minutes = n
	}
	if n := strings.TrimSpace(p.notes.Value()); n != "" {
		g.Notes = []string{n}
	}
	if v := strings.TrimSpace(p.inputs[fNext].Value()); v != "" {
		t, err := parseLocalWhen(v)
		if err != nil {
			return g, errors.New(tr.T("people.err.field", "Field", tr.T("people.f.next"), "Err", err.Error()))
		}
		g.Next = t
	}
	// A goal or action typed but not yet added with enter still counts.
	if s := strings.TrimSpace(p.inputs[fGoal].Value()); s != "" {
		g.Goals = append(append([]sessions.Goal(nil), g.Goals...), sessions.Goal{Summary: s, Status: "open"})
	}
	if s := strings.TrimSpace(p.inputs[fAction].Value()); s != "" {
		a := sessions.Action{Summary: s, Owner: tr.T("people.owner.person"), Status: "open"}
		if d, err := catalog.ParseDate(p.inputs[fDue].Value()); err == nil {
			a.Due = d
		}
		g.Actions = append(append([]sessions.Action(nil), g.Actions...), a)
	}
	return g, nil
}

func (p *sessionPage) save() tea.Cmd {
	g, err := p.session()
	if err != nil {
		p.problem = err.Error()
		return Status(err.Error(), true)
	}
	p.saving, p.problem = true, ""
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
