package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// smallForm is a page with a few fields under a heading and the words that
// say what will happen (a file to write, a credential to import, what an
// erasure removes, a step to add, the limits of a suggestion). enter
// submits, esc goes back; a submission that needs the counsellor's word
// first (a learner name that differs) asks a yes/no question in place.
// The form's fields are the shared form fields (form.go).
type smallForm struct {
	sh      *Shared
	title   string
	heading string
	// intro are the lines above the fields; they wrap to the width.
	intro  []string
	form   *fields
	labels []string
	labelW int
	// problem is what went wrong with the last submission, in words.
	problem string
	// question, when set, waits for y (confirm) or n/esc (back to the form).
	question  string
	onConfirm func() tea.Cmd
	busy      bool
	submit    func(f *smallForm) tea.Cmd
	// done handles a submission's result; nil: pop with its text.
	done func(f *smallForm, msg formResultMsg) tea.Cmd
	keys smallFormKeys
	w, h int
}

type smallFormKeys struct {
	Submit, Next, Choose, Back, Yes, No key.Binding
}

// formResultMsg is what a small form's submission reports: the status
// text on success, or the error.
type formResultMsg struct {
	text string
	err  error
}

func newSmallForm(sh *Shared, title, heading string, submitHelp string) *smallForm {
	tr := sh.Tr
	return &smallForm{sh: sh, title: title, heading: heading, form: newFields(sh.Styles.IsDark), labelW: 22,
		keys: smallFormKeys{
			Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", submitHelp)),
			Next:   key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", tr.T("people.key.next_field"))),
			Choose: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", tr.T("plan.key.choose"))),
			Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("people.key.cancel"))),
			Yes:    key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", tr.T("people.key.confirm"))),
			No:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", tr.T("people.key.not_yet"))),
		}}
}

// text adds a labelled one-line field with a value.
func (f *smallForm) text(label, value, placeholder string, check func(string) string) int {
	i := f.form.text(placeholder, check)
	f.form.set(i, value)
	f.labels = append(f.labels, label)
	return i
}

// choose adds a labelled choice.
func (f *smallForm) choose(label string, choices []string, at int) int {
	i := f.form.choose(choices)
	f.form.list[i].choice = at
	f.labels = append(f.labels, label)
	return i
}

func (f *smallForm) Init() tea.Cmd { return f.form.focusOn(0) }

// ask puts a yes/no question in place of the form's keys.
func (f *smallForm) ask(q string, yes func() tea.Cmd) {
	f.question, f.onConfirm = q, yes
}

// run starts a submission command and marks the form busy until it reports.
func (f *smallForm) run(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	f.busy, f.problem = true, ""
	return cmd
}

func (f *smallForm) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case formResultMsg:
		f.busy = false
		if f.done != nil {
			return f, f.done(f, msg)
		}
		if msg.err != nil {
			f.problem = f.sh.P.Error(msg.err)
			return f, nil
		}
		return f, tea.Sequence(Status(msg.text, false), Pop())
	case tea.KeyPressMsg:
		if f.question != "" {
			switch {
			case key.Matches(msg, f.keys.Yes):
				yes := f.onConfirm
				f.question, f.onConfirm = "", nil
				return f, f.run(yes())
			case key.Matches(msg, f.keys.No):
				f.question, f.onConfirm = "", nil
			}
			return f, nil
		}
		switch {
		case f.busy:
			return f, nil
		case key.Matches(msg, f.keys.Back):
			return f, Pop()
		case key.Matches(msg, f.keys.Submit):
			for i := range f.form.list {
				if p := f.form.problem(i); p != "" {
					f.problem = p
					return f, f.form.focusOn(i)
				}
			}
			return f, f.run(f.submit(f))
		case msg.String() == "down":
			return f, f.form.focusOn(f.form.focus + 1)
		case msg.String() == "up":
			return f, f.form.focusOn(f.form.focus - 1)
		}
		_, cmd := f.form.update(msg)
		return f, cmd
	case tea.PasteMsg:
		if f.question == "" && !f.busy {
			_, cmd := f.form.update(msg)
			return f, cmd
		}
	}
	return f, nil
}

func (f *smallForm) View() string {
	st := f.sh.Styles
	w := max(f.w-2, 20)
	wrap := func(s string) string { return strings.ReplaceAll(ansi.Wrap(s, w, ""), "\n", "\n ") }
	lines := []string{" " + st.Bold.Render(wrap(f.heading))}
	for _, l := range f.intro {
		lines = append(lines, " "+wrap(l))
	}
	if len(f.intro) > 0 {
		lines = append(lines, "")
	}
	for i := range f.form.list {
		lines = append(lines, f.form.label(st, i, f.labels[i], f.labelW)+f.form.view(i))
		if pl := f.form.problemLine(st, i, f.labelW+1, f.w); pl != "" {
			lines = append(lines, pl)
		}
	}
	if f.problem != "" {
		lines = append(lines, "", " "+st.Error.Render(wrap("! "+f.problem)))
	}
	if f.question != "" {
		lines = append(lines, "", " "+st.Warning.Render(wrap(f.question)), " "+st.Muted.Render(f.sh.Tr.T("people.confirm_keys")))
	}
	return Fit(strings.Join(lines, "\n"), f.w, f.h)
}

func (f *smallForm) SetSize(w, h int) {
	f.w, f.h = w, h
	f.form.setWidth(max(w-f.labelW-4, 10))
}

func (f *smallForm) Title() string { return f.title }

// InputFocused: a text field has the focus, so typed keys (q, ?) go to
// it; a question waits for y or n and takes every other key too (a stray
// q must not end the program mid-confirmation); f1 opens help.
func (f *smallForm) InputFocused() bool { return true }

func (f *smallForm) ShortHelp() []key.Binding {
	if f.question != "" {
		return []key.Binding{f.keys.Yes, f.keys.No}
	}
	if len(f.form.list) == 1 {
		return []key.Binding{f.keys.Submit, f.keys.Back}
	}
	return []key.Binding{f.keys.Next, f.keys.Choose, f.keys.Submit, f.keys.Back}
}

func (f *smallForm) FullHelp() [][]key.Binding {
	if f.question != "" {
		return [][]key.Binding{{f.keys.Yes, f.keys.No}}
	}
	return [][]key.Binding{{f.keys.Next, f.keys.Choose}, {f.keys.Submit, f.keys.Back}}
}
