package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// syncWorld is a centre's PostgreSQL with one person holding €1 000, and a
// way to open laptops on it.
type syncWorld struct {
	t       *testing.T
	url     string
	central *app.App
	person  sessions.Person
}

func newSyncWorld(t *testing.T) *syncWorld {
	t.Helper()
	url := pg.DB(t, "")
	w := &syncWorld{t: t, url: url, central: openNet(t, url, filepath.Join(t.TempDir(), "central-index.db"))}
	ctx := context.Background()
	p, err := w.central.CreatePerson(ctx, sessions.Person{Name: "Zwanhilde Offlineson", Email: "zwanhilde@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	w.person = p
	if _, _, err := w.central.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: "1000", Funder: "centre", Reason: "start", Key: "start"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// laptop checks the person out into a new laptop file.
func (w *syncWorld) laptop(name string) (*app.App, string) {
	w.t.Helper()
	path := filepath.Join(w.t.TempDir(), name+".db")
	a, err := app.Open(context.Background(), path, app.Options{Actor: "counsellor-" + name})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { a.Close() })
	st, err := a.SyncCheckout(context.Background(), w.url, app.SyncSelection{People: []string{w.person.ID}})
	if err != nil {
		w.t.Fatalf("checkout %s: %v", name, err)
	}
	if !st.CheckedOut || len(st.People) != 1 || st.People[0].ID != w.person.ID || st.Waiting != 0 {
		w.t.Fatalf("checkout %s: status %+v", name, st)
	}
	return a, path
}

func available(t *testing.T, a *app.App, id, scheme string) int64 {
	t.Helper()
	bs, err := a.Balances(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Scheme == scheme {
			return b.Available
		}
	}
	return 0
}

func TestSyncCheckoutCopiesTheFile(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	lap, _ := w.laptop("a")
	got, err := lap.Person(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != w.person.Name || got.Email != w.person.Email || got.Version != w.person.Version {
		t.Errorf("laptop's copy: %+v, server's %+v", got, w.person)
	}
	if av := available(t, lap, w.person.ID, "ila"); av != 100000 {
		t.Errorf("laptop's ila available: %d, want 100000", av)
	}
	st, err := lap.SyncStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.CheckedOutAt == nil || st.CheckedOutAt.IsZero() || st.Server != app.DisplayDB(w.url) {
		t.Errorf("status: %+v", st)
	}
	// A sync with nothing changed anywhere pushes nothing and keeps the copy.
	rep, err := lap.Sync(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pushed != 0 || rep.Status.Waiting != 0 {
		t.Errorf("empty sync: %+v", rep)
	}
}

// Two laptops each spend €800 of €1 000 offline: after both sync, exactly
// one spend is on the server, the other is refused and shown on the
// laptop that proposed it, and no account is below zero.
func TestSyncOfflineOverdraftRefusedOnce(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	a, _ := w.laptop("a")
	b, _ := w.laptop("b")
	for _, lap := range []*app.App{a, b} {
		if _, _, err := lap.Post(ctx, app.PostRequest{PersonID: w.person.ID, Scheme: "ila", Kind: sessions.Spend, Amount: "800", Reason: "course"}); err != nil {
			t.Fatal(err)
		}
		st, err := lap.SyncStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Waiting == 0 || st.People[0].Waiting == 0 {
			t.Fatalf("the offline spend is not waiting: %+v", st)
		}
	}
	ra, err := a.Sync(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Sync(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if ra.Refused != 0 || rb.Refused != 1 {
		t.Fatalf("refused: a %d, b %d; want 0 and 1", ra.Refused, rb.Refused)
	}
	if rb.Status.Refused != 1 || len(rb.Status.RefusalList) != 1 || rb.Status.RefusalList[0].Amount != 80000 || rb.Status.People[0].Refusals != 1 {
		t.Errorf("b's status does not show the refusal: %+v", rb.Status)
	}
	if av := available(t, w.central, w.person.ID, "ila"); av != 20000 {
		t.Errorf("server's ila: %d, want 20000", av)
	}
	// Both laptops now hold the server's ledger.
	for name, lap := range map[string]*app.App{"a": a, "b": b} {
		if _, err := lap.Sync(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if av := available(t, lap, w.person.ID, "ila"); av != 20000 {
			t.Errorf("laptop %s's ila after sync: %d, want 20000", name, av)
		}
	}
	es, err := w.central.Entries(ctx, w.person.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	spends := 0
	for _, e := range es {
		if e.Kind == sessions.Spend {
			spends++
		}
	}
	if spends != 1 {
		t.Errorf("server's spends: %d, want 1", spends)
	}
	// The refusal is on the person's file on the server too (audit log).
	log, err := w.central.AuditLog(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range log {
		found = found || l.Action == "sync-refused"
	}
	if !found {
		t.Error("no sync-refused line on the server's audit log")
	}
}

// A push repeated after its answer was lost applies once.
func TestSyncPushTwiceOneEffect(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	a, path := w.laptop("a")
	if _, _, err := a.Post(ctx, app.PostRequest{PersonID: w.person.ID, Scheme: "ila", Kind: sessions.Spend, Amount: "100"}); err != nil {
		t.Fatal(err)
	}
	// Seal the outbox and apply its changes on the server as a push would,
	// without recording the answers (the connection dropped).
	lt, err := store.Open(ctx, path, store.Options{Actor: "x"})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := lt.SyncSeal(ctx)
	lt.Close()
	if err != nil || len(changes) == 0 {
		t.Fatalf("seal: %d changes, %v", len(changes), err)
	}
	if _, err := a.Sync(ctx, ""); err != nil { // sends the same sealed changes
		t.Fatal(err)
	}
	if _, err := a.Sync(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if av := available(t, w.central, w.person.ID, "ila"); av != 90000 {
		t.Errorf("server's ila: %d, want 90000 (one spend of 100)", av)
	}
}

// The same profile edited offline and on the server: the push is a
// conflict with both versions kept; resolving "mine" writes the laptop's
// version over the server's, and the choice is audited on both sides.
func TestSyncProfileConflictResolved(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	a, _ := w.laptop("a")
	p, err := a.Person(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.Phone = "+32 470 00 00 01"
	if _, err := a.UpdatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	q, err := w.central.Person(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	q.Phone = "+32 470 00 00 02"
	if _, err := w.central.UpdatePerson(ctx, q); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Sync(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conflicts != 1 || rep.Status.Conflicts != 1 || len(rep.Status.ConflictList) != 1 {
		t.Fatalf("conflict not surfaced: %+v", rep)
	}
	c := rep.Status.ConflictList[0]
	if c.Local["phone"] != "+32 470 00 00 01" || c.Server["phone"] != "+32 470 00 00 02" {
		t.Errorf("both versions: local %v, server %v", c.Local["phone"], c.Server["phone"])
	}
	// Check-in is refused while the conflict is open.
	if _, err := a.SyncCheckin(ctx, ""); !errors.Is(err, app.ErrCheckinBlocked) {
		t.Fatalf("check-in with an open conflict: %v", err)
	}
	if _, err := a.SyncResolve(ctx, c.ID, "mine"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SyncResolve(ctx, c.ID, "theirs"); err == nil {
		t.Error("a second resolve of the same conflict went through")
	}
	if _, err := a.Sync(ctx, ""); err != nil {
		t.Fatal(err)
	}
	got, err := w.central.Person(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != "+32 470 00 00 01" {
		t.Errorf("server's phone after 'mine': %q", got.Phone)
	}
	log, err := w.central.AuditLog(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	var conflict, resolve bool
	for _, l := range log {
		conflict = conflict || l.Action == "sync-conflict"
		resolve = resolve || l.Action == "sync-resolve"
	}
	if !conflict || !resolve {
		t.Errorf("server's audit: conflict %v, resolve %v", conflict, resolve)
	}
}

// Check-in pushes, and leaves nothing of the person in the laptop's files.
func TestSyncCheckinLeavesNoName(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	a, path := w.laptop("a")
	if _, err := a.AddSession(ctx, sessions.Session{PersonID: w.person.ID, At: a.Now().Add(-time.Hour), Channel: sessions.FaceToFace, Attended: true,
		Counsellor: "counsellor-a", Summary: "Zwanhilde talked about welding", Notes: []string{"welding course in Ghent"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := a.SyncCheckin(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.CheckedIn || rep.Status.CheckedOut {
		t.Errorf("check-in: %+v", rep)
	}
	ss, err := w.central.Sessions(ctx, w.person.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 || ss[0].Summary != "Zwanhilde talked about welding" {
		t.Errorf("server's sessions after check-in: %+v", ss)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{"Zwanhilde", "Offlineson", "zwanhilde@example.org", "welding"} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("%s still holds %q", filepath.Base(path+suffix), needle)
			}
		}
	}
}

// A plan made offline reaches the server whole; the same plan edited on
// both sides is a conflict with both versions, and "theirs" keeps the
// server's.
func TestSyncPlans(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	a, _ := w.laptop("a")
	p, err := a.AddPlanStep(ctx, w.person.ID, "", app.StepInput{Kind: sessions.KindGuidance, Title: "Career interview"})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := a.Sync(ctx, ""); err != nil || rep.Conflicts != 0 {
		t.Fatalf("sync: %+v %v", rep, err)
	}
	srv, err := w.central.Plans(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(srv) != 1 || srv[0].ID != p.ID || len(srv[0].Steps) != 1 || srv[0].Steps[0].Title != "Career interview" {
		t.Fatalf("server's plans after sync: %+v", srv)
	}
	// Both sides add a step to the same plan.
	if _, err := a.AddPlanStep(ctx, w.person.ID, p.ID, app.StepInput{Kind: sessions.KindGuidance, Title: "Offline step"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.central.AddPlanStep(ctx, w.person.ID, p.ID, app.StepInput{Kind: sessions.KindGuidance, Title: "Central step"}); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Sync(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conflicts != 1 || len(rep.Status.ConflictList) != 1 || rep.Status.ConflictList[0].Table != "plans" {
		t.Fatalf("plan conflict not surfaced: %+v", rep)
	}
	c := rep.Status.ConflictList[0]
	if !strings.Contains(fmt.Sprint(c.Local["steps"]), "Offline step") || !strings.Contains(fmt.Sprint(c.Server["steps"]), "Central step") {
		t.Errorf("both versions are not kept: local %v, server %v", c.Local["steps"], c.Server["steps"])
	}
	if _, err := a.SyncResolve(ctx, c.ID, "theirs"); err != nil {
		t.Fatal(err)
	}
	if rep, err := a.Sync(ctx, ""); err != nil || rep.Status.Conflicts != 0 || rep.Status.Waiting != 0 {
		t.Fatalf("sync after resolve: %+v %v", rep, err)
	}
	mine, err := a.Plans(ctx, w.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || len(mine[0].Steps) != 2 || mine[0].Steps[1].Title != "Central step" {
		t.Errorf("laptop's plan after 'theirs': %+v", mine)
	}
}

// --appointments DATE takes the people with a next appointment that day
// set by the counsellor, and no one else.
func TestSyncCheckoutAppointments(t *testing.T) {
	w := newSyncWorld(t)
	ctx := context.Background()
	other, err := w.central.CreatePerson(ctx, sessions.Person{Name: "Someone Else"})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().AddDate(0, 0, 2)
	at := time.Date(day.Year(), day.Month(), day.Day(), 10, 30, 0, 0, time.Local)
	for _, s := range []sessions.Session{
		{PersonID: w.person.ID, Counsellor: "counsellor-a", Next: at},
		{PersonID: other.ID, Counsellor: "counsellor-b", Next: at},
	} {
		s.At, s.Channel, s.Attended, s.Summary = time.Now().Add(-time.Hour), sessions.FaceToFace, true, "intake"
		if _, err := w.central.AddSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	lap, err := app.Open(ctx, filepath.Join(t.TempDir(), "a.db"), app.Options{Actor: "counsellor-a"})
	if err != nil {
		t.Fatal(err)
	}
	defer lap.Close()
	d, err := catalog.ParseDate(at.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	st, err := lap.SyncCheckout(ctx, w.url, app.SyncSelection{Appointments: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.People) != 1 || st.People[0].ID != w.person.ID {
		t.Errorf("checked out %+v, want %s only", st.People, w.person.ID)
	}
	if _, err := lap.SyncCheckout(ctx, w.url, app.SyncSelection{Appointments: d.AddDays(1)}); err == nil {
		t.Error("a day without appointments checked someone out")
	}
	// Days widens the selection to a week (the TUI's "this week"), and
	// only to the days it says.
	if _, err := lap.SyncCheckout(ctx, w.url, app.SyncSelection{Appointments: d.AddDays(-4), Days: 2}); err == nil {
		t.Error("two days without appointments checked someone out")
	}
	if st, err := lap.SyncCheckout(ctx, w.url, app.SyncSelection{Appointments: d.AddDays(-2), Days: 7}); err != nil || len(st.People) != 1 {
		t.Errorf("a week holding the appointment: %+v, %v", st.People, err)
	}
	if srv, err := lap.SyncServer(ctx); err != nil || srv != app.DisplayDB(w.url) {
		t.Errorf("SyncServer = %q, %v; want %q", srv, err, app.DisplayDB(w.url))
	}
}
