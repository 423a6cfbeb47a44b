package store

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
		hi, ok1 := hexVal(b[i])
		lo, ok2 := hexVal(b[i+1])
		if !ok1 || !ok2 {
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

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
