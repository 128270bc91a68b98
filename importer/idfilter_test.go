package importer

import (
	"fmt"
	"testing"
)

func TestIDFilterRemembersEveryIDAndRarelyImaginesOne(t *testing.T) {
	const ids = 500_000
	f := newIDFilter()
	falseMaybes := 0
	for i := range ids {
		if f.addSeenBefore(fmt.Sprintf("store-%d", i)) {
			falseMaybes++
		}
	}
	for i := range ids {
		if id := fmt.Sprintf("store-%d", i); !f.addSeenBefore(id) {
			t.Fatalf("%s was added, but the filter says it certainly was not", id)
		}
	}
	// About 1 in 20 million is expected at this load; 1 in 100,000 would mean the bits are not
	// spread over the whole filter.
	if falseMaybes > ids/100_000 {
		t.Errorf("%d of %d new ids taken for seen before", falseMaybes, ids)
	}
}
