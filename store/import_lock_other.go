//go:build !unix

package store

import "os"

// lockImport has no cross-process lock where flock is missing: imports
// there must not run two at once (koers is built for unix systems).
func lockImport(string) (*os.File, bool, error) { return nil, true, nil }

// importHeld cannot tell without flock.
func importHeld(string) bool { return false }

// Without flock the import and other writers take no turns: the busy
// timeout is all there is.
func tryFlock(*os.File, int) bool { return true }

func unflock(*os.File) {}

const (
	lockShared    = 1
	lockExclusive = 2
)
