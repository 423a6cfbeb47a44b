package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// The load test of koers serve runs only when asked for (it takes minutes
// and both cores):
//
//	go test ./cli -run TestServeLoad -koers.load -koers.load.db=/tmp/koers-bench/register-1000000.db \
//	    -koers.load.out=../bench/results/serve-load.md -timeout 30m
//
// The database is copied first (serving migrates it); without -koers.load.db
// the embedded sample register is used.
var (
	loadRun      = flag.Bool("koers.load", false, "run TestServeLoad: concurrent SSH sessions typing against a koers serve child process")
	loadDB       = flag.String("koers.load.db", "", "register database for TestServeLoad (copied; default: the sample register)")
	loadSessions = flag.Int("koers.load.sessions", 50, "concurrent SSH sessions of TestServeLoad")
	loadOut      = flag.String("koers.load.out", "", "write TestServeLoad's figures as Markdown to this file")
	loadPace     = flag.Duration("koers.load.pace", 200*time.Millisecond, "TestServeLoad: least time between two keys of a session (a quick typist)")
)

// loadPhrases are typed one key at a time (words of the generated register).
var loadPhrases = []string{"data analyse", "zorgkundige", "énergie", "logistiek", "boekhouding", "veiligheid"}

// loadSample is one session's measurements.
type loadSample struct {
	start   time.Duration   // connect to the first screen with its count
	echo    []time.Duration // key to the box showing it
	settled []time.Duration // key to the box showing it with the count of its results
	open    time.Duration   // enter on the person to their overview
	err     error
}

// loadScreen is one session's terminal, read into a vterm as it arrives.
type loadScreen struct {
	mu   sync.Mutex
	vt   *vterm
	more chan struct{}
	eof  chan struct{}
}

func (s *loadScreen) read(r io.Reader) {
	defer close(s.eof)
	b := make([]byte, 32<<10)
	for {
		n, err := r.Read(b)
		s.mu.Lock()
		s.vt.write(b[:n])
		s.mu.Unlock()
		select {
		case s.more <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// until waits for ok(screen text) and returns when it first held.
func (s *loadScreen) until(deadline time.Time, ok func(string) bool) (time.Time, error) {
	for {
		s.mu.Lock()
		text := s.vt.text()
		s.mu.Unlock()
		if ok(text) {
			return time.Now(), nil
		}
		select {
		case <-s.more:
		case <-s.eof:
			return time.Time{}, fmt.Errorf("session ended; screen:\n%s", text)
		case <-time.After(min(time.Until(deadline), time.Minute)):
			return time.Time{}, fmt.Errorf("timed out; screen:\n%s", text)
		}
	}
}

// boxLine is the screen's search box line (under the header).
func boxLine(text string) string {
	lines := strings.SplitN(text, "\n", 3)
	if len(lines) < 2 {
		return ""
	}
	return lines[1]
}

// countShown is the right end of the box line once the count is in ("…"
// while counting).
var countShown = regexp.MustCompile(`\d offers?$`)

// counted: the box shows typed and, at its right, the count of its
// results, and the first result row is drawn (the count and the page come
// in messages of their own, in either order).
func counted(typed string) func(string) bool {
	return func(text string) bool {
		lines := strings.SplitN(text, "\n", 6)
		return len(lines) > 4 && strings.Contains(lines[1], "> "+typed) && countShown.MatchString(lines[1]) &&
			strings.TrimSpace(lines[4]) != ""
	}
}

func echoed(typed string) func(string) bool {
	return func(text string) bool { return strings.Contains(boxLine(text), "> "+typed) }
}

func runLoadSession(ts *testServer, i int, person string, deadline time.Time) (smp loadSample) {
	t0 := time.Now()
	c, err := ts.dialWith("cora", ssh.PublicKeys(ts.keys["cora"]))
	if err != nil {
		smp.err = err
		return
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		smp.err = err
		return
	}
	_ = sess.Setenv("LANG", "en")
	if err := sess.RequestPty("xterm-256color", 30, 100, ssh.TerminalModes{ssh.ECHO: 0}); err != nil {
		smp.err = err
		return
	}
	out, _ := sess.StdoutPipe()
	in, _ := sess.StdinPipe()
	s := &loadScreen{vt: newVterm(100, 30), more: make(chan struct{}, 1), eof: make(chan struct{})}
	go s.read(out)
	if err := sess.Shell(); err != nil {
		smp.err = err
		return
	}
	fail := func(what string, err error) loadSample {
		smp.err = fmt.Errorf("session %d: %s: %w", i, what, err)
		return smp
	}
	if _, err := s.until(deadline, counted("")); err != nil {
		return fail("first screen", err)
	}
	smp.start = time.Since(t0)
	typed := ""
	for _, r := range loadPhrases[i%len(loadPhrases)] {
		typed += string(r)
		sent := time.Now()
		if _, err := io.WriteString(in, string(r)); err != nil {
			return fail("type", err)
		}
		at, err := s.until(deadline, echoed(typed))
		if err != nil {
			return fail("echo of "+typed, err)
		}
		smp.echo = append(smp.echo, at.Sub(sent))
		at, err = s.until(deadline, counted(typed))
		if err != nil {
			return fail("results of "+typed, err)
		}
		smp.settled = append(smp.settled, at.Sub(sent))
		time.Sleep(time.Until(sent.Add(*loadPace))) // a typist's pace, not a machine's
	}
	// The people list (tab), then the person (enter).
	if _, err := io.WriteString(in, "\t"); err != nil {
		return fail("tab", err)
	}
	if _, err := s.until(deadline, func(text string) bool { return strings.Contains(text, person) }); err != nil {
		return fail("people list", err)
	}
	sent := time.Now()
	_, _ = io.WriteString(in, "\r")
	at, err := s.until(deadline, func(text string) bool { return strings.Contains(text, "Balances") })
	if err != nil {
		return fail("person", err)
	}
	smp.open = at.Sub(sent)
	_, _ = io.WriteString(in, "\x03")
	_ = sess.Wait()
	return smp
}

// procStat is a process's CPU time (user+system) and resident memory.
func procStat(pid int) (cpu time.Duration, rssMB, peakMB float64) {
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		cpu = time.Duration(ut+st) * time.Second / 100 // USER_HZ
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Fields(l)
			if len(f) >= 2 && (f[0] == "VmRSS:" || f[0] == "VmHWM:") {
				kb, _ := strconv.ParseFloat(f[1], 64)
				if f[0] == "VmRSS:" {
					rssMB = kb / 1024
				} else {
					peakMB = kb / 1024
				}
			}
		}
	}
	return
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(int(float64(len(s))*p), len(s)-1)]
}

