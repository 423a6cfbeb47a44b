package store

// idMap maps ids to indexes. Ids are UUIDs in their 36-character text
// form almost always: those are kept as 16 bytes inline in the map's
// slots, so a lookup hashes and compares 16 bytes and follows no pointer
// (a map keyed by the text was a fifth of the report's time at 100,000
// people: a cache miss per lookup). Any other id is kept as text.
type idMap struct {
	u map[[16]byte]int32
	s map[string]int32
}

func newIDMap() *idMap { return &idMap{u: map[[16]byte]int32{}, s: map[string]int32{}} }

func (m *idMap) put(id []byte, v int32) {
	if k, ok := uuidKey(id); ok {
		m.u[k] = v
		return
	}
	m.s[string(id)] = v
}

func (m *idMap) get(id []byte) (int32, bool) {
	if k, ok := uuidKey(id); ok {
		v, ok := m.u[k]
		return v, ok
	}
	v, ok := m.s[string(id)]
	return v, ok
}

func (m *idMap) len() int { return len(m.u) + len(m.s) }

// uuidKey reads the canonical text form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
// (lower or upper case hex); ok is false for anything else. Two texts
// that differ only in the case of a hex digit map to one key, so upper
// case is refused: ids are written in lower case, and an id in upper case
// stays text, apart from its lower-case twin.
func uuidKey(b []byte) (k [16]byte, ok bool) {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
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
