// Package pgtest runs a throwaway PostgreSQL server for one test binary:
// initdb into a temporary folder (as the unprivileged "postgres" user when
// the tests run as root, as CI does), a random port on 127.0.0.1 only, no
// unix socket, fsync off, and a fresh database per test cloned from a
// template. The server is a child of the test process and dies with it.
//
// Without PostgreSQL binaries the tests that need it skip with a clear
// message, unless KOERS_REQUIRE_PG=1 (CI sets it): then they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoPostgres is returned by Start when no PostgreSQL server binaries are installed.
var ErrNoPostgres = errors.New("PostgreSQL 15 not found (pg_config); CI runs these")

// MinMajor is the oldest PostgreSQL major version the tests accept.
const MinMajor = 15

// Server is one running PostgreSQL cluster in a temporary folder.
type Server struct {
	bin  string // folder of initdb and postgres
	dir  string // temporary folder: data/ and postgres.log
	port int
	cred *syscall.Credential // nil when not root
	seq  atomic.Int64

	mu     sync.Mutex
	exited chan struct{} // closed when the postmaster exits
	proc   *os.Process
}

// BinDir finds the PostgreSQL server binaries: pg_config --bindir, else
// Debian's /usr/lib/postgresql/N/bin, newest first (postgresql-15 on
// Debian 12; the plain postgresql package elsewhere). ErrNoPostgres when
// no initdb and postgres of version 15 or later are there.
func BinDir() (string, error) {
	var dirs []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(debian, func(a, b string) int { return versionOf(b) - versionOf(a) })
	dirs = append(dirs, debian...)
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			out, err := exec.Command(filepath.Join(d, "postgres"), "--version").Output()
			if err != nil {
				continue
			}
			if major(string(out)) >= MinMajor {
				return d, nil
			}
		}
	}
	return "", ErrNoPostgres
}

