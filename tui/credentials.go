package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

type credentialKeys struct {
	Up, Down, Open, Import, Back key.Binding
}

func newCredentialKeys(sh *Shared) credentialKeys {
	tr := sh.Tr
	k := credentialKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("plan.key.select"))),
		Down:   key.NewBinding(key.WithKeys("down", "j")),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("credential.key.open"))),
		Import: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", tr.T("credential.key.import"))),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}
	return k
}

type credentialsMsg struct {
	seq   int
	creds []sessions.Credential
	err   error
}

// credentialsPage lists the person's earned credentials; enter opens one
// with every Annex I element, i imports another from a file.
type credentialsPage struct {
	sh     *Shared
	keys   credentialKeys
	person sessions.Person
	creds  []sessions.Credential
	sel    int
	seq    int
	err    error
	w, h   int
}

func newCredentialsPage(sh *Shared, person sessions.Person, creds []sessions.Credential) *credentialsPage {
	return &credentialsPage{sh: sh, keys: newCredentialKeys(sh), person: person, creds: creds}
}

func (c *credentialsPage) Init() tea.Cmd { return c.load() }

func (c *credentialsPage) load() tea.Cmd {
	c.seq++
	seq, dep, id := c.seq, c.sh.Deps.People, c.person.ID
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		cs, err := dep.Credentials(ctx, id)
		return credentialsMsg{seq: seq, creds: cs, err: err}
	}
}

func (c *credentialsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case credentialsMsg:
		if msg.seq != c.seq {
			return c, nil
		}
		c.err = msg.err
		if msg.err == nil {
			c.creds = msg.creds
			c.sel = max(0, min(c.sel, len(c.creds)-1))
		}
		return c, nil
	case RevealMsg:
		return c, c.load()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, c.keys.Back):
			return c, Pop()
		case key.Matches(msg, c.keys.Up):
			c.sel = max(c.sel-1, 0)
		case key.Matches(msg, c.keys.Down):
			c.sel = min(c.sel+1, max(len(c.creds)-1, 0))
		case key.Matches(msg, c.keys.Open) && c.sel < len(c.creds):
			return c, Push(newCredentialDetail(c.sh, c.creds[c.sel]))
		case key.Matches(msg, c.keys.Import) && c.sh.Deps.Files != nil:
			return c, Push(newCredentialImportForm(c.sh, c.person))
		}
	}
	return c, nil
}

func (c *credentialsPage) View() string {
	st, tr, pr := c.sh.Styles, c.sh.Tr, c.sh.P
	lines := []string{" " + st.Title.Render(tr.T("people.credentials", "Count", len(c.creds)))}
	if c.err != nil {
		lines = append(lines, " "+st.Error.Render("! "+pr.Error(c.err)))
	}
	if len(c.creds) == 0 {
		lines = append(lines, "  "+st.Muted.Render(tr.T("people.none")))
	}
	for i, cr := range c.creds {
		marker := "  "
		if i == c.sel {
			marker = "▸ "
		}
		first := marker + ansi.Truncate(present.Terminal(pr.Stated(cr.Title)), c.w-4, "…")
		second := "    " + ansi.Truncate(strings.Join([]string{present.Terminal(pr.Stated(cr.AwardingBody)), pr.Date(cr.Issued),
			credentialWorkload(c.sh, cr)}, " · "), c.w-5, "…")
		if i == c.sel {
			first = st.Selected.Render(first)
		}
		lines = append(lines, first, st.Muted.Render(second))
	}
	return Fit(strings.Join(lines, "\n"), c.w, c.h)
}

