package pgtest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a server (PostgreSQL),
// which a test can cut (a partition: every connection is reset and new
// ones are reset at once), heal, delay (each chunk forwarded after a
// pause), reset (the connections of this moment are dropped, new ones go
// through), or cut after a number of bytes (a partition in the middle of
// an exchange, at a point the test chooses).
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	cut    bool
	delay  time.Duration
	budget int64 // bytes still forwarded before a cut; <0: no limit
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewProxy listens on a free port of 127.0.0.1 and forwards to target (host:port).
func NewProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, budget: -1, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL is u (a postgres:// URL of the target) pointing at the proxy instead.
func (p *Proxy) URL(u string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	parsed.Host = p.Addr()
	return parsed.String(), nil
}

// Cut partitions: every open connection is reset, and so is every new one
// until Heal.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.dropLocked()
}

// Heal ends a partition (and a byte budget).
func (p *Proxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut, p.budget = false, -1
}

// CutAfter lets n more bytes through (both directions together), then cuts.
func (p *Proxy) CutAfter(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.budget = n
}

// Delay holds each forwarded chunk for d (0: none).
func (p *Proxy) Delay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// Reset drops the connections open now; new ones go through.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropLocked()
}

// Close stops the proxy and drops every connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.dropLocked()
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) dropLocked() {
	for c := range p.conns {
		reset(c)
	}
	clear(p.conns)
}

// reset closes c with an RST rather than a FIN, as a dropped link looks.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut || p.closed {
			p.mu.Unlock()
			reset(c)
			continue
		}
		p.mu.Unlock()
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			reset(c)
			continue
		}
		p.mu.Lock()
		if p.cut || p.closed {
			p.mu.Unlock()
			reset(c)
			reset(up)
			continue
		}
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

// pipe forwards from → to until either side ends, under the proxy's rules.
func (p *Proxy) pipe(from, to net.Conn) {
	defer p.wg.Done()
	defer p.forget(from, to)
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			p.mu.Lock()
			delay, cut := p.delay, p.cut
			if !cut && p.budget >= 0 {
				if int64(n) > p.budget {
					n = int(p.budget)
					cut = true
				}
				p.budget -= int64(n)
			}
			p.mu.Unlock()
			if delay > 0 {
				t := time.NewTimer(delay)
				<-t.C
			}
			if n > 0 {
				if _, werr := to.Write(buf[:n]); werr != nil {
					return
				}
			}
			if cut {
				p.Cut()
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			if tc, ok := to.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}

func (p *Proxy) forget(a, b net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.conns[a]; ok {
		delete(p.conns, a)
		delete(p.conns, b)
		reset(a)
		reset(b)
	}
}

// String names the proxy and its target.
func (p *Proxy) String() string { return fmt.Sprintf("proxy %s -> %s", p.Addr(), p.target) }
