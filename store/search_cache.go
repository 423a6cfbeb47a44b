package store

import (
	"strconv"
	"sync"
)

// resultCache keeps the last results of unfiltered searches (a first
// page's ranking, a count with its facets) for the register generation
// they were computed on. At a centre many sessions type the same few words
// (koers serve shares one store): the second session to type "da" finds
// what the first one computed, instead of counting hundreds of thousands
// of matches again. Filtered searches are not kept: their keys rarely
// repeat. Values are shared: callers treat them as read-only.
type resultCache[V any] struct {
	mu    sync.Mutex
	order []string // oldest first
	m     map[string]V
}

// resultCacheSize bounds each cache: a few phrases typed key by key by a
// team, times the first pages asked (a few KB each).
const resultCacheSize = 256

func (c *resultCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *resultCache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]V{}
	}
	if _, ok := c.m[key]; !ok {
		c.order = append(c.order, key)
	}
	c.m[key] = v
	for len(c.order) > resultCacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *resultCache[V]) clear() {
	c.mu.Lock()
	c.order, c.m = nil, nil
	c.mu.Unlock()
}

// unfilteredKey is the cache key of an unfiltered search: the register
// generation, the FTS expression, whether withdrawn offers count, and how
// many ranked results are asked (0 for a count).
func unfilteredKey(gen, expr string, withdrawn bool, want int) string {
	return gen + "\x00" + expr + "\x00" + strconv.FormatBool(withdrawn) + "\x00" + strconv.Itoa(want)
}
