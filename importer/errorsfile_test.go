//go:build unix

package importer

import (
	"testing"

	"github.com/acme/storeimport/internal/permtest"
)

// The errors file holds merchants' phone numbers and addresses, as a CSV or as a workbook. Not
// parallel: the umask is the whole process's.
func TestErrorsFileKeepsMerchantDataPrivate(t *testing.T) {
	for _, plan := range []*Plan{
		{header: []string{"public_id", "phone"}, encoding: EncodingUTF8},
		{header: []string{"public_id", "phone"}, sheet: "店舗一覧"},
	} {
		permtest.CheckWrite(t, func(t *testing.T, path string) {
			e, err := createErrorsFile(path, plan, LangEN)
			if err != nil {
				t.Fatal(err)
			}
			defer e.abandon()
			if err := e.commit(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
