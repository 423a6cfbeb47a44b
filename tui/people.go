package tui

// Scaffolding: the people pages (issue 4) replace this file.

// People is what the people pages need from the store.
type People interface{}

func newPeoplePage(sh *Shared) Page { return nil }
