//go:build !unix

package app

import "time"

// cpuTime is not measured here; the test logs wall time only.
func cpuTime() time.Duration { return 0 }
