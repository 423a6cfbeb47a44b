package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/koers-project/koers/sessions"
)

func TestServeCommandsOverSSH(t *testing.T) {
	ts := startServer(t, serveOpts{})

	t.Run("search with JSON and exit 0", func(t *testing.T) {
		out, errs, code := ts.run("cora", "koers search data --json --limit 3")
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		var offers []map[string]any
		if err := json.Unmarshal([]byte(out), &offers); err != nil || len(offers) == 0 {
			t.Fatalf("stdout %q: %v", out, err)
		}
		if _, ok := offers[0]["id"]; !ok {
			t.Errorf("offer without id: %v", offers[0])
		}
	})
	t.Run("the caller is the actor", func(t *testing.T) {
		out, errs, code := ts.run("cora", `koers person add --name "Test Person" --json`)
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		var p struct{ ID string }
		if err := json.Unmarshal([]byte(out), &p); err != nil || p.ID == "" {
			t.Fatalf("person add %q: %v", out, err)
		}
		out, errs, code = ts.run("sam", "koers person show "+p.ID+" --json")
		var shown struct {
			CreatedBy string `json:"created_by"`
		}
		if err := json.Unmarshal([]byte(out), &shown); code != 0 || err != nil || shown.CreatedBy != "cora" {
			t.Errorf("person show: exit %d, %q, %v, stderr %q; want created_by cora", code, out, err, errs)
		}
	})
	usage := []struct{ name, account, cmd, names string }{
		{"--db refused", "cora", "koers --db /tmp/other.db search data", "--db"},
		{"--counsellor refused", "cora", "koers --counsellor sam person list", "--counsellor"},
		{"serve refused", "ada", "koers serve", "serve"},
		{"file output refused", "sam", "koers person export x -o /tmp/out.json", "--output"},
		{"server files refused", "ada", "koers import /etc/passwd", "PATH"},
		{"bad flag", "cora", "koers search --eqf 12", "--eqf"},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := ts.run(tt.account, tt.cmd)
			if code != exitUsage || !strings.Contains(errs, tt.names) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s", code, errs, tt.names)
			}
		})
	}
	rules := []struct{ name, account, cmd, rule string }{
		{"auditor may not read a file", "otto", "koers person list --json", "roles:auditor/view-person/own"},
		{"admin may not post", "ada", "koers account post --person x --scheme ila --kind accrual --amount 1", "roles:admin/post-ledger-entry/own"},
		{"counsellor may not manage accounts", "cora", "koers counsellor list", "roles:counsellor/manage-accounts/own"},
		{"counsellor erase waits for approval", "cora", "koers person erase x --yes", "roles:counsellor/erase-person/own"},
		{"restricted notes", "ada", "koers session list --person x --notes", "roles:admin/view-restricted-notes/own"},
		{"backup is not a command over SSH", "sam", "koers backup /tmp/copy.db", "roles:unmapped-command"},
		{"restore is not a command over SSH", "ada", "koers restore /tmp/copy.db --yes", "roles:unmapped-command"},
		{"migrate is not a command over SSH", "ada", "koers migrate", "roles:unmapped-command"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := ts.run(tt.account, tt.cmd)
			if code != exitRule || !strings.Contains(errs, tt.rule) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 3 naming %s", code, out, errs, tt.rule)
			}
		})
	}
	t.Run("auditor runs a report", func(t *testing.T) {
		out, errs, code := ts.run("otto", "koers report --json")
		if code != 0 || !json.Valid([]byte(out)) {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
		if _, errs, code := ts.run("cora", "koers report --json"); code != exitRule || !strings.Contains(errs, "roles:counsellor/run-report/own") {
			t.Errorf("counsellor report: exit %d, stderr %q", code, errs)
		}
	})
	t.Run("admin manages accounts", func(t *testing.T) {
		out, errs, code := ts.run("ada", "koers counsellor list --json")
		if code != 0 || !strings.Contains(out, `"cora"`) {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
}

func TestServeRefusesUnknownKeysAndPasswords(t *testing.T) {
	ts := startServer(t, serveOpts{failLimit: 3})
	stranger, _ := newSigner(t)
	// An agent with several keys offers them one by one: the refused ones
	// before the right one are not failed logins.
	var many []ssh.Signer
	for range 5 {
		k, _ := newSigner(t)
		many = append(many, k)
	}
	c, err := ts.dialWith("cora", ssh.PublicKeys(append(many, ts.keys["cora"])...))
	if err != nil {
		t.Fatalf("five other keys before the right one: %v", err)
	}
	c.Close()
	if _, err := ts.dialWith("cora", ssh.Password("secret")); err == nil {
		t.Error("password login accepted")
	}
	if _, err := ts.dialWith("cora", ssh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return []string{"x"}, nil })); err == nil {
		t.Error("keyboard-interactive login accepted")
	}
	for i := range 3 {
		if _, err := ts.dialWith("cora", ssh.PublicKeys(stranger)); err == nil {
			t.Fatalf("unknown key %d accepted", i)
		}
	}
	// The address has used its failures: even a good key is refused unseen now.
	if _, err := ts.dialWith("cora", ssh.PublicKeys(ts.keys["cora"])); err == nil {
		t.Error("a rate-limited address logged in")
	}
	logs := ts.logs.String()
	for _, want := range []string{`msg="key refused"`, "reason=\"unknown key\"", `msg="login refused"`, `msg="logins rate-limited"`, "remote=127.0.0.1"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}

func TestServeTUIPerSession(t *testing.T) {
	ts := startServer(t, serveOpts{})
	en := ts.openTUI("cora", "en_GB.UTF-8", 100, 30)
	nl := ts.openTUI("sam", "nl_BE.UTF-8", 80, 24)
	en.waitFor("koers", "Register", "offers")
	nl.waitFor("koers", "aanbiedingen")
	en.typeText("\x03") // ctrl+c quits
	if err := en.ended(10 * time.Second); err != nil {
		t.Errorf("quit: %v", err)
	}
	nl.typeText("\x03")
	if err := nl.ended(10 * time.Second); err != nil {
		t.Errorf("quit: %v", err)
	}
	if logs := ts.logs.String(); !strings.Contains(logs, "kind=tui") || !strings.Contains(logs, "account=sam") {
		t.Errorf("log lacks the sessions:\n%s", logs)
	}
}

func TestServeMaxSessions(t *testing.T) {
	ts := startServer(t, serveOpts{maxSessions: 1})
	s := ts.openTUI("cora", "en", 80, 24)
	s.waitFor("offers")
	_, errs, code := ts.run("sam", "koers stats")
	if code != 1 || !strings.Contains(errs, "full") {
		t.Errorf("second session: exit %d, stderr %q; want 1, server full", code, errs)
	}
	s.typeText("\x03")
	s.ended(10 * time.Second)
}

// TestServeIdleTimeout: a connection with no traffic is closed.
func TestServeIdleTimeout(t *testing.T) {
	ts := startServer(t, serveOpts{idle: 500 * time.Millisecond})
	s := ts.openTUI("cora", "en", 80, 24)
	// Nobody types: once the screen is drawn the connection goes idle. (No
	// wait for a text here: under the race detector the first search can
	// outlast the timeout.)
	s.ended(10 * time.Second)
}

// TestServeProfileLanguage: a command speaks the account's profile
// language whatever LANG the client sends.
func TestServeProfileLanguage(t *testing.T) {
	ts := startServer(t, serveOpts{})
	key, _ := newSigner(t)
	pub := key.PublicKey()
	if _, err := ts.st.AddCounsellor(context.Background(), sessions.Counsellor{Name: "noor", Role: sessions.RoleCounsellor, Language: "nl"},
		sessions.CounsellorKey{Fingerprint: ssh.FingerprintSHA256(pub), PublicKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))}); err != nil {
		t.Fatal(err)
	}
	ts.keys["noor"] = key
	s := ts.openTUI("noor", "fr_BE.UTF-8", 80, 24)
	s.waitFor("aanbiedingen")
	s.typeText("\x03")
	s.ended(10 * time.Second)
}

