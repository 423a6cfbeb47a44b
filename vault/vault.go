// Package vault seals personal data at rest (issue 14, item 3): values are
// encrypted with XChaCha20-Poly1305 under a random data key, bound to the
// row and column they belong to, and the data key is wrapped by a
// passphrase (Argon2id), a key file or a recovery key. A keyed blind index
// of folded name tokens lets the store find people without reading names.
// It is pure: no SQL, no files but the key file a caller names, no terminal.
package vault

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the size of a data key in bytes.
const KeySize = 32

// Prefix starts every sealed value, so that a reader tells a sealed value
// from a clear one and a later format can take another prefix.
const Prefix = "kv1:"

// Errors callers check with errors.Is.
var (
	// ErrWrongKey is a key (passphrase, key file, recovery key) that opens
	// none of the database's wraps.
	ErrWrongKey = errors.New("the key does not unlock this database")
	// ErrTampered is a sealed value that fails authentication: changed,
	// truncated, or moved from another row or column.
	ErrTampered = errors.New("sealed value failed its authentication (changed or moved)")
	// ErrMalformed is text that is not a well-formed sealed value or wrap.
	ErrMalformed = errors.New("malformed sealed value")
)

// NewDataKey is a fresh random data key.
func NewDataKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(fmt.Sprintf("vault: no randomness: %v", err)) // crypto/rand never fails on supported systems
	}
	return k
}

// Box seals and opens values under one data key and computes its blind
// index tokens. It is safe for concurrent use.
type Box struct {
	aead  cipher.AEAD
	index []byte
	id    string
}

// derive is HKDF-SHA256 of the data key for one purpose, so that the
// sealing key, the index key and the key id are independent.
func derive(dek []byte, info string, n int) []byte {
	k, err := hkdf.Key(sha256.New, dek, nil, info, n)
	if err != nil {
		panic(fmt.Sprintf("vault: hkdf: %v", err)) // only for n beyond 255*32
	}
	return k
}

// NewBox is the box of data key dek (KeySize bytes).
func NewBox(dek []byte) (*Box, error) {
	if len(dek) != KeySize {
		return nil, fmt.Errorf("vault: data key of %d bytes, want %d", len(dek), KeySize)
	}
	aead, err := chacha20poly1305.NewX(derive(dek, "koers seal v1", chacha20poly1305.KeySize))
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, index: derive(dek, "koers blind index v1", 32), id: hex.EncodeToString(derive(dek, "koers key id v1", 8))}, nil
}

// ID names the data key without revealing it: two databases (or a
// database and its backup) with the same ID share their data key.
func (b *Box) ID() string { return b.id }

// Seal encrypts plain for the place ad names (table, column and row id),
// so that the result cannot be moved to another row or column. The empty
// string stays empty: it carries nothing, and NOT NULL DEFAULT ” columns
// keep their meaning.
func (b *Box) Seal(plain, ad string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("vault: no randomness: %v", err))
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), []byte(ad))
	return Prefix + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value Seal made for the same ad. The empty string opens
// to itself; anything else that is not a sealed value is ErrMalformed, and
// a sealed value changed or moved is ErrTampered.
func (b *Box) Open(text, ad string) (string, error) {
	if text == "" {
		return "", nil
	}
	nonce, ct, err := ParseEnvelope(text)
	if err != nil {
		return "", err
	}
	plain, err := b.aead.Open(nil, nonce, ct, []byte(ad))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// IsSealed reports whether text has the form of a sealed value.
func IsSealed(text string) bool { return strings.HasPrefix(text, Prefix) }

// ParseEnvelope splits a sealed value into its nonce and its ciphertext
// with tag, checking the prefix, the encoding and the least length.
func ParseEnvelope(text string) (nonce, ct []byte, err error) {
	rest, ok := strings.CutPrefix(text, Prefix)
	if !ok {
		return nil, nil, fmt.Errorf("%w: no %q prefix", ErrMalformed, Prefix)
	}
	raw, err := base64.RawStdEncoding.Strict().DecodeString(rest)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(raw) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, nil, fmt.Errorf("%w: %d bytes, too short", ErrMalformed, len(raw))
	}
	return raw[:chacha20poly1305.NonceSizeX], raw[chacha20poly1305.NonceSizeX:], nil
}

// AD is the associated data of a value: its table and column, and the id
// of its row. A value sealed for one place does not open in another.
func AD(table, column, rowID string) string {
	return table + "." + column + "\x00" + rowID
}

// mac is the keyed hash of a blind index token, cut to 12 bytes: enough
// that unrelated words never share a token in a caseload, short to store.
func (b *Box) mac(word string) string {
	h := hmac.New(sha256.New, b.index)
	h.Write([]byte(word))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}
