package serve

import (
	"sync"
	"time"
)

// limiter counts failed logins per remote host: after max failures within
// window the host is refused without a look at its keys until the window
// that began with its first failure has passed. It slows key guessing and
// keeps a noisy client from filling the log.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	hosts map[string]*failures
}

type failures struct {
	since time.Time
	n     int
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, hosts: map[string]*failures{}}
}

// blocked reports whether host has used up its failures for now.
func (l *limiter) blocked(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.hosts[host]
	if f == nil {
		return false
	}
	if l.now().Sub(f.since) >= l.window {
		delete(l.hosts, host)
		return false
	}
	return f.n >= l.max
}

// fail records a failure and reports whether it used up the host's last one.
func (l *limiter) fail(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.hosts[host]
	if f == nil || now.Sub(f.since) >= l.window {
		f = &failures{since: now}
		l.hosts[host] = f
	}
	f.n++
	// Forget hosts whose window has passed, so the map stays small.
	if len(l.hosts) > 1024 {
		for h, g := range l.hosts {
			if now.Sub(g.since) >= l.window {
				delete(l.hosts, h)
			}
		}
	}
	return f.n == l.max
}
