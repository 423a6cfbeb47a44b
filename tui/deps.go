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
	// Files writes and reads files on this machine (person export, credential
	// import) and erases people: a local TUI only (nil over SSH).
	Files PersonFiles
	// Changes, when set, tells the session about other sessions' changes
	// of the person in focus (see live.go).
	Changes Changes
	// Sync keeps a PostgreSQL database's local register index up to date
	// in the background (nil: the register is the database's own).
	Sync RegisterSyncer
}
