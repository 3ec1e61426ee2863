/*
 * The fixed strings of the publication outputs, in English and Japanese:
 * status names and every label, heading and sentence (the _fmt members
 * are pub_fill() templates; see publish_p.h).
 */
#include "config.h"

#include "publish_p.h"

const struct pub_status_def pub_statuses[PUB_ST_COUNT] = {
	[PUB_ST_UNKNOWN] = { "unknown", "Unknown", "不明", "unknown" },
	[PUB_ST_AFFECTED] = { "affected", "Affected", "該当製品あり",
	    "affected" },
	[PUB_ST_AFFECTED_INV] = { "affected-investigating",
	    "Affected (investigating)", "該当製品あり：調査中",
	    "affected-inv" },
	[PUB_ST_NOT_AFFECTED] = { "not-affected", "Not affected",
	    "該当製品なし", "not-affected" },
	[PUB_ST_NOT_AFFECTED_INV] = { "not-affected-investigating",
	    "Not affected (investigating)", "該当製品なし：調査中",
	    "not-affected-inv" },
	[PUB_ST_UNREACHABLE] = { NULL, "Unreachable", "連絡不能",
	    "unreachable" },
};

const struct pub_labels pub_en = {
	.lang = "en",
	.site = "Vulnerability notes",
	.coordinator = "the coordinator",
	.date_fmt = "%Y-%m-%d",
	.published = "Published",
	.updated = "Last updated",
	.overview = "Overview",
	.affected = "Affected systems",
	.description = "Description",
	.impact = "Impact",
	.solution = "Solution",
	.vendors = "Vendor status",
	.references = "References",
	.credits = "Credits",
	.history = "Update history",
	.addendum_fmt = "Addendum from %s",
	.col_vendor = "Vendor",
	.col_status = "Status",
	.col_updated = "Last update",
	.col_comment = "Vendor comment",
	.col_advisory = "Vendor advisory",
	.unreachable_fmt = "Unreachable: contact attempted since %s, "
	    "no answer",
	.unreachable_nodate = "Unreachable: contact attempted, no answer",
	.remark_fmt = "%s has tried to contact this vendor since %s, but "
	    "has received no answer to date.",
	.remark_nodate_fmt = "%s has tried to contact this vendor, but has "
	    "received no answer to date.",
	.vendor_title_fmt = "%s: status for %s",
	.f_id = "Identifier",
	.f_title = "Title",
	.f_vendor = "Vendor",
	.f_status = "Status",
	.f_comment = "Comment from the vendor",
	.f_advisory = "Vendor advisory",
	.f_fix = "Fix date",
	.f_workaround = "Workaround date",
	.f_remarks = "Remarks",
	.back = "Back to the vulnerability note",
	.index_title = "Vulnerability notes",
	.index_empty = "No vulnerability notes have been published.",
	.col_id = "Identifier",
	.col_title = "Title",
	.csaf_link = "CSAF 2.0 VEX (JSON)",
	.key_title = "The desk's OpenPGP key",
	.key_intro = "Mail to the desk is encrypted to this key, and everything "
	    "the desk sends is signed with it. Compare the fingerprint with "
	    "the one you were given by another channel before you rely on it.",
	.key_address = "Address",
	.key_fpr = "Fingerprint",
	.key_download = "Download the key",
	.key_wkd = "Mail clients find it by the address through the Web Key "
	    "Directory (WKD).",
	.key_link = "The desk's OpenPGP key",
	.none_vendors = "No vendors are listed.",
	.product_fmt = "%s products (%s)",
	.fix_advisory_fmt = "See the advisory of %s.",
	.fix_none_fmt = "%s has not published a fix or an advisory.",
	.fix_investigating_fmt = "%s is still investigating and has not "
	    "published a fix.",
	.fix_date_fmt = "Fix date reported by the vendor: %s.",
	.workaround_fmt = "Workaround date reported by %s: %s.",
	.not_affected_fmt = "%s reported that its products are not "
	    "affected.",
	.comment_fmt = "Vendor comment: %s",
	.statement_fmt = "Statement of %s",
	.inv_unreachable_fmt = "%s: contact attempted since %s, no answer.",
	.inv_unknown_fmt = "%s: no status reported.",
	.initial_release = "Initial release",
	.feed_title_fmt = "%s vulnerability notes",
	.feed_description = "Vulnerability notes published after "
	    "coordinated disclosure.",
};

