package postgres

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// The places a password can stand in a target. The patterns over-mask rather than under-mask: a
// target that does not parse is shown redacted too, and its password must not show either.
var (
	// postgres://user:PASSWORD@host: up to the last '@', as a password may hold an unescaped one.
	urlPassword = regexp.MustCompile(`^(postgres(?:ql)?://[^:/?#@]*:)(.*)(@[^@]*)$`)
	// ?password=PASSWORD or &sslpassword=PASSWORD
	queryPassword = regexp.MustCompile(`(?i)([?&](?:ssl)?password=)([^&#]*)`)
	// password=PASSWORD or password='PASS WORD' (to the end when the quote is never closed)
	keywordPassword = regexp.MustCompile(`(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|(?:[^\s\\]|\\.)+)`)
)

const mask = "xxxxx"

// Redact returns target with every password in it masked, fit to print in a message or a log.
func Redact(target string) string {
	if !isURL(target) {
		return keywordPassword.ReplaceAllString(target, "${1}"+mask)
	}
	target = queryPassword.ReplaceAllString(target, "${1}"+mask)
	return urlPassword.ReplaceAllString(target, "${1}"+mask+"${3}")
}

// passwordsIn lists the passwords written in target, as written and as the server gets them.
func passwordsIn(target string) []string {
	var found []string
	if !isURL(target) {
		for _, m := range keywordPassword.FindAllStringSubmatch(target, -1) {
			unquoted := strings.TrimSuffix(strings.TrimPrefix(m[2], "'"), "'")
			found = append(found, m[2], strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(unquoted))
		}
		return found
	}
	var written []string
	for _, m := range queryPassword.FindAllStringSubmatch(target, -1) {
		written = append(written, m[2])
	}
	if m := urlPassword.FindStringSubmatch(target); m != nil {
		written = append(written, m[2])
	}
	for _, w := range written {
		found = append(found, w)
		if decoded, err := url.PathUnescape(w); err == nil {
			found = append(found, decoded)
		}
	}
	return found
}

// maskedError is an error whose text has the passwords it might quote masked. pgx takes care not
// to quote one, but a password must never reach a message, however pgx words its errors.
type maskedError struct {
	text string
	err  error
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

// targetError says what failed on the database target, shown redacted, and why, with every
// password the target holds (or pgx found elsewhere, as in PGPASSWORD) masked out of the cause.
func targetError(what, target string, err error, passwords ...string) error {
	cause := err.Error()
	var parse *pgconn.ParseConfigError
	if errors.As(err, &parse) {
		// pgx quotes the target, which is already shown, and masks a password that a broken
		// quote leaves open only up to the next space: keep only what it says is wrong.
		cause = "it is neither a PostgreSQL URL nor a keyword/value string pgx can read"
		if _, wrong, found := strings.Cut(err.Error(), "`: "); found {
			cause = wrong
		}
	}
	for _, password := range append(passwordsIn(target), passwords...) {
		if password != "" {
			cause = strings.ReplaceAll(cause, password, mask)
		}
	}
	return &maskedError{text: fmt.Sprintf("%s %s: %s", what, Redact(target), cause), err: err}
}
