package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// benchPeople makes n people on the server, each with a history: a top-up
// and 9 spends, 4 sessions with a note, a plan of 3 steps.
func benchPeople(b *testing.B, central *app.App, n int) []string {
	b.Helper()
	ctx := context.Background()
	var ids []string
	for i := range n {
		p, err := central.CreatePerson(ctx, sessions.Person{Name: fmt.Sprintf("Bench Person %d", i), Email: fmt.Sprintf("p%d@example.org", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
		if _, _, err := central.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: "100000", Funder: "centre", Key: "t"}); err != nil {
			b.Fatal(err)
		}
		for j := range 9 {
			if _, _, err := central.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: "10", Key: fmt.Sprint("s", j)}); err != nil {
				b.Fatal(err)
			}
		}
		for j := range 4 {
			if _, err := central.AddSession(ctx, sessions.Session{PersonID: p.ID, At: central.Now().Add(-time.Duration(j+1) * 24 * time.Hour), Channel: sessions.FaceToFace,
				Attended: true, Counsellor: "ann", Summary: fmt.Sprint("session ", j), Notes: []string{"a note"}}); err != nil {
				b.Fatal(err)
			}
		}
		for j := range 3 {
			if _, err := central.AddPlanStep(ctx, p.ID, "", app.StepInput{Kind: sessions.KindGuidance, Title: fmt.Sprint("step ", j)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return ids
}

func newLaptop(b *testing.B, name string) *app.App {
	b.Helper()
	a, err := app.Open(context.Background(), filepath.Join(b.TempDir(), name+".db"), app.Options{Actor: "ann"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkSyncCheckout50: checking out 50 people with their history.
func BenchmarkSyncCheckout50(b *testing.B) {
	ctx := context.Background()
	url := pg.DB(b, "")
	central := openNet(b, url, filepath.Join(b.TempDir(), "central.db"))
	ids := benchPeople(b, central, 50)
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lap := newLaptop(b, fmt.Sprint("l", i))
		b.StartTimer()
		st, err := lap.SyncCheckout(ctx, url, app.SyncSelection{People: ids})
		if err != nil || len(st.People) != 50 {
			b.Fatalf("checkout: %d people, %v", len(st.People), err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkSync1000: 1,000 changes made offline on a laptop holding 50
// people (500 spends, 500 sessions) pushed by one sync; then 1,000 made on
// the server pulled by one sync.
func BenchmarkSync1000(b *testing.B) {
	ctx := context.Background()
	url := pg.DB(b, "")
	central := openNet(b, url, filepath.Join(b.TempDir(), "central.db"))
	ids := benchPeople(b, central, 50)
	lap := newLaptop(b, "laptop")
	if _, err := lap.SyncCheckout(ctx, url, app.SyncSelection{People: ids}); err != nil {
		b.Fatal(err)
	}
	changes := func(a *app.App, round int, where string) {
		for k := range 1000 {
			id := ids[k%len(ids)]
			if k%2 == 0 {
				if _, _, err := a.Post(ctx, app.PostRequest{PersonID: id, Scheme: "ila", Kind: sessions.Spend, Amount: "1", Key: fmt.Sprintf("%s-%d-%d", where, round, k)}); err != nil {
					b.Fatal(err)
				}
			} else if _, err := a.AddSession(ctx, sessions.Session{PersonID: id, At: a.Now().Add(-time.Hour), Channel: sessions.Phone, Attended: true,
				Counsellor: "ann", Summary: fmt.Sprint(where, " ", k)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	round := 0 // keys stay unique over the runs of a sub-benchmark (a reused key is a replay, not a change)
	for _, dir := range []string{"push", "pull"} {
		b.Run(dir, func(b *testing.B) {
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				round++
				if dir == "push" {
					changes(lap, round, "laptop")
				} else {
					changes(central, round, "central")
				}
				c0 := processCPU()
				b.StartTimer()
				rep, err := lap.Sync(ctx, "")
				b.StopTimer()
				cpu += processCPU() - c0
				if err != nil {
					b.Fatal(err)
				}
				if dir == "push" && rep.Applied < 1000 || dir == "pull" && rep.Pulled != 50 {
					b.Fatalf("%s: %+v", dir, rep)
				}
			}
			b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
