package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// Plans is what the planner needs from the store.
type Plans interface {
	// PlanViewOf is the planner's view of one plan (planID "": the current one).
	PlanViewOf(ctx context.Context, personID, planID string, today catalog.Date, lang string) (app.PlanView, error)
	AddOfferSteps(ctx context.Context, planID string, offerIDs ...string) (sessions.Plan, error)
	MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error)
	SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error)
	ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error)
	ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error)
	SuggestFor(ctx context.Context, personID, planID string, k catalog.Constraints, today catalog.Date, lang string) (catalog.Suggestion, catalog.Occupation, error)
	AcceptPathway(ctx context.Context, planID string, oc catalog.Occupation, pw catalog.Pathway) (sessions.Plan, error)
	planSwitcher
}

// planTimeout bounds a planner store call. Most take milliseconds; the
// first one after a big import also builds the planner's index of the
// register (about two minutes at 1M offers), so the bound is generous.
const planTimeout = 5 * time.Minute

type plannerKeys struct {
	Up, Down, MoveUp, MoveDown, Add, Drop, Status, Reserve, Release key.Binding
	Coverage, Suggest, Left, Right, Accept, Back                    key.Binding
}

func newPlannerKeys(sh *Shared) plannerKeys {
	tr := sh.Tr
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], tr.T(help)))
	}
	k := plannerKeys{
		Up: b("plan.key.select", "up", "k"), Down: b("plan.key.select", "down", "j"),
		MoveUp: b("plan.key.move", "K", "shift+up"), MoveDown: b("plan.key.move", "J", "shift+down"),
		Add: b("plan.key.add", "a"), Drop: b("plan.key.drop", "x"), Status: b("plan.key.status", "t"),
		Reserve: b("plan.key.reserve", "r"), Release: b("plan.key.release", "R"),
		Coverage: b("plan.key.coverage", "c"), Suggest: b("plan.key.suggest", "s"),
		Left: b("plan.key.choose", "left", "h"), Right: b("plan.key.choose", "right", "l"),
		Accept: b("plan.key.accept", "enter"), Back: b("key.back", "esc"),
	}
	k.Up.SetHelp("↑/↓", tr.T("plan.key.select"))
	k.MoveUp.SetHelp("K/J", tr.T("plan.key.move"))
	k.Left.SetHelp("←/→", tr.T("plan.key.choose"))
	return k
}

// plannerMode is which view of the plan is showing.
type plannerMode int

const (
	modeSteps plannerMode = iota
	modeCoverage
	modeSuggest
)

type (
	planViewMsg struct {
		seq  int
		view app.PlanView
		err  error
	}
	planEditMsg struct {
		text string
		err  error
	}
	suggestMsg struct {
		seq int
		sg  catalog.Suggestion
		oc  catalog.Occupation
		// k is what the suggestion kept to: the counsellor's changes
		// completed from the person's file.
		k   catalog.Constraints
		err error
	}
)

// plannerPage is a person's learning plan: steps with their warnings and a
// totals bar that is always visible; a skill coverage view; suggestions
// side by side.
type plannerPage struct {
	sh       *Shared
	keys     plannerKeys
	personID string
	seq      int
	loaded   bool
	err      error
	view     app.PlanView
	mode     plannerMode
	sel      int
	scroll   int
	sugSeq   int
	sug      *suggestMsg
	alt      int
	busy     bool
	w, h     int
	// planID is the plan shown ("" until the first load: the current
	// plan); the counsellor may switch to another of the person's plans.
	planID string
	more   plannerMoreKeys
	// limits are the counsellor's changes to the suggestion's constraints.
	limits suggestLimits
	// audited is set once this opening's view is audited (reloads after
	// an edit are not new looks).
	audited bool
}

// NewPlannerPage opens the planner for a person's current plan.
func NewPlannerPage(sh *Shared, personID string) Page {
	return &plannerPage{sh: sh, keys: newPlannerKeys(sh), personID: personID, more: newPlannerMoreKeys(sh)}
}

func (p *plannerPage) today() catalog.Date { return catalog.DateOf(p.sh.Now()) }

func (p *plannerPage) Init() tea.Cmd { return p.load() }

func (p *plannerPage) load() tea.Cmd {
	p.seq++
	seq, dep, id, planID, today, lang := p.seq, p.sh.Deps.Plans, p.personID, p.planID, p.today(), p.sh.Tr.Lang()
	var auditor People
	if !p.audited {
		auditor, p.audited = p.sh.Deps.People, true
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
		defer cancel()
		v, err := dep.PlanViewOf(ctx, id, planID, today, lang)
		if err == nil && auditor != nil {
			err = auditor.Audit(ctx, id, "view", "plan screen")
		}
		return planViewMsg{seq: seq, view: v, err: err}
	}
}

// edit runs a store change, then the planner reloads (checks and totals
// are recomputed from the new plan).
func (p *plannerPage) edit(text string, fn func(ctx context.Context, dep Plans) error) tea.Cmd {
	dep := p.sh.Deps.Plans
	p.busy = true
	planID, shown := p.plan().ID, p.plan().Version
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
		defer cancel()
		// Made on the plan as shown: refused if another session saved it since.
		ctx = app.ExpectVersion(ctx, planID, shown)
		return planEditMsg{text: text, err: fn(ctx, dep)}
	}
}

