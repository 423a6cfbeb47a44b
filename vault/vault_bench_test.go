package vault

import "testing"

// The cost per value of sealing (bench/results/encryption.md).

func BenchmarkSeal(b *testing.B) {
	box, _ := newTestBox(b)
	for b.Loop() {
		_ = box.Seal("Chloé Dubois-Lefèvre", "people.name\x00019a0000-0000-7000-8000-000000000000")
	}
}

func BenchmarkOpen(b *testing.B) {
	box, _ := newTestBox(b)
	ad := "people.name\x00019a0000-0000-7000-8000-000000000000"
	sealed := box.Seal("Chloé Dubois-Lefèvre", ad)
	for b.Loop() {
		if _, err := box.Open(sealed, ad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokens is the blind index of one name and e-mail (about 25 tokens).
func BenchmarkTokens(b *testing.B) {
	box, _ := newTestBox(b)
	for b.Loop() {
		_ = box.Tokens("Chloé Dubois-Lefèvre", "chloe.dubois@example.org")
	}
}

// BenchmarkMatches is the check of one opened name against a query.
func BenchmarkMatches(b *testing.B) {
	for b.Loop() {
		_ = Matches("chlo lef", "Chloé Dubois-Lefèvre", "chloe.dubois@example.org")
	}
}