// TestServeDisabledAccountEnds: disabling an account ends its open
// session within 5 s, whether an admin disables it over SSH (the server is
// told at once) or another process changes the database (the next check).
func TestServeDisabledAccountEnds(t *testing.T) {
	t.Run("admin over SSH", func(t *testing.T) {
		ts := startServer(t, serveOpts{})
		s := ts.openTUI("cora", "nl_BE.UTF-8", 80, 24)
		s.waitFor("aanbiedingen")
		start := time.Now()
		if _, errs, code := ts.run("ada", "koers counsellor disable cora"); code != 0 {
			t.Fatalf("disable: %d %s", code, errs)
		}
		s.ended(5 * time.Second)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("session ended after %s", took)
		}
		if !strings.Contains(s.errb.String(), "dit account mag koers niet meer gebruiken") { // in the caller's language
			t.Errorf("no notice; stderr %q", s.errb.String())
		}
		if _, err := ts.dialWith("cora", ssh.PublicKeys(ts.keys["cora"])); err == nil {
			t.Error("a disabled account logged in")
		}
	})
	t.Run("another process, next check", func(t *testing.T) {
		ts := startServer(t, serveOpts{})
		s := ts.openTUI("cora", "en", 80, 24)
		s.waitFor("offers")
		if err := ts.st.As("elsewhere").DisableCounsellor(context.Background(), "cora"); err != nil {
			t.Fatal(err)
		}
		ts.recheck <- struct{}{} // the check the ticker would make
		s.ended(5 * time.Second)
		if logs := ts.logs.String(); !strings.Contains(logs, `reason="account disabled"`) {
			t.Errorf("log does not say why:\n%s", logs)
		}
	})
}

