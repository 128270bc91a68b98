//go:build unix

package cli

import (
	"testing"

	"github.com/acme/storeimport/internal/permtest"
)

// A filled-in template holds merchants' phone numbers and addresses, and support may write a new
// one over it. Not parallel: the umask is the whole process's.
func TestTemplateKeepsMerchantDataPrivate(t *testing.T) {
	permtest.CheckWrite(t, func(t *testing.T, path string) {
		if err := runTemplate(&templateOptions{Lang: "ja", Example: true, Format: "csv", Encoding: "utf8", Output: path}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTemplateWorkbookKeepsMerchantDataPrivate(t *testing.T) {
	permtest.CheckWrite(t, func(t *testing.T, path string) {
		if err := runTemplate(&templateOptions{Lang: "ja", Example: true, Format: "xlsx", Encoding: "utf8", Output: path}); err != nil {
			t.Fatal(err)
		}
	})
}
