package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// ErrHostKeyMode is a host key file that others than its owner may read.
var ErrHostKeyMode = errors.New("host key is readable by others than its owner")

// LoadHostKey reads the server's private host key at path, creating an
// ed25519 key there (mode 0600, its folder 0700) when there is none, as sshd
// does on first start. A key file that group or others may read is refused,
// as sshd refuses it: whoever reads it can pose as the server.
func LoadHostKey(path string) (gossh.Signer, bool, error) {
	b, err := os.ReadFile(path)
	created := false
	if errors.Is(err, fs.ErrNotExist) {
		if b, err = createHostKey(path); err != nil {
			return nil, false, err
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("read host key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("%s (mode %04o; chmod 600 it): %w", path, fi.Mode().Perm(), ErrHostKeyMode)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, created, nil
}

func createHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create host key folder: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "koers host key")
	if err != nil {
		return nil, fmt.Errorf("encode host key: %w", err)
	}
	b := pem.EncodeToMemory(block)
	// O_EXCL: two servers starting at once must not overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write host key: %w", err)
	}
	return b, f.Close()
}
