package tui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/present"
)

// reasonGiver is what the break-glass prompt needs of the people side: on
// a server, a file outside the caller's caseload opens once a reason is
// given (audited and shown on the file).
type reasonGiver interface {
	GiveReason(personID, reason string) error
}

// glassViewer lists the looks at a file from outside the caseload.
type glassViewer interface {
	GlassViews(ctx context.Context, personID string) ([]app.AuditEntry, error)
}

// reasonPrompt is the small form the person page shows instead of the file
// when the role table asks for a reason (break-glass).
type reasonPrompt struct {
	input textinput.Model
	err   string
}

func newReasonPrompt(sh *Shared) *reasonPrompt {
	in := textinput.New()
	in.Prompt = sh.Tr.T("team.reason_field") + ": "
	in.CharLimit = 500
	in.Focus()
	return &reasonPrompt{input: in}
}

// needsReason reports whether err is the break-glass refusal and the
// people side can take a reason.
func (p *personPage) needsReason(err error) bool {
	_, ok := p.sh.Deps.People.(reasonGiver)
	return ok && errors.Is(err, app.ErrReasonRequired)
}

// reasonKey handles a key while the prompt is open: enter gives the
// reason and reloads the file, esc goes back.
func (p *personPage) reasonKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		return Pop()
	case "enter":
		reason := strings.TrimSpace(p.reason.input.Value())
		if reason == "" {
			p.reason.err = p.sh.Tr.T("people.err.required")
			return nil
		}
		if err := p.sh.Deps.People.(reasonGiver).GiveReason(p.id, reason); err != nil {
			p.reason.err = p.sh.P.Error(err)
			return nil
		}
		p.reason, p.loaded = nil, false
		return p.load()
	}
	var cmd tea.Cmd
	p.reason.input, cmd = p.reason.input.Update(msg)
	return cmd
}

// reasonView is the prompt: why the file asks, the field, and an error.
func (p *personPage) reasonView() string {
	st, tr := p.sh.Styles, p.sh.Tr
	prompt := strings.ReplaceAll(ansi.Wrap(tr.T("team.reason_prompt"), max(p.w-2, 20), ""), "\n", "\n ")
	body := " " + st.Title.Render(tr.T("team.reason_title")) + "\n\n " + prompt + "\n\n " + p.reason.input.View() + "\n"
	if p.reason.err != "" {
		body += "\n " + st.Error.Render("! "+present.Terminal(p.reason.err)) + "\n"
	}
	return Fit(body, p.w, p.h)
}

// glassLines are the looks from outside the caseload, for the overview.
func (p *personPage) glassLines(w int) []string {
	var out []string
	for _, g := range p.file.glass {
		line := p.sh.Tr.T("team.viewed_by", "Who", present.Terminal(g.Actor), "When", p.sh.P.DateTime(g.At.Local()), "Reason", present.Terminal(g.Reason))
		out = append(out, " "+p.sh.Styles.Warning.Render(ansi.Truncate(line, w-2, "…")))
	}
	return out
}
