package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/vault"
)

// The cost of encryption at rest on PostgreSQL (BENCHMARKS.md, Encryption
// at rest): the same work on a database in clear and on an encrypted one.

func benchSealModes(b *testing.B, fn func(b *testing.B, st *Store)) {
	for _, mode := range []string{"clear", "sealed"} {
		b.Run(mode, func(b *testing.B) {
			h.Server(b)
			st, err := Open(context.Background(), h.DB(b, template), store.Options{Actor: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			if mode == "sealed" {
				if _, err := st.InitKey(context.Background(), store.KeySetup{Passphrase: []byte("correct horse battery staple"),
					Params: vault.Params{Time: 1, Memory: 8 * 1024, Threads: 1}}); err != nil {
					b.Fatal(err)
				}
			}
			fn(b, st)
		})
	}
}

// BenchmarkSealedPeopleSearchPG is the people search among 2,000 people:
// a two-word name prefix, one letter (every name opened), the whole list.
func BenchmarkSealedPeopleSearchPG(b *testing.B) {
	benchSealModes(b, func(b *testing.B, st *Store) {
		ctx := context.Background()
		first := []string{"Ann", "Bram", "Chloé", "Dirk", "Els", "Fatima", "Geert", "Hanne", "Ilse", "Jan", "Karim", "Lotte"}
		last := []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Dubois", "Lambert"}
		for i := range 2000 {
			name := fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i)
			if _, err := st.CreatePerson(ctx, sessions.Person{Name: name, Email: fmt.Sprintf("p%d@example.org", i)}); err != nil {
				b.Fatal(err)
			}
		}
		for _, q := range []struct{ name, q string }{{"prefix", "lot pee"}, {"letter", "w"}, {"all", ""}} {
			b.Run(q.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := st.People(ctx, q.q, 200); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// BenchmarkSealedPostEntryPG is one ledger post with a reason (sealed, and
// the key checked against the wraps, on an encrypted database).
func BenchmarkSealedPostEntryPG(b *testing.B) {
	benchSealModes(b, func(b *testing.B, st *Store) {
		ctx := context.Background()
		p, err := st.CreatePerson(ctx, sessions.Person{Name: "Bench Person"})
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			i++
			if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 1,
				Key: fmt.Sprint(i), Reason: "most in need", Effective: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