const struct pub_labels pub_ja = {
	.lang = "ja",
	.site = "脆弱性情報",
	.coordinator = "調整機関",
	.date_fmt = "%Y年%m月%d日",
	.published = "公開日",
	.updated = "最終更新日",
	.overview = "概要",
	.affected = "影響を受けるシステム",
	.description = "詳細情報",
	.impact = "想定される影響",
	.solution = "対策方法",
	.vendors = "ベンダ情報",
	.references = "参考情報",
	.credits = "謝辞",
	.history = "更新履歴",
	.addendum_fmt = "%sからの補足情報",
	.col_vendor = "ベンダ",
	.col_status = "ステータス",
	.col_updated = "最終更新日",
	.col_comment = "ベンダからのコメント",
	.col_advisory = "ベンダの告知ページ",
	.unreachable_fmt = "連絡不能: %s から連絡を試みていますが、"
	    "回答がありません",
	.unreachable_nodate = "連絡不能: 連絡を試みていますが、"
	    "回答がありません",
	.remark_fmt = "%sは %s 以降、連絡を試みてきましたが、"
	    "今日に至るまで回答が得られていません。",
	.remark_nodate_fmt = "%sは連絡を試みてきましたが、"
	    "今日に至るまで回答が得られていません。",
	.vendor_title_fmt = "%s の脆弱性 %s への対応",
	.f_id = "脆弱性識別番号",
	.f_title = "脆弱性タイトル",
	.f_vendor = "ベンダ",
	.f_status = "ステータス",
	.f_comment = "製品開発者からのコメント",
	.f_advisory = "ベンダの告知ページ",
	.f_fix = "対策予定日",
	.f_workaround = "回避策予定日",
	.f_remarks = "備考",
	.back = "脆弱性情報に戻る",
	.index_title = "脆弱性情報一覧",
	.index_empty = "公開中の脆弱性情報はありません。",
	.col_id = "識別番号",
	.col_title = "タイトル",
	.csaf_link = "CSAF 2.0 VEX (JSON)",
	.key_title = "調整窓口の OpenPGP 公開鍵",
	.key_intro = "調整窓口あてのメールはこの鍵で暗号化してください。調整窓口が"
	    "送るメールはすべてこの鍵で署名されています。利用する前に、別の経路"
	    "で伝えられたフィンガープリントと照合してください。",
	.key_address = "アドレス",
	.key_fpr = "フィンガープリント",
	.key_download = "公開鍵のダウンロード",
	.key_wkd = "メールソフトは Web Key Directory (WKD) によりアドレスから"
	    "この鍵を取得できます。",
	.key_link = "調整窓口の OpenPGP 公開鍵",
	.none_vendors = "掲載するベンダはありません。",
	.product_fmt = "%s の製品 (%s)",
	.fix_advisory_fmt = "%s の告知ページを参照してください。",
	.fix_none_fmt = "%s は対策情報を公開していません。",
	.fix_investigating_fmt = "%s は調査中で、対策情報を公開していません。",
	.fix_date_fmt = "ベンダが報告した対策予定日: %s。",
	.workaround_fmt = "%s が報告した回避策予定日: %s。",
	.not_affected_fmt = "%s は該当製品なしと報告しています。",
	.comment_fmt = "ベンダからのコメント: %s",
	.statement_fmt = "%s からのコメント",
	.inv_unreachable_fmt = "%s: %s から連絡を試みていますが、"
	    "回答がありません。",
	.inv_unknown_fmt = "%s: 対応状況の連絡がありません。",
	.initial_release = "公開",
	.feed_title_fmt = "%s 脆弱性情報",
	.feed_description = "調整を経て公開された脆弱性情報",
};
