package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
)

// The form fields of the person form, the session screen and the ledger
// forms are written once here: the focus ring (tab, shift+tab), editing of
// the focused field, checks as typed and the focus marker. huh (charm.land/huh/v2)
// was weighed and not taken: a huh form owns its layout, its keys and its
// theme, while these screens interleave lists with fields (the session's
// goals and actions under their inputs, the ledger's entries above its
// form), bind enter to "add this goal" and ctrl+s to save, and render in
// the screens' own styles at 80 columns; a huh form would have to be torn
// into single-field groups to fit, and gain nothing.

// fieldKind is what a field holds.
type fieldKind int

const (
	fieldText   fieldKind = iota // one line of text
	fieldArea                    // several lines of text (the session notes)
	fieldChoice                  // one of a few labels, ←/→ to change
	fieldToggle                  // a check box, space or enter to change
)

// formField is one field of a form.
type formField struct {
	kind    fieldKind
	input   textinput.Model
	area    textarea.Model
	choices []string
	choice  int
	on      bool
	// check reads the value as typed and says what is wrong in the
	// person's language ("" when nothing is wrong yet).
	check   func(string) string
	problem string
}

// fields is a form's fields and the one that has focus. The page owns the
// layout; fields owns the keys that move between fields and edit them.
type fields struct {
	list  []*formField
	focus int
	dark  bool
}

func newFields(dark bool) *fields { return &fields{dark: dark} }

// text adds a one-line field and returns its index.
func (f *fields) text(placeholder string, check func(string) string) int {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.SetStyles(peopleInputStyles(f.dark))
	f.list = append(f.list, &formField{kind: fieldText, input: in, check: check})
	return len(f.list) - 1
}

// area adds a multi-line field.
func (f *fields) area(placeholder string, height int) int {
	a := textarea.New()
	a.ShowLineNumbers = false
	a.Prompt = "│ "
	a.Placeholder = placeholder
	a.SetHeight(height)
	f.list = append(f.list, &formField{kind: fieldArea, area: a})
	return len(f.list) - 1
}

// choose adds a choice among labels.
func (f *fields) choose(labels []string) int {
	f.list = append(f.list, &formField{kind: fieldChoice, choices: labels})
	return len(f.list) - 1
}

// toggle adds a check box.
func (f *fields) toggle() int {
	f.list = append(f.list, &formField{kind: fieldToggle})
	return len(f.list) - 1
}

// focusOn gives field i the focus (wrapping around) and takes it from the others.
func (f *fields) focusOn(i int) tea.Cmd {
	n := len(f.list)
	if n == 0 {
		return nil
	}
	f.focus = (i%n + n) % n
	var cmd tea.Cmd
	for k, fl := range f.list {
		switch {
		case fl.kind == fieldText && k == f.focus:
			cmd = fl.input.Focus()
		case fl.kind == fieldText:
			fl.input.Blur()
		case fl.kind == fieldArea && k == f.focus:
			cmd = fl.area.Focus()
		case fl.kind == fieldArea:
			fl.area.Blur()
		}
	}
	return cmd
}

func (f *fields) value(i int) string {
	switch fl := f.list[i]; fl.kind {
	case fieldText:
		return fl.input.Value()
	case fieldArea:
		return fl.area.Value()
	case fieldChoice:
		if len(fl.choices) == 0 {
			return ""
		}
		return fl.choices[fl.choice]
	}
	return ""
}

// trimmed is the value without surrounding spaces.
func (f *fields) trimmed(i int) string { return strings.TrimSpace(f.value(i)) }

// set puts s in a text field and checks it.
func (f *fields) set(i int, s string) {
	fl := f.list[i]
	switch fl.kind {
	case fieldText:
		fl.input.SetValue(s)
	case fieldArea:
		fl.area.SetValue(s)
	}
	f.recheck(i)
}

func (f *fields) recheck(i int) {
	fl := f.list[i]
	fl.problem = ""
	if fl.check != nil {
		fl.problem = fl.check(strings.TrimSpace(f.value(i)))
	}
}

// problem is what is wrong with field i as typed ("" when nothing).
func (f *fields) problem(i int) string { return f.list[i].problem }

