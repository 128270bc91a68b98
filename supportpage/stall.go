package supportpage

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// errStalled is an upload that stopped arriving: it would otherwise hold its check's slot, and
// keep serve from stopping, for ever.
var errStalled = errors.New("the file stopped arriving: check the connection, then send the file again")

// stallGuard is an upload's body that gives up once no byte has arrived for idle.
type stallGuard struct {
	body    io.ReadCloser
	rc      *http.ResponseController
	idle    time.Duration
	stalled bool // for good: what comes after is not waited for again
}

// guardUpload puts r's body behind a stallGuard. The returned func lifts the guard once the
// upload is in, so that the connection may stay quiet while the check runs.
func guardUpload(w http.ResponseWriter, r *http.Request, idle time.Duration) (lift func()) {
	g := &stallGuard{body: r.Body, rc: http.NewResponseController(w), idle: idle}
	r.Body = g
	return func() { g.rc.SetReadDeadline(time.Time{}) }
}

func (g *stallGuard) Read(p []byte) (int, error) {
	if g.stalled {
		return 0, errStalled
	}
	// Renewed at every read, so that the deadline counts from the last bytes that came.
	g.rc.SetReadDeadline(time.Now().Add(g.idle))
	n, err := g.body.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		g.stalled, err = true, errStalled
	}
	return n, err
}

func (g *stallGuard) Close() error { return g.body.Close() }
