package tui

import (
	"os"
	"testing"
	"time"
)

// TestMain runs the package's tests in UTC: screens show local time, and
// goldens must not depend on the machine's zone. time.Local is set once,
// before any test or timer goroutine starts (changing it per test raced
// with the runtime's timers).
func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}
