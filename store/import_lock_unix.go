//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockImport takes the register's import lock: an exclusive flock on the
// file path+"-import.lock", which the kernel releases when the process
// ends, however it ends. ok is false when another import holds it.
func lockImport(path string) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(path+"-import.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("import lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("import lock: %w", err)
	}
	return f, true, nil
}

// importHeld reports whether some process holds path's import lock (a
// shared lock that cannot be had means an exclusive one is held).
func importHeld(path string) bool {
	f, err := os.Open(path + "-import.lock")
	if err != nil {
		return false // no import ever ran here
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// tryFlock takes how (LOCK_SH or LOCK_EX) on f without waiting; false if
// another open file holds a conflicting lock.
func tryFlock(f *os.File, how int) bool {
	return syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB) == nil
}

// unflock releases f's lock.
func unflock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

const (
	lockShared    = syscall.LOCK_SH
	lockExclusive = syscall.LOCK_EX
)
