package supportpage

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/jobs"
)

// Jobs are the import jobs the page shows, read-only: *jobs.Queue, opened read-only.
type Jobs interface {
	List(ctx context.Context, organizationID string) ([]*jobs.Status, error)
	Get(ctx context.Context, id int64) (*jobs.Status, error)
	ErrorsFile(ctx context.Context, id int64) (*jobs.ErrorsFile, error)
}

// jobsView is the jobs page: an organization's import jobs, newest first.
type jobsView struct {
	Org        string
	ReloadHref string
	Rows       []jobRow
	Refreshing bool // a job is queued or running: the page reloads itself
}

// jobRow is a job as the page shows it.
type jobRow struct {
	ID                 int64
	State, StateText   string
	File, Enqueued     string
	Done, Total, Max   int // Max is the progress bar's, 1 before a worker counts the rows
	Counts             []countView
	Reason, ErrorsHref string
	// ErrorsLang names, in the page's words, the language of the errors file's error column: the
	// job's, given at enqueue, which may not be the page's.
	ErrorsLang, ErrorsLangCode string
}

// jobsOrg is the organization whose jobs are asked for: serve's --org, else the one typed in.
func (s *Server) jobsOrg(r *http.Request) string {
	if s.cfg.Org != "" {
		return s.cfg.Org
	}
	return strings.TrimSpace(r.URL.Query().Get("org"))
}

// jobsLink is the jobs page of org, or the page asking for one.
func jobsLink(org string) string {
	if org == "" {
		return "/jobs"
	}
	return (&url.URL{Path: "/jobs", RawQuery: url.Values{"org": {org}}.Encode()}).String()
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, requestOf(r))
	org := s.jobsOrg(r)
	v.Jobs = &jobsView{Org: org, ReloadHref: jobsLink(org)}
	if org == "" {
		s.render(w, http.StatusOK, v)
		return
	}
	list, err := s.cfg.Jobs.List(r.Context(), org)
	if err != nil {
		s.cfg.Log.Error("listing the import jobs failed", "org", org, "err", err)
		v.Notice = &notice{ID: "jobs-error", Lead: v.W.JobsError, Text: err.Error()}
		s.render(w, http.StatusInternalServerError, v)
		return
	}
	for _, status := range list {
		v.Jobs.Rows = append(v.Jobs.Rows, jobRowOf(status, v.W))
		v.Jobs.Refreshing = v.Jobs.Refreshing || status.State == jobs.Queued || status.State == jobs.Running
	}
	s.render(w, http.StatusOK, v)
}

func jobRowOf(status *jobs.Status, ws *words) jobRow {
	row := jobRow{
		ID:        status.ID,
		State:     string(status.State),
		StateText: ws.StateText[string(status.State)],
		File:      status.File,
		Enqueued:  status.EnqueuedAt.Local().Format(time.DateTime),
		Done:      status.RowsDone,
		Total:     status.RowsTotal,
		Max:       max(status.RowsTotal, 1),
		Reason:    status.Reason,
	}
	for _, st := range importer.Statuses {
		if n := status.Counts[st]; n > 0 {
			row.Counts = append(row.Counts, countView{Status: string(st), Label: ws.StatusText[string(st)], N: n})
		}
	}
	if status.State == jobs.Finished && status.ErrorsFile != "" {
		row.ErrorsHref = (&url.URL{Path: "/jobs/" + strconv.FormatInt(status.ID, 10) + "/errors",
			RawQuery: url.Values{"org": {status.OrganizationID}}.Encode()}).String()
		row.ErrorsLang, row.ErrorsLangCode = ws.langName(status.Lang), status.Lang
	}
	return row
}

// jobErrorsDownload is a job's errors file, the bytes `jobs show ID --errors-csv` writes, named
// as the page names a check's. Only a job of the organization asked for is served.
func (s *Server) jobErrorsDownload(w http.ResponseWriter, r *http.Request) {
	status, ok := s.askedJob(w, r)
	if !ok {
		return
	}
	errorsFile, err := s.cfg.Jobs.ErrorsFile(r.Context(), status.ID)
	if errors.Is(err, jobs.ErrNoReport) {
		s.jobNotFound(w, r)
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	// The errors file is of the imported file's kind, as its name says: a workbook for a workbook.
	ext, contentType := filepath.Ext(errorsFile.Name), "text/csv"
	if strings.EqualFold(ext, ".xlsx") {
		contentType = xlsxType
	}
	download := &headedOnWrite{w: w, header: http.Header{
		"Content-Type":        {contentType},
		"Content-Disposition": {attachment(baseName(status.File) + "_errors" + ext)},
		"Content-Length":      {strconv.FormatInt(errorsFile.Size, 10)},
		"Last-Modified":       {status.FinishedAt.UTC().Format(http.TimeFormat)},
	}}
	if r.Method == http.MethodHead {
		download.Write(nil)
		return
	}
	if err := errorsFile.Copy(r.Context(), download); err != nil {
		if r.Context().Err() != nil {
			return // the browser went away
		}
		if !download.begun {
			s.failed(w, r, err)
			return
		}
		// The answer has begun: it is cut short, which the browser reports as a failed download.
		s.cfg.Log.Warn("sending a job's errors file failed", "job", status.ID, "error", err)
		panic(http.ErrAbortHandler)
	}
	download.Write(nil) // the headers of an empty file
}

// headedOnWrite sets the download's headers at its first byte, so that a download that fails
// before it can still be answered with the page's error.
type headedOnWrite struct {
	w      http.ResponseWriter
	header http.Header
	begun  bool
}

func (h *headedOnWrite) Write(p []byte) (int, error) {
	if !h.begun {
		for name, values := range h.header {
			h.w.Header()[name] = values
		}
		h.begun = true
	}
	return h.w.Write(p)
}

// askedJob is the job the path names, when it is of the organization asked for; any other is
// answered as absent, so that the page tells nothing of other organizations' jobs.
func (s *Server) askedJob(w http.ResponseWriter, r *http.Request) (*jobs.Status, bool) {
	org := s.jobsOrg(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if org == "" || err != nil {
		s.jobNotFound(w, r)
		return nil, false
	}
	status, err := s.cfg.Jobs.Get(r.Context(), id)
	switch {
	case errors.Is(err, jobs.ErrNoSuchJob) || (err == nil && status.OrganizationID != org):
		s.jobNotFound(w, r)
		return nil, false
	case err != nil:
		s.failed(w, r, err)
		return nil, false
	}
	return status, true
}

func (s *Server) jobNotFound(w http.ResponseWriter, r *http.Request) {
	s.showNotice(w, r, http.StatusNotFound, notice{ID: "job-not-found", Text: wordsIn[requestOf(r).lang].JobNotFound})
}
