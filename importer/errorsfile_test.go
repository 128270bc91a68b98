//go:build unix

package importer

import (
	"testing"

	"github.com/acme/storeimport/internal/permtest"
)

// The errors CSV holds merchants' phone numbers and addresses. Not parallel: the umask is the
// whole process's.
func TestErrorsFileKeepsMerchantDataPrivate(t *testing.T) {
	permtest.CheckWrite(t, func(t *testing.T, path string) {
		e, err := createErrorsFile(path, []string{"public_id", "phone"}, EncodingUTF8)
		if err != nil {
			t.Fatal(err)
		}
		defer e.abandon()
		if err := e.commit(); err != nil {
			t.Fatal(err)
		}
	})
}