func (c *credentialsPage) SetSize(w, h int)   { c.w, c.h = w, h }
func (c *credentialsPage) Title() string      { return c.sh.Tr.T("credential.title", "Name", c.person.Name) }
func (c *credentialsPage) InputFocused() bool { return false }
func (c *credentialsPage) ShortHelp() []key.Binding {
	if c.sh.Deps.Files == nil {
		return []key.Binding{c.keys.Up, c.keys.Open, c.keys.Back}
	}
	return []key.Binding{c.keys.Up, c.keys.Open, c.keys.Import, c.keys.Back}
}
func (c *credentialsPage) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// credentialWorkload is a credential's workload: ECTS ("unknown" when not
// stated, never 0) and hours when stated.
func credentialWorkload(sh *Shared, c sessions.Credential) string {
	tr, pr := sh.Tr, sh.P
	if c.ECTS == nil && c.Hours == nil {
		return tr.T("credential.workload_missing")
	}
	s := pr.ECTS(c.ECTS)
	if c.ECTS == nil {
		s = tr.T("credential.ects_unknown")
	}
	if c.Hours != nil {
		s += " · " + pr.Hours(*c.Hours)
	}
	return s
}

// newCredentialImportForm asks for a credential file (ELM/EDC or Open
// Badges 3.0, signed or not) and puts it on the person's file through the
// same use-case as koers person credential import: importing it again
// changes nothing, and a learner name that is not the person's waits for
// the counsellor's yes.
func newCredentialImportForm(sh *Shared, person sessions.Person) *smallForm {
	tr := sh.Tr
	f := newSmallForm(sh, tr.T("credential.import_title"), tr.T("credential.import_heading", "Name", person.Name), tr.T("credential.key.import_now"))
	f.intro = []string{tr.T("credential.import_what")}
	path := f.text(tr.T("credential.file"), "", "credential.json", nil)
	dep := sh.Deps.Files
	imp := func(file string, confirm bool) tea.Cmd {
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), fileTimeout)
			defer cancel()
			got, err := dep.ImportCredential(ctx, person.ID, file, app.CredentialImport{ConfirmLearner: confirm})
			if err != nil {
				return formResultMsg{err: err}
			}
			return formResultMsg{text: importedText(sh, got)}
		}
	}
	f.submit = func(f *smallForm) tea.Cmd {
		file := f.form.trimmed(path)
		if file == "" {
			f.problem = tr.T("credential.err.no_file")
			return nil
		}
		return imp(file, false)
	}
	f.done = func(f *smallForm, msg formResultMsg) tea.Cmd {
		var ae *app.Error
		switch {
		case app.IsLearnerMismatch(msg.err) && errors.As(msg.err, &ae):
			file := f.form.trimmed(path)
			f.ask(tr.T("credential.confirm_learner", ae.Args...), func() tea.Cmd { return imp(file, true) })
			return nil
		case msg.err != nil:
			f.problem = sh.P.Error(msg.err)
			return nil
		}
		return tea.Sequence(Status(msg.text, false), Pop())
	}
	return f
}

// importedText says what an import did, in words: added (with what the
// document does not state) or already on the file.
func importedText(sh *Shared, got []sessions.Credential) string {
	tr := sh.Tr
	var parts []string
	for _, c := range got {
		title := present.Terminal(sh.P.Stated(c.Title))
		if c.AlreadyOnFile {
			parts = append(parts, tr.T("credential.already", "Title", title))
			continue
		}
		s := tr.T("credential.added", "Title", title)
		if len(c.Missing) > 0 {
			s += " " + tr.T("credential.added_missing", "Count", len(c.Missing))
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return tr.T("credential.none_added")
	}
	return strings.Join(parts, " ")
}

// elementLabel names an Annex I element by the field code a credential's
// Missing list uses.
func elementLabel(sh *Shared, field string) string {
	id := map[string]string{"learner": "detail.learner", "title": "detail.title_el", "country": "detail.country",
		"awarding_body": "detail.awarding", "issued": "detail.issued", "learning_outcomes": "detail.outcomes",
		"ects": "detail.workload", "hours": "detail.workload", "eqf": "detail.level", "assessment": "detail.assessment",
		"mode": "detail.mode", "quality_assurance": "detail.qa"}[field]
	if id == "" {
		return fmt.Sprintf("%q", field)
	}
	return sh.Tr.T(id)
}
