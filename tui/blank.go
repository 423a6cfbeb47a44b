package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// blankPage is an empty page with a title; scaffolding and tests use it.
type blankPage struct {
	sh    *Shared
	title string
	text  string
}

func newBlankPage(sh *Shared, title string) *blankPage { return &blankPage{sh: sh, title: title} }

func (p *blankPage) Init() tea.Cmd                  { return nil }
func (p *blankPage) Update(tea.Msg) (Page, tea.Cmd) { return p, nil }
func (p *blankPage) View() string                   { return p.text }
func (p *blankPage) SetSize(int, int)               {}
func (p *blankPage) Title() string                  { return p.title }
func (p *blankPage) InputFocused() bool             { return false }
func (p *blankPage) ShortHelp() []key.Binding       { return nil }
func (p *blankPage) FullHelp() [][]key.Binding      { return nil }
