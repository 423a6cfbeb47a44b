package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/koers-project/koers/sessions"
)

// The cost of encryption at rest (bench/results/encryption.md): the same
// work on a file in clear and on an encrypted one, side by side.

// benchModes opens a store per mode: "clear", and "sealed" after key init.
func benchModes(b *testing.B, fn func(b *testing.B, st *Store)) {
	for _, mode := range []string{"clear", "sealed"} {
		b.Run(mode, func(b *testing.B) {
			st := openBench(b)
			if mode == "sealed" {
				if _, err := st.InitKey(context.Background(), fastKey); err != nil {
					b.Fatal(err)
				}
			}
			fn(b, st)
		})
	}
}

// seedPeople writes n people named like a caseload, with fsync off (setup
// only), so that the benchmark measures the reads.
func seedPeople(b *testing.B, st *Store, n int) {
	b.Helper()
	ctx := context.Background()
	st.DB().SetMaxOpenConns(1)
	if _, err := st.DB().ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		b.Fatal(err)
	}
	first := []string{"Ann", "Bram", "Chloé", "Dirk", "Els", "Fatima", "Geert", "Hanne", "Ilse", "Jan", "Karim", "Lotte"}
	last := []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Dubois", "Lambert"}
	for i := range n {
		name := fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i)
		if _, err := st.CreatePerson(ctx, sessions.Person{Name: name, Email: fmt.Sprintf("p%d@example.org", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealedPeopleSearch is the people list's search as you type
// among 2,000 and 10,000 people: a name prefix of two words (the index
// narrows it to a few), a single letter (every name opened), and the
// whole list (every name opened and sorted).
func BenchmarkSealedPeopleSearch(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			benchModes(b, func(b *testing.B, st *Store) {
				seedPeople(b, st, n)
				for _, q := range []struct{ name, q string }{{"prefix", "lot pee"}, {"letter", "w"}, {"all", ""}} {
					b.Run(q.name, func(b *testing.B) {
						for b.Loop() {
							if _, err := st.People(context.Background(), q.q, 200); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			})
		})
	}
}

// BenchmarkSealedPostEntry is one ledger post with a reason (sealed on an
// encrypted file), fsync'd as in use.
func BenchmarkSealedPostEntry(b *testing.B) {
	benchModes(b, func(b *testing.B, st *Store) {
		ctx := context.Background()
		p, err := st.CreatePerson(ctx, sessions.Person{Name: "Bench Person"})
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			i++
			if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100,
				Key: fmt.Sprint(i), Reason: "yearly accrual for the most in need"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSealedCreatePerson is one person written: on an encrypted file
// the name, e-mail, phone and availability are sealed and about 25 blind
// index tokens are written with them.
func BenchmarkSealedCreatePerson(b *testing.B) {
	benchModes(b, func(b *testing.B, st *Store) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			i++
			if _, err := st.CreatePerson(ctx, sessions.Person{Name: fmt.Sprintf("Chloé Dubois-Lefèvre %d", i), Email: "chloe@example.org",
				Phone: "+32 470 12 34 56", Availability: "mornings"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUnlock is one unlock with the passphrase at the default
// Argon2id costs (64 MiB, 3 passes, 2 lanes): what a counsellor waits
// once a start.
func BenchmarkUnlock(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	setup := fastKey
	setup.Params = DefaultKeyParams()
	if _, err := st.InitKey(ctx, setup); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		st.keys.box = nil
		if err := st.Unlock(ctx, passphraseOnly(setup.Passphrase)); err != nil {
			b.Fatal(err)
		}
	}
}
