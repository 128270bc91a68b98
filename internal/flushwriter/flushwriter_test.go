package flushwriter_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/flushwriter"
)

// sink records each write it is given, as the operating system would see them.
type sink struct {
	mu     sync.Mutex
	writes []string
	err    error
	wrote  chan struct{} // told of each write, when not nil
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	s.writes = append(s.writes, string(p))
	if s.wrote != nil {
		s.wrote <- struct{}{}
	}
	return len(p), nil
}

func (s *sink) got() (writes int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.writes), strings.Join(s.writes, "")
}

// Many small writes reach the underlying writer as a few large ones, all of them by Close.
func TestSmallWritesAreBatched(t *testing.T) {
	s := &sink{}
	w := flushwriter.New(s, time.Hour) // no timer flush while the test runs
	var want bytes.Buffer
	for i := range 10_000 {
		line := strings.Repeat("x", i%17) + "\n"
		want.WriteString(line)
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	writes, text := s.got()
	if text != want.String() {
		t.Fatalf("the underlying writer got %d bytes, want the %d written, in order", len(text), want.Len())
	}
	if most := want.Len()/(64<<10) + 1; writes > most {
		t.Errorf("%d writes of %d bytes reached the underlying writer as %d writes, want at most %d", 10_000, want.Len(), writes, most)
	}
}

// A write that nothing follows is not held back: the timer writes it, without a Flush or Close.
func TestAPauseDoesNotHoldAWriteBack(t *testing.T) {
	s := &sink{wrote: make(chan struct{}, 10)}
	w := flushwriter.New(s, 10*time.Millisecond)
	defer w.Close()
	for _, row := range []string{"first row\n", "second row, after a pause\n"} {
		if _, err := w.Write([]byte(row)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-s.wrote:
		case <-time.After(10 * time.Second):
			t.Fatalf("%q was still buffered 10 s after it was written", row)
		}
	}
	if _, text := s.got(); text != "first row\nsecond row, after a pause\n" {
		t.Errorf("the underlying writer got %q", text)
	}
}

// A failed flush, the timer's included, is returned by the writes after it, so that a writer to
// a reader that went away stops.
func TestAFailedFlushIsReturnedByTheNextWrite(t *testing.T) {
	gone := errors.New("broken pipe")
	s := &sink{err: gone}
	w := flushwriter.New(s, time.Millisecond)
	if _, err := w.Write([]byte("row\n")); err != nil {
		t.Fatalf("the first write, buffered, failed: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := w.Write([]byte("row\n"))
		if errors.Is(err, gone) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("writes still succeed 10 s after the timer's flush should have failed: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	if err := w.Close(); !errors.Is(err, gone) {
		t.Errorf("Close returned %v, want the flush's error", err)
	}
}

// After Close, the timer writes nothing more: the stream's owner may have moved on.
func TestCloseFlushesAndStopsTheTimer(t *testing.T) {
	s := &sink{}
	w := flushwriter.New(s, time.Millisecond)
	if _, err := w.Write([]byte("row\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("late\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // twenty times the delay: a timer still armed would have fired
	if _, text := s.got(); text != "row\n" {
		t.Errorf("the underlying writer got %q, want only what was written before Close", text)
	}
}
