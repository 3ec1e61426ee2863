/*
 * form_value.c: reply-form values as people write them, and the form's
 * words (labels, accepted values, messages) in English and Japanese.
 * Pure: text in, values out.
 *
 * A value is first folded (NFKC, ASCII lower case), so "（調査中）" reads
 * as "(調査中)" and "２０２７" as "2027".  Statuses and yes/no answers are
 * then split into words at spaces and punctuation and compared, word list
 * against word list, with the tables below; anything else is refused and
 * the vendor is asked again with the accepted values.
 */
#include "config.h"

#include <string.h>

#include "vulture/textin.h"

#include "form_p.h"

char *
form_value_fold(const char *s, const char *e)
{
	char *n, *l;

	if (e - s > FORM_VALUE_MAX_FOLD)
		return NULL;
	if ((n = g_utf8_normalize(s, e - s, G_NORMALIZE_NFKC)) == NULL)
		return NULL;
	l = g_ascii_strdown(n, -1);
	g_free(n);
	return l;
}

/* Word separators of statuses and yes/no answers, after folding. */
static size_t
form_value_sep(const char *s)
{
	static const char *const wide[] = {
		"\xe3\x80\x81",	/* 、 */
		"\xe3\x80\x82",	/* 。 */
		"\xe3\x83\xbb",	/* ・ */
		"\xe3\x80\x8c",	/* 「 */
		"\xe3\x80\x8d",	/* 」 */
	};
	size_t i;

	if (*s != '\0' && strchr(" \t_-()[],.:/!", *s) != NULL)
		return 1;
	for (i = 0; i < G_N_ELEMENTS(wide); i++)
		if (strncmp(s, wide[i], strlen(wide[i])) == 0)
			return strlen(wide[i]);
	return 0;
}

/* The words of a folded value joined by '-', newly allocated. */
static char *
form_value_words(const char *v)
{
	GString *w = g_string_new(NULL);
	gboolean sep = FALSE;
	size_t n;

	while (*v != '\0') {
		if ((n = form_value_sep(v)) > 0) {
			v += n;
			sep = TRUE;
			continue;
		}
		if (sep && w->len > 0)
			g_string_append_c(w, '-');
		sep = FALSE;
		g_string_append_c(w, *v++);
	}
	return g_string_free(w, FALSE);
}

static gboolean
form_value_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(w, *list) == 0)
			return TRUE;
	return FALSE;
}

/*
 * Statuses: a base, optionally followed by a word saying the vendor is
 * still investigating; "investigating" or "調査中" alone is read as
 * affected-investigating, the reading that does not tell users they are
 * safe before the vendor knows (the acknowledgement shows it).
 */
static const char *const status_affected[] = {
	"affected", "vulnerable", "該当製品あり", "該当製品有り", "該当あり",
	"該当有り", "該当する", "該当します", NULL
};
static const char *const status_not_affected[] = {
	"not-affected", "unaffected", "not-vulnerable", "該当製品なし",
	"該当製品無し", "該当なし", "該当無し", "該当しない", "該当しません",
	"該当せず", "非該当", NULL
};
static const char *const status_investigating[] = {
	"investigating", "under-investigation", "still-investigating",
	"調査中", NULL
};

enum form_status
form_value_status(const char *folded)
{
	char *w = form_value_words(folded), *rest;
	enum form_status st = FORM_STATUS_NONE;
	size_t i, n;
	int pass;

	if (form_value_in(w, status_investigating)) {
		g_free(w);
		return FORM_STATUS_AFFECTED_INVESTIGATING;
	}
	/* The longest base first: "not-affected" before "affected". */
	for (pass = 0; pass < 2 && st == FORM_STATUS_NONE; pass++) {
		const char *const *list = pass == 0 ? status_not_affected :
		    status_affected;

		for (i = 0; list[i] != NULL; i++) {
			n = strlen(list[i]);
			if (strncmp(w, list[i], n) != 0)
				continue;
			rest = w + n;
			if (*rest == '\0')
				st = pass == 0 ? FORM_STATUS_NOT_AFFECTED :
				    FORM_STATUS_AFFECTED;
			else if (*rest == '-' &&
			    form_value_in(rest + 1, status_investigating))
				st = pass == 0 ?
				    FORM_STATUS_NOT_AFFECTED_INVESTIGATING :
				    FORM_STATUS_AFFECTED_INVESTIGATING;
			else
				continue;
			break;
		}
	}
	g_free(w);
	return st;
}

