package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is every style the TUI uses, built for a light or dark background.
// Nothing relies on colour alone: selection also has a marker, errors a
// label, warnings a sign.
type Styles struct {
	IsDark bool

	App      lipgloss.Style
	Header   lipgloss.Style
	Brand    lipgloss.Style
	Crumb    lipgloss.Style
	Focus    lipgloss.Style // the person in focus, right of the header
	Rule     lipgloss.Style
	Status   lipgloss.Style
	Error    lipgloss.Style
	Warning  lipgloss.Style
	OK       lipgloss.Style
	Muted    lipgloss.Style
	Bold     lipgloss.Style
	Label    lipgloss.Style // field labels in detail views
	Selected lipgloss.Style // the selected row
	Title    lipgloss.Style // section titles
	Pane     lipgloss.Style // bordered side pane
	Dialog   lipgloss.Style // bordered dialog box
	Bar      lipgloss.Style // facet and progress bars
	Input    lipgloss.Style
	Help     help.Styles
}

func newStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#3B2FB8"), lipgloss.Color("#A59BFF"))
	muted := ld(lipgloss.Color("#5F5F5F"), lipgloss.Color("#9A9A9A"))
	errC := ld(lipgloss.Color("#B00020"), lipgloss.Color("#FF6B6B"))
	warnC := ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#F2C14E"))
	okC := ld(lipgloss.Color("#1B6E20"), lipgloss.Color("#7BD88F"))
	selBg := ld(lipgloss.Color("#E4E0FF"), lipgloss.Color("#2E2A55"))
	rule := ld(lipgloss.Color("#BBBBBB"), lipgloss.Color("#444444"))

	s := &Styles{IsDark: isDark}
	s.App = lipgloss.NewStyle()
	s.Header = lipgloss.NewStyle().Bold(true)
	s.Brand = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Crumb = lipgloss.NewStyle().Bold(true)
	s.Focus = lipgloss.NewStyle().Foreground(accent)
	s.Rule = lipgloss.NewStyle().Foreground(rule)
	s.Status = lipgloss.NewStyle().Foreground(muted)
	s.Error = lipgloss.NewStyle().Bold(true).Foreground(errC)
	s.Warning = lipgloss.NewStyle().Foreground(warnC)
	s.OK = lipgloss.NewStyle().Foreground(okC)
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.Label = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Selected = lipgloss.NewStyle().Bold(true).Background(selBg)
	s.Title = lipgloss.NewStyle().Bold(true).Underline(true)
	s.Pane = lipgloss.NewStyle().Border(lipgloss.NormalBorder(), false, false, false, true).BorderForeground(rule).PaddingLeft(1)
	s.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.Bar = lipgloss.NewStyle().Foreground(accent)
	s.Input = lipgloss.NewStyle()
	s.Help = help.DefaultStyles(isDark)
	return s
}
