package supportpage

import (
	"crypto/rand"
	"os"
	"sync"
	"time"

	"github.com/acme/storeimport/importer"
)

// result is what a check leaves for its result page, kept on disk but for its counts and reply,
// so that a large file's check holds little memory, until it expires.
type result struct {
	id, session string
	lang        string // the check's language: its messages, its errors file and its reply
	made        time.Time
	dir         string
	name        string // the file's name as the browser sent it, for the downloads' names
	workbook    bool
	rows        int
	counts      map[importer.Status]int
	notRead     []importer.Warning // the file's columns that were not read
	reply       string
	all         rowsFile // every row
	invalid     rowsFile // the invalid rows only
	errorsPath  string   // "" when no row is invalid
	reportPath  string
	bytes       int64 // what its files take on disk
}

// resultStore holds the checks' results, each in its own directory under dir, for keep and
// within maxBytes all together.
type resultStore struct {
	dir      string
	keep     time.Duration
	maxBytes int64

	mu    sync.Mutex
	byID  map[string]*result
	bytes int64 // of all the results kept
}

func newResultStore(dir string, keep time.Duration, maxBytes int64) *resultStore {
	return &resultStore{dir: dir, keep: keep, maxBytes: maxBytes, byID: map[string]*result{}}
}

// newDir makes the directory of a check about to run.
func (s *resultStore) newDir() (string, error) { return os.MkdirTemp(s.dir, "check-") }

// maxResults bounds the results kept at once, whatever the checks in an hour: the oldest goes first.
const maxResults = 100

func (s *resultStore) add(res *result) {
	res.id = rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.byID) > 0 && (len(s.byID) >= maxResults || s.bytes+res.bytes > s.maxBytes) {
		s.dropOldest()
	}
	s.byID[res.id] = res
	s.bytes += res.bytes
}

func (s *resultStore) dropOldest() {
	var oldest *result
	for _, res := range s.byID {
		if oldest == nil || res.made.Before(oldest.made) {
			oldest = res
		}
	}
	s.drop(oldest)
}

func (s *resultStore) drop(res *result) {
	delete(s.byID, res.id)
	s.bytes -= res.bytes
	os.RemoveAll(res.dir)
}

// get is a result of the session's own: another session's is as good as absent.
func (s *resultStore) get(id, session string) (*result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res, ok := s.byID[id]
	return res, ok && res.session == session
}

func (s *resultStore) expire(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, res := range s.byID {
		if now.Sub(res.made) > s.keep {
			s.drop(res)
		}
	}
}

func (s *resultStore) removeAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.byID)
	s.bytes = 0
	return os.RemoveAll(s.dir)
}