static const char *const yes_words[] = {
	"yes", "true", "yes-please", "please", "はい", "要", "必要", "希望",
	"希望する", "希望します", "お願いします", "はい-お願いします",
	"請求する", "請求します", NULL
};
static const char *const no_words[] = {
	"no", "false", "no-thanks", "no-thank-you", "not-needed", "いいえ",
	"不要", "不要です", "必要なし", "希望しない", "希望しません",
	"請求しない", "請求しません", NULL
};

int
form_value_yesno(const char *folded)
{
	char *w = form_value_words(folded);
	int r = -1;

	if (form_value_in(w, yes_words))
		r = 1;
	else if (form_value_in(w, no_words))
		r = 0;
	g_free(w);
	return r;
}

static gboolean
form_value_digits(const char **sp, const char *e, int min, int max, int *out)
{
	const char *s = *sp;
	int v = 0, n = 0;

	while (s < e && n < max && g_ascii_isdigit(*s)) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n < min || (s < e && g_ascii_isdigit(*s)))
		return FALSE;
	*sp = s;
	*out = v;
	return TRUE;
}

static const char *
form_value_spaces(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static gboolean
form_value_lit(const char **sp, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(e - *sp) < n || memcmp(*sp, lit, n) != 0)
		return FALSE;
	*sp += n;
	return TRUE;
}

/* "jan", "january", "jan.", "sept": 1-12, or 0. */
static int
form_value_month(const char **sp, const char *e)
{
	static const char *const full[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december" };
	const char *s = *sp, *w = s;
	int m;

	while (w < e && g_ascii_isalpha(*w))
		w++;
	for (m = 0; m < 12; m++) {
		size_t n = (size_t)(w - s);

		if ((n == strlen(full[m]) || n == 3 ||
		    (m == 8 && n == 4)) && n <= strlen(full[m]) &&
		    strncmp(s, full[m], n) == 0)
			break;
	}
	if (m == 12)
		return 0;
	if (w < e && *w == '.')
		w++;
	*sp = w;
	return m + 1;
}

/* "5", "5th", "1st": the day number. */
static gboolean
form_value_day(const char **sp, const char *e, int *d)
{
	static const char *const sfx[] = { "st", "nd", "rd", "th" };
	size_t i;

	if (!form_value_digits(sp, e, 1, 2, d))
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(sfx); i++)
		if (form_value_lit(sp, e, sfx[i]))
			break;
	return TRUE;
}

static gboolean
form_value_exists(int y, int m, int d)
{
	return y >= 1970 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= textin_days_in_month(y, m);
}

