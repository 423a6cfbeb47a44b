package vault

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Kind is what wraps a data key.
type Kind string

// The kinds of wrap.
const (
	KindPassphrase Kind = "passphrase"
	KindKeyFile    Kind = "keyfile"
	KindRecovery   Kind = "recovery"
)

// Params are Argon2id's costs for a passphrase wrap, stored with it.
type Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams are the costs of a new passphrase wrap: 64 MiB and three
// passes, the second recommendation of RFC 9106 (§4) with two lanes for a
// counsellor's laptop; measured about 0.2 s an unlock on 2 cores.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// Bounds a wrap's parameters must keep: a database or backup from
// elsewhere cannot make an unlock take a gigabyte or an hour.
const (
	maxTime    = 16
	minMemory  = 8 * 1024
	maxMemory  = 1024 * 1024
	maxThreads = 16
	saltSize   = 16
	wrapFormat = "koers-wrap/1"
)

// Wrap is the data key sealed under a key-encryption key derived from a
// passphrase, a key file or a recovery key. Its text form (String,
// ParseWrap) is what the database stores.
type Wrap struct {
	Kind   Kind
	KeyID  string // the ID of the data key inside
	Params Params // passphrase wraps only
	Salt   []byte
	Nonce  []byte
	Sealed []byte // the data key and its tag
}

// Secret is what a person unlocks with: any of them that is set is tried
// against the wraps of its kind.
type Secret struct {
	Passphrase []byte
	KeyFile    []byte // the key file's contents (ReadKeyFile)
	Recovery   string // as printed (groups with dashes or spaces)
}

// Empty reports whether no secret is set.
func (s Secret) Empty() bool {
	return len(s.Passphrase) == 0 && len(s.KeyFile) == 0 && strings.TrimSpace(s.Recovery) == ""
}

// material is the secret for kind, or nil.
func (s Secret) material(kind Kind) ([]byte, error) {
	switch kind {
	case KindPassphrase:
		return s.Passphrase, nil
	case KindKeyFile:
		return s.KeyFile, nil
	case KindRecovery:
		if strings.TrimSpace(s.Recovery) == "" {
			return nil, nil
		}
		return ParseRecovery(s.Recovery)
	}
	return nil, nil
}

// kek derives the key-encryption key of kind from secret.
func kek(kind Kind, secret, salt []byte, p Params) ([]byte, error) {
	switch kind {
	case KindPassphrase:
		return argon2.IDKey(secret, salt, p.Time, p.Memory, p.Threads, chacha20poly1305.KeySize), nil
	case KindKeyFile, KindRecovery:
		// Key files and recovery keys are random and long already: a
		// stretching function would only slow the unlock.
		return hkdf.Key(sha256.New, secret, salt, "koers "+string(kind)+" wrap v1", chacha20poly1305.KeySize)
	}
	return nil, fmt.Errorf("%w: kind %q", ErrMalformed, kind)
}

// ad binds a wrap's kind, key id and parameters to its ciphertext.
func (w Wrap) ad() []byte {
	return fmt.Appendf(nil, "%s|%s|%s|%d|%d|%d", wrapFormat, w.Kind, w.KeyID, w.Params.Time, w.Params.Memory, w.Params.Threads)
}

// WrapKey seals data key dek (whose box has id keyID) under secret.
func WrapKey(dek []byte, keyID string, kind Kind, secret []byte, p Params) (Wrap, error) {
	w := Wrap{Kind: kind, KeyID: keyID, Salt: make([]byte, saltSize), Nonce: make([]byte, chacha20poly1305.NonceSizeX)}
	if kind == KindPassphrase {
		w.Params = p
	}
	if len(secret) == 0 {
		return w, fmt.Errorf("vault: empty %s", kind)
	}
	if err := w.checkHead(); err != nil {
		return w, err
	}
	if _, err := rand.Read(w.Salt); err != nil {
		return w, err
	}
	if _, err := rand.Read(w.Nonce); err != nil {
		return w, err
	}
	k, err := kek(kind, secret, w.Salt, w.Params)
	if err != nil {
		return w, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return w, err
	}
	w.Sealed = aead.Seal(nil, w.Nonce, dek, w.ad())
	return w, nil
}

