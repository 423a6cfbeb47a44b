package pgtest

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
)

// echo is a line echo server on 127.0.0.1.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(c net.Conn, r *bufio.Reader, line string) (string, error) {
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	return r.ReadString('\n')
}

func TestProxyCutHealBudget(t *testing.T) {
	p, err := NewProxy(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	if got, err := roundTrip(c, r, "hello"); err != nil || got != "hello\n" {
		t.Fatalf("through the proxy: %q %v", got, err)
	}
	p.Cut()
	if _, err := roundTrip(c, r, "again"); err == nil {
		t.Error("a cut connection still answers")
	}
	c.Close()
	c2, err := net.Dial("tcp", p.Addr())
	if err == nil {
		if _, err := roundTrip(c2, bufio.NewReader(c2), "x"); err == nil {
			t.Error("a new connection goes through a cut proxy")
		}
		c2.Close()
	}
	p.Heal()
	c3, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	r3 := bufio.NewReader(c3)
	if got, err := roundTrip(c3, r3, "healed"); err != nil || got != "healed\n" {
		t.Fatalf("after heal: %q %v", got, err)
	}
	// 6 bytes out and 6 back are 12: the second exchange is cut within.
	p.CutAfter(15)
	if got, err := roundTrip(c3, r3, "abcde"); err != nil || got != "abcde\n" {
		t.Fatalf("within the budget: %q %v", got, err)
	}
	if got, err := roundTrip(c3, r3, "fghij"); err == nil && got == "fghij\n" {
		t.Error("the exchange past the budget went through")
	}
}

// PostgreSQL through the proxy: a query works, a reset connection fails,
// and a new connection after heal works.
func TestProxyPostgres(t *testing.T) {
	srv, err := Start(context.Background())
	if err != nil {
		if Required() {
			t.Fatal(err)
		}
		t.Skip(err.Error())
	}
	defer srv.Stop()
	p, err := NewProxy(net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.Port())))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	u, err := p.URL(srv.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("through the proxy: %d %v", one, err)
	}
	p.Reset()
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err == nil {
		t.Error("a reset connection still answers")
	}
	c2, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(ctx)
	if err := c2.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("after reset: %v", err)
	}
}
