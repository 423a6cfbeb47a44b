package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// runOn runs command over SSH on a child server; ok is false when the
// command did not come back with exit status 0 (the server may be dying).
func (c *childServer) runOn(account, command string) (string, bool) {
	cl, err := c.dialWith(account, ssh.PublicKeys(c.keys[account]))
	if err != nil {
		return "", false
	}
	defer cl.Close()
	sess, err := cl.NewSession()
	if err != nil {
		return "", false
	}
	defer sess.Close()
	var out bytes.Buffer
	sess.Stdout, sess.Stderr = &out, io.Discard
	if err := sess.Run(command); err != nil {
		return out.String(), false
	}
	return out.String(), true
}

// TestServeSIGKILLLosesNothingAcknowledged: the server process is killed
// (SIGKILL: no drain, no saving) while several SSH sessions post ledger
// entries and record guidance sessions and an interface session has a
// half-typed session form. Every write whose command came back with exit
// status 0 is in the database afterwards, the ledger's balance is the sum
// of what it holds, and the draft saved before the kill is offered again
// when the form is re-opened on a new server.
func TestServeSIGKILLLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	db := t.TempDir() + "/koers.db"
	c := startChild(t, db, map[string]string{"cora": "counsellor", "sam": "supervisor"})
	out, ok := c.runOn("cora", `koers person add --name "Kill Tester" --json`)
	var p struct{ ID string }
	if !ok || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("person add: %q", out)
	}
	// Guidance sessions are recorded for another person: recording one
	// ends (discards) the person's session draft, by design.
	out, ok = c.runOn("sam", `koers person add --name "Second Person" --json`)
	var q struct{ ID string }
	if !ok || json.Unmarshal([]byte(out), &q) != nil {
		t.Fatalf("person add: %q", out)
	}

	// The draft: typed into the session form, saved after its debounce.
	s := c.openPerson("cora", "Kill Tester")
	s.typeText("n")
	s.waitFor("Session with")
	s.typeText("\t\t\t\tDraft typed before the kill")
	s.waitFor("Draft typed before the kill")
	ro, err := app.Open(context.Background(), db, app.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// A real external process writes it: poll the file, with a deadline.
	deadline := time.Now().Add(30 * time.Second)
	for {
		body, _, err := ro.Draft(context.Background(), p.ID, sessions.DraftSession)
		if err == nil && strings.Contains(body, "Draft typed before the kill") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the draft was never saved: %q, %v", body, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ro.Close()

	// Writers: each posts entries (and records sessions) with its own keys
	// and keeps what was acknowledged, until the server dies.
	type ack struct{ key, summary string }
	var mu sync.Mutex
	var acked []ack
	var wg sync.WaitGroup
	posted := make(chan struct{}, 1000)
	for w := range 4 {
		account := []string{"cora", "sam"}[w%2]
		wg.Go(func() {
			for n := 0; ; n++ {
				key := fmt.Sprintf("kill-%d-%d", w, n)
				cmd := fmt.Sprintf("koers account post --person %s --scheme ila --kind accrual --amount 1 --key %s", p.ID, key)
				a := ack{key: key}
				if w == 0 && n%3 == 0 {
					a = ack{summary: "summary " + key}
					cmd = fmt.Sprintf(`koers session add --person %s --summary "%s"`, q.ID, a.summary)
				}
				if _, ok := c.runOn(account, cmd); !ok {
					return // the server is gone (or going): this one was not acknowledged
				}
				mu.Lock()
				acked = append(acked, a)
				mu.Unlock()
				posted <- struct{}{}
			}
		})
	}
	for range 40 { // some writes acknowledged, more in flight
		select {
		case <-posted:
		case <-time.After(60 * time.Second):
			t.Fatal("writers acknowledged nothing")
		}
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.done
	wg.Wait()
	s.ended(10 * time.Second) // its connection dropped with the server

	// Re-open the database: everything acknowledged is there.
	st, err := app.Open(context.Background(), db, app.Options{Actor: "check"})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.Entries(context.Background(), p.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, e := range entries {
		keys[e.Key] = true
	}
	gs, err := st.Sessions(context.Background(), q.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	summaries := map[string]bool{}
	for _, g := range gs {
		summaries[g.Summary] = true
	}
	lost := 0
	for _, a := range acked {
		if (a.key != "" && !keys[a.key]) || (a.summary != "" && !summaries[a.summary]) {
			lost++
			t.Errorf("acknowledged but lost: %+v", a)
		}
	}
	bs, err := st.Balances(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Scheme == "ila" && b.Balance != int64(len(entries))*100 {
			t.Errorf("ILA balance %d for %d entries of €1", b.Balance, len(entries))
		}
	}
	t.Logf("%d writes acknowledged before the kill, %d lost; %d entries and %d sessions in the database", len(acked), lost, len(entries), len(gs))
	st.Close()

	// A new server on the same file: the form offers the draft again.
	c2 := c.restart()
	s2 := c2.openPerson("cora", "Kill Tester")
	s2.typeText("n")
	s2.waitFor("Draft typed before the kill")
	s2.typeText("\x03")
	s2.ended(10 * time.Second)
}