// Unwrap opens the data key with secret; ErrWrongKey when it is not the one.
func (w Wrap) Unwrap(secret []byte) ([]byte, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	k, err := kek(w.Kind, secret, w.Salt, w.Params)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	dek, err := aead.Open(nil, w.Nonce, w.Sealed, w.ad())
	if err != nil {
		return nil, ErrWrongKey
	}
	return dek, nil
}

// check holds a wrap to its format's bounds.
func (w Wrap) check() error {
	if err := w.checkHead(); err != nil {
		return err
	}
	if len(w.Salt) != saltSize || len(w.Nonce) != chacha20poly1305.NonceSizeX || len(w.Sealed) != KeySize+chacha20poly1305.Overhead {
		return fmt.Errorf("%w: wrap: salt, nonce or key of the wrong size", ErrMalformed)
	}
	return nil
}

// checkHead holds a wrap's kind, parameters and key id to their bounds.
func (w Wrap) checkHead() error {
	bad := func(f string, a ...any) error { return fmt.Errorf("%w: wrap: %s", ErrMalformed, fmt.Sprintf(f, a...)) }
	switch w.Kind {
	case KindPassphrase:
		p := w.Params
		if p.Time < 1 || p.Time > maxTime || p.Memory < minMemory || p.Memory > maxMemory || p.Threads < 1 || p.Threads > maxThreads {
			return bad("argon2id parameters t=%d m=%d p=%d out of bounds", p.Time, p.Memory, p.Threads)
		}
	case KindKeyFile, KindRecovery:
		if w.Params != (Params{}) {
			return bad("parameters on a %s wrap", w.Kind)
		}
	default:
		return bad("unknown kind %q", w.Kind)
	}
	if len(w.KeyID) != 16 || strings.Trim(w.KeyID, "0123456789abcdef") != "" {
		return bad("key id %q", w.KeyID)
	}
	return nil
}

// String is the wrap's stored form: the format name and key=value fields
// separated by semicolons, binary fields in unpadded base64.
func (w Wrap) String() string {
	b64 := base64.RawStdEncoding.EncodeToString
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s;kind=%s;id=%s", wrapFormat, w.Kind, w.KeyID)
	if w.Kind == KindPassphrase {
		fmt.Fprintf(&sb, ";kdf=argon2id;t=%d;m=%d;p=%d", w.Params.Time, w.Params.Memory, w.Params.Threads)
	}
	fmt.Fprintf(&sb, ";salt=%s;nonce=%s;key=%s", b64(w.Salt), b64(w.Nonce), b64(w.Sealed))
	return sb.String()
}

// ParseWrap reads a wrap's stored form, refusing whatever String would not
// write: unknown or repeated fields, bad numbers, parameters out of bounds.
func ParseWrap(s string) (Wrap, error) {
	var w Wrap
	bad := func(f string, a ...any) (Wrap, error) {
		return Wrap{}, fmt.Errorf("%w: wrap: %s", ErrMalformed, fmt.Sprintf(f, a...))
	}
	if len(s) > 1024 {
		return bad("%d bytes, too long", len(s))
	}
	parts := strings.Split(s, ";")
	if parts[0] != wrapFormat {
		return bad("not %s", wrapFormat)
	}
	seen := map[string]bool{}
	num := func(v string) (uint64, error) {
		if v == "" || (len(v) > 1 && v[0] == '0') {
			return 0, errors.New("bad number")
		}
		return strconv.ParseUint(v, 10, 64)
	}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return bad("field %q missing its value or repeated", k)
		}
		seen[k] = true
		var err error
		switch k {
		case "kind":
			w.Kind = Kind(v)
		case "id":
			w.KeyID = v
		case "kdf":
			if v != "argon2id" {
				return bad("kdf %q", v)
			}
		case "t", "m", "p":
			var n uint64
			if n, err = num(v); err == nil {
				switch {
				case k == "t" && n <= maxTime:
					w.Params.Time = uint32(n)
				case k == "m" && n <= maxMemory:
					w.Params.Memory = uint32(n)
				case k == "p" && n <= maxThreads:
					w.Params.Threads = uint8(n)
				default:
					return bad("%s=%s out of bounds", k, v)
				}
			}
		case "salt":
			w.Salt, err = base64.RawStdEncoding.Strict().DecodeString(v)
		case "nonce":
			w.Nonce, err = base64.RawStdEncoding.Strict().DecodeString(v)
		case "key":
			w.Sealed, err = base64.RawStdEncoding.Strict().DecodeString(v)
		default:
			return bad("unknown field %q", k)
		}
		if err != nil {
			return bad("%s: %v", k, err)
		}
	}
	if (w.Kind == KindPassphrase) != seen["kdf"] || seen["kdf"] != (seen["t"] && seen["m"] && seen["p"]) || (!seen["kdf"] && (seen["t"] || seen["m"] || seen["p"])) {
		return bad("argon2id parameters belong to passphrase wraps, all three")
	}
	if err := w.check(); err != nil {
		return Wrap{}, err
	}
	return w, nil
}

