package orgsim

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Cursors are opaque to clients; inside they hold the sequence number of the last shop of a
// page, which stays meaningful when that shop is deleted before the next page is asked for.
const cursorPrefix = "shop-seq:"

func encodeCursor(seq int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(seq)))
}

func decodeCursor(cursor string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, errors.New("not a cursor this platform made")
	}
	digits, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, errors.New("not a cursor this platform made")
	}
	seq, err := strconv.Atoi(digits)
	if err != nil || seq < 0 {
		return 0, errors.New("not a cursor this platform made")
	}
	return seq, nil
}
