package vault

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// fastParams keep passphrase tests quick; the bounds still hold them.
var fastParams = Params{Time: 1, Memory: minMemory, Threads: 1}

func newTestBox(t testing.TB) (*Box, []byte) {
	t.Helper()
	dek := NewDataKey()
	b, err := NewBox(dek)
	if err != nil {
		t.Fatal(err)
	}
	return b, dek
}

// TestSealOpenProperty: every value opens to itself in its own place, and
// any single bit flipped anywhere in the sealed text, or another place, is
// refused.
func TestSealOpenProperty(t *testing.T) {
	b, _ := newTestBox(t)
	rapid.Check(t, func(t *rapid.T) {
		plain := rapid.StringN(1, 200, -1).Draw(t, "plain")
		ad := rapid.String().Draw(t, "ad")
		sealed := b.Seal(plain, ad)
		if strings.Contains(sealed, plain) && len(plain) > 3 {
			t.Fatalf("sealed text %q contains the plain text", sealed)
		}
		got, err := b.Open(sealed, ad)
		if err != nil || got != plain {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
		i := rapid.IntRange(0, len(sealed)-1).Draw(t, "byte")
		bit := byte(1) << rapid.IntRange(0, 7).Draw(t, "bit")
		flipped := []byte(sealed)
		flipped[i] ^= bit
		if got, err := b.Open(string(flipped), ad); err == nil {
			t.Fatalf("flipped bit %d of byte %d opened to %q", bit, i, got)
		}
		// and any bit of the raw envelope (nonce, ciphertext, tag), re-encoded
		nonce, ct, err := ParseEnvelope(sealed)
		if err != nil {
			t.Fatal(err)
		}
		raw := append(append([]byte{}, nonce...), ct...)
		j := rapid.IntRange(0, len(raw)-1).Draw(t, "raw byte")
		raw[j] ^= byte(1) << rapid.IntRange(0, 7).Draw(t, "raw bit")
		if got, err := b.Open(Prefix+base64.RawStdEncoding.EncodeToString(raw), ad); !errors.Is(err, ErrTampered) {
			t.Fatalf("raw bit flipped in byte %d opened to %q (%v)", j, got, err)
		}
		other := ad + rapid.StringN(1, 5, -1).Draw(t, "suffix")
		if _, err := b.Open(sealed, other); !errors.Is(err, ErrTampered) {
			t.Fatalf("moved to %q: err %v, want ErrTampered", other, err)
		}
	})
}

func TestSealNonceFresh(t *testing.T) {
	b, _ := newTestBox(t)
	first, second := b.Seal("Ann", "x"), b.Seal("Ann", "x")
	if first == second {
		t.Fatal("two seals of one value are equal: the nonce is not fresh")
	}
	if b.Seal("", "x") != "" {
		t.Fatal("the empty string sealed to something")
	}
}

func TestOtherKeyRefused(t *testing.T) {
	a, _ := newTestBox(t)
	b, _ := newTestBox(t)
	if _, err := b.Open(a.Seal("Ann Peeters", "people.name\x00id"), "people.name\x00id"); !errors.Is(err, ErrTampered) {
		t.Fatalf("another key opened it: %v", err)
	}
	if a.ID() == b.ID() {
		t.Fatal("two keys share an id")
	}
}

func TestWrapKinds(t *testing.T) {
	_, dek := newTestBox(t)
	box, _ := NewBox(dek)
	rawRec, printed := NewRecovery()
	keyFile := NewKeyFile()
	tests := []struct {
		name   string
		kind   Kind
		secret []byte
		unlock Secret
		wrong  Secret
	}{
		{"passphrase", KindPassphrase, []byte("correct horse"), Secret{Passphrase: []byte("correct horse")}, Secret{Passphrase: []byte("correct horsf")}},
		{"key file", KindKeyFile, []byte(strings.TrimSpace(string(keyFile))), Secret{KeyFile: []byte(strings.TrimSpace(string(keyFile)))}, Secret{KeyFile: []byte(strings.Repeat("0", 64))}},
		{"recovery", KindRecovery, rawRec, Secret{Recovery: strings.ToLower(strings.ReplaceAll(printed, "-", " "))}, Secret{Recovery: "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := WrapKey(dek, box.ID(), tt.kind, tt.secret, fastParams)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseWrap(w.String())
			if err != nil {
				t.Fatalf("ParseWrap(%q): %v", w.String(), err)
			}
			if back.String() != w.String() {
				t.Fatalf("round trip: %q, want %q", back.String(), w.String())
			}
			got, _, err := Unlock([]Wrap{back}, tt.unlock)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID() != box.ID() {
				t.Fatalf("unlocked key %s, want %s", got.ID(), box.ID())
			}
			if _, _, err := Unlock([]Wrap{back}, tt.wrong); !errors.Is(err, ErrWrongKey) {
				t.Fatalf("wrong secret: %v, want ErrWrongKey", err)
			}
		})
	}
}

func TestParseWrapRefuses(t *testing.T) {
	_, dek := newTestBox(t)
	box, _ := NewBox(dek)
	w, err := WrapKey(dek, box.ID(), KindPassphrase, []byte("pw"), fastParams)
	if err != nil {
		t.Fatal(err)
	}
	good := w.String()
	for name, s := range map[string]string{
		"huge memory":    strings.Replace(good, "m=8192", "m=99999999", 1),
		"zero time":      strings.Replace(good, "t=1", "t=0", 1),
		"unknown field":  good + ";x=1",
		"repeated field": good + ";t=1",
		"other format":   strings.Replace(good, "koers-wrap/1", "koers-wrap/2", 1),
		"no kdf":         strings.Replace(good, ";kdf=argon2id", "", 1),
		"short salt":     strings.Replace(good, "salt=", "salt=AA", 1),
		"empty":          "",
		"leading zero":   strings.Replace(good, "t=1", "t=01", 1),
	} {
		if _, err := ParseWrap(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: ParseWrap(%q) = %v, want ErrMalformed", name, s, err)
		}
	}
}

func TestChangedParamsDoNotUnlock(t *testing.T) {
	_, dek := newTestBox(t)
	box, _ := NewBox(dek)
	w, err := WrapKey(dek, box.ID(), KindPassphrase, []byte("pw"), fastParams)
	if err != nil {
		t.Fatal(err)
	}
	w.Params.Time = 2
	if _, err := w.Unwrap([]byte("pw")); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("a wrap with changed costs unwrapped: %v", err)
	}
}

