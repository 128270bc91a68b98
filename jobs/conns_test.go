package jobs_test

import (
	"context"
	"testing"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/jobs"
)

// A worker's queue has a pool sized for the imports it runs at once, not pgx's default, which
// does not grow with them; a pool_max_conns the target sets stands.
func TestAWorkersPoolIsSizedForItsJobs(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	for _, c := range []struct {
		target string
		want   int32
	}{{url, 4 + 3*16}, {url + "&pool_max_conns=7", 7}} {
		q, err := jobs.OpenForWorker(ctx, c.target, "", 16)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.DB().Pool().Config().MaxConns; got != c.want || jobs.WorkerConns(16) != 4+3*16 {
			t.Errorf("a worker of 16 jobs at once on %s: a pool of %d, want %d", c.target, got, c.want)
		}
		q.Close()
	}
}
