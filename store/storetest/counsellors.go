package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// testCounsellorAccounts: the accounts koers serve logs counsellors in
// with, their keys, uniqueness of names and fingerprints, and disabling,
// stamped with the acting account.
func testCounsellorAccounts(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	tg := open(t)
	st := tg.As("root-admin")
	k1 := sessions.CounsellorKey{Fingerprint: "SHA256:one", PublicKey: "ssh-ed25519 AAAAone"}
	k2 := sessions.CounsellorKey{Fingerprint: "SHA256:two", PublicKey: "ssh-ed25519 AAAAtwo"}

	a, err := st.AddCounsellor(ctx, sessions.Counsellor{Name: "ann", Role: sessions.RoleCounsellor, Language: "nl"}, k1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Role != sessions.RoleCounsellor || a.Disabled || a.Language != "nl" || a.CreatedBy != "root-admin" || len(a.Keys) != 1 || a.Keys[0].Fingerprint != k1.Fingerprint {
		t.Errorf("added account = %+v", a)
	}
	t.Run("name and fingerprint are unique", func(t *testing.T) {
		if _, err := st.AddCounsellor(ctx, sessions.Counsellor{Name: "ann", Role: sessions.RoleAdmin}, k2); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second ann: err = %v, want store.ErrConflict", err)
		}
		if _, err := st.AddCounsellor(ctx, sessions.Counsellor{Name: "bob", Role: sessions.RoleAdmin}, k1); !errors.Is(err, store.ErrConflict) {
			t.Errorf("bob with ann's key: err = %v, want store.ErrConflict", err)
		}
		if _, err := st.Counsellor(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bob was half-added: err = %v", err)
		}
	})
	t.Run("bad name or role refused", func(t *testing.T) {
		if _, err := st.AddCounsellor(ctx, sessions.Counsellor{Name: "a b", Role: sessions.RoleAdmin}, k2); err == nil {
			t.Error("name with a space accepted")
		}
		if _, err := st.AddCounsellor(ctx, sessions.Counsellor{Name: "carl", Role: "root"}, k2); err == nil {
			t.Error("role root accepted")
		}
	})
	t.Run("keys", func(t *testing.T) {
		if err := st.AddCounsellorKey(ctx, "ann", k2); err != nil {
			t.Fatal(err)
		}
		got, err := st.CounsellorByKey(ctx, k2.Fingerprint)
		if err != nil || got.Name != "ann" || len(got.Keys) != 2 {
			t.Fatalf("by key two = %+v, %v", got, err)
		}
		if err := st.RemoveCounsellorKey(ctx, "ann", k1.Fingerprint); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CounsellorByKey(ctx, k1.Fingerprint); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removed key still finds: %v", err)
		}
		if err := st.RemoveCounsellorKey(ctx, "ann", k1.Fingerprint); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removing twice: %v, want store.ErrNotFound", err)
		}
		if err := st.AddCounsellorKey(ctx, "nobody", k1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("key for nobody: %v, want store.ErrNotFound", err)
		}
	})
	t.Run("disable", func(t *testing.T) {
		if err := tg.As("boss").DisableCounsellor(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
		got, err := st.Counsellor(ctx, "ann")
		if err != nil || !got.Disabled || got.UpdatedBy != "boss" {
			t.Errorf("after disable = %+v, %v", got, err)
		}
		all, err := st.Counsellors(ctx)
		if err != nil || len(all) != 1 {
			t.Errorf("list = %+v, %v", all, err)
		}
	})
}