func TestTokensAndMatches(t *testing.T) {
	b, _ := newTestBox(t)
	toks := b.Tokens("Chloé Van den Broeck-Dupont", "chloe.vdb@example.org")
	for _, q := range []string{"chl", "CHLOE", "chloé", "broeck", "dup", "van", "exam"} {
		tok, ok := b.QueryToken(q)
		if !ok {
			t.Fatalf("no token for %q", q)
		}
		found := false
		for _, x := range toks {
			found = found || x == tok
		}
		if !found {
			t.Errorf("query %q: token not among the name's", q)
		}
	}
	if _, ok := b.QueryToken("c"); ok {
		t.Error("a one-letter query has a token")
	}
	other, _ := newTestBox(t)
	if tok, _ := other.QueryToken("chl"); tok == toks[0] {
		t.Error("tokens do not depend on the key")
	}
	if !Matches("chl broe", "Chloé Van den Broeck") || Matches("loe", "Chloé") {
		t.Error("Matches is not word-prefix matching")
	}
}

func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		body string
		ok   bool
	}{
		"generated": {string(NewKeyFile()), true},
		"short":     {"abc\n", false},
		"huge":      {strings.Repeat("a", 5000), false},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadKeyFile(p); (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok=%t", name, err, tc.ok)
		}
	}
}

// FuzzParseWrap: a wrap from a hostile database or backup never panics the
// parser, and whatever it accepts prints back to the same text.
func FuzzParseWrap(f *testing.F) {
	dek := NewDataKey()
	box, _ := NewBox(dek)
	for _, k := range []Kind{KindPassphrase, KindKeyFile, KindRecovery} {
		w, err := WrapKey(dek, box.ID(), k, []byte("secret material of some length!!"), fastParams)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(w.String())
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWrap(s)
		if err != nil {
			return
		}
		if w.String() != s {
			t.Fatalf("accepted %q but prints %q", s, w.String())
		}
		_, _ = w.Unwrap([]byte("x"))
	})
}

// FuzzOpen: any text given as a sealed value is refused, never panics,
// under a key that sealed none of the seeds.
func FuzzOpen(f *testing.F) {
	a, _ := newTestBox(f)
	b, _ := newTestBox(f)
	f.Add(a.Seal("Ann Peeters", "people.name\x00a"))
	f.Add("kv1:")
	f.Add("kv1:AAAA")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := b.Open(s, "people.name\x00a"); err == nil && s != "" {
			t.Fatalf("%q opened under a key that never sealed it", s)
		}
	})
}
