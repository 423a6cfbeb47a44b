package serve

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadHostKeyCreatesOnceAndKeeps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "koers", "ssh_host_ed25519_key")
	first, created, err := LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("first start: created %v, %v", created, err)
	}
	if got := first.PublicKey().Type(); got != "ssh-ed25519" {
		t.Errorf("key type %s, want ssh-ed25519", got)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode %04o, want 0600", got)
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Errorf("key folder mode %04o, want 0700", di.Mode().Perm())
	}
	again, created, err := LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("second start: created %v, %v", created, err)
	}
	if string(again.PublicKey().Marshal()) != string(first.PublicKey().Marshal()) {
		t.Error("the host key changed between starts")
	}
}

func TestLoadHostKeyRefuses(t *testing.T) {
	dir := t.TempDir()
	t.Run("readable by others", func(t *testing.T) {
		path := filepath.Join(dir, "open_key")
		if _, _, err := LoadHostKey(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadHostKey(path); !errors.Is(err, ErrHostKeyMode) {
			t.Errorf("err = %v, want ErrHostKeyMode", err)
		}
	})
	t.Run("not a key", func(t *testing.T) {
		path := filepath.Join(dir, "junk")
		if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadHostKey(path); err == nil {
			t.Error("junk accepted as a host key")
		}
	})
}
