package bench

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Deterministic ingredients of the generated rows: row i always reads the same, on every machine.
var (
	areas = []string{"渋谷", "新宿", "池袋", "梅田", "難波", "天神", "札幌", "名古屋", "横浜", "京都", "神戸", "仙台", "広島"}
	kinds = []string{"カフェ", "ヘアサロン", "クリニック", "フィットネスジム", "学習塾", "レストラン", "ネイルサロン"}
	prefs = []string{"東京都渋谷区道玄坂", "東京都新宿区西新宿", "大阪府大阪市北区梅田", "福岡県福岡市中央区天神",
		"北海道札幌市中央区北一条西", "愛知県名古屋市中村区名駅", "神奈川県横浜市西区みなとみらい", "京都府京都市下京区四条通"}
	buildings  = []string{"駅前ビル", "センタープラザ", "第二スクエア", "グランドタワー", "中央会館"}
	industries = []string{"restaurant", "hair_salon", "beauty", "clinic", "fitness", "school", "other"}
)

// The share of rows generated invalid, so that the reports also carry some problems.
const (
	badIndustryEvery = 997  // industry "sushi"
	badPhoneEvery    = 1009 // phone "03-111"
)

// WriteStores writes a UTF-8 store file with a header and rows numbered 1..rows, about 155 bytes a
// row, with Japanese names and addresses, some full-width phone numbers, some quoted cells, unique
// public_ids, and about 0.2% invalid rows. The same rows always give the same bytes.
func WriteStores(path string, rows int) (invalid int, err error) {
	err = writeRows(path, rows, func(b []byte, i int) []byte {
		b, bad := appendRow(b, i)
		if bad {
			invalid++
		}
		return b
	})
	return invalid, err
}

// WriteValidStores writes a store file like WriteStores', of rows rows all valid: the rows
// WriteStores makes, in their order, but for the ones it makes invalid.
func WriteValidStores(path string, rows int) error {
	next := 0
	return writeRows(path, rows, func(b []byte, _ int) []byte {
		for {
			next++
			line, bad := appendRow(b, next)
			if !bad {
				return line
			}
			b = line[:len(b)]
		}
	})
}

// WriteStoresXLSX writes the rows WriteStores writes as a workbook, each cell a string cell in the
// workbook's shared strings, as Excel saves a sheet.
func WriteStoresXLSX(path string, rows int) (invalid int, err error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	header := []any{"public_id", "name", "location", "industry", "phone"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return 0, err
	}
	var line []byte
	for i := 1; i <= rows; i++ {
		var bad bool
		line, bad = appendRow(line[:0], i)
		if bad {
			invalid++
		}
		cells, err := csv.NewReader(bytes.NewReader(line)).Read()
		if err != nil {
			return 0, err
		}
		for col, cell := range cells {
			if cell == "" {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(col+1, i+1)
			if err := f.SetCellStr(sheet, name, cell); err != nil {
				return 0, err
			}
		}
	}
	return invalid, f.SaveAs(path)
}

// Shape is a row of Cells cells: a public_id, then cells of CellBytes bytes each.
type Shape struct{ Cells, CellBytes int }

// WriteShaped writes a file with the store header and rows of one shape, numbered 1..rows.
func WriteShaped(path string, rows int, shape Shape) error {
	cell := strings.Repeat("x", shape.CellBytes)
	return writeRows(path, rows, func(b []byte, i int) []byte {
		b = fmt.Appendf(b, "wide-%05d", i)
		for range shape.Cells - 1 {
			b = append(append(b, ','), cell...)
		}
		return append(b, '\n')
	})
}

// writeRows writes the store header, then rows lines, appendLine(b, i) making line i.
func writeRows(path string, rows int, appendLine func(b []byte, i int) []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("public_id,name,location,industry,phone\n")
	var line []byte
	for i := 1; i <= rows; i++ {
		line = appendLine(line[:0], i)
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func appendRow(b []byte, i int) ([]byte, bool) {
	area, kind := areas[i%len(areas)], kinds[(i/7)%len(kinds)]
	b = fmt.Appendf(b, "store-%08d,", i)
	// name: every 50th row has a comma in it, so it is quoted
	if i%50 == 0 {
		b = fmt.Appendf(b, "\"%s%s駅前 %s店, 本館\",", kind, area, strconv.Itoa(i%1000))
	} else {
		b = fmt.Appendf(b, "%s%s駅前 %s号店,", kind, area, strconv.Itoa(i%1000))
	}
	// location
	b = fmt.Appendf(b, "〒%03d-%04d %s%d-%d-%d %s%d階 %d号室,", i%1000, i%10000, prefs[i%len(prefs)], i%9+1, i%17+1, i%23+1,
		buildings[i%len(buildings)], i%12+1, i%40+1)
	bad := false
	switch {
	case i%badIndustryEvery == 0:
		b = append(b, "sushi,"...)
		bad = true
	default:
		b = append(b, industries[i%len(industries)]...)
		b = append(b, ',')
	}
	switch {
	case i%badPhoneEvery == 0:
		b = append(b, "03-111"...)
		bad = true
	case i%10 == 0:
		// full-width digits and hyphens, as a Japanese IME types them
		b = append(b, "０３－１２３４－５６７８"...)
	case i%10 == 1:
		// optional: empty
	default:
		b = fmt.Appendf(b, "0%d-%04d-%04d", i%9+1, i%10000, (i*7)%10000)
	}
	b = append(b, '\n')
	return b, bad
}