gboolean
form_value_date(const char **sp, const char *e, int *y, int *m, int *d)
{
	static const char *const days[] = { "月", "火", "水", "木", "金", "土",
	    "日" };
	const char *s = *sp, *t;
	size_t i;

	if (s < e && g_ascii_isdigit(*s) &&
	    form_value_digits(&s, e, 4, 4, y)) {
		/* 2027年1月5日, 2027.1.5 */
		if (s < e && *s == '.') {
			s++;
			if (!form_value_digits(&s, e, 1, 2, m) ||
			    !form_value_lit(&s, e, ".") ||
			    !form_value_digits(&s, e, 1, 2, d))
				return FALSE;
		} else {
			if (!form_value_lit(&s, e, "年"))
				return FALSE;
			s = form_value_spaces(s, e);
			if (!form_value_digits(&s, e, 1, 2, m))
				return FALSE;
			s = form_value_spaces(s, e);
			if (!form_value_lit(&s, e, "月"))
				return FALSE;
			s = form_value_spaces(s, e);
			if (!form_value_digits(&s, e, 1, 2, d))
				return FALSE;
			s = form_value_spaces(s, e);
			if (!form_value_lit(&s, e, "日"))
				return FALSE;
			/* An optional day of the week: "(火)". */
			t = form_value_spaces(s, e);
			if (form_value_lit(&t, e, "(")) {
				for (i = 0; i < G_N_ELEMENTS(days); i++)
					if (form_value_lit(&t, e, days[i]))
						break;
				if (i < G_N_ELEMENTS(days) &&
				    form_value_lit(&t, e, ")"))
					s = t;
			}
		}
	} else if (s < e && g_ascii_isdigit(*s)) {
		/* 5 Jan 2027, 5 January, 2027 */
		if (!form_value_day(&s, e, d))
			return FALSE;
		s = form_value_spaces(s, e);
		if ((*m = form_value_month(&s, e)) == 0)
			return FALSE;
		(void)form_value_lit(&s, e, ",");
		s = form_value_spaces(s, e);
		if (!form_value_digits(&s, e, 4, 4, y))
			return FALSE;
	} else {
		/* Jan 5, 2027; January 5th 2027 */
		if ((*m = form_value_month(&s, e)) == 0)
			return FALSE;
		s = form_value_spaces(s, e);
		if (!form_value_day(&s, e, d))
			return FALSE;
		(void)form_value_lit(&s, e, ",");
		s = form_value_spaces(s, e);
		if (!form_value_digits(&s, e, 4, 4, y))
			return FALSE;
	}
	if (!form_value_exists(*y, *m, *d))
		return FALSE;
	*sp = s;
	return TRUE;
}

/* ---- the form's words ---- */

const char *
form_field_label(enum form_field field, const char *lang)
{
	static const char *const ja[FORM_FIELD_COUNT] = {
		[FORM_FIELD_CASE] = "案件番号",
		[FORM_FIELD_REQUEST_DETAIL] = "詳細情報請求",
		[FORM_FIELD_STATUS] = "状況",
		[FORM_FIELD_COMMENT] = "コメント",
		[FORM_FIELD_ADVISORY_URL] = "アドバイザリURL",
		[FORM_FIELD_FIX_DATE] = "修正予定日",
		[FORM_FIELD_WORKAROUND_DATE] = "回避策予定日",
		[FORM_FIELD_FIX_PLAN] = "対策方法",
		[FORM_FIELD_WORKAROUND_PLAN] = "回避策",
		[FORM_FIELD_PUBDATE_REQUEST] = "公開日変更希望",
		[FORM_FIELD_REASON] = "理由",
		[FORM_FIELD_SHARE_WITH] = "情報共有先",
		[FORM_FIELD_SHARE_KEY] = "共有先の鍵",
	};

	if ((unsigned)field >= FORM_FIELD_COUNT || field == FORM_FIELD_NONE)
		return NULL;
	if (lang != NULL && strcmp(lang, "ja") == 0)
		return ja[field];
	return form_field_name(field);
}

int
form_field_published(enum form_field field)
{
	/* What the advisory's vendor table shows (publish_html.c and
	 * publish_text.c): the guideline's 6-2-4 statement, comment,
	 * advisory URL and dates. */
	return field == FORM_FIELD_STATUS || field == FORM_FIELD_COMMENT ||
	    field == FORM_FIELD_ADVISORY_URL || field == FORM_FIELD_FIX_DATE ||
	    field == FORM_FIELD_WORKAROUND_DATE;
}

