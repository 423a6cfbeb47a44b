package store

import (
	"testing"

	"pgregory.net/rapid"
)

// TestIDMapKeepsIDsApart: two different id texts never share an index,
// whatever their form (UUIDs, upper-case twins, other text).
func TestIDMapKeepsIDsApart(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(
			rapid.StringMatching(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
			rapid.StringMatching(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`),
			rapid.StringMatching(`[0-9a-z-]{0,40}`),
		)
		ids := rapid.SliceOfNDistinct(gen, 1, 50, rapid.ID[string]).Draw(t, "ids")
		m := newIDMap()
		for i, id := range ids {
			m.put([]byte(id), int32(i))
		}
		if m.len() != len(ids) {
			t.Fatalf("%d ids, %d keys", len(ids), m.len())
		}
		for i, id := range ids {
			if v, ok := m.get([]byte(id)); !ok || v != int32(i) {
				t.Fatalf("%q: %d %v, want %d", id, v, ok, i)
			}
		}
		if _, ok := m.get([]byte("not-an-id-" + ids[0])); ok {
			t.Fatal("an id never put is found")
		}
	})
}
