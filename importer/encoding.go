package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// The encodings of the CSV files the tool reads and writes.
const (
	EncodingAuto = "auto" // reading only: UTF-8 or Shift_JIS, whichever the file is
	EncodingUTF8 = "utf8" // written with a BOM, which is how Excel recognizes UTF-8
	EncodingSJIS = "sjis" // Shift_JIS as Windows and Excel write it (CP932)
)

// sampleBytes is how much of the file the encoding is guessed from.
const sampleBytes = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode returns the file as UTF-8 without a BOM, and its encoding. It looks at the file's start
// only, so that a large file is never held in memory.
func decode(r io.Reader, encoding string) (*bufio.Reader, string, error) {
	br := bufio.NewReaderSize(r, sampleBytes)
	sample, err := br.Peek(sampleBytes)
	atEOF := errors.Is(err, io.EOF)
	switch {
	case err != nil && !atEOF:
		return nil, "", &FileError{Code: FileRead, Err: err}
	case len(sample) == 0:
		return nil, "", &FileError{Code: FileEmpty}
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}) || bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return nil, "", &FileError{Code: FileUTF16}
	}
	if off := controlByteAt(sample); off >= 0 {
		return nil, "", badByte(FileNotText, sample, off)
	}
	bom := bytes.HasPrefix(sample, utf8BOM)
	switch encoding {
	case EncodingAuto, "":
		utf8Bad := utf8InvalidAt(sample, atEOF)
		if bom || utf8Bad < 0 {
			encoding = EncodingUTF8
			break
		}
		sjisBad := sjisInvalidAt(sample, atEOF)
		if sjisBad >= 0 {
			// The encoding that reads further is the likelier one; its first bad byte is the news.
			return nil, "", badByte(FileUnknownEncoding, sample, max(utf8Bad, sjisBad))
		}
		encoding = EncodingSJIS
	case EncodingUTF8:
		if off := utf8InvalidAt(sample, atEOF); off >= 0 {
			return nil, "", badByte(FileNotUTF8, sample, off)
		}
	case EncodingSJIS:
		if bom {
			return nil, "", badByte(FileNotSJIS, sample, 0)
		}
		if off := sjisInvalidAt(sample, atEOF); off >= 0 {
			return nil, "", badByte(FileNotSJIS, sample, off)
		}
	default:
		return nil, "", fmt.Errorf("unknown encoding %q: use %s, %s or %s", encoding, EncodingAuto, EncodingUTF8, EncodingSJIS)
	}
	if encoding == EncodingSJIS {
		return bufio.NewReader(transform.NewReader(br, japanese.ShiftJIS.NewDecoder())), encoding, nil
	}
	if bom {
		_, _ = br.Discard(len(utf8BOM)) // already buffered: cannot fail
	}
	return br, encoding, nil
}

func badByte(code FileCode, sample []byte, off int) *FileError {
	return &FileError{Code: code, Offset: int64(off), Line: 1 + bytes.Count(sample[:off], []byte{'\n'})}
}

// controlByteAt finds, in the first line, a byte no text has: binary data, or UTF-16 without a
// BOM, whose ASCII comes with NUL bytes. Later lines are not judged: one damaged cell is a
// problem of its row, not of the file.
func controlByteAt(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.IndexFunc(b, isControlByte)
}

// isControlByte: no text has it, line ends and tabs aside.
func isControlByte(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\r' && r != '\n') || r == 0x7F
}

// utf8InvalidAt is the offset of the first byte of b that is not UTF-8, or -1. Unless atEOF, an
// incomplete character at the end is the sample's cut, not a bad byte.
func utf8InvalidAt(b []byte, atEOF bool) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			if !atEOF && !utf8.FullRune(b[i:]) {
				return -1
			}
			return i
		}
		i += n
	}
	return -1
}

// sjisInvalidAt is utf8InvalidAt for Shift_JIS (CP932): single bytes are ASCII and half-width
// katakana, double bytes a lead byte and a trail byte.
func sjisInvalidAt(b []byte, atEOF bool) int {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c < 0x80 || (0xA1 <= c && c <= 0xDF):
		case (0x81 <= c && c <= 0x9F) || (0xE0 <= c && c <= 0xFC):
			if i+1 == len(b) {
				if atEOF {
					return i
				}
				return -1
			}
			if t := b[i+1]; t < 0x40 || t == 0x7F || t > 0xFC {
				return i
			}
			i++
		default:
			return i
		}
	}
	return -1
}