const char *
form_field_accepted(enum form_field field, const char *lang)
{
	int ja = lang != NULL && strcmp(lang, "ja") == 0;

	switch (field) {
	case FORM_FIELD_CASE:
		return ja ? "案件番号（例: JVNVU#12345678）" :
		    "the case id, such as JVNVU#12345678";
	case FORM_FIELD_REQUEST_DETAIL:
		return ja ? "はい または いいえ（「要」「不要」も可）" :
		    "yes or no (\"yes please\" is fine)";
	case FORM_FIELD_STATUS:
		return ja ? "該当製品あり、該当製品あり：調査中、該当製品なし、"
		    "該当製品なし：調査中（「該当あり」「該当しない」「非該当」"
		    "「調査中」も可）" :
		    "affected, affected-investigating, not-affected or "
		    "not-affected-investigating (also as \"affected "
		    "(investigating)\", \"not affected\", \"investigating\")";
	case FORM_FIELD_FIX_DATE:
	case FORM_FIELD_WORKAROUND_DATE:
		return ja ? "日付（例: 2027-01-05、2027/1/5、2027年1月5日）" :
		    "a date, such as 2027-01-05, 2027/1/5 or Jan 5, 2027";
	case FORM_FIELD_PUBDATE_REQUEST:
		return ja ? "日付（例: 2027-01-20、2027年1月20日）、時刻を付ける"
		    "場合は 2027-01-20 10:00 や 2027-01-20T10:00+09:00" :
		    "a date, such as 2027-01-20 or Jan 20, 2027, optionally "
		    "with a time: 2027-01-20 10:00 or 2027-01-20T10:00+09:00";
	case FORM_FIELD_ADVISORY_URL:
		return ja ? "http:// または https:// で始まる URL" :
		    "a URL starting with http:// or https://";
	case FORM_FIELD_SHARE_WITH:
		return ja ? "組織名; 担当者名; メールアドレス; 電話番号"
		    "（電話番号は省略可）" :
		    "organisation; contact name; address; phone (phone may "
		    "be empty)";
	case FORM_FIELD_SHARE_KEY:
		return ja ? "鍵のフィンガープリント（16 進数 40 桁）" :
		    "the key's fingerprint (40 hex digits)";
	default:
		return NULL;
	}
}

/* The parser's messages (English, static in form.c) in Japanese. */
static const struct {
	const char *en, *ja;
} messages_ja[] = {
	{ "longer than 64 bytes", "64 バイトを超えています" },
	{ "contains control characters", "制御文字が含まれています" },
	{ "expected yes or no", "はい または いいえ で記入してください" },
	{ "expected affected, affected-investigating, not-affected or "
	  "not-affected-investigating", "状況を読み取れませんでした" },
	{ "expected a key fingerprint (40 hex digits)",
	  "鍵のフィンガープリント（16 進数 40 桁）を記入してください" },
	{ "longer than 2048 bytes", "2048 バイトを超えています" },
	{ "must start with http:// or https://",
	  "http:// または https:// で始めてください" },
	{ "has no host", "ホスト名がありません" },
	{ "contains spaces or control characters",
	  "空白または制御文字が含まれています" },
	{ "expected an existing date as YYYY-MM-DD",
	  "実在する日付を記入してください" },
	{ "expected an existing date as YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] "
	  "with an optional Z or +HH:MM",
	  "実在する日付（必要なら時刻も）を記入してください" },
	{ "too many Share-With entries; this one is ignored",
	  "情報共有先が多すぎるため、この行は無視しました" },
	{ "a part is longer than 256 bytes",
	  "256 バイトを超える項目があります" },
	{ "expected \"organisation; contact name; address; phone\" (phone "
	  "may be empty)", "「組織名; 担当者名; メールアドレス; 電話番号」の形"
	  "で記入してください（電話番号は省略可）" },
	{ "the address does not look like local@domain",
	  "メールアドレスの形式ではありません" },
	{ "this address is already listed",
	  "このアドレスはすでに記載されています" },
	{ "given twice with different values",
	  "異なる値が 2 回記入されています" },
	{ "longer than 16384 bytes", "16384 バイトを超えています" },
	{ "unknown label; ignored", "不明な項目名のため無視しました" },
	{ "not indented: not part of the value above",
	  "行頭に空白がないため、上の項目の続きとしては扱いませんでした" },
	{ "a value you typed in the quoted text; the one outside the quote "
	  "was used", "引用部分に記入された値です。引用の外の値を採用しました" },
};

const char *
form_issue_message(const struct form_issue *issue, const char *lang)
{
	size_t i;

	if (lang == NULL || strcmp(lang, "ja") != 0)
		return issue->message;
	for (i = 0; i < G_N_ELEMENTS(messages_ja); i++)
		if (strcmp(messages_ja[i].en, issue->message) == 0)
			return messages_ja[i].ja;
	return issue->message;
}