// Unlock opens the data key of wraps with whichever part of secret fits
// one, and checks the key against the wraps' key id.
func Unlock(wraps []Wrap, secret Secret) (*Box, []byte, error) {
	if len(wraps) == 0 {
		return nil, nil, errors.New("vault: no wraps: this database is not encrypted")
	}
	tried := false
	for _, w := range wraps {
		m, err := secret.material(w.Kind)
		if err != nil {
			return nil, nil, err
		}
		if len(m) == 0 {
			continue
		}
		tried = true
		dek, err := w.Unwrap(m)
		if errors.Is(err, ErrWrongKey) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		box, err := NewBox(dek)
		if err != nil {
			return nil, nil, err
		}
		if box.ID() != w.KeyID {
			return nil, nil, fmt.Errorf("%w: key id %s, wrap says %s", ErrTampered, box.ID(), w.KeyID)
		}
		return box, dek, nil
	}
	if !tried {
		return nil, nil, fmt.Errorf("%w: no wrap of the kind given (passphrase, key file or recovery key)", ErrWrongKey)
	}
	return nil, nil, ErrWrongKey
}

// recoveryEncoding prints recovery keys in capitals and digits without
// padding; ParseRecovery reads them back whatever the case or grouping.
var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRecovery is a fresh recovery key (200 random bits) and its printed
// form: eight groups of five characters.
func NewRecovery() (raw []byte, printed string) {
	raw = make([]byte, 25)
	if _, err := rand.Read(raw); err != nil {
		panic(fmt.Sprintf("vault: no randomness: %v", err))
	}
	s := recoveryEncoding.EncodeToString(raw)
	var groups []string
	for i := 0; i < len(s); i += 5 {
		groups = append(groups, s[i:i+5])
	}
	return raw, strings.Join(groups, "-")
}

// ParseRecovery reads a recovery key as printed (dashes, spaces and case
// do not matter).
func ParseRecovery(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.ToUpper(s))
	raw, err := recoveryEncoding.DecodeString(clean)
	if err != nil || len(raw) != 25 {
		return nil, fmt.Errorf("%w: not a recovery key (eight groups of five letters and digits)", ErrWrongKey)
	}
	return raw, nil
}

// NewKeyFile is the contents of a fresh key file: 32 random bytes in hex
// and a newline.
func NewKeyFile() []byte {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic(fmt.Sprintf("vault: no randomness: %v", err))
	}
	return fmt.Appendf(nil, "%x\n", raw)
}

// ReadKeyFile reads a key file: at most 4 KiB, at least 32 bytes once
// surrounding white space is trimmed.
func ReadKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, 4097))
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	if len(buf) > 4096 {
		return nil, fmt.Errorf("key file %s: larger than 4 KiB, not a key file", path)
	}
	k := []byte(strings.TrimSpace(string(buf)))
	if len(k) < 32 {
		return nil, fmt.Errorf("key file %s: %d bytes, a key file holds at least 32", path, len(k))
	}
	return k, nil
}
