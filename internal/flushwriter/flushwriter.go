// Package flushwriter buffers a stream of small writes, such as a report's rows, and flushes it
// at most a set delay after a byte was written. A fast run then costs one system call per buffer
// instead of one per row, and a slow one still shows each row promptly to whoever reads the
// stream: a row is never held back by a pause in the writing, however long.
package flushwriter

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// size is the buffer's: a pipe's capacity on Linux, so that one flush fills a waiting reader's
// pipe at most once.
const size = 64 << 10

// Writer is a buffered io.Writer whose every byte reaches the underlying writer within its delay,
// flushed by a timer when nothing else flushes it. It is safe for use by several goroutines.
type Writer struct {
	delay time.Duration

	mu     sync.Mutex
	buf    *bufio.Writer // keeps the first error of a write to the underlying writer, and returns it after
	timer  *time.Timer   // armed while the buffer holds bytes
	armed  bool
	closed bool
}

// New returns a Writer that writes to w at most delay after each write.
func New(w io.Writer, delay time.Duration) *Writer {
	fw := &Writer{delay: delay, buf: bufio.NewWriterSize(w, size)}
	fw.timer = time.AfterFunc(time.Hour, fw.flushLate)
	fw.timer.Stop()
	return fw
}

// Write buffers p. An error is that of an earlier flush, which the underlying writer refused: a
// reader that went away, a full disk.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if w.buf.Buffered() > 0 && !w.armed && !w.closed {
		w.armed = true
		w.timer.Reset(w.delay)
	}
	return n, err
}

// Flush writes what is buffered now.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Flush()
}

// Close writes what is buffered and stops the timer. Writes after Close are buffered but written
// only by a Flush.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	w.timer.Stop()
	return w.buf.Flush()
}

// flushLate is the timer's: the delay since the first byte still buffered has passed. Its error
// stays in buf, for the next Write or Flush to return.
func (w *Writer) flushLate() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = false
	if !w.closed {
		w.buf.Flush()
	}
}
