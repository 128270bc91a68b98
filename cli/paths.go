package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/storedb"
)

// namedPath is a file the run uses, with what it is to the user.
type namedPath struct{ what, path string }

// checkErrorsCSVPath refuses an --errors-csv path that would replace a file the run reads or
// writes: the merchant's file, the token, the database or a file SQLite keeps beside it. The
// errors CSV is renamed into place at the end of the run, so a slip on the command line would
// otherwise destroy the very file support has to send back, or the stores' database.
func (o *importOptions) checkErrorsCSVPath(cmd *cobra.Command) error {
	errorsCSV := o.Input.ErrorsCSV
	if errorsCSV == "" {
		return nil
	}
	used := []namedPath{
		{"the CSV file being imported", o.Input.File},
		{"the token file (--token-file)", o.Platform.TokenFile},
	}
	if db := o.DB.Target; db != "" && storedb.IsFile(db) {
		used = append(used, namedPath{"the database (--db)", db})
		for _, sidecar := range storedb.SidecarPaths(db) {
			used = append(used, namedPath{"a file SQLite keeps beside the database (--db)", sidecar})
		}
	}
	for _, u := range used {
		if u.path != "" && sameFile(errorsCSV, u.path) {
			return usageError(cmd, "--errors-csv %s would replace %s, %s; give the errors CSV a path of its own", errorsCSV, u.path, u.what)
		}
	}
	return nil
}

// sameFile reports whether paths a and b name one file. Where both exist the file system says
// (hard links, symlinks, ./x and x); where one does not exist yet, as SQLite's sidecar files
// mostly do not, they are one file if they are the same name in the same directory.
func sameFile(a, b string) bool {
	if same, bothExist := sameExisting(a, b); bothExist {
		return same
	}
	a, b = absolute(a), absolute(b)
	if filepath.Base(a) != filepath.Base(b) {
		return false
	}
	if same, bothExist := sameExisting(filepath.Dir(a), filepath.Dir(b)); bothExist {
		return same
	}
	return a == b
}

func sameExisting(a, b string) (same, bothExist bool) {
	aInfo, err := os.Stat(a)
	if err != nil {
		return false, false
	}
	bInfo, err := os.Stat(b)
	if err != nil {
		return false, false
	}
	return os.SameFile(aInfo, bInfo), true
}

func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}
