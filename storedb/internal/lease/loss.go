// Package lease is what the organization locks of every database share: how a lock is lost, and
// what a fenced journal write that matched nothing means. The databases differ in how they hold a
// lock and ask about it, not in these.
package lease

import "sync"

// Loss is a lock's loss, which happens once: Lost is closed then, and Err says why.
type Loss struct {
	lost chan struct{}
	once sync.Once
	why  error // set before lost is closed
}

// NewLoss is a lock not lost yet.
func NewLoss() *Loss { return &Loss{lost: make(chan struct{})} }

// Lose records that the lock is lost, and why; only the first reason given counts.
func (l *Loss) Lose(why error) {
	l.once.Do(func() {
		l.why = why
		close(l.lost)
	})
}

// Lost is closed when the lock is lost; Err then says why.
func (l *Loss) Lost() <-chan struct{} { return l.lost }

// Err says why the lock was lost, once Lost is closed; nil before.
func (l *Loss) Err() error {
	select {
	case <-l.lost:
		return l.why
	default:
		return nil
	}
}