// TestServeDrainSavesDrafts: stopping the server tells the session, saves
// what the counsellor was typing in the session form, and returns within
// seconds.
func TestServeDrainSavesDrafts(t *testing.T) {
	ts := startServer(t, serveOpts{})
	out, errs, code := ts.run("cora", `koers person add --name "Drain Tester" --json`)
	if code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	var p struct{ ID string }
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	s := ts.openTUI("cora", "en", 100, 30)
	s.waitFor("offers")
	s.typeText("\t") // the people list
	s.waitFor("Drain Tester")
	s.reset()
	s.typeText("\r") // the person
	s.waitFor("Drain Tester")
	s.typeText("n") // a new session
	s.waitFor("Session with")
	s.typeText("\t\t\t\t") // focus opens on the first field: on to the summary
	s.typeText("Half-typed summary")
	s.waitFor("Half-typed summary")
	start := time.Now()
	ts.stop()
	s.ended(10 * time.Second)
	select {
	case err := <-ts.done:
		ts.done <- err // for the cleanup
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server still running 10 s after cancel")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("drain took %s", took)
	}
	if !strings.Contains(s.errb.String(), "stopping") {
		t.Errorf("no notice; stderr %q", s.errb.String())
	}
	body, _, err := ts.st.Draft(context.Background(), p.ID, sessions.DraftSession)
	if err != nil || !strings.Contains(body, "Half-typed summary") {
		t.Errorf("draft = %q, %v", body, err)
	}
}

