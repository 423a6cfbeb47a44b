package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// heldImport runs an import of offers on st in the background, holding it
// after its first batch commit until release is called. The import
// commits a batch after every offer.
type heldImport struct {
	held    chan struct{} // closed at the first pause
	release func()
	done    chan error
	counts  OfferCounts
}

func holdImport(ctx context.Context, st *Store, opt OfferImportOptions, offers ...catalog.Offer) *heldImport {
	h := &heldImport{held: make(chan struct{}), done: make(chan error, 1)}
	resume := make(chan struct{})
	first := true
	st.stageEvery = time.Nanosecond
	st.stagePause = func() {
		if first {
			first = false
			close(h.held)
			<-resume
		}
	}
	h.release = func() { close(resume) }
	go func() {
		n, err := st.ImportOffers(ctx, "test", seq(offers...), opt)
		h.counts = n
		h.done <- err
	}()
	return h
}

// TestImportStagesBehindGeneration holds an import between two of its
// batches and looks at the database from a second store, as another
// process would: the register is the previous generation (searches,
// lookups, counts, exports, the cold search path), writes of the people
// side go through at once, and the status says an import runs. Released,
// the import swaps in the new generation: added, changed (same id, new
// text), withdrawn.
func TestImportStagesBehindGeneration(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	old := testOffer("a", "Boekhouden voor starters")
	mustImport(t, st, OfferImportOptions{}, old, testOffer("b", "Zorgkundige"), testOffer("w", "Lassen"))
	before, err := st.Offer(ctx, "test:a")
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, st.Path(), Options{Actor: "other"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p, err := other.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters"})
	if err != nil {
		t.Fatal(err)
	}

	changed := testOffer("a", "Boekhouden voor gevorderden")
	var add []catalog.Offer
	for i := range 20 {
		add = append(add, testOffer(fmt.Sprintf("n%d", i), fmt.Sprintf("Metselwerk deel %d", i)))
	}
	h := holdImport(ctx, st, OfferImportOptions{Full: true}, append([]catalog.Offer{changed, testOffer("b", "Zorgkundige")}, add...)...)
	select {
	case <-h.held:
	case err := <-h.done:
		t.Fatalf("the import ended before its first batch: %v", err)
	}

	t.Run("readers see the previous generation", func(t *testing.T) {
		for _, text := range []string{"metselwerk", "gevorderden"} {
			hits, err := other.SearchOffers(ctx, catalog.Query{Text: text})
			if err != nil || len(hits) != 0 {
				t.Errorf("search %q during the import: %d hits, %v; want none", text, len(hits), err)
			}
		}
		hits, err := other.SearchOffers(ctx, catalog.Query{Text: "starters"})
		if err != nil || len(hits) != 1 || hits[0].Offer.ID != before.ID {
			t.Errorf("search for the offer as it was: %+v %v", hits, err)
		}
		fresh, err := Open(ctx, st.Path(), Options{Actor: "cold"}) // no index loaded: the cold path
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		if hits, err := fresh.searchCold(ctx, catalog.Query{Text: "metselwerk"}); err != nil || len(hits) != 0 {
			t.Errorf("cold search during the import: %d hits, %v", len(hits), err)
		}
		if hits, err := fresh.searchCold(ctx, catalog.Query{}); err != nil || len(hits) != 3 {
			t.Errorf("cold listing during the import: %d offers, %v; want 3", len(hits), err)
		}
		if _, err := other.Offer(ctx, "test:n0"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a staged offer by its key: %v, want not found", err)
		}
		stats, err := other.RegisterStats(ctx)
		if err != nil || stats.OffersActive != 3 || stats.OffersWithdrawn != 0 {
			t.Errorf("stats during the import: %+v %v", stats, err)
		}
		n := 0
		for _, err := range other.EachOffer(ctx, "") {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 3 {
			t.Errorf("export during the import: %d offers, want 3", n)
		}
		idx, err := scanIndex(ctx, other.db)
		if err != nil || idx.active != 3 {
			t.Errorf("index scanned during the import: %d active, %v", idx.active, err)
		}
	})
	t.Run("other writes go through", func(t *testing.T) {
		start := time.Now()
		if err := other.SaveDraft(ctx, p.ID, "session", "draft typed during an import"); err != nil {
			t.Fatal(err)
		}
		if _, err := other.CreatePerson(ctx, sessions.Person{Name: "Bart Claes"}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("two writes took %v during an import", d)
		}
		body, _, err := other.Draft(ctx, p.ID, "session")
		if err != nil || body != "draft typed during an import" {
			t.Errorf("draft %q %v", body, err)
		}
	})
	t.Run("status", func(t *testing.T) {
		s, err := other.ImportStatus(ctx)
		if err != nil || !s.Running {
			t.Errorf("status during the import: %+v %v", s, err)
		}
	})

	h.release()
	if err := <-h.done; err != nil {
		t.Fatal(err)
	}
	if want := (OfferCounts{Added: 20, Changed: 1, Unchanged: 1, Withdrawn: 1}); h.counts != want {
		t.Errorf("counts %+v, want %+v", h.counts, want)
	}
	hits, err := other.SearchOffers(ctx, catalog.Query{Text: "metselwerk", Limit: 50})
	if err != nil || len(hits) != 20 {
		t.Errorf("search after the import: %d hits, %v; want 20", len(hits), err)
	}
	after, err := other.Offer(ctx, "test:a")
	if err != nil || after.ID != before.ID || after.Title != changed.Title {
		t.Errorf("changed offer: id %s (was %s), title %q, %v", after.ID, before.ID, after.Title, err)
	}
	if hits, err := other.SearchOffers(ctx, catalog.Query{Text: "starters"}); err != nil || len(hits) != 0 {
		t.Errorf("the old text still found: %d hits %v", len(hits), err)
	}
	w, err := other.Offer(ctx, "test:w")
	if err != nil || w.Status != catalog.StatusWithdrawn {
		t.Errorf("missing offer: %q %v, want withdrawn", w.Status, err)
	}
	if s, err := other.ImportStatus(ctx); err != nil || s.Running {
		t.Errorf("status after the import: %+v %v", s, err)
	}
	if _, err := st.db.ExecContext(ctx, `INSERT INTO offers_fts (offers_fts, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Errorf("FTS index: %v", err)
	}
}

// TestImportCancelledLeavesRegister cancels an import between batches:
// its staged rows are removed and the register is as it was, byte for
// byte in every table but the FTS segments and interned names.
func TestImportCancelledLeavesRegister(t *testing.T) {
	st := openTemp(t)
	mustImport(t, st, OfferImportOptions{}, testOffer("a", "Boekhouden"), testOffer("b", "Zorgkundige"))
	before := registerHash(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	var add []catalog.Offer
	for i := range 10 {
		add = append(add, testOffer(fmt.Sprintf("n%d", i), fmt.Sprintf("Metselwerk %d", i)))
	}
	h := holdImport(ctx, st, OfferImportOptions{}, append(add, testOffer("a", "Boekhouden (nieuw)"))...)
	<-h.held
	cancel()
	h.release()
	if err := <-h.done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v", err)
	}
	if after := registerHash(t, st); after != before {
		t.Error("the register changed after a cancelled import")
	}
	var rows int
	if err := st.db.QueryRow(`SELECT count(*) FROM offers`).Scan(&rows); err != nil || rows != 2 {
		t.Errorf("%d offer rows after a cancelled import, want 2 (%v)", rows, err)
	}
}

// TestImportRemovesWhatAKilledImportStaged leaves staged rows behind as a
// killed import would (rows above the ceiling, FTS rows, skills), then
// checks that readers ignore them and the next import removes them first.
func TestImportRemovesWhatAKilledImportStaged(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	mustImport(t, st, OfferImportOptions{}, testOffer("a", "Boekhouden"))
	// A "killed" import: stage two offers, commit the batch, never finish.
	stg, err := st.beginStage(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := newOfferWriter(ctx, stg, nil, st.Actor(), st.stamp())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.importOffers(ctx, w, "test", seq(testOffer("k1", "Metselwerk"), testOffer("a", "Boekhouden anders")), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := w.commit(ctx, false); err != nil {
		t.Fatal(err)
	}
	w.close()
	_ = stg.tx.Rollback()
	stg.release()
	stg.unlock() // the kernel does this for a killed process

	reader, err := Open(ctx, filepath.Join(filepath.Dir(st.Path()), "koers.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	for _, q := range []string{"metselwerk", "anders"} {
		if hits, err := reader.SearchOffers(ctx, catalog.Query{Text: q}); err != nil || len(hits) != 0 {
			t.Errorf("%q: %d hits of a dead import's rows, %v", q, len(hits), err)
		}
	}
	mustImport(t, st, OfferImportOptions{}, testOffer("z", "Zorgkundige"))
	var rows int
	if err := st.db.QueryRow(`SELECT count(*) FROM offers`).Scan(&rows); err != nil || rows != 2 {
		t.Errorf("%d offer rows, want 2: the dead import's rows stay (%v)", rows, err)
	}
	if hits, err := reader.SearchOffers(ctx, catalog.Query{Text: "metselwerk"}); err != nil || len(hits) != 0 {
		t.Errorf("after the next import: %d hits of the dead import's rows, %v", len(hits), err)
	}
	if _, err := st.db.ExecContext(ctx, `INSERT INTO offers_fts (offers_fts, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Errorf("FTS index: %v", err)
	}
}
