package store

import (
	"slices"
	"strings"
)

// idMap maps ids to indexes. Ids are UUIDs in their 36-character text
// form almost always, sometimes with a short suffix (the generated
// population's accounts are "<uuid>-a"): those are kept as the UUID's 16
// bytes, the suffix and its length inline in the map's slots, so a lookup
// hashes and compares 24 bytes and follows no pointer (a map keyed by the
// text was a fifth of the report's time at 100,000 people: a cache miss
// per lookup). Any other id is kept as text.
type idMap struct {
	u map[idKey]int32
	s map[string]int32
}

// idKey is a UUID's 16 bytes, up to maxSuffix bytes that follow it, and
// how many (so "<uuid>" and "<uuid>\x00" differ).
type idKey [16 + maxSuffix + 1]byte

const maxSuffix = 7

func newIDMap() *idMap { return &idMap{u: map[idKey]int32{}, s: map[string]int32{}} }

func (m *idMap) put(id string, v int32) {
	if k, ok := uuidKey(id); ok {
		m.u[k] = v
		return
	}
	m.s[id] = v
}

func (m *idMap) get(id string) (int32, bool) {
	if k, ok := uuidKey(id); ok {
		v, ok := m.u[k]
		return v, ok
	}
	v, ok := m.s[id]
	return v, ok
}

func (m *idMap) len() int { return len(m.u) + len(m.s) }

// uuidKey reads the canonical lower-case text form
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx and up to maxSuffix bytes after it;
// ok is false for anything else. Upper-case hex is refused: two texts
// that differ only in the case of a hex digit would map to one key, so an
// id in upper case stays text, apart from its lower-case twin.
func uuidKey(b string) (k idKey, ok bool) {
	if len(b) < 36 || len(b) > 36+maxSuffix || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return k, false
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, lo := hexDigit[b[i]], hexDigit[b[i+1]]
		if hi|lo > 15 {
			return k, false
		}
		k[j] = hi<<4 | lo
		j++
		i += 2
	}
	copy(k[16:], b[36:])
	k[len(k)-1] = byte(len(b) - 36)
	return k, true
}

// hexDigit is the value of a lower-case hex digit, 0xff for any other byte.
var hexDigit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c - '0'
	}
	for c := byte('a'); c <= 'f'; c++ {
		t[c] = c - 'a' + 10
	}
	return t
}()

// orderedIDs finds ids in a stream that comes in id order (byte order,
// as SQLite's BINARY collation and PostgreSQL's uuid order sort them):
// a cursor walks the ids sorted once, so a lookup compares a few texts
// that lie side by side instead of probing a hash table at random. A
// stream that goes back, or an id the walk cannot place, is looked up in
// the map, so the order is a matter of speed, never of the result.
type orderedIDs struct {
	ids  []idRef // sorted by id
	m    *idMap
	j    int
	last string
}

type idRef struct {
	id string
	i  int32
}

// sortIDs sorts refs by id (in place) unless they already are.
func sortIDs(refs []idRef) []idRef {
	if !slices.IsSortedFunc(refs, cmpIDRef) {
		slices.SortFunc(refs, cmpIDRef)
	}
	return refs
}

func cmpIDRef(a, b idRef) int { return strings.Compare(a.id, b.id) }

// walk starts a cursor at the first id.
func walk(sorted []idRef, m *idMap) *orderedIDs { return &orderedIDs{ids: sorted, m: m} }

// get is id's index, or -1 when it is not among the ids.
func (o *orderedIDs) get(id string) int32 {
	if id < o.last {
		if i, ok := o.m.get(id); ok {
			return i
		}
		return -1
	}
	o.last = id
	for o.j < len(o.ids) && o.ids[o.j].id < id {
		o.j++
	}
	if o.j < len(o.ids) && o.ids[o.j].id == id {
		return o.ids[o.j].i
	}
	return -1
}
