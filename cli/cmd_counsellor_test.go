package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// newPubKey is a fresh ed25519 public key in authorized_keys form, with a
// comment, and its fingerprint.
func newPubKey(t *testing.T) (string, string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " ann@laptop", ssh.FingerprintSHA256(pk)
}

type accountOut struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
	Keys     []struct {
		Fingerprint string `json:"fingerprint"`
		PublicKey   string `json:"public_key"`
	} `json:"keys"`
	CreatedBy string `json:"created_by"`
}

func listAccounts(t *testing.T, db string) map[string]accountOut {
	t.Helper()
	code, out, errs := peopleCLI(t, db, "", "counsellor", "list", "--json")
	if code != 0 {
		t.Fatalf("counsellor list: %d %s", code, errs)
	}
	var all []accountOut
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatalf("list json %q: %v", out, err)
	}
	m := map[string]accountOut{}
	for _, a := range all {
		m[a.Name] = a
	}
	return m
}

func TestCounsellorCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	key1, fp1 := newPubKey(t)
	key2, fp2 := newPubKey(t)

	if code, _, errs := peopleCLI(t, db, "", "counsellor", "add", "ann", "--key", key1, "--role", "supervisor"); code != 0 {
		t.Fatalf("add: %d %s", code, errs)
	}
	got := listAccounts(t, db)["ann"]
	if got.Role != "supervisor" || got.Disabled || len(got.Keys) != 1 || got.Keys[0].Fingerprint != fp1 || got.CreatedBy != "tester" {
		t.Fatalf("ann = %+v", got)
	}
	if strings.Contains(got.Keys[0].PublicKey, "laptop") {
		t.Errorf("the key's comment was kept: %q", got.Keys[0].PublicKey)
	}
	if code, out, errs := peopleCLI(t, db, "", "counsellor", "add-key", "ann", "--key", key2); code != 0 || strings.TrimSpace(out) != fp2 {
		t.Fatalf("add-key: %d %q %s", code, out, errs)
	}
	// remove by the key itself, then by fingerprint
	if code, _, errs := peopleCLI(t, db, "", "counsellor", "remove-key", "ann", key1); code != 0 {
		t.Fatalf("remove-key by key: %d %s", code, errs)
	}
	if keys := listAccounts(t, db)["ann"].Keys; len(keys) != 1 || keys[0].Fingerprint != fp2 {
		t.Errorf("after remove-key: %+v", keys)
	}
	if code, _, errs := peopleCLI(t, db, "", "counsellor", "disable", "ann"); code != 0 {
		t.Fatalf("disable: %d %s", code, errs)
	}
	if !listAccounts(t, db)["ann"].Disabled {
		t.Error("ann still active after disable")
	}

	bad := []struct {
		name string
		args []string
		flag string
	}{
		{"bad key", []string{"counsellor", "add", "bob", "--key", "ssh-ed25519 notbase64", "--role", "admin"}, "--key"},
		{"two keys", []string{"counsellor", "add", "bob", "--key", key1 + "\n" + key2, "--role", "admin"}, "--key"},
		{"bad role", []string{"counsellor", "add", "bob", "--key", key1, "--role", "root"}, "--role"},
		{"no role", []string{"counsellor", "add", "bob", "--key", key1}, "role"},
		{"bad name", []string{"counsellor", "add", "bob smith", "--key", key1, "--role", "admin"}, "NAME"},
		{"taken name", []string{"counsellor", "add", "ann", "--key", key1, "--role", "admin"}, "NAME"},
		{"taken key", []string{"counsellor", "add", "bob", "--key", key2, "--role", "admin"}, "--key"},
		{"bad language", []string{"counsellor", "add", "bob", "--key", key1, "--role", "admin", "--language", "de"}, "--language"},
		{"unknown account", []string{"counsellor", "disable", "nobody"}, "NAME"},
		{"unknown key", []string{"counsellor", "remove-key", "ann", fp1}, "FINGERPRINT"},
		{"not a key", []string{"counsellor", "remove-key", "ann", "hello"}, "FINGERPRINT|KEY"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := peopleCLI(t, db, "", tt.args...)
			if code != exitUsage || !strings.Contains(errs, tt.flag) {
				t.Errorf("exit %d, stderr %q: want 2 naming %s", code, errs, tt.flag)
			}
		})
	}
}
