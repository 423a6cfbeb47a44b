package app_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store/pgtest"
)

// partitionSchedules is how many random schedules the property runs
// (-rapid.checks overrides it when larger).
const partitionSchedules = 200

// laptopUnderTest is one laptop: its app on its own SQLite file, behind
// its own proxy to the server, and what it acknowledged offline.
type laptopUnderTest struct {
	name  string
	app   *app.App
	proxy *pgtest.Proxy
	cut   bool
	// spends acknowledged on the laptop: local entry id → idempotency key
	spends map[string]string
}

// TestSyncPartitionsProperty: two laptops and the server edit the same
// person (spends, profile, sessions) while the laptops' links to
// PostgreSQL are cut, healed, delayed and cut mid-sync at random points;
// after healing and syncing, every acknowledged session is present
// exactly once on all three, every acknowledged spend is on the server
// exactly once or refused and shown on its laptop, the conflicts the
// server saw are the ones the laptops show, the three copies agree, and no
// account is below zero.
func TestSyncPartitionsProperty(t *testing.T) {
	if testing.Short() {
		t.Skip("200 schedules against PostgreSQL")
	}
	if f := flag.Lookup("rapid.checks"); f != nil {
		if n := f.Value.String(); n == "100" { // rapid's default: raise it to the 200
			if err := f.Value.Set(fmt.Sprint(partitionSchedules)); err != nil {
				t.Fatal(err)
			}
			defer f.Value.Set(n)
		}
	}
	ctx := context.Background()
	dbURL := pg.DB(t, "")
	central := openNet(t, dbURL, filepath.Join(t.TempDir(), "central-index.db"))
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var laptops []*laptopUnderTest
	for _, name := range []string{"a", "b"} {
		p, err := pgtest.NewProxy(net.JoinHostPort(u.Hostname(), u.Port()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		a, err := app.Open(ctx, filepath.Join(t.TempDir(), name+".db"), app.Options{Actor: "counsellor-" + name})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		laptops = append(laptops, &laptopUnderTest{name: name, app: a, proxy: p})
	}
	schedules := 0
	rapid.Check(t, func(rt *rapid.T) {
		schedules++
		for _, l := range laptops {
			l.proxy.Heal()
			l.proxy.Delay(0)
			l.cut = false
			l.spends = map[string]string{}
		}
		p, err := central.CreatePerson(ctx, sessions.Person{Name: "Partition Person", Phone: "central-0"})
		if err != nil {
			rt.Fatal(err)
		}
		if _, _, err := central.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: "1000", Funder: "centre", Key: "start"}); err != nil {
			rt.Fatal(err)
		}
		for _, l := range laptops {
			from, err := l.proxy.URL(dbURL)
			if err != nil {
				rt.Fatal(err)
			}
			if _, err := l.app.SyncCheckout(ctx, from, app.SyncSelection{People: []string{p.ID}}); err != nil {
				rt.Fatalf("checkout %s: %v", l.name, err)
			}
		}
		sessionIDs := map[string]bool{}
		centralSpends := 0
		amounts := []string{"100", "300", "500", "800"}
		steps := rapid.IntRange(3, 14).Draw(rt, "steps")
		for i := range steps {
			who := rapid.IntRange(0, 2).Draw(rt, "who") // 2: the server
			op := rapid.IntRange(0, 6).Draw(rt, "op")
			if who == 2 {
				switch op % 3 {
				case 0:
					amt := rapid.SampledFrom(amounts).Draw(rt, "amount")
					if _, _, err := central.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: amt, Key: fmt.Sprintf("c%d", i)}); err == nil {
						centralSpends++
					} else if !errors.Is(err, app.ErrInsufficient) {
						rt.Fatal(err)
					}
				case 1:
					q, err := central.Person(ctx, p.ID)
					if err != nil {
						rt.Fatal(err)
					}
					q.Phone = fmt.Sprintf("central-%d", i)
					if _, err := central.UpdatePerson(ctx, q); err != nil {
						rt.Fatal(err)
					}
				case 2:
					s, err := central.AddSession(ctx, sessions.Session{PersonID: p.ID, At: central.Now().Add(-time.Hour), Channel: sessions.Phone, Attended: true,
						Counsellor: "central", Summary: fmt.Sprintf("central session %d", i)})
					if err != nil {
						rt.Fatal(err)
					}
					sessionIDs[s.ID] = true
				}
				continue
			}
			l := laptops[who]
			switch op {
			case 0: // spend offline: a proposed entry
				amt := rapid.SampledFrom(amounts).Draw(rt, "amount")
				key := fmt.Sprintf("%s%d", l.name, i)
				e, _, err := l.app.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: amt, Key: key})
				if err == nil {
					l.spends[e.ID] = key
				} else if !errors.Is(err, app.ErrInsufficient) {
					rt.Fatal(err)
				}
			case 1: // edit the profile offline
				q, err := l.app.Person(ctx, p.ID)
				if err != nil {
					rt.Fatal(err)
				}
				q.Phone = fmt.Sprintf("%s-%d", l.name, i)
				if _, err := l.app.UpdatePerson(ctx, q); err != nil {
					rt.Fatal(err)
				}
			case 2: // a session offline
				s, err := l.app.AddSession(ctx, sessions.Session{PersonID: p.ID, At: l.app.Now().Add(-time.Hour), Channel: sessions.FaceToFace, Attended: true,
					Counsellor: l.name, Summary: fmt.Sprintf("%s session %d", l.name, i)})
				if err != nil {
					rt.Fatal(err)
				}
				sessionIDs[s.ID] = true
			case 3: // the link goes down
				l.proxy.Cut()
				l.cut = true
			case 4: // the link comes back, slower or not
				l.proxy.Heal()
				l.proxy.Delay(time.Duration(rapid.IntRange(0, 1).Draw(rt, "delay ms")) * time.Millisecond)
				l.cut = false
			case 5: // a sync, failing while the link is down
				syncUnder(rt, l, p.ID)
			case 6: // the link drops in the middle of a sync
				if !l.cut {
					l.proxy.CutAfter(int64(rapid.IntRange(200, 60000).Draw(rt, "bytes before the cut")))
					syncUnder(rt, l, p.ID)
					l.proxy.Heal()
				}
			}
		}
		// Heal and sync until every laptop has seen the others' changes.
		for _, l := range laptops {
			l.proxy.Heal()
			l.proxy.Delay(0)
			l.cut = false
		}
		for range 2 {
			for _, l := range laptops {
				if _, err := l.app.Sync(ctx, ""); err != nil {
					rt.Fatalf("sync %s after healing: %v", l.name, err)
				}
			}
		}
		checkConverged(rt, central, laptops, p.ID, sessionIDs, centralSpends)
	})
	t.Logf("%d partition schedules", schedules)
	if schedules < partitionSchedules {
		t.Errorf("ran %d schedules, want at least %d", schedules, partitionSchedules)
	}
}