func (p *plannerPage) suggest() tea.Cmd {
	p.sugSeq++
	seq, dep, id, plan, today, lang := p.sugSeq, p.sh.Deps.Plans, p.personID, p.view.Report.Plan.ID, p.today(), p.sh.Tr.Lang()
	p.sug, p.alt, p.mode = nil, 0, modeSuggest
	limits := p.limits
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
		defer cancel()
		k, err := limits.constraints(ctx, dep, id)
		if err != nil {
			return suggestMsg{seq: seq, err: err}
		}
		shown, err := dep.SuggestConstraints(ctx, id, k)
		if err != nil {
			return suggestMsg{seq: seq, err: err}
		}
		sg, oc, err := dep.SuggestFor(ctx, id, plan, k, today, lang)
		return suggestMsg{seq: seq, sg: sg, oc: oc, k: shown, err: err}
	}
}

func (p *plannerPage) plan() *sessions.Plan { return &p.view.Report.Plan }

func (p *plannerPage) selected() (sessions.Step, bool) {
	st := p.plan().Steps
	if p.sel < 0 || p.sel >= len(st) {
		return sessions.Step{}, false
	}
	return st[p.sel], true
}

func (p *plannerPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if p.loaded && p.err == nil {
		if cmd, ok := p.moreKey(msg); ok {
			return p, cmd
		}
	}
	switch msg := msg.(type) {
	case planViewMsg:
		if msg.seq != p.seq {
			return p, nil
		}
		p.loaded, p.err, p.busy = true, msg.err, false
		if msg.err != nil {
			return p, Status(p.sh.P.Error(msg.err), true)
		}
		p.view = msg.view
		p.planID = msg.view.Report.Plan.ID
		p.sel = max(0, min(p.sel, len(p.plan().Steps)-1))
		return p, p.focus()
	case planEditMsg:
		p.busy = false
		if msg.err != nil {
			return p, tea.Batch(Status(p.sh.P.Error(msg.err), true), p.load())
		}
		// The edit saved the version shown as the next one: a key pressed
		// before the reload arrives edits that version, not a stale one.
		p.plan().Version++
		return p, tea.Batch(Status(msg.text, false), p.load())
	case suggestMsg:
		if msg.seq != p.sugSeq {
			return p, nil
		}
		p.sug = &msg
		if msg.err != nil {
			return p, Status(p.sh.P.Error(msg.err), true)
		}
		return p, nil
	case RevealMsg:
		return p, p.load()
	case tea.KeyPressMsg:
		if !p.loaded || p.err != nil {
			if key.Matches(msg, p.keys.Back) {
				return p, Pop()
			}
			return p, nil
		}
		switch p.mode {
		case modeCoverage:
			return p.coverageKey(msg)
		case modeSuggest:
			return p.suggestKey(msg)
		}
		return p.stepsKey(msg)
	}
	return p, nil
}

// focus puts the person and their available ILA in the header.
func (p *plannerPage) focus() tea.Cmd {
	fc := &Focus{PersonID: p.personID, Name: p.view.PersonName}
	if v, ok := p.view.Report.Context.Available[catalog.SchemeILA]; ok {
		fc.Balance = p.sh.Tr.T("plan.focus", "Amount", p.sh.P.Money(catalog.Money(v), "EUR"))
	}
	p.sh.Focus = fc // at once, on the update loop
	return nil
}

func (p *plannerPage) stepsKey(msg tea.KeyPressMsg) (Page, tea.Cmd) {
	tr, k := p.sh.Tr, p.keys
	st, ok := p.selected()
	planID := p.plan().ID
	switch {
	case key.Matches(msg, k.Back):
		return p, Pop()
	case key.Matches(msg, k.Up):
		p.sel = max(p.sel-1, 0)
	case key.Matches(msg, k.Down):
		p.sel = min(p.sel+1, max(len(p.plan().Steps)-1, 0))
	case key.Matches(msg, k.Coverage):
		p.mode, p.scroll = modeCoverage, 0
	case key.Matches(msg, k.Suggest):
		return p, p.suggest()
	case key.Matches(msg, k.Add):
		return p, Push(NewSearchPage(p.sh, p.searchTarget()))
	case p.busy || !ok:
		return p, nil
	case !st.Status.Open() && (key.Matches(msg, k.Reserve) || key.Matches(msg, k.Status) || key.Matches(msg, k.Drop)):
		return p, Status(tr.T("plan.not_open", "Status", p.sh.P.StepStatus(st.Status)), false)
	case key.Matches(msg, k.MoveUp) && p.sel > 0:
		p.sel--
		return p, p.edit(tr.T("plan.cli.moved", "N", p.sel+1), func(ctx context.Context, d Plans) error {
			_, err := d.MoveStep(ctx, planID, st.ID, p.sel)
			return err
		})
	case key.Matches(msg, k.MoveDown) && p.sel < len(p.plan().Steps)-1:
		p.sel++
		return p, p.edit(tr.T("plan.cli.moved", "N", p.sel+1), func(ctx context.Context, d Plans) error {
			_, err := d.MoveStep(ctx, planID, st.ID, p.sel)
			return err
		})
	case key.Matches(msg, k.Drop) && st.Status.Active():
		return p, p.edit(tr.T("plan.cli.dropped"), func(ctx context.Context, d Plans) error {
			_, err := d.SetStepStatus(ctx, planID, st.ID, sessions.StepDropped)
			return err
		})
	case key.Matches(msg, k.Status) && st.Status.Open():
		next := nextStatus(st.Status)
		return p, p.edit(tr.T("plan.cli.status", "Status", p.sh.P.StepStatus(next)), func(ctx context.Context, d Plans) error {
			_, err := d.SetStepStatus(ctx, planID, st.ID, next)
			return err
		})
	case key.Matches(msg, k.Reserve) && st.Status.Open():
		return p, p.edit(tr.T("plan.cli.reserved"), func(ctx context.Context, d Plans) error {
			_, err := d.ReserveStep(ctx, planID, st.ID)
			return err
		})
	case key.Matches(msg, k.Release):
		return p, p.edit(tr.T("plan.cli.released"), func(ctx context.Context, d Plans) error {
			_, err := d.ReleaseStep(ctx, planID, st.ID)
			return err
		})
	}
	return p, nil
}

