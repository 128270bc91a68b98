package supportpage

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/acme/storeimport/importer"
)

// resultView is a check's result page: the counts, the downloads, the reply and a page of rows.
type resultView struct {
	Name, Lang, LangNote, RowsText string
	Counts                         []countView
	NotRead                        []warningView
	Workbook, InvalidOnly          bool
	Table                          []rowView
	Page, Pages                    int
	PrevHref, NextHref             string
	AllHref, InvalidHref           string
	ErrorsHref, ReportHref         string
	Reply                          string
	ReplyRows                      int // the reply's lines, so that all of it shows
}

type countView struct {
	Status, Label string
	N             int
}

// warningView is a column of the file that was not read, said in the check's language.
type warningView struct {
	Code, Column, Text string
	Index              int
}

// rowView is a line of the table: a problem of a row, or a row with none.
type rowView struct {
	Line                                          int
	PublicID, Status, StatusText, Column, Message string
	Cell                                          string
}

// shownStatuses are always counted; the others only when some row has them.
var shownStatuses = []importer.Status{importer.StatusWouldCreate, importer.StatusWouldSkip, importer.StatusInvalid}

func (s *Server) result(w http.ResponseWriter, r *http.Request) (*result, bool) {
	res, ok := s.results.get(r.PathValue("id"), requestOf(r).session)
	if !ok {
		ws := wordsIn[requestOf(r).lang]
		s.showNotice(w, r, http.StatusNotFound, notice{ID: "not-found", Text: fmt.Sprintf(ws.NotFound, keepFor(s.cfg.Keep, ws.Lang))})
	}
	return res, ok
}

func (s *Server) resultPage(w http.ResponseWriter, r *http.Request) {
	res, ok := s.result(w, r)
	if !ok {
		return
	}
	s.showResult(w, r, res, nil)
}

// showResult renders a page of res's rows, as r's query asks, with a notice above it if any.
func (s *Server) showResult(w http.ResponseWriter, r *http.Request, res *result, n *notice) {
	v := s.newView(r, requestOf(r))
	v.Notice = n
	rv := &resultView{
		Name:       res.name,
		Lang:       res.lang,
		RowsText:   fmt.Sprintf(v.W.Rows, res.rows),
		Workbook:   res.workbook,
		Reply:      res.reply,
		ReplyRows:  strings.Count(res.reply, "\n") + 2,
		ReportHref: "/results/" + res.id + "/report.csv",
	}
	if res.lang != v.W.Lang {
		rv.LangNote = fmt.Sprintf(v.W.ResultLang, v.W.langName(res.lang))
	}
	if res.errorsPath != "" {
		rv.ErrorsHref = "/results/" + res.id + "/errors"
	}
	for _, status := range importer.Statuses {
		if n := res.counts[status]; n > 0 || slices.Contains(shownStatuses, status) {
			rv.Counts = append(rv.Counts, countView{Status: string(status), Label: v.W.StatusText[string(status)], N: n})
		}
	}
	for _, w := range res.notRead {
		rv.NotRead = append(rv.NotRead, warningView{Code: string(w.Code), Column: w.Column, Index: w.Index, Text: w.Render(res.lang)})
	}
	rows := &res.all
	rv.InvalidOnly = r.URL.Query().Get("invalid") == "1"
	if rv.InvalidOnly {
		rows = &res.invalid
	}
	rv.Pages = rows.pageCount()
	rv.Page = min(max(1, atoi(r.URL.Query().Get("page"))), rv.Pages)
	shown, err := rows.page(rv.Page - 1)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	for _, row := range shown {
		rv.Table = append(rv.Table, tableLines(row, v.W)...)
	}
	link := func(page int, invalid bool) string {
		query := url.Values{}
		if page > 1 {
			query.Set("page", strconv.Itoa(page))
		}
		if invalid {
			query.Set("invalid", "1")
		}
		return (&url.URL{Path: "/results/" + res.id, RawQuery: query.Encode()}).String()
	}
	rv.AllHref, rv.InvalidHref = link(1, false), link(1, true)
	if rv.Page > 1 {
		rv.PrevHref = link(rv.Page-1, rv.InvalidOnly)
	}
	if rv.Page < rv.Pages {
		rv.NextHref = link(rv.Page+1, rv.InvalidOnly)
	}
	v.Result = rv
	s.render(w, http.StatusOK, v)
}

// tableLines are a row's lines in the table: one per problem, or one with no column or message.
func tableLines(row shownRow, ws *words) []rowView {
	line := rowView{Line: row.Line, PublicID: row.PublicID, Status: row.Status, StatusText: ws.StatusText[row.Status]}
	if len(row.Problems) == 0 {
		return []rowView{line}
	}
	lines := make([]rowView, len(row.Problems))
	for i, p := range row.Problems {
		lines[i] = line
		lines[i].Column, lines[i].Cell, lines[i].Message = p.Column, p.Cell, p.Message
	}
	return lines
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 1
	}
	return n
}

// errorsDownload is the errors file: the bytes validate --errors-csv writes, in the check's language.
func (s *Server) errorsDownload(w http.ResponseWriter, r *http.Request) {
	res, ok := s.result(w, r)
	if !ok {
		return
	}
	if res.errorsPath == "" {
		http.NotFound(w, r)
		return
	}
	contentType := "text/csv"
	if res.workbook {
		contentType = xlsxType
	}
	attach(w, r, res.errorsPath, res.errorsName(), contentType)
}

func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request) {
	res, ok := s.result(w, r)
	if !ok {
		return
	}
	attach(w, r, res.reportPath, res.reportName(), "text/csv; charset=utf-8")
}

// attachment is a Content-Disposition that names the file as the merchant named theirs, whatever
// its characters; a name it cannot carry is left out.
func attachment(name string) string {
	if disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name}); disposition != "" {
		return disposition
	}
	return "attachment"
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// attach sends a file as a download named name, whatever its characters.
func attach(w http.ResponseWriter, r *http.Request, path, name, contentType string) {
	f, err := os.Open(path)
	if err != nil {
		http.Error(w, "the file of this check is gone: check the file again", http.StatusNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", attachment(name))
	http.ServeContent(w, r, "", fileTime(f), f)
}

func fileTime(f *os.File) time.Time {
	info, err := f.Stat()
	if err != nil {
		return time.Time{}
	}
	return info.ModTime()
}
