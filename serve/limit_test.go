package serve

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	l := newLimiter(3, time.Minute, func() time.Time { return now })
	for i := 1; i <= 3; i++ {
		if l.blocked("10.0.0.1") {
			t.Fatalf("blocked before failure %d", i)
		}
		if last := l.fail("10.0.0.1"); last != (i == 3) {
			t.Errorf("failure %d reported last=%v", i, last)
		}
	}
	if !l.blocked("10.0.0.1") {
		t.Error("not blocked after 3 failures")
	}
	if l.blocked("10.0.0.2") {
		t.Error("another address blocked")
	}
	now = now.Add(59 * time.Second)
	if !l.blocked("10.0.0.1") {
		t.Error("unblocked inside the window")
	}
	now = now.Add(time.Second)
	if l.blocked("10.0.0.1") {
		t.Error("still blocked once the window passed")
	}
	if l.fail("10.0.0.1") {
		t.Error("a new window starts from zero")
	}
}

func TestCommandName(t *testing.T) {
	known := map[string]bool{"search": true, "person": true}
	tests := []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"search", "Ann Peeters"}, "search"},
		{[]string{"person", "add", "--name", "Ann"}, "person"},
		{[]string{"Ann Peeters"}, "?"},
		{[]string{"ann"}, "?"},
		{[]string{"--db=/x"}, "?"},
	}
	for _, tt := range tests {
		if got := commandName(known, tt.args); got != tt.want {
			t.Errorf("commandName(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
