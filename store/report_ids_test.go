package store

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestIDMapKeepsIDsApart: two different id texts never share an index,
// whatever their form (UUIDs, upper-case twins, UUIDs with a suffix of any
// length and bytes, other text).
func TestIDMapKeepsIDsApart(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(
			rapid.StringMatching(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
			rapid.StringMatching(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`),
			rapid.StringMatching(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[\x00-\xff]{0,9}`),
			rapid.StringMatching(`[0-9a-z-]{0,40}`),
		)
		ids := rapid.SliceOfNDistinct(gen, 1, 50, rapid.ID[string]).Draw(t, "ids")
		m := newIDMap()
		for i, id := range ids {
			m.put(id, int32(i))
		}
		if m.len() != len(ids) {
			t.Fatalf("%d ids, %d keys", len(ids), m.len())
		}
		for i, id := range ids {
			if v, ok := m.get(id); !ok || v != int32(i) {
				t.Fatalf("%q: %d %v, want %d", id, v, ok, i)
			}
		}
		if _, ok := m.get("not-an-id-" + ids[0]); ok {
			t.Fatal("an id never put is found")
		}
	})
}

// TestIDMapSuffixes: a UUID and the same UUID with suffixes that a key
// could confuse (a zero byte, the longest suffix kept inline, one byte
// more) are all told apart.
func TestIDMapSuffixes(t *testing.T) {
	u := "0192e6f3-f281-7c03-90fa-04f41cecaa08"
	ids := []string{u, u + "-a", u + "\x00", u + "-a\x00", u + "-abcdef", u + "-abcdefg", u + "\x00\x00\x00\x00\x00\x00\x00", "0192E6F3-f281-7c03-90fa-04f41cecaa08-a"}
	m := newIDMap()
	for i, id := range ids {
		m.put(id, int32(i))
	}
	for i, id := range ids {
		if v, ok := m.get(id); !ok || v != int32(i) {
			t.Errorf("%q: %d %v, want %d", id, v, ok, i)
		}
	}
	if len(m.u) != 6 {
		t.Errorf("%d ids kept as UUID keys, want 6 (the upper-case one and the 8-byte suffix stay text)", len(m.u))
	}
}

// TestOrderedIDsAgreesWithTheMap: walking a stream of ids finds the same
// index as the map, or -1 for an id never put, whether the stream comes
// in order, goes back, repeats ids or names unknown ones.
func TestOrderedIDsAgreesWithTheMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(
			rapid.StringMatching(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
			rapid.StringMatching(`[0-9a-z-]{0,12}`),
		)
		ids := rapid.SliceOfNDistinct(gen, 0, 40, rapid.ID[string]).Draw(t, "ids")
		m := newIDMap()
		var refs []idRef
		for i, id := range ids {
			m.put(id, int32(i))
			refs = append(refs, idRef{id, int32(i)})
		}
		stream := rapid.SliceOf(rapid.OneOf(rapid.SampledFrom(append(ids, "x")), gen)).Draw(t, "stream")
		if rapid.Bool().Draw(t, "sorted") {
			slices.Sort(stream)
		}
		w := walk(sortIDs(refs), m)
		for _, id := range stream {
			want, ok := m.get(id)
			if !ok {
				want = -1
			}
			if got := w.get(id); got != want {
				t.Fatalf("%q: walk %d, map %d", id, got, want)
			}
		}
	})
}