// update handles a key or a paste: tab and shift+tab move the focus, ←/→
// change a choice, space and enter a check box, anything else edits the
// focused text. It reports whether a value changed.
func (f *fields) update(msg tea.Msg) (changed bool, cmd tea.Cmd) {
	if len(f.list) == 0 {
		return false, nil
	}
	fl := f.list[f.focus]
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "tab":
			return false, f.focusOn(f.focus + 1)
		case "shift+tab":
			return false, f.focusOn(f.focus - 1)
		}
		switch fl.kind {
		case fieldChoice:
			n := len(fl.choices)
			switch k.String() {
			case "left":
				fl.choice = (fl.choice + n - 1) % n
				return true, nil
			case "right":
				fl.choice = (fl.choice + 1) % n
				return true, nil
			}
			return false, nil
		case fieldToggle:
			if s := k.String(); s == "space" || s == "enter" {
				fl.on = !fl.on
				return true, nil
			}
			return false, nil
		}
	}
	before := f.value(f.focus)
	switch fl.kind {
	case fieldText:
		fl.input, cmd = fl.input.Update(msg)
	case fieldArea:
		fl.area, cmd = fl.area.Update(msg)
	default:
		return false, nil
	}
	if f.value(f.focus) == before {
		return false, cmd
	}
	f.recheck(f.focus)
	return true, cmd
}

// label is a field's label in a column of w cells, marked when it has focus.
func (f *fields) label(st *Styles, i int, text string, w int) string {
	l := fmt.Sprintf(" %-*s", w, ansi.Truncate(text, w-1, "…"))
	if i == f.focus {
		return st.Label.Render("▸" + l[1:])
	}
	return l
}

// view is field i's editor (text, choice or check box).
func (f *fields) view(i int) string {
	switch fl := f.list[i]; fl.kind {
	case fieldText:
		return fl.input.View()
	case fieldArea:
		return fl.area.View()
	case fieldChoice:
		return "◂ " + f.value(i) + " ▸"
	case fieldToggle:
		if fl.on {
			return "[x]"
		}
		return "[ ]"
	}
	return ""
}

// problemLine is the line under field i that says what is wrong, indented
// to the editor's column and wrapped to w cells; "" when nothing is.
func (f *fields) problemLine(st *Styles, i, indent, w int) string {
	p := f.list[i].problem
	if p == "" {
		return ""
	}
	pad := strings.Repeat(" ", indent)
	wrapped := ansi.Wrap("! "+p, max(w-indent, 10), "")
	return pad + st.Error.Render(strings.ReplaceAll(wrapped, "\n", "\n"+pad))
}

// setWidth sizes every text editor.
func (f *fields) setWidth(w int) {
	for _, fl := range f.list {
		switch fl.kind {
		case fieldText:
			fl.input.SetWidth(w)
		case fieldArea:
			fl.area.SetWidth(w)
		}
	}
}

// dateCheck checks a date as it is typed: a character that cannot be in a
// date, or a whole date that does not exist, is a problem at once; a date
// not yet complete is not (submitting still refuses it). withTime also
// takes "YYYY-MM-DD HH:MM"; today also takes the word "today".
func dateCheck(sh *Shared, withTime, today bool) func(string) string {
	return func(s string) string {
		if s == "" || (today && strings.HasPrefix("today", strings.ToLower(s))) {
			return ""
		}
		want := "YYYY-MM-DD"
		if withTime {
			want = "YYYY-MM-DD [HH:MM]"
		}
		bad := sh.Tr.T("people.err.date_typed", "Value", s, "Want", want)
		if strings.Trim(s, "0123456789-: T") != "" {
			return bad
		}
		if len(s) < 10 {
			return ""
		}
		if _, err := catalog.ParseDate(s[:10]); err != nil {
			return bad
		}
		switch {
		case len(s) == 10:
			return ""
		case !withTime:
			return bad
		case len(s) < 16:
			return ""
		}
		if _, err := parseLocalWhen(s); err != nil {
			return bad
		}
		return ""
	}
}

func peopleInputStyles(isDark bool) textinput.Styles {
	s := textinput.DefaultStyles(isDark)
	s.Cursor.Blink = false
	return s
}

// typeIn passes msg to a text box; when its text changes (a paste always
// counts as a change), the command changed returns is batched in: a list
// page queries again.
func typeIn(in *textinput.Model, msg tea.Msg, changed func() tea.Cmd) tea.Cmd {
	before := in.Value()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if _, paste := msg.(tea.PasteMsg); !paste && in.Value() == before {
		return cmd
	}
	return tea.Batch(cmd, changed())
}
