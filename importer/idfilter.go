package importer

import "hash/fnv"

// idFilter is a Bloom filter over public_ids: a fixed 16 MiB of bits, whatever the file's size,
// that can say "certainly not seen" or "maybe seen". Pages of it that no id touches are never
// written, so a small file costs a few pages; a million ids leave about one false "maybe" in a
// million, which Scan's exact second pass clears. The 4 bits of an id are independent reads, so
// the processor waits for their cache misses at the same time.
type idFilter struct {
	bits []uint64
}

const (
	filterBits   = 1 << 27
	filterHashes = 4
)

func newIDFilter() *idFilter { return &idFilter{bits: make([]uint64, filterBits/64)} }

// addSeenBefore adds id and reports whether it may have been added before.
func (f *idFilter) addSeenBefore(id string) bool {
	h := fnv.New64a()
	h.Write([]byte(id))
	sum := h.Sum64()
	// Double hashing: k positions from two halves of one 64-bit hash.
	a, b := uint32(sum), uint32(sum>>32)|1
	seen := true
	for i := range uint32(filterHashes) {
		bit := (a + i*b) % filterBits
		word, mask := bit/64, uint64(1)<<(bit%64)
		if f.bits[word]&mask == 0 {
			seen = false
			f.bits[word] |= mask
		}
	}
	return seen
}
