package importer

import "fmt"

// message is a sentence of the report in each language the report speaks (--lang). Each takes
// the same fmt arguments in both languages.
type message struct{ en, ja string }

var (
	msgDuplicate = message{
		"%q appears more than once in the file (also on %s); keep one row per store",
		"%q がファイル内で重複しています（%sにもあります）。1店舗につき1行にしてください",
	}
	// The other lines msgDuplicate names: one, a few, or a few and the count of the rest.
	msgOtherLine = message{
		"line %s",
		"%s 行目",
	}
	msgOtherLines = message{
		"lines %s",
		"%s 行目",
	}
	msgOtherLinesAndMore = message{
		"lines %s and %s more",
		"%s 行目ほか %s 行",
	}
	msgOtherOrganization = message{
		"public_id %q is already used by a store of organization %s; choose another public_id",
		"店舗ID %q はすでに組織 %s の店舗で使われています。別の店舗IDにしてください",
	}
	msgOverShopLimit = message{
		"organization %s allows %d shops and would already have %d with the rows above; this row would exceed the limit",
		"組織 %s の店舗数上限は %d で、この行より前の行を含めるとすでに %d 店舗になります。この行は上限を超えます",
	}
	msgCreateRefused = message{
		"the platform refused to create the shop: %s",
		"プラットフォームが店舗の作成を拒否しました: %s",
	}
	msgCreateNotSent = message{
		"the shop was not created: the request could not be sent (%s); import the row again",
		"店舗は作成されていません。要求を送信できませんでした（%s）。この行を再度取り込んでください",
	}
	msgCreateUnknown = message{
		"the platform did not confirm createShop (%s), so a shop may exist without a local store; the next import asks again with the same idempotency key, or `storeimport reconcile --fix` settles it",
		"プラットフォームから createShop の結果が返りませんでした（%s）。店舗だけが作成されている可能性があります。次回の取り込みで同じ冪等キーにより確認するか、`storeimport reconcile --fix` で解消してください",
	}
	msgReplayRefused = message{
		"replaying createShop with this attempt's idempotency key was refused (%s), which says nothing of the first request: a shop may exist without a local store; the next import replays it again, or `storeimport reconcile --fix` settles it",
		"この試行の冪等キーによる createShop の再送が拒否されました（%s）。最初の要求の結果は分からないため、店舗だけが作成されている可能性があります。次回の取り込みで再送するか、`storeimport reconcile --fix` で解消してください",
	}
	msgCompensated = message{
		"%s; the shop %s was deleted again, so nothing is left behind: fix the cause and import the row again",
		"%s。店舗 %s は削除したため、何も残っていません。原因を直して再度取り込んでください",
	}
	msgCompensationFailed = message{
		"%s, and deleting the shop %s again failed too (%s): the shop exists on the platform with no local store; run `storeimport reconcile`",
		"%s。店舗 %s の削除にも失敗しました（%s）。店舗がプラットフォームにだけ残っています。`storeimport reconcile` を実行してください",
	}
	msgAssignFailed = message{
		"turning on the reservation service failed: %s",
		"予約サービスの有効化に失敗しました: %s",
	}
	msgInsertFailed = message{
		"saving the store in the local database failed: %s",
		"ローカルデータベースへの保存に失敗しました: %s",
	}
	msgInDoubtTooLong = message{
		"createShop has been in doubt for more than a day, so the platform no longer keeps its answer and a replay could make a second shop; run `storeimport reconcile`, check the organization's shops, and record what you find with `storeimport reconcile --resolve KEY --shop ID` (or `--none`)",
		"createShop の結果が1日以上不明のままで、プラットフォームに応答が残っていないため再送すると店舗が二重に作成される恐れがあります。`storeimport reconcile` で組織の店舗を確認し、結果を `storeimport reconcile --resolve キー --shop 店舗ID`（作成されていなければ `--none`）で記録してください",
	}
	msgOtherToken = message{
		"createShop for this row was sent on %s with another platform token (fingerprint %s; this run's token is %s), and the platform keeps an idempotency key for its token only, so a replay with this one could make a second shop: run the import again with that token, or `storeimport reconcile --fix` with it",
		"この行の createShop は %s に別のプラットフォームトークン（フィンガープリント %s。今回のトークンは %s）で送信されました。冪等キーはトークンごとに管理されるため、今回のトークンで再送すると店舗が二重に作成される恐れがあります。そのトークンで再度取り込むか、そのトークンで `storeimport reconcile --fix` を実行してください",
	}
	msgTokenUnknown = message{
		"createShop for this row was sent by a version of storeimport that did not record which platform token sent it, and the platform keeps an idempotency key for its token only, so a replay could make a second shop: check the organization's shops with `storeimport reconcile` and record what you find with `storeimport reconcile --resolve KEY --shop ID` (or `--none`)",
		"この行の createShop は、送信に使ったプラットフォームトークンを記録しない旧バージョンの storeimport で送信されました。冪等キーはトークンごとに管理されるため、再送すると店舗が二重に作成される恐れがあります。`storeimport reconcile` で組織の店舗を確認し、結果を `storeimport reconcile --resolve キー --shop 店舗ID`（作成されていなければ `--none`）で記録してください",
	}
	msgStillUnsettled = message{
		"the platform could not say what became of shop %s (%s); the next run asks again",
		"店舗 %s の状態をプラットフォームに確認できませんでした（%s）。次回の実行で再確認します",
	}
	msgShopVanished = message{
		"shop %s was deleted on the platform before the import finished",
		"取り込みが終わる前に店舗 %s がプラットフォーム上で削除されました",
	}
	msgEarlierCompensation = message{
		"an earlier run could not delete this row's shop",
		"以前の実行でこの行の店舗を削除できませんでした",
	}
	msgJournalBrokenBefore = message{
		"could not record the row in the local database (%v), so nothing was sent for it",
		"ローカルデータベースに行を記録できなかったため（%v）、この行は送信していません",
	}
	msgJournalBroken = message{
		"could not record the row in the local database (%v); the next run will settle it from its last recorded step",
		"ローカルデータベースに行を記録できませんでした（%v）。次回の実行で最後に記録した段階から解消します",
	}
	msgSupersededBefore = message{
		"not attempted: %v",
		"未実行: %v",
	}
	msgSuperseded = message{
		"%v: the row is left as the journal has it, for the run that took over to settle",
		"%v。この行はジャーナルの記録のまま、引き継いだ実行に解消を任せます",
	}
	msgShopLinked = message{
		"%s; the shop %s was not deleted, because store %s links it: run `storeimport reconcile`",
		"%s。店舗 %s は店舗 %s に紐づいているため削除していません。`storeimport reconcile` を実行してください",
	}
	msgImportedDiffers = message{
		"already imported, but the file now says otherwise in %s: the store keeps the values it was imported with (an import never changes a store); if the change is meant, make it in the reservation service",
		"取り込み済みですが、ファイルの %s が取り込み時の値と異なります。店舗は取り込み時の値のままです（取り込みで既存の店舗は変更しません）。変更が必要な場合は予約サービス側で変更してください",
	}
	msgNotAttempted = message{
		"not attempted: %s",
		"未実行: %s",
	}
)

func (m message) in(lang string, args ...any) string {
	if lang == "ja" {
		return fmt.Sprintf(m.ja, args...)
	}
	return fmt.Sprintf(m.en, args...)
}
