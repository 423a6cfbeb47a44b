package store

import (
	"context"
	"testing"
)

// TestWriteTurns shows the two halves of the turn-taking between an import
// and the other writers (import_turns.go), as two processes would see
// them (each side opens the files itself):
//   - while a writer holds its turn, the import's look finds it waiting,
//     and finds nobody once the writer is done;
//   - a writer that comes while a batch runs (the gate shut) is held until
//     the batch ends, then goes.
//
// On a database no import ran on, a write takes no turn and makes no file.
func TestWriteTurns(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	st.writeTurn(ctx)()
	if _, err := openTurnsIfAny(st.path); err == nil {
		t.Fatal("a write made the import's turn files")
	}

	imp, err := openTurns(st.path)
	if err != nil {
		t.Fatal(err)
	}
	defer imp.close()
	if !imp.nobodyWaits() {
		t.Fatal("the import finds a writer waiting before any came")
	}
	end := st.writeTurn(ctx)
	if imp.nobodyWaits() {
		t.Error("the import does not see the writer whose turn it is")
	}
	end()
	if !imp.nobodyWaits() {
		t.Error("the import still sees a writer that is done")
	}

	imp.shut(ctx)
	passed := make(chan func(), 1)
	go func() { passed <- st.writeTurn(ctx) }()
	// The writer announces itself before the gate: once the import sees it
	// waiting, it is at the gate, which is shut.
	for imp.nobodyWaits() {
		select {
		case end := <-passed:
			end()
			t.Fatal("a writer went through a shut gate")
		default:
		}
	}
	select {
	case end := <-passed:
		end()
		t.Fatal("a writer went through a shut gate")
	default:
	}
	imp.open()
	(<-passed)()
	if !imp.nobodyWaits() {
		t.Error("the writer's turn did not end")
	}
}
