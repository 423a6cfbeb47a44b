package store

import (
	"context"
	"os"
	"time"
)

// Turns between an import and the other writers (issue 14 item 5).
//
// SQLite's write lock is no queue: a writer that finds it taken sleeps and
// tries again (the busy handler: after the first quarter second, every
// 100 ms), while an import commits a batch and begins the next within
// microseconds. Measured beside a 200k-offer import, no import transaction
// held the lock for more than a fraction of a second, yet a waiting writer
// almost never tried at the moment it was free, and gave up after the
// 15 s busy timeout. So the two take turns, with two flocks the kernel
// drops with the process that held them:
//
//   - DB-import.wait: every writer holds a shared lock on it from before
//     it begins until it has committed. Before each transaction the import
//     takes the lock exclusively and at once lets it go, waiting (up to
//     yieldMax) until it can: every writer that was waiting goes first.
//   - DB-import.gate: the import holds it exclusively while a batch runs.
//     A writer that comes during a batch waits for it there (up to
//     gateMax), and begins the moment the batch commits, instead of at the
//     busy handler's next try.
//
// Both files are made by the first import; a database none ever ran on
// has neither, and its writers skip all this.

// yieldMax bounds how long the import waits for the other writers before
// each transaction: a stream of them cannot stop it.
const yieldMax = time.Second

// gateMax bounds how long a writer waits for a batch at the gate (a batch
// writes for stageBatch, then commits); past it, the busy timeout waits.
const gateMax = 2 * time.Second

// turnPoll is how often a wait for a turn looks again.
const turnPoll = time.Millisecond

func waitFile(path string) string { return path + "-import.wait" }
func gateFile(path string) string { return path + "-import.gate" }

// writeTurn is taken by every write transaction: it says this process
// wants the write lock, and waits for an import's running batch to end.
// The returned func ends the turn (after the commit).
func (s *Store) writeTurn(ctx context.Context) func() {
	w, err := os.Open(waitFile(s.path))
	if err != nil {
		return func() {}
	}
	// An import looking whether anyone waits holds the lock exclusively
	// for a moment: try again.
	if !waitFor(ctx, time.Second, func() bool { return tryFlock(w, lockShared) }) {
		w.Close()
		return func() {}
	}
	if g, err := os.Open(gateFile(s.path)); err == nil {
		waitFor(ctx, gateMax, func() bool {
			if tryFlock(g, lockShared) {
				unflock(g)
				return true
			}
			return false
		})
		g.Close()
	}
	return func() { w.Close() } // (closing drops the lock)
}

// waitFor calls try every turnPoll until it returns true, for at most
// limit or until ctx ends.
func waitFor(ctx context.Context, limit time.Duration, try func() bool) bool {
	if try() {
		return true
	}
	deadline := time.Now().Add(limit)
	t := time.NewTicker(turnPoll)
	defer t.Stop()
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
		if try() {
			return true
		}
	}
	return false
}

// turns is an import's side: the two files, held open for its run.
type turns struct {
	wait, gate *os.File
	// waited is how long the import let others go first, in all.
	waited time.Duration
}

// openTurns makes (if need be) and opens the two files.
func openTurns(path string) (*turns, error) {
	w, err := os.OpenFile(waitFile(path), os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	g, err := os.OpenFile(gateFile(path), os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		w.Close()
		return nil, err
	}
	return &turns{wait: w, gate: g}, nil
}

// yield waits until no other writer waits for the lock (at most yieldMax).
func (t *turns) yield(ctx context.Context) {
	if t == nil {
		return
	}
	start := time.Now()
	waitFor(ctx, yieldMax, t.nobodyWaits)
	t.waited += time.Since(start)
}

// nobodyWaits reports whether no other writer holds its turn.
func (t *turns) nobodyWaits() bool {
	if tryFlock(t.wait, lockExclusive) {
		unflock(t.wait)
		return true
	}
	return false
}

// openTurnsIfAny opens the files if an import ever made them.
func openTurnsIfAny(path string) (*turns, error) {
	w, err := os.Open(waitFile(path))
	if err != nil {
		return nil, err
	}
	return &turns{wait: w}, nil
}

// close lets the gate go for good.
func (t *turns) close() {
	if t == nil {
		return
	}
	t.wait.Close()
	t.gate.Close()
}

// shut makes writers that come now wait for the batch about to begin
// (at most a moment, if one of them is passing the gate).
func (t *turns) shut(ctx context.Context) {
	if t != nil {
		waitFor(ctx, 100*time.Millisecond, func() bool { return tryFlock(t.gate, lockExclusive) })
	}
}

// open lets writers waiting at the gate through.
func (t *turns) open() {
	if t != nil {
		unflock(t.gate)
	}
}
