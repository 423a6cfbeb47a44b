package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
)

// ConceptPickedMsg is what a concept picker sends to the page that opened
// it, after closing itself. Tag is the opener's own label for the
// question it asked (a target occupation, a skill to add).
type ConceptPickedMsg struct {
	Tag     string
	Kind    catalog.ConceptKind
	Concept catalog.ConceptMatch
}

// pickerResultsMsg is one query's answer; seq drops stale ones.
type pickerResultsMsg struct {
	seq   int
	items []catalog.ConceptMatch
	err   error
}

type pickerKeys struct {
	Pick, Up, Down, Cancel key.Binding
}

// pickerPage finds an ESCO occupation or skill by typing a label in any
// loaded language; enter picks it. Screens that need a concept push it
// with NewConceptPicker and handle ConceptPickedMsg.
type pickerPage struct {
	sh    *Shared
	kind  catalog.ConceptKind
	tag   string
	keys  pickerKeys
	input textinput.Model
	items []catalog.ConceptMatch
	sel   int
	seq   int
	busy  bool
	err   error
	w, h  int
}

// NewConceptPicker is a picker for concepts of kind, starting from query;
// tag comes back in the ConceptPickedMsg.
func NewConceptPicker(sh *Shared, kind catalog.ConceptKind, tag, query string) Page {
	tr := sh.Tr
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = tr.T("picker.placeholder")
	in.SetValue(query)
	in.CursorEnd()
	in.Focus()
	return &pickerPage{sh: sh, kind: kind, tag: tag, input: in, keys: pickerKeys{
		Pick:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("picker.key.pick"))),
		Up:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/↓", tr.T("picker.key.move"))),
		Down:   key.NewBinding(key.WithKeys("down", "ctrl+n")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("picker.key.cancel"))),
	}}
}

func (p *pickerPage) Init() tea.Cmd { return tea.Batch(textinput.Blink, p.query()) }

// minQuery is the shortest query sent: one letter matches half of ESCO.
const minQuery = 2

func (p *pickerPage) query() tea.Cmd {
	p.seq++
	q := strings.TrimSpace(p.input.Value())
	if len([]rune(q)) < minQuery || p.sh.Deps.Concepts == nil {
		p.items, p.busy, p.err = nil, false, nil
		return nil
	}
	p.busy = true
	seq, dep, kind, lang := p.seq, p.sh.Deps.Concepts, p.kind, p.sh.Tr.Lang()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), planTimeout) // the first use may load ESCO (seconds)
		defer cancel()
		items, err := dep.MatchConcepts(ctx, kind, q, lang, 50)
		return pickerResultsMsg{seq: seq, items: items, err: err}
	}
}

func (p *pickerPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case pickerResultsMsg:
		if msg.seq != p.seq {
			return p, nil // a newer query is on its way
		}
		p.items, p.err, p.busy, p.sel = msg.items, msg.err, false, 0
		return p, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.keys.Cancel):
			return p, Pop()
		case key.Matches(msg, p.keys.Up):
			p.sel = max(p.sel-1, 0)
			return p, nil
		case key.Matches(msg, p.keys.Down):
			p.sel = min(p.sel+1, max(len(p.items)-1, 0))
			return p, nil
		case key.Matches(msg, p.keys.Pick):
			if p.sel < len(p.items) {
				picked := ConceptPickedMsg{Tag: p.tag, Kind: p.kind, Concept: p.items[p.sel]}
				return p, tea.Sequence(Pop(), func() tea.Msg { return picked })
			}
			return p, nil
		}
	}
	return p, typeIn(&p.input, msg, p.query)
}

func (p *pickerPage) View() string {
	st, tr := p.sh.Styles, p.sh.Tr
	var b strings.Builder
	b.WriteString(" " + p.input.View() + "\n")
	status := ""
	switch {
	case p.err != nil:
		status = st.Error.Render("! " + p.sh.P.Error(p.err))
	case p.busy:
		status = st.Muted.Render(tr.T("picker.searching"))
	case len([]rune(strings.TrimSpace(p.input.Value()))) < minQuery:
		status = st.Muted.Render(tr.T("picker.hint"))
	case len(p.items) == 0:
		status = tr.T("picker.none")
	}
	b.WriteString(" " + status + "\n")
	b.WriteString(st.Rule.Render(strings.Repeat("─", p.w)) + "\n")
	rows := max(p.h-4, 1)
	start := 0
	if p.sel >= rows {
		start = p.sel - rows + 1
	}
	wide := p.w >= WideWidth
	labelW := min(30, p.w/3)
	if wide {
		labelW = 40
	}
	for i := start; i < len(p.items) && i < start+rows; i++ {
		m := p.items[i]
		label := m.Label
		if m.LabelLang != tr.Lang() && m.LabelLang != "" {
			label += " [" + m.LabelLang + "]"
		}
		isco := ""
		if m.ISCO != "" {
			isco = "ISCO " + m.ISCO
		}
		line := fmt.Sprintf("%s %-*s %-9s", marker(i == p.sel), labelW, ansi.Truncate(label, labelW, "…"), isco)
		if !strings.EqualFold(m.MatchedLabel, m.Label) {
			line += " " + st.Muted.Render(ansi.Truncate(tr.T("picker.matched", "Label", m.MatchedLabel, "Lang", m.MatchedLang), max(p.w-labelW-14, 8), "…"))
		}
		if wide {
			line = ansi.Truncate(line, p.w-32, "…")
			line += strings.Repeat(" ", max(p.w-32-ansi.StringWidth(line), 1)) + st.Muted.Render(ansi.Truncate(strings.TrimPrefix(m.URI, "http://data.europa.eu/esco/"), 30, "…"))
		}
		line = ansi.Truncate(line, p.w, "…")
		if i == p.sel {
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	return Fit(b.String(), p.w, p.h)
}

func (p *pickerPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.input.SetWidth(max(w-6, 10))
}

func (p *pickerPage) Title() string {
	if p.kind == catalog.KindSkill {
		return p.sh.Tr.T("picker.title.skill")
	}
	return p.sh.Tr.T("picker.title.occupation")
}

func (p *pickerPage) InputFocused() bool { return true }

func (p *pickerPage) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Pick, p.keys.Up, p.keys.Cancel}
}

func (p *pickerPage) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
