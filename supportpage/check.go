package supportpage

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

// check runs validate's dry run on the uploaded file and shows its result page. At most
// Config.Checks run at once; one more is told at once that the page is busy.
func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	q := requestOf(r)
	ws := wordsIn[q.lang]
	select {
	case s.checks <- struct{}{}:
		defer func() { <-s.checks }()
	default:
		// Answered before any of the upload is read, and the connection closed, so that the
		// answer waits on no upload however slow.
		w.Header().Set("Connection", "close")
		s.showNotice(w, r, http.StatusServiceUnavailable, notice{ID: "busy", Text: ws.Busy})
		return
	}
	lift := guardUpload(w, r, s.cfg.UploadIdle)
	body := r.Body
	dir, err := s.results.newDir()
	if err != nil {
		s.failed(w, r, err)
		return
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}()
	up, err := s.receive(w, r, filepath.Join(dir, "upload"), s.cfg.MaxUpload)
	if err != nil {
		s.refuse(w, r, body, err)
		return
	}
	lift()
	// The upload is the merchant's data: gone once the answer is sent.
	defer os.Remove(up.path)
	if s.cfg.Org != "" {
		up.org = s.cfg.Org
	}
	if up.org == "" {
		s.showNotice(w, r, http.StatusUnprocessableEntity, notice{ID: "check-error", Text: ws.NoOrg})
		return
	}
	res, err := s.run(r, q, up, dir)
	var fileErr *importer.FileError
	switch {
	case errors.As(err, &fileErr):
		s.showNotice(w, r, http.StatusUnprocessableEntity, notice{ID: "file-error", Lead: ws.FileError, Text: fileErr.Render(q.lang), Sheets: sheetsToChoose(fileErr)})
	case errors.Is(err, importer.ErrUnknownOrganization), errors.Is(err, orgclient.ErrPermissionDenied):
		s.showNotice(w, r, http.StatusUnprocessableEntity, notice{ID: "check-error", Lead: ws.CheckError, Text: err.Error()})
	case err != nil:
		// Why is on the page only: an error about a row could quote the merchant's cells.
		s.cfg.Log.Warn("a check could not finish", "org", up.org)
		s.showNotice(w, r, http.StatusBadGateway, notice{ID: "check-error", Lead: ws.CheckError, Text: err.Error()})
	case s.stopping.Load():
		// No next request will be served: the result is shown in this answer, downloads aside.
		s.results.add(res)
		s.showResult(w, r, res, &notice{ID: "stopping", Text: ws.Stopping})
	default:
		keep = true
		s.results.add(res)
		http.Redirect(w, r, "/results/"+res.id, http.StatusSeeOther)
	}
}

// run is the check itself: importer.DryRun, as validate runs it, with the page's language.
func (s *Server) run(r *http.Request, q *request, up *upload, dir string) (*result, error) {
	start := time.Now()
	res := &result{
		session:    q.session,
		lang:       q.lang,
		made:       start,
		dir:        dir,
		name:       up.name,
		workbook:   importer.IsWorkbook(up.path),
		reportPath: filepath.Join(dir, "report.csv"),
	}
	res.errorsPath = filepath.Join(dir, "errors"+res.errorsExt())
	collect, err := newCollector(res, q.lang)
	if err != nil {
		return nil, err
	}
	job := importer.Job{
		OrganizationID: up.org,
		Path:           up.path,
		Encoding:       importer.EncodingAuto,
		Lang:           q.lang,
		Platform:       s.cfg.Platform,
		Clock:          importer.SystemClock{},
		Concurrency:    1,
		Report:         collect,
		ErrorsCSVPath:  res.errorsPath,
		// The reader's warnings name the file's columns: the server's log gets none of its text.
		Log: slog.New(slog.DiscardHandler),
	}
	if res.workbook {
		job.Sheet = up.sheet // a CSV has no sheets: a choice made for another file does not apply
	}
	summary, err := importer.DryRun(r.Context(), job, s.cfg.OpenLookup)
	err = errors.Join(err, collect.finish(res))
	if err != nil {
		return nil, err
	}
	res.rows, res.counts, res.notRead = summary.Rows, summary.Counts, summary.Warnings
	if summary.Count(importer.StatusInvalid) == 0 {
		os.Remove(res.errorsPath)
		res.errorsPath = ""
	}
	res.bytes = fileSize(res.all.path) + fileSize(res.invalid.path) + fileSize(res.reportPath) + fileSize(res.errorsPath)
	res.reply = collect.tally.Reply(q.lang, importer.ReplyFile{Name: res.errorsName(), Workbook: res.workbook})
	s.cfg.Log.Info("checked a file", "org", up.org, "rows", summary.Rows, "invalid", summary.Count(importer.StatusInvalid),
		"bytes", fileSize(up.path), "took", time.Since(start).Round(time.Millisecond))
	return res, nil
}

// sheetsToChoose are the sheets to offer when the workbook's sheet is the question: the page has
// no --sheet, so it asks with a list of them.
func sheetsToChoose(err *importer.FileError) []string {
	if err.Code == importer.FileSeveralSheets || err.Code == importer.FileNoSuchSheet {
		return err.Names
	}
	return nil
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

// refuse answers a form that could not be taken.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, body io.Reader, err error) {
	ws := wordsIn[requestOf(r).lang]
	drain(body, s.cfg.MaxUpload)
	switch {
	case errors.Is(err, errStalled):
		s.showNotice(w, r, http.StatusRequestTimeout, notice{ID: "check-error", Lead: ws.CheckError, Text: errStalled.Error()})
	case errors.Is(err, errTooLarge):
		s.showNotice(w, r, http.StatusRequestEntityTooLarge, notice{ID: "too-large", Text: fmt.Sprintf(ws.TooLarge, humanize.IBytes(uint64(s.cfg.MaxUpload)))})
	case errors.Is(err, errForbidden):
		s.forbidden(w, r)
	case errors.Is(err, errNoFile):
		s.showNotice(w, r, http.StatusBadRequest, notice{ID: "check-error", Text: ws.NoFile})
	default:
		s.showNotice(w, r, http.StatusBadRequest, notice{ID: "check-error", Lead: ws.CheckError, Text: err.Error()})
	}
}

func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Log.Error("the page failed", "err", err)
	s.showNotice(w, r, http.StatusInternalServerError, notice{ID: "check-error", Lead: wordsIn[requestOf(r).lang].CheckError, Text: err.Error()})
}

// errorsExt is the errors file's kind, the input's: a workbook for a workbook.
func (res *result) errorsExt() string {
	if res.workbook {
		return ".xlsx"
	}
	return ".csv"
}

// baseName is the merchant's file's name without its extension, for the downloads' names.
func baseName(name string) string {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	if base == "" || base == "." {
		return "stores"
	}
	return base
}

func (res *result) errorsName() string { return baseName(res.name) + "_errors" + res.errorsExt() }

func (res *result) reportName() string { return baseName(res.name) + "_report.csv" }
