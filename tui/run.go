package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/locale"
)

// Run starts the program on the terminal and blocks until the user quits.
func Run(ctx context.Context, deps Deps, cat *locale.Catalog, opt Options) error {
	p := tea.NewProgram(New(deps, cat, opt), tea.WithContext(ctx))
	_, err := p.Run()
	return err
}
