#!/usr/bin/env bash
# merchant-fixtures.sh: make the calc_* files of testdata/merchant with a real spreadsheet
# application, LibreOffice Calc, from what a merchant types. What the spreadsheet does to typed
# digits (drops a leading 0, rounds a long number, makes a date of 1-15) is the point of these
# fixtures, so they are made by the application, not written by hand or by a Go test.
#
# Not run by CI or make test: it needs LibreOffice, and its outputs are committed. Run it from
# the repository's root after changing its input, then update the expected reports:
#
#   apt-get install libreoffice-calc-nogui python3-uno   # Debian 12: LibreOffice 7.4
#   scripts/merchant-fixtures.sh
#   go test ./cmd/storeimport -run 'TestScripts/merchant_calc'   # what the tool says now
#
# Input (what the merchant typed, UTF-8, one row a line, tab-separated):
#   scripts/merchant-fixtures/typed_digits.tsv    typed into a new spreadsheet's General cells
#   scripts/merchant-fixtures/typed_template.tsv  typed into the project's workbook template
# Output, in testdata/merchant:
#   calc_typed_digits.xlsx       the typed cells as Calc keeps them (numbers, dates)
#   calc_typed_digits_utf8.csv   that workbook saved as CSV, UTF-8
#   calc_typed_digits_sjis.csv   that workbook saved as CSV, Shift_JIS (as for Excel on Windows)
#   calc_template_filled.xlsx    the template, typed into and saved
#   calc_template_filled_sjis.csv  that workbook saved as CSV, Shift_JIS
#
# The workbooks hold the time they were saved (docProps/core.xml), and Calc dates 1-15 in the
# current year, so a run in another year gives other bytes for the same cells as shown.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
in="$root/scripts/merchant-fixtures"
out="$root/testdata/merchant"
soffice=${SOFFICE:-soffice}
python=${UNO_PYTHON:-/usr/bin/python3} # the Python that python3-uno installs into

command -v "$soffice" >/dev/null || { echo "merchant-fixtures.sh: no soffice; install libreoffice-calc-nogui" >&2; exit 1; }
"$python" -c 'import uno' 2>/dev/null || { echo "merchant-fixtures.sh: $python has no uno module; install python3-uno" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A profile of our own: the run does not read or change the user's LibreOffice settings, and
# starts the same way on every machine.
profile="file://$work/profile"
# A Japanese merchant's Calc: the locale decides what typing makes a date and how it is shown
# (1月15日). No ja_JP locale need be installed: LibreOffice reads the name.
ja=(env LC_ALL=ja_JP.UTF-8 LANG=ja_JP.UTF-8)

calc() { "${ja[@]}" "$soffice" -env:UserInstallation="$profile" --headless --norestore "$@" >/dev/null 2>&1; }

# CSV filter options (LibreOffice's "Filter Options for CSV"), by position:
#   import: 9 (tab), 34 ("), 76 (UTF-8), 1 (first line), empty column formats (every column
#     Standard, i.e. General, as a new sheet's cells are), 1041 (ja-JP), false (a quoted field is
#     not forced to text), true (detect special numbers: dates, as typing in a cell does).
#   export: 44 (,), 34 ("), then the charset: 76 UTF-8, 64 Shift_JIS (LibreOffice's SHIFT_JIS
#     writes CP932's ㈱ ① 髙 too; the names SJIS or MS_932 give garbage in 7.4).
#     Cells are saved as shown, Calc's default.
import_typed='CSV:9,34,76,1,,1041,false,true'
csv_utf8='csv:Text - txt - csv (StarCalc):44,34,76'
csv_sjis='csv:Text - txt - csv (StarCalc):44,34,64'

# 1. Typed into General cells: LibreOffice imports the typed text with General columns, which is
#    what typing the same text into each cell does.
cp "$in/typed_digits.tsv" "$work/calc_typed_digits.tsv"
calc --infilter="$import_typed" --convert-to xlsx --outdir "$work" "$work/calc_typed_digits.tsv"
mkdir "$work/utf8" "$work/sjis"
calc --convert-to "$csv_utf8" --outdir "$work/utf8" "$work/calc_typed_digits.xlsx"
calc --convert-to "$csv_sjis" --outdir "$work/sjis" "$work/calc_typed_digits.xlsx"
cp "$work/calc_typed_digits.xlsx" "$out/calc_typed_digits.xlsx"
cp "$work/utf8/calc_typed_digits.csv" "$out/calc_typed_digits_utf8.csv"
cp "$work/sjis/calc_typed_digits.csv" "$out/calc_typed_digits_sjis.csv"

# 2. Typed into the project's own workbook template, whose cells are formatted as text: Calc
#    runs as a listener, and type_into.py enters each value through Calc's own input.
(cd "$root" && go run ./cmd/storeimport template --format xlsx --lang ja -o "$work/template.xlsx")
pipe="storeimport-fixtures-$$"
"${ja[@]}" "$soffice" -env:UserInstallation="$profile" --headless --invisible --norestore \
	--accept="pipe,name=$pipe;urp;" >/dev/null 2>&1 &
office=$!
"${ja[@]}" "$python" "$in/type_into.py" "$work/template.xlsx" "$in/typed_template.tsv" \
	"$work/calc_template_filled.xlsx" "$pipe"
wait "$office" || true # type_into.py ends it; its exit status says nothing about the files
calc --convert-to "$csv_sjis" --outdir "$work/sjis" "$work/calc_template_filled.xlsx"
cp "$work/calc_template_filled.xlsx" "$out/calc_template_filled.xlsx"
cp "$work/sjis/calc_template_filled.csv" "$out/calc_template_filled_sjis.csv"

"$soffice" --version
ls -l "$out"/calc_*
