package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

func parseLocalWhen(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD [HH:MM]", s)
}

func (p *sessionPage) View() string {
	st, tr := p.sh.Styles, p.sh.Tr
	labelW := 19
	f := p.form
	var b strings.Builder
	field := func(i int, text, editor string) {
		b.WriteString(f.label(st, i, text, labelW) + editor + "\n")
		if pl := f.problemLine(st, i, labelW+2, p.w); pl != "" {
			b.WriteString(pl + "\n")
		}
	}
	b.WriteString(" " + st.Bold.Render(tr.T("people.new_session", "Name", p.person.Name)) + "\n")
	field(fChannel, tr.T("people.f.channel"), f.view(fChannel))
	field(fWhen, tr.T("people.f.when"), f.view(fWhen))
	field(fMinutes, tr.T("people.f.minutes"), f.view(fMinutes))
	field(fVenue, tr.T("people.f.venue"), f.view(fVenue))
	field(fSummary, tr.T("people.f.summary"), f.view(fSummary))
	field(fNotes, tr.T("people.f.notes"), st.Muted.Render(tr.T("people.restricted")))
	b.WriteString(indent(f.view(fNotes), 2) + "\n")
	field(fAbsent, tr.T("people.f.absent"), f.view(fAbsent))
	field(fGoal, tr.T("people.f.goal"), f.view(fGoal))
	for _, g := range p.goals {
		b.WriteString(ansi.Truncate("   • "+g.Summary, p.w, "…") + "\n")
	}
	field(fAction, tr.T("people.f.action"), f.view(fAction))
	field(fDue, tr.T("people.f.due"), f.view(fDue))
	for _, a := range p.actions {
		line := "   • " + a.Summary
		if !a.Due.IsZero() {
			line += " · " + tr.T("people.due", "Date", p.sh.P.Date(a.Due))
		}
		b.WriteString(ansi.Truncate(line, p.w, "…") + "\n")
	}
	field(fNext, tr.T("people.f.next"), f.view(fNext))
	if p.problem != "" {
		b.WriteString(" " + st.Error.Render(ansi.Wrap("! "+p.problem, p.w-2, "")) + "\n")
	}
	foot := ""
	switch {
	case !p.savedAt.IsZero():
		foot = tr.T("people.draft_saved", "Time", p.savedAt.Local().Format("15:04:05"))
	case !p.restore.IsZero():
		foot = tr.T("people.draft_from", "Time", p.restore.Local().Format("2006-01-02 15:04"))
	default:
		foot = tr.T("people.draft_hint")
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for len(lines) < p.h-1 {
		lines = append(lines, "")
	}
	if len(lines) > p.h-1 {
		lines = lines[:p.h-1]
	}
	lines = append(lines, " "+st.Muted.Render(foot))
	return Fit(strings.Join(lines, "\n"), p.w, p.h)
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func (p *sessionPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.form.setWidth(max(w-23, 10))
	notes := &p.form.list[fNotes].area
	notes.SetWidth(max(w-4, 20))
	notes.SetHeight(max(min(h-17, 8), 2))
}

func (p *sessionPage) Title() string      { return p.sh.Tr.T("people.session") }
func (p *sessionPage) InputFocused() bool { return true }
func (p *sessionPage) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Next, p.keys.Add, p.keys.Save, p.keys.Discard, p.keys.Back}
}
func (p *sessionPage) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Next, p.keys.Add, p.keys.Cycle}, {p.keys.Save, p.keys.Discard, p.keys.Back}}
}
