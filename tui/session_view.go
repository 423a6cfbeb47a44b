package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/sessions"
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
	label := func(f int, text string) string {
		l := fmt.Sprintf(" %-*s", labelW, ansi.Truncate(text, labelW-1, "…"))
		if f == p.focus {
			return st.Label.Render("▸" + l[1:])
		}
		return l
	}
	var b strings.Builder
	b.WriteString(" " + st.Bold.Render(tr.T("people.new_session", "Name", p.person.Name)) + "\n")
	b.WriteString(label(fChannel, tr.T("people.f.channel")) + "◂ " + tr.T("people.channel."+string(sessions.Channels[p.channel])) + " ▸\n")
	b.WriteString(label(fWhen, tr.T("people.f.when")) + p.inputs[fWhen].View() + "\n")
	b.WriteString(label(fMinutes, tr.T("people.f.minutes")) + p.inputs[fMinutes].View() + "\n")
	b.WriteString(label(fVenue, tr.T("people.f.venue")) + p.inputs[fVenue].View() + "\n")
	b.WriteString(label(fSummary, tr.T("people.f.summary")) + p.inputs[fSummary].View() + "\n")
	b.WriteString(label(fNotes, tr.T("people.f.notes")) + st.Muted.Render(tr.T("people.restricted")) + "\n")
	b.WriteString(indent(p.notes.View(), 2) + "\n")
	b.WriteString(label(fAbsent, tr.T("people.f.absent")) + p.inputs[fAbsent].View() + "\n")
	b.WriteString(label(fGoal, tr.T("people.f.goal")) + p.inputs[fGoal].View() + "\n")
	for _, g := range p.goals {
		b.WriteString(ansi.Truncate("   • "+g.Summary, p.w, "…") + "\n")
	}
	b.WriteString(label(fAction, tr.T("people.f.action")) + p.inputs[fAction].View() + "\n")
	b.WriteString(label(fDue, tr.T("people.f.due")) + p.inputs[fDue].View() + "\n")
	for _, a := range p.actions {
		line := "   • " + a.Summary
		if !a.Due.IsZero() {
			line += " · " + tr.T("people.due", "Date", a.Due.String())
		}
		b.WriteString(ansi.Truncate(line, p.w, "…") + "\n")
	}
	b.WriteString(label(fNext, tr.T("people.f.next")) + p.inputs[fNext].View() + "\n")
	if p.problem != "" {
		b.WriteString(" " + st.Error.Render("! "+ansi.Truncate(p.problem, p.w-4, "…")) + "\n")
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
	for i := range p.inputs {
		p.inputs[i].SetWidth(max(w-23, 10))
	}
	p.notes.SetWidth(max(w-4, 20))
	p.notes.SetHeight(max(min(h-17, 8), 2))
}

func (p *sessionPage) Title() string      { return p.sh.Tr.T("people.session") }
func (p *sessionPage) InputFocused() bool { return true }
func (p *sessionPage) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Next, p.keys.Add, p.keys.Save, p.keys.Discard, p.keys.Back}
}
func (p *sessionPage) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Next, p.keys.Add, p.keys.Cycle}, {p.keys.Save, p.keys.Discard, p.keys.Back}}
}
