package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/koers-project/koers/locale"
)

// searchKeys are the search page's keys.
type searchKeys struct {
	Focus, Leave, Up, Down, PageUp, PageDown, Home, End key.Binding
	Open, Filters, Add, Back                            key.Binding
}

func newSearchKeys(tr *locale.Tr) searchKeys {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], tr.T(help)))
	}
	k := searchKeys{
		Focus:    b("search.key.focus", "/"),
		Leave:    b("search.key.leave", "esc"),
		Up:       b("search.key.up", "up", "k"),
		Down:     b("search.key.down", "down", "j"),
		PageUp:   b("search.key.pgup", "pgup"),
		PageDown: b("search.key.pgdown", "pgdown"),
		Home:     b("search.key.home", "home", "g"),
		End:      b("search.key.end", "end", "G"),
		Open:     b("search.key.open", "enter"),
		Filters:  b("search.key.filters", "f"),
		Add:      b("search.key.add", "p"),
		Back:     b("search.key.back", "esc"),
	}
	k.Up.SetHelp("↑/k", tr.T("search.key.up"))
	k.Down.SetHelp("↓/j", tr.T("search.key.down"))
	return k
}

// ShortHelp is the help line for the page's current mode.
func (p *searchPage) ShortHelp() []key.Binding {
	k := p.keys
	switch {
	case p.detail != nil && p.detailWide():
		return p.withAdd(k.Up, k.Down, k.PageDown, k.Back)
	case p.detail != nil:
		return p.withAdd(k.Up, k.Down, k.Back)
	case p.panel != nil:
		return p.panel.shortHelp()
	case p.input.Focused() && p.target == nil:
		return []key.Binding{k.Leave, k.Down, k.Open, p.sh.Keys.People}
	case p.input.Focused():
		return []key.Binding{k.Leave, k.Down, k.Open}
	}
	if p.target != nil { // opened from a person or plan: tab does not apply there
		return append(p.withAdd(k.Focus, k.Filters, k.Open), k.Back)
	}
	return []key.Binding{k.Focus, k.Filters, k.Open, p.sh.Keys.People}
}

// FullHelp is every key of the page, in columns.
func (p *searchPage) FullHelp() [][]key.Binding {
	k := p.keys
	if p.panel != nil {
		return [][]key.Binding{p.panel.shortHelp()}
	}
	g := p.sh.Keys
	return [][]key.Binding{
		p.withAdd(k.Focus, k.Leave, k.Open, k.Filters),
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{g.Help, g.People, g.Quit, g.ForceQ},
	}
}

// withAdd is bs with "p add to plan" (or what the target says p does) when
// the search is for someone (p elsewhere only says how to get there).
func (p *searchPage) withAdd(bs ...key.Binding) []key.Binding {
	if p.target != nil {
		add := p.keys.Add
		if p.target.AddHelp != "" {
			add.SetHelp(add.Help().Key, p.target.AddHelp)
		}
		bs = append(bs, add)
	}
	return bs
}
