package tui

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// PersonFiles is what the person screen needs for the actions that read or
// write files on the counsellor's machine, or remove a person for good:
// the same use-cases as koers person export, person erase and person
// credential import. main gives it to a local TUI only: over SSH a path
// would name a file on the server.
type PersonFiles interface {
	WritePersonFile(ctx context.Context, id, path string, overwrite bool) error
	ImportCredential(ctx context.Context, personID, file string, in app.CredentialImport) ([]sessions.Credential, error)
	ErasePerson(ctx context.Context, id string) error
}

// fileTimeout bounds a person-file action: an erasure rewrites the whole
// database file (VACUUM), which takes seconds on a large register.
const fileTimeout = 5 * time.Minute

type personFileKeys struct {
	Credentials, Import, Export, Erase key.Binding
}

func newPersonFileKeys(sh *Shared) personFileKeys {
	tr := sh.Tr
	return personFileKeys{
		Credentials: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("credential.key.list"))),
		Import:      key.NewBinding(key.WithKeys("i"), key.WithHelp("i", tr.T("credential.key.import"))),
		Export:      key.NewBinding(key.WithKeys("E"), key.WithHelp("E", tr.T("people.file.key.export"))),
		Erase:       key.NewBinding(key.WithKeys("D"), key.WithHelp("D", tr.T("people.file.key.erase"))),
	}
}

// personErasedMsg tells the person screen its person is gone.
type personErasedMsg struct{}

// fileKeyHelp are the file keys the overview offers: the credentials
// always; import, export and erasure where the TUI may touch files.
func (p *personPage) fileKeyHelp() []key.Binding {
	k := newPersonFileKeys(p.sh)
	if p.sh.Deps.Files == nil {
		return []key.Binding{k.Credentials}
	}
	return []key.Binding{k.Credentials, k.Import, k.Export, k.Erase}
}

// fileKey handles the overview's keys for the person's file: c lists the
// earned credentials, i imports one, E exports the file, D erases the
// person. It reports whether it took msg.
func (p *personPage) fileKey(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case personErasedMsg:
		p.seq++ // the reload that the pop asked for finds nobody: drop it
		p.sh.Focus = nil
		return Pop(), true
	case tea.KeyPressMsg:
		if !p.loaded || p.err != nil {
			return nil, false
		}
		k := newPersonFileKeys(p.sh)
		switch {
		case key.Matches(msg, eraseRequestKey(p.sh)) && p.canRequestErase():
			return Push(newEraseRequestForm(p.sh, p.file.person)), true
		case key.Matches(msg, k.Credentials):
			return Push(newCredentialsPage(p.sh, p.file.person, p.file.credentials)), true
		case p.sh.Deps.Files == nil:
			return nil, false
		case key.Matches(msg, k.Import):
			return Push(newCredentialImportForm(p.sh, p.file.person)), true
		case key.Matches(msg, k.Export):
			return Push(newPersonExportForm(p.sh, p.file.person)), true
		case key.Matches(msg, k.Erase):
			return Push(newEraseForm(p.sh, p.file)), true
		}
	}
	return nil, false
}

// newPersonExportForm asks where to write everything held on the person
// (their access request) and writes it there; an existing file is not
// replaced.
func newPersonExportForm(sh *Shared, person sessions.Person) *smallForm {
	tr := sh.Tr
	f := newSmallForm(sh, tr.T("people.file.export_title"), tr.T("people.file.export_heading", "Name", person.Name), tr.T("people.file.key.write"))
	f.intro = []string{tr.T("people.file.export_what"), tr.T("people.file.export_private")}
	path := f.text(tr.T("people.file.path"), personFileName(person.ID, dateOf(sh.Now())), "", nil)
	dep, id := sh.Deps.Files, person.ID
	f.submit = func(f *smallForm) tea.Cmd {
		out := f.form.trimmed(path)
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), fileTimeout)
			defer cancel()
			if err := dep.WritePersonFile(ctx, id, out, false); err != nil {
				return formResultMsg{err: err}
			}
			if abs, err := filepath.Abs(out); err == nil {
				out = abs
			}
			return formResultMsg{text: tr.T("people.exported", "File", out)}
		}
	}
	return f
}

// personFileName is the default name of a person's exported file: the
// file number's end and the date, never the person's name (a file name
// shows in folder listings), as the plan export names its files; the date
// in ISO 8601 in every language (a French date, 07/12/2026, would name
// folders).
func personFileName(id string, day catalog.Date) string {
	if len(id) > 8 {
		id = id[len(id)-8:]
	}
	return "person-file-" + id + "-" + day.String() + ".json"
}

// newEraseForm says what erasing the person removes and asks for their
// name, typed, before it erases them: the same erasure as koers person
// erase, which leaves one audit line with the id alone.
func newEraseForm(sh *Shared, file personFile) *smallForm {
	tr, person := sh.Tr, file.person
	f := newSmallForm(sh, tr.T("people.file.erase_title"), tr.T("people.file.erase_heading", "Name", person.Name), tr.T("people.file.key.erase_now"))
	f.intro = []string{
		tr.T("people.file.erase_what"),
		"• " + tr.T("people.file.erase_profile"),
		"• " + tr.N("people.file.erase_sessions", len(file.sessions)),
		"• " + tr.N("people.file.erase_entries", len(file.entries)),
		"• " + tr.N("people.file.erase_credentials", len(file.credentials)),
		"• " + tr.T("people.file.erase_plans"),
		tr.T("people.file.erase_kept"),
		tr.T("people.file.erase_type", "Name", person.Name),
	}
	name := f.text(tr.T("people.file.erase_field"), "", "", nil)
	dep, id := sh.Deps.Files, person.ID
	f.submit = func(f *smallForm) tea.Cmd {
		if !strings.EqualFold(strings.Join(strings.Fields(f.form.value(name)), " "), strings.Join(strings.Fields(person.Name), " ")) {
			f.problem = tr.T("people.file.erase_mismatch", "Name", person.Name)
			return nil
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), fileTimeout)
			defer cancel()
			return formResultMsg{text: tr.T("people.file.erased", "Name", person.Name), err: dep.ErasePerson(ctx, id)}
		}
	}
	f.done = func(f *smallForm, msg formResultMsg) tea.Cmd {
		if msg.err != nil {
			f.problem = sh.P.Error(msg.err)
			return nil
		}
		return tea.Sequence(Pop(), func() tea.Msg { return personErasedMsg{} }, Status(msg.text, false))
	}
	return f
}
