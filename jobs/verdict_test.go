package jobs

import (
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/acme/storeimport/importer"
)

// A cancel stops a run as an interrupt does, and the job ends cancelled; a cancel that came once
// every row had gone through stopped nothing, and the job ends finished.
func TestACancelAfterTheLastRowFinishesTheJob(t *testing.T) {
	finished := &importer.Summary{Rows: 3}
	if outcome := verdict(finished, nil, cancelRequested, time.Minute); outcome != nil {
		t.Errorf("a run through every row, cancelled after: %v, want the job completed", outcome)
	}
	stopped := &importer.Summary{Rows: 3, StopReason: "interrupted"}
	var cancel *rivertype.JobCancelError
	if outcome := verdict(stopped, nil, cancelRequested, time.Minute); !errors.As(outcome, &cancel) {
		t.Errorf("a run the cancel stopped: %v, want the job cancelled", outcome)
	}
}
