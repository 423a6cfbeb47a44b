package tui

// Scaffolding: the search page (issue 2) replaces this file.

// Register is what the search page needs from the store.
type Register interface{}

// Concepts is what the ESCO picker needs from the store.
type Concepts interface{}

func newHomePage(sh *Shared) Page { return newBlankPage(sh, "Register") }
