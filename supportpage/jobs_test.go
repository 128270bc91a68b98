package supportpage

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/jobs"
)

// queuedJobs opens a fresh PostgreSQL database's queue, queues a job for each organization, and
// returns the queue the page reads (opened read-only, as serve opens it) and the jobs' ids.
func queuedJobs(t *testing.T, orgs ...string) (*jobs.Queue, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	writer, err := jobs.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	ids := map[string]int64{}
	for _, org := range orgs {
		ids[org], err = writer.Enqueue(ctx, jobs.Request{OrganizationID: org, FileName: "stores.csv", Encoding: "auto", Lang: "ja",
			Content: []byte("public_id,name,location,industry\nshibuya-01,渋谷店,東京都渋谷区1-1,restaurant\n")})
		if err != nil {
			t.Fatal(err)
		}
	}
	reader, err := jobs.OpenReadOnly(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	return reader, ids
}

// A queued job is listed, queued, with no errors file to download, and the page refreshes itself
// while it waits; another organization's job is neither listed nor served.
func TestQueuedJobIsListedWithNoDownload(t *testing.T) {
	queue, ids := queuedJobs(t, "org_a", "org_b")
	p := startPage(t, Config{Jobs: queue})
	_, home := p.client.Get("/")
	if link := pagetest.ByID(home, "jobs-link"); link == nil || pagetest.Attr(link, "href") != "/jobs" {
		t.Fatalf("the home page has no a#jobs-link to /jobs")
	}
	_, ask := p.client.Get("/jobs")
	if pagetest.ByID(ask, "jobs-org") == nil || len(pagetest.JobRows(ask)) != 0 {
		t.Errorf("/jobs without an organization: want input#jobs-org and no job")
	}

	resp, doc := p.client.Get("/jobs?org=org_a")
	rows := pagetest.JobRows(doc)
	if resp.StatusCode != http.StatusOK || len(rows) != 1 {
		t.Fatalf("org_a's jobs: %s, %v; want its one job", resp.Status, rows)
	}
	want := map[string]string{"data-job-id": fmt.Sprint(ids["org_a"]), "data-state": "queued", "state": "待機中", "file": "stores.csv",
		"progress": "-", "counts": "", "errors": ""}
	for key, value := range want {
		if rows[0][key] != value {
			t.Errorf("the queued job's %s: %q, want %q", key, rows[0][key], value)
		}
	}
	if rows[0]["download"] != "" || !pagetest.Refreshes(doc) || pagetest.ByID(doc, "jobs-reload") == nil {
		t.Errorf("a queued job: want no download, a meta refresh and a#jobs-reload")
	}
	if resp, _ := p.client.Download(fmt.Sprintf("/jobs/%d/errors?org=org_a", ids["org_a"])); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the errors file of a queued job: %s, want 404", resp.Status)
	}
	if resp, _ := p.client.Download(fmt.Sprintf("/jobs/%d/errors?org=org_a", ids["org_b"])); resp.StatusCode != http.StatusNotFound {
		t.Errorf("org_b's job asked for as org_a's: %s, want 404", resp.Status)
	}
}

// With serve's --org, the page shows that organization's jobs only, whatever is asked.
func TestFixedOrganizationsJobsOnly(t *testing.T) {
	queue, ids := queuedJobs(t, "org_a", "org_b")
	p := startPage(t, Config{Org: "org_a", Jobs: queue})
	_, home := p.client.Get("/")
	if link := pagetest.ByID(home, "jobs-link"); link == nil || pagetest.Attr(link, "href") != "/jobs?org=org_a" {
		t.Fatalf("the home page's a#jobs-link: want /jobs?org=org_a")
	}
	_, doc := p.client.Get("/jobs?org=org_b")
	if rows := pagetest.JobRows(doc); len(rows) != 1 || rows[0]["data-job-id"] != fmt.Sprint(ids["org_a"]) || pagetest.ByID(doc, "jobs-form") != nil {
		t.Errorf("org_b asked for on org_a's page: %v, want org_a's job only and no organization to choose", rows)
	}
	resp, doc := p.client.Get(fmt.Sprintf("/jobs/%d/errors?org=org_b", ids["org_b"]))
	if resp.StatusCode != http.StatusNotFound || pagetest.ByID(doc, "job-not-found") == nil {
		t.Errorf("org_b's job on org_a's page: %s, want 404 with #job-not-found", resp.Status)
	}
}

// Without a queue (an SQLite database) the page says nothing of jobs.
func TestNoJobsWithoutAQueue(t *testing.T) {
	p := startPage(t, Config{})
	_, home := p.client.Get("/")
	if pagetest.ByID(home, "jobs-link") != nil || pagetest.ByID(home, "jobs") != nil {
		t.Error("the page without a queue speaks of jobs")
	}
	if resp, _ := p.client.Download("/jobs"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/jobs without a queue: %s, want 404", resp.Status)
	}
}

// A finished job's errors file is in the language given at enqueue, which the jobs table names
// beside its download, in the page's words: support on the Japanese page sees that an English
// file is English before sending it.
func TestFinishedJobNamesItsErrorsFilesLanguage(t *testing.T) {
	finished := func(lang string) *jobs.Status {
		return &jobs.Status{ID: 7, OrganizationID: "org_a", State: jobs.Finished, ErrorsFile: "stores-errors.csv", Lang: lang}
	}
	for _, c := range []struct{ page, job, want string }{
		{"ja", "en", "英語"}, {"ja", "ja", "日本語"}, {"en", "ja", "Japanese"}, {"en", "en", "English"},
	} {
		row := jobRowOf(finished(c.job), wordsIn[c.page])
		if row.ErrorsHref == "" || row.ErrorsLang != c.want || row.ErrorsLangCode != c.job {
			t.Errorf("a job enqueued with --lang %s on the %s page: download %q, language %q (%s), want %q (%s)",
				c.job, c.page, row.ErrorsHref, row.ErrorsLang, row.ErrorsLangCode, c.want, c.job)
		}
	}
}
