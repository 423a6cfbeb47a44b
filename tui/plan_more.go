package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// planSwitcher is what the planner needs beyond one plan's steps: the
// person's other plans, the stack target, steps added by hand and the
// constraints of a suggestion (the same use-cases as koers plan list, new,
// target, add --kind validation and suggest's flags).
type planSwitcher interface {
	Plans(ctx context.Context, personID string) ([]sessions.Plan, error)
	NewPlan(ctx context.Context, personID, name string) (sessions.Plan, error)
	SetTarget(ctx context.Context, planID, occupation, stack, lang string) (sessions.Plan, error)
	AddPlanStep(ctx context.Context, personID, planID string, in app.StepInput) (sessions.Plan, error)
	SuggestConstraints(ctx context.Context, personID string, k catalog.Constraints) (catalog.Constraints, error)
	ReachConstraints(ctx context.Context, personID string, k catalog.Constraints, m catalog.Mobility) (catalog.Constraints, error)
	Schemes(ctx context.Context) ([]sessions.Scheme, error)
}

// plannerMoreKeys are the planner's keys for the rest of the session: the
// person's plans, the stack target, a validation step, the suggestion's
// constraints.
type plannerMoreKeys struct {
	Plans, Stack, Validation, Limits key.Binding
}

func newPlannerMoreKeys(sh *Shared) plannerMoreKeys {
	tr := sh.Tr
	return plannerMoreKeys{
		Plans:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("plan.switch.key"))),
		Stack:      key.NewBinding(key.WithKeys("T"), key.WithHelp("T", tr.T("plan.stack.key"))),
		Validation: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("plan.vpl.key"))),
		Limits:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", tr.T("plan.limits.key"))),
	}
}

type (
	// planSwitchMsg asks the planner to show another of the person's plans.
	planSwitchMsg struct{ planID string }
	// limitsSetMsg gives the planner the counsellor's constraints for the
	// suggestion, which it then recomputes.
	limitsSetMsg struct{ limits suggestLimits }
)

// moreKey handles the planner's keys and messages for switching plans,
// the stack target, validation steps and the suggestion's constraints. It
// reports whether it took msg.
func (p *plannerPage) moreKey(msg tea.Msg) (tea.Cmd, bool) {
	k := p.more
	switch msg := msg.(type) {
	case planSwitchMsg:
		p.planID, p.mode, p.sel, p.scroll, p.sug = msg.planID, modeSteps, 0, 0, nil
		return p.load(), true
	case limitsSetMsg:
		p.limits = msg.limits
		return p.suggest(), true
	case tea.KeyPressMsg:
		switch p.mode {
		case modeSteps:
			switch {
			case key.Matches(msg, k.Plans):
				return Push(newPlansPage(p.sh, p.personID, p.view.PersonName, p.plan().ID)), true
			case key.Matches(msg, k.Stack) && p.sh.Deps.Register != nil:
				return Push(NewSearchPage(p.sh, p.stackTarget())), true
			case key.Matches(msg, k.Validation):
				return Push(newValidationForm(p.sh, p.personID, p.plan().ID)), true
			}
		case modeSuggest:
			if key.Matches(msg, k.Limits) {
				return Push(newLimitsForm(p.sh, p.limits, p.view.Report.Context.Available, p.suggestShown())), true
			}
		}
	}
	return nil, false
}

// suggestShown is what the last suggestion kept to (zero before one).
func (p *plannerPage) suggestShown() catalog.Constraints {
	if p.sug == nil {
		return catalog.Constraints{}
	}
	return p.sug.k
}

// stackTarget opens the register to pick the larger credential the plan's
// steps stack towards (koers plan target --stack): p sets it and goes back
// to the plan.
func (p *plannerPage) stackTarget() *SearchTarget {
	dep, planID, tr, pr, lang := p.sh.Deps.Plans, p.plan().ID, p.sh.Tr, p.sh.P, p.sh.Tr.Lang()
	return &SearchTarget{
		Label:   tr.T("plan.stack.search_for", "Name", p.view.PersonName),
		AddHelp: tr.T("plan.stack.set"),
		Add: func(o catalog.Offer) tea.Cmd {
			set := func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
				defer cancel()
				if _, err := dep.SetTarget(ctx, planID, "", o.ID, lang); err != nil {
					return StatusMsg{Text: pr.Error(err), Err: true}
				}
				return StatusMsg{Text: tr.T("plan.stack.done", "Title", o.Title)}
			}
			return tea.Sequence(set, Pop())
		},
	}
}

// limitsView is the line (wrapped) that says what the suggestion kept to:
// the person's languages, regions and mobility, modes and pace from their
// file or as the counsellor changed them, and the budget and hour limits;
// with the key that changes them. It returns the text and its height.
func (p *plannerPage) limitsView() (string, int) {
	if p.sug == nil || p.sug.err != nil {
		return "", 0
	}
	st := p.sh.Styles
	parts := []string{}
	if s := p.sh.P.Constraints(p.sug.k); s != "" {
		parts = append(parts, s)
	} else {
		parts = append(parts, p.sh.Tr.T("plan.limits.none"))
	}
	if s := p.sh.P.Limits(p.sug.k); s != "" {
		parts = append(parts, s)
	}
	// wrap between the parts, not inside one ("€ 100,00" stays whole)
	segs := strings.Split(strings.Join(parts, " · "), " · ")
	segs = append(segs, st.Muted.Render("("+p.sh.Tr.T("plan.limits.change")+")"))
	w := max(p.w-2, 20)
	var lines []string
	cur := ""
	for i, seg := range segs {
		sep := " · "
		if i == len(segs)-1 {
			sep = " "
		}
		switch {
		case cur == "":
			cur = seg
		case ansi.StringWidth(cur+sep+seg) > w:
			lines = append(lines, cur)
			cur = seg
		default:
			cur += sep + seg
		}
	}
	lines = append(lines, cur)
	out := " " + strings.ReplaceAll(ansi.Wrap(strings.Join(lines, "\n"), w, ""), "\n", "\n ") + "\n"
	return out, strings.Count(out, "\n")
}
