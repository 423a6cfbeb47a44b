package postgres

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// proxy is a TCP proxy on 127.0.0.1 between the store and the server, which
// the test can cut.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]bool
	// armed, when set, cuts the connection right after forwarding a client
	// message that contains it, before the server's answer comes back.
	armed []byte
	cuts  atomic.Int64
	wg    sync.WaitGroup
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		ln.Close()
		p.cutAll()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(s, c, true) })
		p.wg.Go(func() { p.pipe(c, s, false) })
	}
}

// pipe copies src to dst; fromClient pipes look for the armed pattern.
func (p *proxy) pipe(dst, src net.Conn, fromClient bool) {
	defer func() { dst.Close(); src.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			if fromClient && p.take(buf[:n]) {
				// The message reached the server; its answer never
				// reaches the client.
				p.cuts.Add(1)
				return
			}
		}
		if err != nil {
			return // EOF or a cut: either way this direction is done
		}
	}
}

func (p *proxy) take(b []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.armed != nil && bytes.Contains(b, p.armed) {
		p.armed = nil
		return true
	}
	return false
}

// arm makes the next client message containing pattern the last one of
// its connection.
func (p *proxy) arm(pattern string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = []byte(pattern)
}

// cutAll closes every connection through the proxy.
func (p *proxy) cutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
	p.cuts.Add(1)
}

// openThrough opens a store on a fresh database, connected through a proxy.
func openThrough(t *testing.T) (*Store, *proxy) {
	t.Helper()
	url := h.DB(t, template)
	srv := h.Server(t)
	px := newProxy(t, fmt.Sprintf("127.0.0.1:%d", srv.Port()))
	url = strings.Replace(url, fmt.Sprintf(":%d/", srv.Port()), fmt.Sprintf(":%d/", px.port()), 1)
	st, err := Open(context.Background(), url, store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, px
}

// TestCutInTheMiddleOfAUnitOfWork cuts every connection while a plan
// update holds its transaction open: the unit of work is run again on a
// new connection, the caller sees no error, and the reservation it made
// is in the ledger once.
func TestCutInTheMiddleOfAUnitOfWork(t *testing.T) {
	ctx := context.Background()
	st, px := openThrough(t)
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Cut Connection"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 10_000, Key: "acc"}); err != nil {
		t.Fatal(err)
	}
	plan, err := st.CurrentPlan(ctx, p.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	plan, err = st.AddStep(ctx, plan.ID, sessions.Step{Title: "A", Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 4_000}}})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	got, err := st.UpdatePlan(ctx, plan.ID, func(tx *PlanTx, pl *sessions.Plan) error {
		calls++
		if calls == 1 {
			px.cutAll()
		}
		_, err := tx.Reserve(ctx, pl, pl.Steps[0].ID)
		return err
	})
	if err != nil {
		t.Fatalf("update through a cut connection: %v", err)
	}
	if calls != 2 {
		t.Errorf("unit of work ran %d times, want 2 (cut, then again)", calls)
	}
	if got.Steps[0].Funding[0].Reserved != 4_000 {
		t.Errorf("reserved %+v", got.Steps[0].Funding)
	}
	es, err := st.Entries(ctx, p.ID, "ila")
	if err != nil || len(es) != 2 || es[1].Kind != sessions.Reserve {
		t.Fatalf("ledger: %+v %v", es, err)
	}
}

// TestCutDuringCommit lets COMMIT reach the server and cuts the
// connection before its answer returns: the store asks the server what
// became of the transaction, so the post is acknowledged once, not
// replayed, and in the ledger once.
func TestCutDuringCommit(t *testing.T) {
	ctx := context.Background()
	st, px := openThrough(t)
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Lost Answer"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		px.arm("commit\x00")
		before := px.cuts.Load()
		e, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "leave", Kind: sessions.Accrual, Amount: 60, Key: fmt.Sprintf("k%d", i)})
		if err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		if px.cuts.Load() != before+1 {
			t.Fatalf("post %d: the commit was not cut", i)
		}
		if e.Replayed {
			t.Errorf("post %d came back as a replay: the store retried a commit that had happened", i)
		}
	}
	es, err := st.Entries(ctx, p.ID, "leave")
	if err != nil || len(es) != 5 || sessions.Sum(es).Balance != 300 {
		t.Fatalf("ledger after cut commits: %d entries, %v", len(es), err)
	}
}

// TestRestartDuringWrites restarts PostgreSQL while writers post: every
// acknowledged entry is there, none twice, re-posting every key replays,
// and the same store keeps working without being reopened.
func TestRestartDuringWrites(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, store.Options{Actor: "tester"})
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Restart"})
	if err != nil {
		t.Fatal(err)
	}
	const writers, posts = 4, 60
	var (
		mu    sync.Mutex
		acked = map[string]string{} // key → entry id
		wg    sync.WaitGroup
		half  = make(chan struct{})
		once  sync.Once
	)
	for w := range writers {
		wg.Go(func() {
			for n := range posts {
				if n == posts/2 {
					once.Do(func() { close(half) })
				}
				key := fmt.Sprintf("w%d-%d", w, n)
				e, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 1, Key: key})
				if err != nil {
					t.Errorf("writer %d post %d: %v", w, n, err)
					return
				}
				mu.Lock()
				acked[key] = e.ID
				mu.Unlock()
			}
		})
	}
	<-half
	if err := h.Server(t).Restart(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	es, err := st.Entries(ctx, p.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]string{}
	for _, e := range es {
		if _, dup := byKey[e.Key]; dup {
			t.Errorf("key %s twice", e.Key)
		}
		byKey[e.Key] = e.ID
	}
	for key, id := range acked {
		if byKey[key] != id {
			t.Errorf("acknowledged %s (%s) is %q in the ledger", key, id, byKey[key])
		}
	}
	if len(es) != writers*posts || sessions.Sum(es).Balance != writers*posts {
		t.Errorf("%d entries, balance %d; want %d", len(es), sessions.Sum(es).Balance, writers*posts)
	}
	for key := range acked {
		e, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 1, Key: key})
		if err != nil || !e.Replayed || e.ID != acked[key] {
			t.Fatalf("re-post %s: %+v %v", key, e, err)
		}
	}
	if n, _ := st.Entries(ctx, p.ID, "ila"); len(n) != writers*posts {
		t.Errorf("re-posting the keys added entries: %d", len(n))
	}
}