// versionOf is N of /usr/lib/postgresql/N/bin.
func versionOf(bin string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return n
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// major reads the major version from "postgres (PostgreSQL) 15.18 (Debian …)".
func major(v string) int {
	f := strings.Fields(v)
	if len(f) < 3 {
		return 0
	}
	n, _ := strconv.Atoi(strings.SplitN(f[2], ".", 2)[0])
	return n
}

// Start initialises a cluster in a new temporary folder and starts it.
// Stop it with Stop (Main does).
func Start(ctx context.Context) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	removeStale()
	dir, err := os.MkdirTemp("", "koers-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root: run them as the
		// package's "postgres" user, which owns the folder.
		if s.cred, err = unprivileged(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := s.command(ctx, filepath.Join(bin, "initdb"), "-D", s.data(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--no-locale", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// Durability off for speed, in the configuration file rather than on
	// the command line, so that a measurement can switch it back on with
	// ALTER SYSTEM (which overrides the file, not the command line).
	conf, err := os.OpenFile(filepath.Join(s.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = conf.WriteString("\n# store/pgtest: a throwaway cluster\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
		if cerr := conf.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("configure: %w", err)
	}
	// A port chosen free can be taken before postgres binds it: try a few.
	for range 5 {
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.start(ctx); err == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

// removeStale removes the folders of earlier test binaries that died
// without stopping their server (a panic, a timeout): their postmaster
// went with them (the parent-death signal), their folder stayed. A folder
// is stale when its postmaster.pid names a process that is gone, or when it
// has none and has not changed for an hour (a live one is being set up).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "koers-pg-*"))
	for _, d := range dirs {
		data := filepath.Join(d, "data")
		b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
		if err == nil {
			pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
			if pid > 0 && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
				os.RemoveAll(d)
			}
			continue
		}
		if st, err := os.Stat(data); err == nil && time.Since(st.ModTime()) > time.Hour {
			os.RemoveAll(d)
		} else if errors.Is(err, os.ErrNotExist) {
			if st, err := os.Stat(d); err == nil && time.Since(st.ModTime()) > time.Hour {
				os.RemoveAll(d)
			}
		}
	}
}

// unprivileged is the credential of the "postgres" user (the Debian
// package creates it), else "nobody".
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and no postgres or nobody user to run PostgreSQL as")
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// command runs a PostgreSQL binary as the server's user. Setting the
// credential in the child directly (rather than through runuser or setpriv)
// keeps the postmaster our own child, so the parent-death signal reaches it.
func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = s.dir
	c.Env = append(os.Environ(), "LC_ALL=C")
	c.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	return c
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start launches the postmaster and waits until it accepts connections.
func (s *Server) start(ctx context.Context) error {
	logf, err := os.OpenFile(filepath.Join(s.dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	c := s.command(context.Background(), filepath.Join(s.bin, "postgres"), "-D", s.data(),
		"-p", strconv.Itoa(s.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		"-c", "max_connections=300", "-c", "shared_buffers=64MB")
	c.Stdout, c.Stderr = logf, logf
	// SIGQUIT is PostgreSQL's immediate shutdown: should the test binary
	// die (a panic, a timeout), the server goes with it.
	c.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	started, exited := make(chan error, 1), make(chan struct{})
	// The parent-death signal follows the thread that started the child, so
	// that thread stays locked to this goroutine until the child has exited.
	go func() {
		runtime.LockOSThread()
		defer logf.Close()
		if err := c.Start(); err != nil {
			started <- err
			close(exited)
			return
		}
		started <- nil
		_ = c.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.mu.Lock()
	s.proc, s.exited = c.Process, exited
	s.mu.Unlock()
	if err := s.waitReady(ctx, exited); err != nil {
		_ = c.Process.Kill()
		<-exited
		return err
	}
	return nil
}

// waitReady polls a connection until the server answers, it exits, or 60 s pass.
func (s *Server) waitReady(ctx context.Context, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			c.Close(ctx)
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("postgres exited while starting:\n%s", s.LogTail())
		case <-ctx.Done():
			return fmt.Errorf("postgres not ready after 60 s: %w\n%s", err, s.LogTail())
		case <-tick.C:
		}
	}
}

// LogTail is the end of the server's log, for failure messages.
func (s *Server) LogTail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// stop asks for a fast shutdown (SIGINT: sessions are ended, then a
// checkpoint) and waits for the postmaster to exit.
func (s *Server) stop() error {
	s.mu.Lock()
	proc, exited := s.proc, s.exited
	s.mu.Unlock()
	if proc == nil {
		return nil
	}
	_ = proc.Signal(syscall.SIGINT)
	select {
	case <-exited:
		return nil
	case <-time.After(30 * time.Second):
		_ = proc.Kill()
		<-exited
		return errors.New("postgres did not shut down in 30 s: killed")
	}
}

// Stop shuts the server down and removes its folder.
func (s *Server) Stop() error {
	err := s.stop()
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

// Restart stops the server (fast shutdown, as pg_ctl restart -m fast does)
// and starts it again on the same port and data folder.
func (s *Server) Restart(ctx context.Context) error {
	if err := s.stop(); err != nil {
		return err
	}
	return s.start(ctx)
}

// Port is the TCP port the server listens on at 127.0.0.1.
func (s *Server) Port() int { return s.port }

// URL is the connection URL of database db as the superuser.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Exec runs SQL in database db as the superuser (test setup: roles, templates).
func (s *Server) Exec(ctx context.Context, db, sql string, args ...any) error {
	c, err := pgx.Connect(ctx, s.URL(db))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql, args...)
	return err
}

// CreateDB creates a new database cloned from template ("" is template0,
// an empty one) and returns its name.
func (s *Server) CreateDB(ctx context.Context, template string) (string, error) {
	if template == "" {
		template = "template0"
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.seq.Add(1))
	err := s.Exec(ctx, "postgres", fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", pgx.Identifier{name}.Sanitize(), pgx.Identifier{template}.Sanitize()))
	return name, err
}

// Harness is what a test binary's TestMain keeps: the server, or why there is none.
type Harness struct {
	srv *Server
	err error
}

// Main starts the server, runs setup (make templates there), runs the
// tests and stops the server, whatever the tests did. Use it as
// os.Exit(pgtest.Main(m, &h, setup)).
func Main(m *testing.M, h *Harness, setup func(context.Context, *Server) error) int {
	ctx := context.Background()
	h.srv, h.err = Start(ctx)
	if h.err == nil && setup != nil {
		if err := setup(ctx, h.srv); err != nil {
			h.err = fmt.Errorf("set up the test server: %w", err)
		}
	}
	code := m.Run()
	if h.srv != nil {
		if err := h.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop:", err)
		}
	}
	return code
}

// Required reports whether the environment demands PostgreSQL tests run
// (KOERS_REQUIRE_PG=1, as CI sets).
func Required() bool { return os.Getenv("KOERS_REQUIRE_PG") == "1" }

// Server is the running server; without one the test skips (or fails when
// Required).
func (h *Harness) Server(t testing.TB) *Server {
	t.Helper()
	if h.srv != nil && h.err == nil {
		return h.srv
	}
	err := h.err
	if err == nil {
		err = errors.New("pgtest.Main did not run (no TestMain?)")
	}
	if errors.Is(err, ErrNoPostgres) && !Required() {
		t.Skip(err.Error())
	}
	t.Fatalf("PostgreSQL: %v", err)
	return nil
}

// DB creates a fresh database for this test, cloned from template ("" for
// an empty one), and returns its URL. It is dropped when the test ends.
func (h *Harness) DB(t testing.TB, template string) string {
	t.Helper()
	s := h.Server(t)
	ctx := context.Background()
	name, err := s.CreateDB(ctx, template)
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		// WITH (FORCE) ends connections a failed test left open.
		_ = s.Exec(context.Background(), "postgres", "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return s.URL(name)
}