// syncUnder syncs laptop l: it must succeed while the link is up; while it
// is down (or goes down), it fails within a bounded wait.
func syncUnder(rt *rapid.T, l *laptopUnderTest, personID string) {
	// A sync over a link that is down, or goes down under it, retries
	// until its context ends: bound the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := l.app.Sync(ctx, "")
	if err != nil && !l.cut && ctx.Err() == nil && !errors.Is(err, app.ErrOffline) {
		// Not a partition: the link is up, and nothing else may fail it.
		l.proxy.Heal()
		if _, err := l.app.Sync(context.Background(), ""); err != nil {
			rt.Fatalf("sync %s over a working link: %v", l.name, err)
		}
	}
}

func checkConverged(rt *rapid.T, central *app.App, laptops []*laptopUnderTest, personID string, sessionIDs map[string]bool, centralSpends int) {
	ctx := context.Background()
	all := append([]*app.App{central}, laptops[0].app, laptops[1].app)
	names := []string{"server", "laptop a", "laptop b"}
	// Sessions: every acknowledged one exactly once everywhere.
	for i, a := range all {
		ss, err := a.Sessions(ctx, personID, false)
		if err != nil {
			rt.Fatal(err)
		}
		seen := map[string]int{}
		for _, s := range ss {
			seen[s.ID]++
		}
		for id := range sessionIDs {
			if seen[id] != 1 {
				rt.Fatalf("%s holds session %s %d times", names[i], id, seen[id])
			}
		}
		if len(ss) != len(sessionIDs) {
			rt.Fatalf("%s holds %d sessions, %d were made", names[i], len(ss), len(sessionIDs))
		}
	}
	// Spends: each acknowledged laptop spend is on the server once, or
	// refused and shown on its laptop; the server's are there once.
	serverEntries, err := central.Entries(ctx, personID, "ila")
	if err != nil {
		rt.Fatal(err)
	}
	keys := map[string]int{}
	spends := 0
	for _, e := range serverEntries {
		keys[e.Key]++
		if e.Kind == sessions.Spend {
			spends++
		}
		if e.BalanceAfter < 0 || e.BalanceAfter-e.ReservedAfter < 0 {
			rt.Fatalf("the server's account went below zero: %+v", e)
		}
	}
	want := centralSpends
	serverConflicts := 0
	log, err := central.AuditLog(ctx, personID)
	if err != nil {
		rt.Fatal(err)
	}
	for _, l := range log {
		if l.Action == "sync-conflict" {
			serverConflicts++
		}
	}
	laptopConflicts := 0
	for _, l := range laptops {
		st, err := l.app.SyncStatus(ctx)
		if err != nil {
			rt.Fatal(err)
		}
		if st.Waiting != 0 {
			rt.Fatalf("laptop %s: %d changes still waiting after healing", l.name, st.Waiting)
		}
		refused := map[string]bool{}
		for _, r := range st.RefusalList {
			if r.PersonID == personID {
				refused[r.EntryID] = true
			}
		}
		for _, c := range st.ConflictList {
			if c.PersonID == personID {
				laptopConflicts++
			}
		}
		for id, key := range l.spends {
			switch {
			case refused[id] && keys[key] == 0:
			case !refused[id] && keys[key] == 1:
				want++
			default:
				rt.Fatalf("laptop %s's spend %s (key %s): refused %v, on the server %d times", l.name, id, key, refused[id], keys[key])
			}
		}
		// The laptop's copy is the server's.
		mine, err := l.app.Entries(ctx, personID, "ila")
		if err != nil {
			rt.Fatal(err)
		}
		if len(mine) != len(serverEntries) || mine[len(mine)-1].BalanceAfter != serverEntries[len(serverEntries)-1].BalanceAfter {
			rt.Fatalf("laptop %s's ledger (%d entries) is not the server's (%d)", l.name, len(mine), len(serverEntries))
		}
	}
	if spends != want {
		rt.Fatalf("the server holds %d spends, %d were acknowledged and not refused", spends, want)
	}
	if serverConflicts != laptopConflicts {
		rt.Fatalf("the server saw %d conflicts, the laptops show %d", serverConflicts, laptopConflicts)
	}
	srv, err := central.Person(ctx, personID)
	if err != nil {
		rt.Fatal(err)
	}
	for _, l := range laptops {
		q, err := l.app.Person(ctx, personID)
		if err != nil {
			rt.Fatal(err)
		}
		if q.Phone != srv.Phone || q.Version != srv.Version {
			rt.Fatalf("laptop %s's profile (%q, v%d) is not the server's (%q, v%d)", l.name, q.Phone, q.Version, srv.Phone, srv.Version)
		}
	}
}
