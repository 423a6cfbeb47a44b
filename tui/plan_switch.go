package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

type plansMsg struct {
	seq   int
	plans []sessions.Plan
	err   error
}

type plansKeys struct {
	Up, Down, Open, New, Back key.Binding
}

// plansPage lists a person's plans (the agreed one first, as koers plan
// list does): enter shows the selected one in the planner, n starts a new
// one (koers plan new).
type plansPage struct {
	sh       *Shared
	keys     plansKeys
	personID string
	name     string
	current  string
	plans    []sessions.Plan
	sel      int
	seq      int
	loaded   bool
	err      error
	w, h     int
}

func newPlansPage(sh *Shared, personID, name, current string) *plansPage {
	tr := sh.Tr
	return &plansPage{sh: sh, personID: personID, name: name, current: current, keys: plansKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("plan.key.select"))),
		Down: key.NewBinding(key.WithKeys("down", "j")),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("plan.switch.open"))),
		New:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", tr.T("plan.switch.new"))),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}}
}

func (l *plansPage) Init() tea.Cmd { return l.load() }

func (l *plansPage) load() tea.Cmd {
	l.seq++
	seq, dep, id := l.seq, l.sh.Deps.Plans, l.personID
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
		defer cancel()
		ps, err := dep.Plans(ctx, id)
		return plansMsg{seq: seq, plans: ps, err: err}
	}
}

// switchTo closes the list and shows plan id in the planner.
func switchTo(id string) tea.Cmd {
	return tea.Sequence(Pop(), func() tea.Msg { return planSwitchMsg{planID: id} })
}

func (l *plansPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case plansMsg:
		if msg.seq != l.seq {
			return l, nil
		}
		l.loaded, l.err = true, msg.err
		l.plans = msg.plans
		for i, p := range l.plans {
			if p.ID == l.current {
				l.sel = i
			}
		}
		return l, nil
	case planCreatedMsg:
		if msg.err != nil {
			return l, Status(l.sh.P.Error(msg.err), true)
		}
		return l, tea.Batch(Status(l.sh.Tr.T("plan.switch.created", "Name", msg.plan.Name), false), switchTo(msg.plan.ID))
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, l.keys.Back):
			return l, Pop()
		case key.Matches(msg, l.keys.Up):
			l.sel = max(l.sel-1, 0)
		case key.Matches(msg, l.keys.Down):
			l.sel = min(l.sel+1, max(len(l.plans)-1, 0))
		case key.Matches(msg, l.keys.Open) && l.sel < len(l.plans):
			p := l.plans[l.sel]
			return l, tea.Batch(Status(l.sh.Tr.T("plan.switch.done", "Name", p.Name), false), switchTo(p.ID))
		case key.Matches(msg, l.keys.New) && l.loaded:
			dep, id := l.sh.Deps.Plans, l.personID
			return l, func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), planTimeout)
				defer cancel()
				p, err := dep.NewPlan(ctx, id, "")
				return planCreatedMsg{plan: p, err: err}
			}
		}
	}
	return l, nil
}

// planCreatedMsg reports a new plan.
type planCreatedMsg struct {
	plan sessions.Plan
	err  error
}

func (l *plansPage) View() string {
	st, tr, pr := l.sh.Styles, l.sh.Tr, l.sh.P
	if !l.loaded {
		return Fit(" "+tr.T("plan.loading"), l.w, l.h)
	}
	lines := []string{" " + st.Title.Render(tr.N("plan.switch.count", len(l.plans)))}
	if l.err != nil {
		lines = append(lines, " "+st.Error.Render("! "+pr.Error(l.err)))
	}
	for i, p := range l.plans {
		marker := "  "
		if i == l.sel {
			marker = "▸ "
		}
		var facts []string
		if p.Agreed {
			facts = append(facts, tr.T("plan.cli.agreed"))
		} else {
			facts = append(facts, tr.T("plan.switch.draft"))
		}
		if p.ID == l.current {
			facts = append(facts, tr.T("plan.switch.shown"))
		}
		facts = append(facts, tr.N("plan.totals.steps", len(p.Steps)))
		if p.OccupationLabel != "" {
			facts = append(facts, tr.T("plan.cli.target", "Label", present.Terminal(p.OccupationLabel)))
		}
		facts = append(facts, tr.T("plan.switch.updated", "Date", pr.Date(dateOf(p.UpdatedAt.Local()))))
		line := fmt.Sprintf("%s%s", marker, present.Terminal(p.Name))
		if i == l.sel {
			line = st.Selected.Render(line)
		}
		lines = append(lines, line, "    "+st.Muted.Render(ansi.Truncate(strings.Join(facts, " · "), l.w-5, "…")))
	}
	return Fit(strings.Join(lines, "\n"), l.w, l.h)
}

func (l *plansPage) SetSize(w, h int)   { l.w, l.h = w, h }
func (l *plansPage) Title() string      { return l.sh.Tr.T("plan.switch.title", "Name", l.name) }
func (l *plansPage) InputFocused() bool { return false }
func (l *plansPage) ShortHelp() []key.Binding {
	return []key.Binding{l.keys.Up, l.keys.Open, l.keys.New, l.keys.Back}
}
func (l *plansPage) FullHelp() [][]key.Binding { return [][]key.Binding{l.ShortHelp()} }