// TestServeConnectionLostKeepsDraft: a client whose connection drops while
// the session form holds typing loses nothing: the program saves the draft
// before it stops.
func TestServeConnectionLostKeepsDraft(t *testing.T) {
	ts := startServer(t, serveOpts{})
	out, errs, code := ts.run("cora", `koers person add --name "Dropped Line" --json`)
	if code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	var p struct{ ID string }
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	s := ts.openTUI("cora", "en", 100, 30)
	s.waitFor("offers")
	s.typeText("\t")
	s.waitFor("Dropped Line")
	s.reset()
	s.typeText("\r")
	s.waitFor("Dropped Line")
	s.typeText("n")
	s.waitFor("Session with")
	s.typeText("\t\t\t\t") // focus opens on the first field: on to the summary
	s.typeText("Typed as the line dropped")
	s.waitFor("Typed as the line dropped")
	// Drop the connection at once, inside the form's 300 ms debounce.
	if err := s.client.Close(); err != nil {
		t.Fatal(err)
	}
	ts.logs.waitFor(t, `msg="session end" session=s2`)
	body, _, err := ts.st.Draft(context.Background(), p.ID, sessions.DraftSession)
	if err != nil || !strings.Contains(body, "Typed as the line dropped") {
		t.Errorf("draft = %q, %v", body, err)
	}
}

// TestServeLogsHoldNoPersonData drives a session that creates a person,
// records notes and searches for them, then looks for any of it in the log.
func TestServeLogsHoldNoPersonData(t *testing.T) {
	ts := startServer(t, serveOpts{})
	const name, note = "Quistgaard Vandersteen", "prefers-evening-classes-zz"
	out, errs, code := ts.run("cora", `koers person add --name "`+name+`" --email q.v@example.org --json`)
	if code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	var p struct{ ID string }
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		`koers session add --person ` + p.ID + ` --summary "met ` + name + `" --notes "` + note + `"`,
		`koers person list Quistgaard --json`,
		`koers session list --person ` + p.ID + ` --notes --json`,
		`koers "` + name + `"`, // an unknown command that is a name
	} {
		ts.run("cora", cmd)
	}
	s := ts.openTUI("cora", "en", 100, 30)
	s.waitFor("offers")
	s.typeText("\t")
	s.waitFor("Quistgaard")
	s.typeText("\x03")
	s.ended(10 * time.Second)
	logs := ts.logs.String()
	if !strings.Contains(logs, "account=cora") || !strings.Contains(logs, `msg="session end"`) ||
		!strings.Contains(logs, "command=person") || !strings.Contains(logs, `command=?`) {
		t.Fatalf("the log capture missed the sessions:\n%s", logs)
	}
	for _, secret := range []string{"Quistgaard", "Vandersteen", note, "q.v@example.org", p.ID} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds %q:\n%s", secret, logs)
		}
	}
}

// TestServeCheck validates without serving.
func TestServeCheck(t *testing.T) {
	dir := t.TempDir()
	db, hk := dir+"/koers.db", dir+"/hk"
	if code, _, errs := peopleCLI(t, db, "", "stats"); code != 0 {
		t.Fatalf("create db: %s", errs)
	}
	code, out, errs := peopleCLI(t, db, "", "serve", "--check", "--host-key", hk)
	if code != exitRule || !strings.Contains(errs, "no account") || !strings.Contains(out, "created on first start") {
		t.Errorf("no accounts: exit %d, out %q, err %q", code, out, errs)
	}
	key, _ := newPubKey(t)
	if code, _, errs := peopleCLI(t, db, "", "counsellor", "add", "ada", "--key", key, "--role", "admin"); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := peopleCLI(t, db, "", "serve", "--check", "--host-key", hk); code != 0 || !strings.Contains(out, "1 active of 1") {
		t.Errorf("ready: exit %d, out %q, err %q", code, out, errs)
	}
	if code, _, errs := peopleCLI(t, "postgres://koers@127.0.0.1:1/koers", "", "serve", "--check"); code != exitUsage || !strings.Contains(errs, "--db") {
		t.Errorf("postgres: exit %d, err %q", code, errs)
	}
	for _, args := range [][]string{{"--listen", "nowhere"}, {"--max-sessions", "-1"}, {"--idle-timeout", "-1s"}} {
		if code, _, errs := peopleCLI(t, db, "", append([]string{"serve", "--check"}, args...)...); code != exitUsage || !strings.Contains(errs, args[0]) {
			t.Errorf("%v: exit %d, err %q", args, code, errs)
		}
	}
}