// nextStatus moves a step one status on (dropping has its own key).
func nextStatus(s sessions.StepStatus) sessions.StepStatus {
	switch s {
	case sessions.StepPlanned:
		return sessions.StepApplied
	case sessions.StepApplied:
		return sessions.StepEnrolled
	case sessions.StepEnrolled:
		return sessions.StepInProgress
	}
	return sessions.StepCompleted
}

// searchTarget opens the register "for" this plan: p adds the offer.
func (p *plannerPage) searchTarget() *SearchTarget {
	dep, planID, tr, pr := p.sh.Deps.Plans, p.plan().ID, p.sh.Tr, p.sh.P
	return &SearchTarget{
		Label: tr.T("plan.search_for", "Name", p.view.PersonName),
		Add: func(o catalog.Offer) tea.Cmd {
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
				defer cancel()
				if _, err := dep.AddOfferSteps(ctx, planID, o.ID); err != nil {
					return StatusMsg{Text: pr.Error(err), Err: true}
				}
				return StatusMsg{Text: tr.T("plan.added", "Title", o.Title)}
			}
		},
	}
}

func (p *plannerPage) coverageKey(msg tea.KeyPressMsg) (Page, tea.Cmd) {
	switch {
	case key.Matches(msg, p.keys.Back), key.Matches(msg, p.keys.Coverage):
		p.mode = modeSteps
	case key.Matches(msg, p.keys.Up):
		p.scroll = max(p.scroll-1, 0)
	case key.Matches(msg, p.keys.Down):
		p.scroll++
	case key.Matches(msg, p.keys.Suggest):
		return p, p.suggest()
	}
	return p, nil
}

func (p *plannerPage) suggestKey(msg tea.KeyPressMsg) (Page, tea.Cmd) {
	n := 0
	if p.sug != nil {
		n = len(p.sug.sg.Pathways)
	}
	switch {
	case key.Matches(msg, p.keys.Back):
		p.mode = modeSteps
	case key.Matches(msg, p.keys.Left):
		p.alt = max(p.alt-1, 0)
	case key.Matches(msg, p.keys.Right):
		p.alt = min(p.alt+1, max(n-1, 0))
	case key.Matches(msg, p.keys.Accept) && n > 0 && !p.busy:
		pw, oc, planID := p.sug.sg.Pathways[p.alt], p.sug.oc, p.plan().ID
		p.mode = modeSteps
		return p, p.edit(p.sh.Tr.T("plan.accepted", "N", p.alt+1), func(ctx context.Context, d Plans) error {
			_, err := d.AcceptPathway(ctx, planID, oc, pw)
			return err
		})
	}
	return p, nil
}

func (p *plannerPage) SetSize(w, h int) { p.w, p.h = w, h }

func (p *plannerPage) Title() string { return p.sh.Tr.T("plan.title") }

func (p *plannerPage) InputFocused() bool { return false }

func (p *plannerPage) ShortHelp() []key.Binding {
	k := p.keys
	switch p.mode {
	case modeCoverage:
		return []key.Binding{k.Up, k.Suggest, k.Back}
	case modeSuggest:
		return []key.Binding{k.Left, k.Accept, p.more.Limits, k.Back}
	}
	return []key.Binding{k.Up, k.MoveUp, k.Add, k.Drop, k.Status, k.Reserve, k.Coverage, k.Suggest, p.more.Plans, p.more.Stack, p.more.Validation}
}

func (p *plannerPage) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{
		{k.Up, k.MoveUp, k.Add, k.Drop},
		{k.Status, k.Reserve, k.Release},
		{k.Coverage, k.Suggest, k.Left, k.Accept, p.more.Limits, k.Back},
		{p.more.Plans, p.more.Stack, p.more.Validation},
	}
}
