package supportpage

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// formOverhead is what a check's form may add to the file: its other fields and the multipart
// boundaries.
const formOverhead = 64 << 10

var (
	errTooLarge  = errors.New("the upload is over the cap")
	errForbidden = errors.New("the form's CSRF token is missing or wrong")
	errNoFile    = errors.New("no file was sent")
)

// upload is a check's form as received: the file streamed to disk, never held whole in memory.
type upload struct {
	org   string
	sheet string // a workbook's sheet, once the page asked which
	path  string // "" when no file was sent
	name  string // the file's name as the browser sent it, without a directory
}

// receive reads the check's form from r, the file to path, at most limit bytes of it. The CSRF
// token must come before the file (the page's form puts it first), so that no file is written
// for a forged request.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, path string, limit int64) (*upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+formOverhead)
	form, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("reading the form: %w", err)
	}
	up := &upload{}
	csrf := false
	for range 8 { // the form has four fields at most; a few more are let by, not read
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, tooLarge(fmt.Errorf("reading the form: %w", err))
		}
		switch name := part.FormName(); {
		case name == "csrf":
			token, err := small(part)
			if err != nil || !s.csrfOK(requestOf(r), token) {
				return nil, tooLarge(errors.Join(errForbidden, err))
			}
			csrf = true
		case !csrf:
			return nil, errForbidden
		case name == "org":
			if up.org, err = small(part); err != nil {
				return nil, tooLarge(err)
			}
		case name == "sheet":
			if up.sheet, err = small(part); err != nil {
				return nil, tooLarge(err)
			}
		case name == "file" && part.FileName() != "":
			up.name = filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
			if err := save(part, path, limit); err != nil {
				return nil, err
			}
			up.path = path
		}
		part.Close()
	}
	if !csrf {
		return nil, errForbidden
	}
	if up.path == "" {
		return nil, errNoFile
	}
	return up, nil
}

// small reads a short field of the form.
func small(part *multipart.Part) (string, error) {
	value, err := io.ReadAll(io.LimitReader(part, 1024))
	return strings.TrimSpace(string(value)), err
}

// save streams the file to path, refusing it once it is over limit.
func save(part io.Reader, path string, limit int64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("saving the upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(part, limit+1))
	err = errors.Join(tooLarge(err), f.Close())
	if err == nil && n > limit {
		err = errTooLarge
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// tooLarge says errTooLarge for a body cut off by http.MaxBytesReader.
func tooLarge(err error) error {
	if maxBytes := (*http.MaxBytesError)(nil); errors.As(err, &maxBytes) {
		return errTooLarge
	}
	return err
}

// drain reads what is left of a refused upload, up to a bound, so that the browser, still
// sending, reads the answer instead of a reset connection.
func drain(body io.Reader, limit int64) {
	io.Copy(io.Discard, io.LimitReader(body, 2*limit+formOverhead))
}
