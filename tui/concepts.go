package tui

// Concepts is what the ESCO picker needs from the store (the import
// engineer owns this declaration).
type Concepts interface{}
