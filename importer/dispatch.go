package importer

import (
	"context"
	"errors"
	"io"
	"sync"
)

// dispatch reads the rows in file order and hands those that need the platform to up to
// Concurrency workers, while the results are emitted strictly in file order. Each row gets a
// place in an ordered queue before its work starts; the queue's bound keeps memory flat however
// far a slow row holds up the rows behind it.
func (r *runner) dispatch(ctx context.Context, reader *Reader) error {
	workers := max(r.job.Concurrency, 1)
	queue := make(chan pending, 4*workers)
	emitted := make(chan error, 1)
	go func() { emitted <- r.emitInOrder(queue) }()

	slots := make(chan struct{}, workers)
	var inFlight sync.WaitGroup
	readErr := readRows(reader, func(row *Row) error {
		// A worker is taken before the row is looked at, so that a stop decided by the rows in
		// flight applies to this one.
		slots <- struct{}{}
		res, run := r.classify(ctx, row)
		if run == nil {
			<-slots
			queue <- pending{done: res}
			return nil
		}
		result := make(chan Result, 1)
		queue <- pending{result: result}
		inFlight.Go(func() {
			defer func() { <-slots }()
			result <- r.work(ctx, run)
		})
		return nil
	})
	inFlight.Wait()
	close(queue)
	return errors.Join(readErr, <-emitted)
}

// readRows calls each for every row until the end of the file or the first error.
func readRows(reader *Reader, each func(*Row) error) error {
	for {
		row, err := reader.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := each(row); err != nil {
			return err
		}
	}
}

// pending is a row's place in the report: its result, or where a worker will send it.
type pending struct {
	done   *Result
	result <-chan Result
}

// emitInOrder writes each result as soon as it and every row before it are done. After a
// failed write (stdout closed, disk full) the run is stopped and the rest only drained.
func (r *runner) emitInOrder(queue <-chan pending) error {
	var first error
	for p := range queue {
		res := p.done
		if res == nil {
			got := <-p.result
			res = &got
		}
		if first != nil {
			continue
		}
		if err := r.emit(*res); err != nil {
			first = err
			r.stop("writing the report failed: " + err.Error())
		}
	}
	return first
}
