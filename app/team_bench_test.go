package app

import (
	"context"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
)

// BenchmarkCaseloadList is a counsellor's people list (one query, filtered
// to their caseload) over a generated population of 5,000 people in six
// centres, against the local user's unfiltered list.
func BenchmarkCaseloadList(b *testing.B) {
	ctx := context.Background()
	a, err := Open(ctx, b.TempDir()+"/koers.db", Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	if _, _, err := a.WritePopulation(ctx, sessions.GeneratePopulation(1, 5000, nil, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))); err != nil {
		b.Fatal(err)
	}
	ann := a.AsCaller(Caller{Account: sessions.Counsellor{Name: "ann", Role: sessions.RoleSupervisor, Centres: []string{"gent"}}})
	for _, bb := range []struct {
		name string
		a    *App
	}{{"local", a}, {"supervisor-gent", ann}} {
		b.Run(bb.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				list, err := bb.a.People(ctx, "", 0)
				if err != nil {
					b.Fatal(err)
				}
				n = len(list)
			}
			b.ReportMetric(float64(n), "people")
		})
	}
}