func uptime() string {
	b, err := exec.Command("uptime").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// TestServeLoad: -koers.load.sessions SSH sessions at once against a koers
// serve child process, each typing a phrase one key at a time at a
// typist's pace and then opening a person; it measures per key the time to
// the box showing it (echo) and to the screen showing its results with
// their count (settled: the 80 ms debounce, the first page and the count),
// the time to open the person, and the server's RSS and CPU.
func TestServeLoad(t *testing.T) {
	if !*loadRun {
		t.Skip("the load test runs with -koers.load")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	size := "the sample register"
	if *loadDB != "" {
		copyFile(t, *loadDB, db)
		size = filepath.Base(*loadDB)
	} else {
		bin := buildKoers(t)
		cmd := exec.Command(bin, "seed", "--db", db)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("seed: %v\n%s", err, out)
		}
	}
	c := startChild(t, db, map[string]string{"cora": "counsellor"}, "--max-sessions", strconv.Itoa(*loadSessions+10))
	// The person is on cora's caseload: a counsellor's people list holds
	// their caseload only.
	var added struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(c.koers("person", "add", "--name", "Loadtest Person", "--json")), &added); err != nil || added.ID == "" {
		t.Fatalf("person add: %v %+v", err, added)
	}
	c.koers("person", "transfer", added.ID, "--to", "cora")
	pid := c.cmd.Process.Pid
	cpu0, rss0, _ := procStat(pid)
	load0 := uptime()
	start := time.Now()
	deadline := start.Add(10 * time.Minute)
	samples := make([]loadSample, *loadSessions)
	var wg sync.WaitGroup
	for i := range samples {
		wg.Go(func() { samples[i] = runLoadSession(c.testServer, i, "Loadtest Person", deadline) })
		time.Sleep(20 * time.Millisecond) // logins spread over a second, not one burst
	}
	peak := 0.0
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if _, rss, _ := procStat(pid); rss > peak {
				peak = rss
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-sampled
	took := time.Since(start)
	cpu1, rss1, hwm := procStat(pid)
	load1 := uptime()
	var echo, settled, open, starts []time.Duration
	failed := 0
	for _, s := range samples {
		if s.err != nil {
			failed++
			t.Error(s.err)
			continue
		}
		echo, settled = append(echo, s.echo...), append(settled, s.settled...)
		open, starts = append(open, s.open), append(starts, s.start)
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	cpuPct := float64(cpu1-cpu0) / float64(took) * 100
	var b strings.Builder
	fmt.Fprintf(&b, "## koers serve under load (issue 15)\n\n")
	fmt.Fprintf(&b, "`go test ./cli -run TestServeLoad -koers.load -koers.load.db=…` (cli/serve_load_test.go): %d SSH sessions at once\n", *loadSessions)
	fmt.Fprintf(&b, "against `koers serve` as a child process on 127.0.0.1 over %s; each session types a phrase one key\n", size)
	fmt.Fprintf(&b, "at a time (at most one key per %s, a quick typist; the next key waits for the screen) and then opens a person.\n", *loadPace)
	fmt.Fprintf(&b, "Times are read off each session's terminal (its output replayed into a screen): *echo* is key → the box shows it;\n")
	fmt.Fprintf(&b, "*results* is key → the box shows it with the count of its results (the 80 ms search debounce, the first page and the count).\n\n")
	fmt.Fprintf(&b, "| | n | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range []struct {
		name string
		ds   []time.Duration
	}{{"key → echo", echo}, {"key → results and count", settled}, {"enter → person overview", open}, {"login → first screen", starts}} {
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", r.name, len(r.ds), ms(pct(r.ds, .5)), ms(pct(r.ds, .95)), ms(pct(r.ds, .99)), ms(pct(r.ds, 1)))
	}
	fmt.Fprintf(&b, "\n- Server RSS: %.0f MB before the sessions, %.0f MB peak during them (VmHWM %.0f MB since start), %.0f MB after.\n", rss0, peak, hwm, rss1)
	fmt.Fprintf(&b, "- Server CPU: %.1f s over %.1f s of load = %.0f %% of one core (%d cores; GOMAXPROCS of the test %d).\n",
		(cpu1 - cpu0).Seconds(), took.Seconds(), cpuPct, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "- Sessions failed: %d of %d.\n- Machine load before: `%s`; after: `%s`.\n", failed, len(samples), load0, load1)
	t.Log("\n" + b.String())
	if *loadOut != "" {
		if err := os.WriteFile(*loadOut, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
