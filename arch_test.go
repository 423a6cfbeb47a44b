package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportDirections holds the house's direction of imports
// (../shared/DESIGN.md, Architecture): main → cli → {tui, app}, tui → app,
// app → {store, export, present}, export → present, present → {sessions,
// catalog, locale}, store → {sessions, catalog}; nothing imports cli; tui
// and cli never import store; catalog and sessions are the functional core.
// It reads the package graph from `go list` (production code; tests may
// build fixtures through the store).
func TestImportDirections(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Skipf("go list: %v (needs the go command)", err)
	}
	const mod = "github.com/koers-project/koers"
	// allowed lists, per package, the koers packages it may import.
	allowed := map[string][]string{
		"":                {"cli"},
		"cli":             {"app", "tui", "serve", "present", "export", "catalog", "sessions", "locale", "report"},
		"serve":           {"sessions"},
		"tui":             {"app", "present", "export", "catalog", "sessions", "locale", "report"},
		"app":             {"vault", "store", "store/postgres", "export", "present", "catalog", "catalog/sample", "catalog/esco", "sessions", "locale", "report"},
		"export":          {"present", "catalog", "sessions", "locale", "report"},
		"present":         {"catalog", "sessions", "locale"},
		"store":           {"vault", "catalog", "sessions", "report"},
		"store/postgres":  {"vault", "store", "catalog", "sessions", "report"},
		"store/pgtest":    {},
		"store/storetest": {"store", "vault", "catalog", "sessions"},
		// report is functional core like sessions: aggregates from plain
		// rows, no SQL, no terminal; the store feeds it, faces print it; its
		// renderers make data safe through present.
		"report":   {"present"},
		"sessions": {"catalog"},
		"catalog":  {},
		// vault is pure crypto (seal, open, wrap, blind index): no SQL, no
		// terminal; the stores seal through it.
		"vault":               {},
		"locale":              {},
		"catalog/sample":      {"catalog"},
		"catalog/sample/gen":  {"catalog", "catalog/esco"},
		"catalog/esco":        {"catalog"},
		"catalog/esco/gen":    {"catalog", "catalog/esco"},
		"bench/registerbench": {"store", "catalog"},
		// payloads hands the tests of every face the shared hostile strings.
		"internal/payloads": {},
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], mod), "/")
		ok, known := allowed[pkg]
		if !known {
			// a new package: it must not import cli, and must be listed here
			// once its place in the house is decided.
			t.Errorf("package %q is not in the import rules of this test; add it with what it may import", pkg)
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, mod+"/")
			if !slices.Contains(ok, dep) {
				t.Errorf("%s imports %s: against the house's direction of imports", fields[0], imp)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("read only %d packages from go list", seen)
	}
}
