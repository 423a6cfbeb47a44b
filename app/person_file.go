package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// WritePersonFile writes everything held on the person (their access
// request: ExportPerson, audited by the store) as indented JSON to path,
// readable by the owner only. Without overwrite an existing file is
// refused (the TUI asks for a new name); the CLI's -o replaces it, as it
// always did.
func (a *App) WritePersonFile(ctx context.Context, id, path string, overwrite bool) error {
	path = strings.TrimSpace(path)
	if path == "" {
		return invalid("output", "people.file.err.path", nil)
	}
	if _, err := a.MustPerson(ctx, "person", id); err != nil {
		return err
	}
	f, err := a.ExportPerson(ctx, id)
	if err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !overwrite {
		flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	w, err := os.OpenFile(path, flags, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return invalid("output", "app.err.exists", err, "Path", path)
	}
	if err != nil {
		return invalid("output", "people.file.err.write", err, "Path", path, "Err", err.Error())
	}
	if err := EncodeJSON(w, f); err != nil {
		w.Close()
		return fmt.Errorf("export %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("export %s: %w", path, err)
	}
	return nil
}

// EncodeJSON writes v as JSON indented by two spaces, the one shape of
// every JSON file and output koers writes.
func EncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
