package supportpage

import "github.com/acme/storeimport/importer"

// words are the page's own text in one language; the rows' messages come from importer.
type words struct {
	Lang, Title, Intro, Switch                                         string
	TemplateHeading, TemplateIntro, HeaderLang, LangJA, LangEN         string
	Encoding, EncodingUTF8, EncodingSJIS, Example, Format, FormatCSV   string
	FormatXLSX, Download                                               string
	CheckHeading, CheckIntro, Org, OrgFixed, File, Drop, Limit, Submit string
	Checking, PlatformNote                                             string
	ResultHeading, Rows, ResultLang, NewCheck                          string
	Line, PublicID, Status, Column, Cell, Message, NoRows              string
	FilterInvalid, FilterAll, Prev, Next, PageOf                       string
	DownloadErrors, DownloadReport, NoErrors, Reply, ReplyHint, Copy   string
	Copied, LoginHeading, Password, LoginSubmit, LoginError            string
	Busy, TooLarge, NoFile, NoOrg, FileError, CheckError, Forbidden    string
	NotFound, BadTemplate, RowsHeading, Stopping                       string
	StatusText                                                         map[string]string
}

var wordsIn = map[string]*words{
	importer.LangJA: {
		Lang:            "ja",
		Title:           "店舗一覧ファイルのチェック",
		Intro:           "お客様（店舗の事業者）に送るテンプレートのダウンロードと、返ってきたファイルのチェックができます。チェックではファイルを変更せず、店舗の登録も行いません。",
		Switch:          "表示言語",
		TemplateHeading: "テンプレートをダウンロード",
		TemplateIntro:   "お客様に記入していただく店舗一覧のひな形です。",
		HeaderLang:      "見出しの言語",
		LangJA:          "日本語",
		LangEN:          "英語",
		Encoding:        "文字コード（CSVのみ）",
		EncodingUTF8:    "UTF-8（BOM付き）",
		EncodingSJIS:    "Shift_JIS",
		Example:         "記入例の行を入れる",
		Format:          "形式",
		FormatCSV:       "CSV",
		FormatXLSX:      "Excelブック（.xlsx）",
		Download:        "ダウンロード",
		CheckHeading:    "ファイルをチェック",
		CheckIntro:      "お客様から届いたCSVファイルまたはExcelブックを選ぶと、取り込みの前に問題のある行を調べます。",
		Org:             "組織ID",
		OrgFixed:        "この組織のファイルとしてチェックします。",
		File:            "ファイル",
		Drop:            "ここにファイルをドロップするか、下のボタンで選んでください。",
		Limit:           "サイズの上限: %s",
		Submit:          "チェックする",
		Checking:        "チェック中…",
		PlatformNote:    "プラットフォーム上の確認（組織があるか、店舗数の上限）も行います。",
		ResultHeading:   "チェック結果",
		Rows:            "全%d行",
		ResultLang:      "この結果は、チェックしたときの言語（%s）で表示しています。",
		NewCheck:        "別のファイルをチェックする",
		Line:            "行",
		PublicID:        "店舗ID",
		Status:          "判定",
		Column:          "列",
		Cell:            "セル",
		Message:         "内容",
		NoRows:          "表示する行はありません。",
		FilterInvalid:   "修正が必要な行だけ表示",
		FilterAll:       "すべての行を表示",
		Prev:            "前のページ",
		Next:            "次のページ",
		PageOf:          "ページ",
		DownloadErrors:  "エラーファイルをダウンロード（お客様に送り返すファイル）",
		DownloadReport:  "チェック結果の一覧（CSV）をダウンロード",
		NoErrors:        "修正が必要な行はありません。",
		Reply:           "お客様への返信文",
		ReplyHint:       "コピーして返信に貼り付け、エラーファイルを添付してください。",
		Copy:            "文面をコピー",
		Copied:          "コピーしました",
		LoginHeading:    "パスワードを入力してください",
		Password:        "パスワード",
		LoginSubmit:     "ログイン",
		LoginError:      "パスワードが違います。",
		Busy:            "ほかのチェックを実行中のため、受け付けられませんでした。少し待ってから、もう一度お試しください。",
		TooLarge:        "ファイルが大きすぎます。アップロードできるのは%sまでです。",
		NoFile:          "チェックするファイルを選んでください。",
		NoOrg:           "組織IDを入力してください。",
		FileError:       "このファイルはチェックできませんでした:",
		CheckError:      "チェックを完了できませんでした:",
		Forbidden:       "このフォームは有効期限が切れています。ページを再読み込みしてから、もう一度お試しください。",
		NotFound:        "このチェック結果は見つかりません（結果の保存期間は%sです）。もう一度ファイルをチェックしてください。",
		BadTemplate:     "テンプレートの指定が正しくありません:",
		RowsHeading:     "行ごとの結果",
		Stopping:        "ページを停止中のため、結果はこの画面のみの表示です（ダウンロードやページ移動はできません）。必要な場合は、ページの再起動後にもう一度チェックしてください。",
		StatusText: map[string]string{
			string(importer.StatusWouldCreate):    "登録予定",
			string(importer.StatusWouldSkip):      "登録済み",
			string(importer.StatusInvalid):        "要修正",
			string(importer.StatusNeedsAttention): "要確認",
			string(importer.StatusFailed):         "失敗",
			string(importer.StatusNotAttempted):   "未実行",
		},
	},
	importer.LangEN: {
		Lang:            "en",
		Title:           "Store list checker",
		Intro:           "Download the template to send to a merchant, and check the file they send back. A check never changes the file and never imports a store.",
		Switch:          "Language",
		TemplateHeading: "Download the template",
		TemplateIntro:   "The store list a merchant fills in.",
		HeaderLang:      "Header language",
		LangJA:          "Japanese",
		LangEN:          "English",
		Encoding:        "Encoding (CSV only)",
		EncodingUTF8:    "UTF-8 (with BOM)",
		EncodingSJIS:    "Shift_JIS",
		Example:         "Include example rows",
		Format:          "Format",
		FormatCSV:       "CSV",
		FormatXLSX:      "Excel workbook (.xlsx)",
		Download:        "Download",
		CheckHeading:    "Check a file",
		CheckIntro:      "Choose the CSV file or Excel workbook a merchant sent: the check finds the rows to fix before anything is imported.",
		Org:             "Organization ID",
		OrgFixed:        "Files are checked for this organization.",
		File:            "File",
		Drop:            "Drop the file here, or choose it with the button below.",
		Limit:           "Size limit: %s",
		Submit:          "Check",
		Checking:        "Checking…",
		PlatformNote:    "The platform is asked too: that the organization exists, and its shop limit.",
		ResultHeading:   "Result",
		Rows:            "%d rows",
		ResultLang:      "These results are in %s, the language the check ran in.",
		NewCheck:        "Check another file",
		Line:            "Line",
		PublicID:        "Store ID",
		Status:          "Status",
		Column:          "Column",
		Cell:            "Cell",
		Message:         "Message",
		NoRows:          "No rows to show.",
		FilterInvalid:   "Only rows to fix",
		FilterAll:       "All rows",
		Prev:            "Previous page",
		Next:            "Next page",
		PageOf:          "Page",
		DownloadErrors:  "Download the errors file (to send back to the merchant)",
		DownloadReport:  "Download the report (CSV)",
		NoErrors:        "No row needs fixing.",
		Reply:           "Reply to the merchant",
		ReplyHint:       "Copy it into your answer, and attach the errors file.",
		Copy:            "Copy the reply",
		Copied:          "Copied",
		LoginHeading:    "Enter the password",
		Password:        "Password",
		LoginSubmit:     "Log in",
		LoginError:      "Wrong password.",
		Busy:            "The page is busy with other checks. Wait a moment, then try again.",
		TooLarge:        "The file is too large: files up to %s can be uploaded.",
		NoFile:          "Choose the file to check.",
		NoOrg:           "Enter the organization ID.",
		FileError:       "This file cannot be checked:",
		CheckError:      "The check could not finish:",
		Forbidden:       "This form has expired: reload the page, then try again.",
		NotFound:        "This result is gone (results are kept for %s). Check the file again.",
		BadTemplate:     "The template asked for is not one there is:",
		RowsHeading:     "Rows",
		Stopping:        "The page is stopping, so this result is shown here only: its downloads and other pages are gone. Check the file again once the page is back.",
		StatusText: map[string]string{
			string(importer.StatusWouldCreate):    "would create",
			string(importer.StatusWouldSkip):      "already imported",
			string(importer.StatusInvalid):        "to fix",
			string(importer.StatusNeedsAttention): "needs attention",
			string(importer.StatusFailed):         "failed",
			string(importer.StatusNotAttempted):   "not attempted",
		},
	},
}

// langName names a language in lang's words, for the note on a result in another language.
func (w *words) langName(lang string) string {
	if lang == importer.LangJA {
		return map[string]string{importer.LangJA: "日本語", importer.LangEN: "Japanese"}[w.Lang]
	}
	return map[string]string{importer.LangJA: "英語", importer.LangEN: "English"}[w.Lang]
}
