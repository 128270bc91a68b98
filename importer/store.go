package importer

// Store is one merchant row of the CSV, trimmed and normalized.
//
// Its struct tags are the column table, the one place a column is declared:
//   - csv: the English header, which gocsv decodes the column by
//   - ja: the Japanese header, accepted on reading and written by the ja template
//   - required: "true" when the cell may not be empty
//   - rule: which check the value must pass (see rules in validate.go); max, oneof: its parameters
//   - example: the template's sample values, one per sample row, separated by "|"
//
// Adding a column is adding a field here.
type Store struct {
	PublicID string `csv:"public_id" ja:"店舗ID" required:"true" rule:"id" example:"shibuya-01|umeda-hair|tenjin-clinic"`
	Name     string `csv:"name" ja:"店舗名" required:"true" rule:"line" max:"100" example:"渋谷店|ヘアサロン梅田店|天神クリニック"`
	Location string `csv:"location" ja:"所在地" required:"true" rule:"text" max:"200" example:"東京都渋谷区道玄坂1-2-3|大阪府大阪市北区梅田2-4-9 梅田ビル3F|福岡県福岡市中央区天神1-8-1"`
	Industry string `csv:"industry" ja:"業種" required:"true" rule:"oneof" oneof:"restaurant hair_salon beauty clinic fitness school other" example:"restaurant|hair_salon|clinic"`
	Phone    string `csv:"phone" ja:"電話番号" rule:"phone" example:"03-1234-5678|06-6345-1234|092-711-4567"`
}
