package tui

// Scaffolding: the planner page (issue 5) replaces this file.

// Plans is what the planner needs from the store.
type Plans interface{}
