package tui

import "charm.land/bubbles/v2/key"

// GlobalKeys are the keys the root handles on every page (after an open
// dialog and a focused text input have had their turn).
type GlobalKeys struct {
	Quit   key.Binding
	ForceQ key.Binding
	Help   key.Binding
	// HelpAny opens help even while a text field has focus (f1): the
	// people search and the forms type every printable key.
	HelpAny  key.Binding
	Back     key.Binding
	People   key.Binding
	Register key.Binding
	// Export opens the export dialog for the person in focus (issue 6).
	Export key.Binding
}

func newGlobalKeys() GlobalKeys {
	return GlobalKeys{
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		HelpAny:  key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		People:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "people")),
		Register: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "register")),
		Export:   key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "export plan")),
	}
}
