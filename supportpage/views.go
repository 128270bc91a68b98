package supportpage

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/acme/storeimport/importer"
)

//go:embed web
var web embed.FS

// views are the page's templates. html/template escapes every value put in them, the cells of a
// merchant's file included.
type views struct{ page *template.Template }

func parseViews() (*views, error) {
	page, err := template.ParseFS(web, "web/page.html")
	if err != nil {
		return nil, fmt.Errorf("the page's templates: %w", err)
	}
	return &views{page: page}, nil
}

// assetHandler serves the page's own script and style, from the binary.
func assetHandler() http.Handler {
	sub, _ := fs.Sub(web, "web")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "page.css" && r.URL.Path != "page.js" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
}

// view is what a page shows.
type view struct {
	W              *words
	CSRF           string
	LangJA, LangEN string // the language switch's links
	Org            string
	OrgFixed       bool
	Limit          string
	Platform       bool
	Login          bool
	LoginError     bool
	Notice         *notice
	Result         *resultView
	JobsHref       string    // the jobs page, when there is one
	Jobs           *jobsView // on the jobs page
	Refresh        int       // refreshSeconds, for the jobs page's meta refresh
}

// refreshSeconds is how often the jobs page reloads itself while a job waits or runs, as its
// meta refresh does it and its words say it.
const refreshSeconds = 5

// notice is a message above the form: #file-error, #check-error, #too-large, #busy…
type notice struct {
	ID, Lead, Text string
	Sheets         []string // a workbook's sheets, for the check form to ask which to read
}

// newView is the page in the request's language.
func (s *Server) newView(r *http.Request, q *request) *view {
	v := &view{
		W:        wordsIn[q.lang],
		CSRF:     q.csrf,
		Org:      s.cfg.Org,
		OrgFixed: s.cfg.Org != "",
		Platform: s.cfg.Platform != nil,
		Refresh:  refreshSeconds,
	}
	v.Limit = fmt.Sprintf(v.W.Limit, humanize.IBytes(uint64(s.cfg.MaxUpload)))
	if s.cfg.Jobs != nil {
		v.JobsHref = jobsLink(s.cfg.Org)
	}
	v.LangJA, v.LangEN = langLink(r, importer.LangJA), langLink(r, importer.LangEN)
	return v
}

// langLink is the page asked for in lang; after a form was sent, the home page.
func langLink(r *http.Request, lang string) string {
	if r.Method != http.MethodGet {
		return "/?lang=" + lang
	}
	query := r.URL.Query()
	query.Set("lang", lang)
	return sitePath(r.URL.Path, query)
}

func (s *Server) render(w http.ResponseWriter, status int, v *view) {
	var out bytes.Buffer
	if err := s.views.page.ExecuteTemplate(&out, "page", v); err != nil {
		s.cfg.Log.Error("rendering the page failed", "err", err)
		http.Error(w, "rendering the page failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(out.Bytes())
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, s.newView(r, requestOf(r)))
}

// showNotice is the home page with a message above the form.
func (s *Server) showNotice(w http.ResponseWriter, r *http.Request, status int, n notice) {
	v := s.newView(r, requestOf(r))
	v.Notice = &n
	s.render(w, status, v)
}

func (s *Server) askPassword(w http.ResponseWriter, r *http.Request, q *request, status int, wrong bool) {
	v := s.newView(r, q)
	v.Login, v.LoginError = true, wrong
	s.render(w, status, v)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	q := requestOf(r)
	v := s.newView(r, q)
	v.Login = !q.allowed()
	v.Notice = &notice{ID: "forbidden", Text: v.W.Forbidden}
	s.render(w, http.StatusForbidden, v)
}

// keepFor says how long results are kept, as people say it.
func keepFor(d time.Duration, lang string) string {
	if lang == importer.LangJA {
		return fmt.Sprintf("%d分", int(d.Minutes()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
