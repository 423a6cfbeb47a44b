package tui

import tea "charm.land/bubbletea/v2"

// searchFor opens the register search for the person in view.
func (p *personPage) searchFor() tea.Cmd {
	return Status(p.sh.Tr.T("people.search_soon"), false)
}
