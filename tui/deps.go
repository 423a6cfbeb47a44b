package tui

// Deps is what the TUI needs from the outside world, one small interface
// per area, each declared beside the pages that use it. main passes the
// store for each; tests pass fakes or a temporary store.
type Deps struct {
	Register Register
	Concepts Concepts
	People   People
	Plans    Plans
	Exporter Exporter
	Reports  Reports
	// Changes, when set, tells the session about other sessions' changes
	// of the person in focus (see live.go).
	Changes Changes
}
