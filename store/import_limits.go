package store

import (
	"archive/zip"
	"fmt"

	"github.com/koers-project/koers/catalog"
)

// checkZip refuses a zip that exceeds the import limits (entries, size per
// entry and in total, compression ratio) from its central directory,
// before anything is inflated. archive/zip then holds every entry to its
// declared size (it fails an entry that inflates beyond it), so the
// header sizes checked here bound what reading can cost.
func checkZip(label string, z *zip.Reader, lim catalog.Limits) error {
	entries := make([]catalog.ZipEntry, 0, len(z.File))
	for _, f := range z.File {
		if f.FileInfo().IsDir() {
			continue
		}
		entries = append(entries, catalog.ZipEntry{Name: f.Name, Compressed: f.CompressedSize64, Actual: f.UncompressedSize64})
	}
	if err := catalog.CheckZip(label, entries, lim); err != nil {
		return fmt.Errorf("%w: %w", ErrImportInput, err)
	}
	return nil
}
