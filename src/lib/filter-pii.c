/*
 * PII redaction for ayak-filter: e-mail addresses, Malaysian phone
 * numbers, MyKad numbers, IP addresses, payment card numbers and the
 * user and password in a URL, each replaced by a typed placeholder.  A
 * hand-written scanner, not regular expressions: it looks only at the
 * bytes that can start a find, and
 * validates what it finds (dates, places of birth, Luhn, address ranges)
 * so that near-misses survive.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "filter-int.h"

const char *const filter_pii_names[PII_NTYPES] = {
	"email", "phone", "mykad", "ip", "card", "login",
};

static const char *const placeholder[PII_NTYPES] = {
	"<EMAIL>", "<PHONE>", "<MYKAD>", "<IP>", "<CARD>", "<LOGIN>",
};

int filter_pii_mask(const char *list, unsigned *mask)
{
	const char *p = list;

	*mask = 0;
	if (!strcmp(list, "all")) {
		*mask = (1u << PII_NTYPES) - 1;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		int t;

		for (t = 0; t < PII_NTYPES; t++)
			if (strlen(filter_pii_names[t]) == n && !memcmp(filter_pii_names[t], p, n))
				break;
		if (t == PII_NTYPES)
			return -1;
		*mask |= 1u << t;
		p += n;
		if (*p == ',') {
			p++;
			if (!*p)
				return -1;
		}
	}
	return *mask ? 0 : -1;
}

static int isdig(int c) { return c >= '0' && c <= '9'; }
static int isalpha_a(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int isalnum_a(int c) { return isdig(c) || isalpha_a(c); }
static int ishex(int c) { return isdig(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

/* A letter or digit in any script ends at s[i-1]? */
static int word_before(const unsigned char *s, size_t i)
{
	size_t b;
	int len;

	if (!i)
		return 0;
	if (s[i - 1] < 0x80)
		return isalnum_a(s[i - 1]) || s[i - 1] == '_';
	b = i - 1;
	while (b > 0 && (s[b] & 0xC0) == 0x80 && i - b < 4)
		b--;
	return fl_isword(fl_cp(s, i, b, &len));
}

static int word_at(const unsigned char *s, size_t n, size_t i)
{
	int len;

	if (i >= n)
		return 0;
	if (s[i] < 0x80)
		return isalnum_a(s[i]) || s[i] == '_';
	return fl_isword(fl_cp(s, n, i, &len));
}

/*
 * May a number that starts with a digit start at s[i]?  Not inside a
 * word, an identifier ("IMG_0123456789") or another number, a path
 * ("/0123456789", "\\0123456789"), a reference (#123, ORD-123), after '@',
 * or in an amount (RM 100, $5).  Other punctuation separates, as in URL
 * queries and tables: "tel=0123456789&ip=8.8.8.8", "|0123456789|".
 */
static int num_left_ok(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c;
	size_t j;

	if (!i)
		return 1;
	c = s[i - 1];
	if (word_before(s, i))
		return 0;
	switch (c) {
	case '#': case '/': case '\\': case '@': case '$':
		return 0;
	case '+':
		/* the '+60' of a phone number, which is looked for from its '+' */
		if (i + 1 < n && s[i] == '6' && s[i + 1] == '0')
			return 0;
		break;
	case '.': case ',':
		if (i >= 2 && isdig(s[i - 2]))
			return 0;
		break;
	case '-':
		if (word_before(s, i - 1))
			return 0;
		break;
	}
	/* currency: "RM 100", "Rp 5", "USD 10" */
	j = i;
	if (c == ' ')
		j--;
	if (j >= 2 && (fl_ieq(s + j - 2, "rm", 2) || fl_ieq(s + j - 2, "rp", 2)) &&
	    !word_before(s, j - 2))
		return 0;
	if (j >= 3 && (fl_ieq(s + j - 3, "usd", 3) || fl_ieq(s + j - 3, "myr", 3) ||
		       fl_ieq(s + j - 3, "sgd", 3)) &&
	    !word_before(s, j - 3))
		return 0;
	return 1;
}

/*
 * How a number is looked for.  NUM_LIST_END: it may end at a list
 * separator ('/' or ',' and a digit: "012-3456789/019-8765432"), which
 * a number alone may not ("INV/0123456789/2", "1,234,567"): the caller
 * then checks that a number follows.  NUM_LIST_ITEM: it follows such a
 * separator, after a number of the list: no test of what precedes it.
 */
enum { NUM_LIST_END = 1, NUM_LIST_ITEM = 2 };

/* At s[e], a '/' or ',' between two numbers of a list? */
static int list_sep(const unsigned char *s, size_t n, size_t e)
{
	return e + 1 < n && (s[e] == '/' || s[e] == ',') && isdig(s[e + 1]);
}

/* May a number end at s[e] (exclusive)? */
static int num_right_ok(const unsigned char *s, size_t n, size_t e, unsigned how)
{
	if (e >= n)
		return 1;
	if (word_at(s, n, e) || s[e] == '@')
		return 0;
	if ((how & NUM_LIST_END) && list_sep(s, n, e))
		return 1;
	if ((s[e] == '.' || s[e] == ',' || s[e] == '-' || s[e] == '/' || s[e] == ':') &&
	    e + 1 < n && isdig(s[e + 1]))
		return 0;
	return 1;
}

/* ---- MyKad ---- */

/*
 * Place-of-birth codes in use (JPN): 01-16 the states, 21-59 the states
 * again, 60-68, 71-72, 74-79, 82-93 and 98-99 countries and regions.
 * 00, 17-20, 69, 70, 73, 80, 81 and 94-97 are not issued.
 */
static int pb_valid(int pb)
{
	return (pb >= 1 && pb <= 16) || (pb >= 21 && pb <= 68) || pb == 71 || pb == 72 ||
	       (pb >= 74 && pb <= 79) || (pb >= 82 && pb <= 93) || pb == 98 || pb == 99;
}

int filter_mykad_valid(const char *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int yy, mm, dd, i;

	for (i = 0; i < 12; i++)
		if (!isdig(d[i]))
			return 0;
	yy = (d[0] - '0') * 10 + d[1] - '0';
	mm = (d[2] - '0') * 10 + d[3] - '0';
	dd = (d[4] - '0') * 10 + d[5] - '0';
	if (mm < 1 || mm > 12 || dd < 1 || dd > mdays[mm - 1])
		return 0;
	/* 29 February: the year, 19YY or 20YY, must be a leap year (00 is 2000) */
	if (mm == 2 && dd == 29 && yy % 4)
		return 0;
	return pb_valid((d[6] - '0') * 10 + d[7] - '0');
}

struct kw {
	const char *w;
	size_t len;
};
#define KW(w) { w, sizeof(w) - 1 }

/* Back from s[i] over spaces and punctuation (": ", " - ", "no.") to a letter, or 0. */
static size_t punct_back(const unsigned char *s, size_t i)
{
	size_t j = i;

	while (j > 0 && i - j < 8 && s[j - 1] < 0x80 && !isalnum_a(s[j - 1]))
		j--;
	return j && isalpha_a(s[j - 1]) ? j : 0;
}

/* The length of the word of kw that ends at s[j] (a whole word), or 0. */
static size_t keyword_at(const unsigned char *s, size_t j, const struct kw *kw, size_t nkw)
{
	size_t k;

	for (k = 0; k < nkw; k++) {
		size_t l = kw[k].len;

		/* the last letter first: most words before a number are none of these */
		if (j >= l && (s[j - 1] | 0x20) == kw[k].w[l - 1] && fl_ieq(s + j - l, kw[k].w, l) &&
		    !word_before(s, j - l))
			return l;
	}
	return 0;
}

/*
 * One of the words kw just before s[i], with nothing but spaces and
 * punctuation between ("No. K/P: ", "versi ", "(build ").
 */
static int keyword_before(const unsigned char *s, size_t i, const struct kw *kw, size_t nkw)
{
	size_t j = punct_back(s, i);

	return j && keyword_at(s, j, kw, nkw);
}

/*
 * A MyKad keyword before s[i], or one and a label word ("IC No: ",
 * "NRIC No.: ", "MyKad Number ", "K/P Bil. "), with spaces and
 * punctuation between.
 */
static int mykad_keyword_before(const unsigned char *s, size_t i)
{
	static const struct kw kw[] = {
		KW("ic"), KW("i/c"), KW("k/p"), KW("kp"), KW("nric"), KW("mykad"), KW("mykid"),
		KW("kad pengenalan"), KW("no. kp"), KW("identity card"),
	};
	static const struct kw label[] = {
		KW("no"), KW("number"), KW("nombor"), KW("bil"),
	};
	size_t j = punct_back(s, i), l;

	if (!j)
		return 0;
	if (keyword_at(s, j, kw, sizeof(kw) / sizeof(kw[0])))
		return 1;
	l = keyword_at(s, j, label, sizeof(label) / sizeof(label[0]));
	/* "Bil." with its full stop: "bil" alone is a word too */
	if (!l || (l == 3 && s[j] != '.'))
		return 0;
	j = punct_back(s, j - l);
	return j && keyword_at(s, j, kw, sizeof(kw) / sizeof(kw[0]));
}

static size_t try_mykad(const unsigned char *s, size_t n, size_t i, unsigned how)
{
	char d[12];
	size_t k;

	/* YYMMDD-PB-###G */
	if (i + 14 <= n && s[i + 6] == '-' && s[i + 9] == '-') {
		for (k = 0; k < 14; k++)
			if (k != 6 && k != 9 && !isdig(s[i + k]))
				break;
		if (k == 14) {
			memcpy(d, s + i, 6);
			memcpy(d + 6, s + i + 7, 2);
			memcpy(d + 8, s + i + 10, 4);
			if (filter_mykad_valid(d) && num_right_ok(s, n, i + 14, how))
				return i + 14;
		}
	}
	/*
	 * 12 digits in a row, only after a keyword (No. K/P, IC, MyKad...)
	 * or in a list ("IC: 900101145678/900202145678")
	 */
	if (i + 12 <= n) {
		for (k = 0; k < 12; k++)
			if (!isdig(s[i + k]))
				return 0;
		if ((i + 12 == n || !isdig(s[i + 12])) && filter_mykad_valid((const char *)s + i) &&
		    num_right_ok(s, n, i + 12, how) &&
		    ((how & NUM_LIST_ITEM) || mykad_keyword_before(s, i)))
			return i + 12;
	}
	return 0;
}

/* ---- digit runs with separators ---- */

#define MAXDIG 20

struct digs {
	char d[MAXDIG];
	size_t end[MAXDIG];	/* offset after digit k */
	char sep[MAXDIG];	/* separator after digit k, or 0 */
	size_t nd;
};

/*
 * Digits from s[i] on, with single separators from seps between them.
 * With paren, a ')' (and a space after it) may close a first group that
 * a '(' before s[i] opened.
 */
static void gather(const unsigned char *s, size_t n, size_t i, const char *seps,
		   int paren, struct digs *g)
{
	size_t p = i;

	g->nd = 0;
	while (p < n && g->nd < MAXDIG) {
		if (isdig(s[p])) {
			g->d[g->nd] = (char)s[p];
			g->end[g->nd] = p + 1;
			g->sep[g->nd] = 0;
			g->nd++;
			p++;
			continue;
		}
		if (g->nd && paren && s[p] == ')') {
			paren = 0;
			g->sep[g->nd - 1] = ')';
			p++;
			if (p < n && s[p] == ' ')
				p++;
			if (p < n && isdig(s[p]))
				continue;
			break;
		}
		if (g->nd && !paren && strchr(seps, s[p]) && s[p] && p + 1 < n && isdig(s[p + 1])) {
			g->sep[g->nd - 1] = (char)s[p];
			p++;
			continue;
		}
		break;
	}
	if (paren)		/* an unclosed '(' */
		g->nd = 0;
}

/* The first k digits end a group and are followed by a proper boundary. */
static int ends_ok(const unsigned char *s, size_t n, const struct digs *g, size_t k,
		   unsigned how)
{
	if (k == 0 || k > g->nd)
		return 0;
	if (k < g->nd && !g->sep[k - 1])
		return 0;
	return num_right_ok(s, n, g->end[k - 1], how);
}

/* ---- phone numbers ---- */

/*
 * Length of a Malaysian national significant number (without the trunk
 * 0) from its first digits: mobile 1X + 7 digits (11 and 15: + 8); 3 +
 * 8 (Klang Valley); 4, 5, 6, 7, 9 + 7; 82-89 + 6 (Sabah, Sarawak).
 */
static size_t nsn_len(const char *d, size_t avail)
{
	if (avail < 2)
		return 0;
	switch (d[0]) {
	case '1':
		return d[1] == '1' || d[1] == '5' ? 10 : 9;
	case '3':
		return 9;
	case '4': case '5': case '6': case '7': case '9':
		return 8;
	case '8':
		return d[1] >= '2' ? 8 : 0;
	}
	return 0;
}

/*
 * Printed as phone numbers are: a first group (before the first
 * separator) of two digits or more, unless it is the country code or a
 * 1-300 prefix, and a last group of three or more.
 */
static int phone_groups(const struct digs *g, size_t k, size_t first_min)
{
	size_t j, first = 0, last = 0, seen_sep = 0;

	for (j = 0; j < k; j++) {
		last++;
		if (!seen_sep)
			first++;
		if (j + 1 < k && g->sep[j]) {
			seen_sep = 1;
			last = 0;
		}
	}
	return !seen_sep || (first >= first_min && last >= 3);
}

/* A phone number whose digits start at s[i]; intl: after "+60". */
static size_t phone_digits(const unsigned char *s, size_t n, size_t i, int intl, int paren,
			   unsigned how)
{
	struct digs g;
	size_t skip, len;

	gather(s, n, i, " -.", paren, &g);
	if (g.nd < 8)
		return 0;
	if (intl) {
		skip = g.d[0] == '0';	/* "+60 012-..." written with the trunk 0 */
	} else if (g.nd >= 10 && !memcmp(g.d, "0060", 4)) {
		skip = 4;
	} else if (g.d[0] == '0') {
		skip = 1;
	} else if ((!memcmp(g.d, "1300", 4) || !memcmp(g.d, "1800", 4)) && !paren) {
		return ends_ok(s, n, &g, 10, how) && phone_groups(&g, 10, 1) ? g.end[9] : 0;
	} else if (g.nd >= 11 && g.d[0] == '6' && g.d[1] == '0' && !paren) {
		skip = 2;	/* 60123456789: the country code without '+' */
	} else {
		return 0;
	}
	len = nsn_len(g.d + skip, g.nd - skip);
	if (!len || skip + len > g.nd || !ends_ok(s, n, &g, skip + len, how) ||
	    !phone_groups(&g, skip + len, intl || paren ? 1 : 2))
		return 0;
	return g.end[skip + len - 1];
}

static size_t try_phone(const unsigned char *s, size_t n, size_t i, unsigned how)
{
	size_t p = i;

	if (s[p] == '(') {
		if (p + 1 < n && s[p + 1] == '+') {
			/* (+60) 12-345 6789 */
			if (p + 5 >= n || s[p + 2] != '6' || s[p + 3] != '0')
				return 0;
			/* (+603) 2161 2345: the area or mobile code inside too */
			if (isdig(s[p + 4]))
				return phone_digits(s, n, p + 4, 1, 1, how);
			if (s[p + 4] != ')')
				return 0;
			p += 5;
			if (p < n && s[p] == ' ')
				p++;
			return p < n && isdig(s[p]) ? phone_digits(s, n, p, 1, 0, how) : 0;
		}
		/* (03) 2161 2345 */
		return p + 1 < n && s[p + 1] == '0' ? phone_digits(s, n, p + 1, 0, 1, how) : 0;
	}
	if (s[p] == '+') {
		if (p + 3 >= n || s[p + 1] != '6' || s[p + 2] != '0')
			return 0;
		p += 3;
		if (s[p] == ' ' || s[p] == '-' || s[p] == '.')
			p++;
		if (p < n && s[p] == '(') {	/* +60 (3) 2161 2345 */
			if (p + 1 < n && isdig(s[p + 1]))
				return phone_digits(s, n, p + 1, 1, 1, how);
			return 0;
		}
		return p < n && isdig(s[p]) ? phone_digits(s, n, p, 1, 0, how) : 0;
	}
	return phone_digits(s, n, p, 0, 0, how);
}

/* ---- payment cards ---- */

int filter_luhn_valid(const char *d, size_t n)
{
	int sum = 0, dbl = 0;
	size_t i;

	for (i = n; i-- > 0;) {
		int v = d[i] - '0';

		if (v < 0 || v > 9)
			return 0;
		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
		dbl = !dbl;
	}
	return n > 0 && sum % 10 == 0;
}

/* The major card schemes by prefix and length. */
static int card_scheme(const char *d, size_t n)
{
	int p2 = (d[0] - '0') * 10 + d[1] - '0';
	int p3 = p2 * 10 + d[2] - '0';
	int p4 = p3 * 10 + d[3] - '0';

	if (d[0] == '4')				/* Visa */
		return n == 13 || n == 16 || n == 19;
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))	/* Mastercard */
		return n == 16;
	if (p2 == 34 || p2 == 37)			/* American Express */
		return n == 15;
	if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649))	/* Discover */
		return n >= 16 && n <= 19;
	if (p4 >= 3528 && p4 <= 3589)			/* JCB */
		return n >= 16 && n <= 19;
	if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39)	/* Diners */
		return n >= 14 && n <= 19;
	if (p2 == 62)					/* UnionPay */
		return n >= 16 && n <= 19;
	return 0;
}

/* Groups as cards are printed: none, fours (the last shorter), 4-6-5 or 4-6-4. */
static int card_grouping(const struct digs *g, size_t k)
{
	size_t len[MAXDIG], ng = 0, run = 0, j;
	char sep = 0;

	for (j = 0; j < k; j++) {
		run++;
		if (j + 1 < k && g->sep[j]) {
			if (sep && g->sep[j] != sep)
				return 0;
			sep = g->sep[j];
			len[ng++] = run;
			run = 0;
		}
	}
	len[ng++] = run;
	if (ng == 1)
		return 1;
	if (ng == 3 && len[0] == 4 && len[1] == 6 && (len[2] == 5 || len[2] == 4))
		return 1;
	for (j = 0; j + 1 < ng; j++)
		if (len[j] != 4)
			return 0;
	return len[ng - 1] >= 1 && len[ng - 1] <= 4;
}

static size_t try_card(const unsigned char *s, size_t n, size_t i, unsigned how)
{
	struct digs g;
	size_t k;

	gather(s, n, i, " -", 0, &g);
	if (g.nd < 13)
		return 0;
	for (k = g.nd < 19 ? g.nd : 19; k >= 13; k--)
		if (ends_ok(s, n, &g, k, how) && card_grouping(&g, k) && card_scheme(g.d, k) &&
		    filter_luhn_valid(g.d, k))
			return g.end[k - 1];
	return 0;
}

/* ---- IP addresses ---- */

static int in4(const unsigned char a[4], unsigned a0, unsigned a1, unsigned a2,
	       unsigned a3, int bits)
{
	uint32_t x = ((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) | ((uint32_t)a[2] << 8) | a[3];
	uint32_t net = (a0 << 24) | (a1 << 16) | (a2 << 8) | a3;
	uint32_t mask = bits ? ~0u << (32 - bits) : 0;

	return (x & mask) == net;
}

/* Python 3.11 ipaddress: IPv4Address.is_private (its list of networks). */
static int ipv4_private(const unsigned char a[4])
{
	return in4(a, 0, 0, 0, 0, 8) || in4(a, 10, 0, 0, 0, 8) || in4(a, 127, 0, 0, 0, 8) ||
	       in4(a, 169, 254, 0, 0, 16) || in4(a, 172, 16, 0, 0, 12) ||
	       in4(a, 192, 0, 0, 0, 29) || in4(a, 192, 0, 0, 170, 31) ||
	       in4(a, 192, 0, 2, 0, 24) || in4(a, 192, 168, 0, 0, 16) ||
	       in4(a, 198, 18, 0, 0, 15) || in4(a, 198, 51, 100, 0, 24) ||
	       in4(a, 203, 0, 113, 0, 24) || in4(a, 240, 0, 0, 0, 4) ||
	       in4(a, 255, 255, 255, 255, 32);
}

/* Python 3.11 ipaddress: is_global (not private, not 100.64/10). */
int filter_ipv4_global(const unsigned char a[4])
{
	return !ipv4_private(a) && !in4(a, 100, 64, 0, 0, 10);
}

static int in6(const unsigned char a[16], const unsigned char *net, int bits)
{
	int i;

	for (i = 0; i < bits / 8; i++)
		if (a[i] != net[i])
			return 0;
	if (bits % 8) {
		unsigned char m = (unsigned char)(0xFF << (8 - bits % 8));

		if ((a[i] & m) != (net[i] & m))
			return 0;
	}
	return 1;
}

int filter_ipv6_global(const unsigned char a[16])
{
	static const unsigned char loop[16] = { [15] = 1 }, any[16] = { 0 };
	static const unsigned char v4map[16] = { [10] = 0xFF, [11] = 0xFF };
	static const unsigned char disc[16] = { 0x01, 0x00 };
	static const unsigned char ietf[16] = { 0x20, 0x01 };
	static const unsigned char doc[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const unsigned char orchid[16] = { 0x20, 0x01, 0x00, 0x10 };
	static const unsigned char ula[16] = { 0xfc };
	static const unsigned char ll[16] = { 0xfe, 0x80 };

	/*
	 * IPv4-mapped (::ffff:8.8.8.8): Python 3.11 asks its IPv4 address
	 * is_private, not is_global, so ::ffff:100.64.0.1 is global.
	 */
	if (in6(a, v4map, 96))
		return !ipv4_private(a + 12);
	return !(in6(a, loop, 128) || in6(a, any, 128) ||
		 in6(a, disc, 64) || in6(a, ietf, 23) || in6(a, doc, 32) ||
		 in6(a, orchid, 28) || in6(a, ula, 7) || in6(a, ll, 10));
}

/* "Versi 1.2.3.4": a version number, not an address. */
static int version_before(const unsigned char *s, size_t i)
{
	static const struct kw kw[] = {
		KW("versi"), KW("version"), KW("ver"), KW("v"), KW("build"), KW("binaan"),
		KW("release"), KW("keluaran"), KW("kemas kini"), KW("kemaskini"), KW("update"),
	};

	return keyword_before(s, i, kw, sizeof(kw) / sizeof(kw[0]));
}

static size_t try_ipv4(const unsigned char *s, size_t n, size_t i, unsigned how)
{
	unsigned char a[4];
	size_t p = i;
	int k;

	for (k = 0; k < 4; k++) {
		unsigned v = 0;
		size_t b = p;

		if (k) {
			if (p >= n || s[p] != '.')
				return 0;
			b = ++p;
		}
		while (p < n && isdig(s[p]) && p - b < 3)
			v = v * 10 + (unsigned)(s[p++] - '0');
		if (p == b || (p < n && isdig(s[p])) || v > 255 || (s[b] == '0' && p - b > 1))
			return 0;
		a[k] = (unsigned char)v;
	}
	/* a port may follow (8.8.8.8:53), not another number but in a list */
	if (p < n && (word_at(s, n, p) || s[p] == '@' ||
		      (!((how & NUM_LIST_END) && list_sep(s, n, p)) &&
		       (s[p] == '.' || s[p] == ',' || s[p] == '-' || s[p] == '/') &&
		       p + 1 < n && isdig(s[p + 1]))))
		return 0;
	return filter_ipv4_global(a) && !version_before(s, i) ? p : 0;
}

static size_t try_ipv6(const unsigned char *s, size_t n, size_t i)
{
	char buf[48];
	unsigned char a[16];
	size_t e = i, colons = 0;

	if (i && (word_before(s, i) || s[i - 1] == ':' || s[i - 1] == '.'))
		return 0;
	while (e < n && e - i < 46 && (ishex(s[e]) || s[e] == ':' || s[e] == '.')) {
		colons += s[e] == ':';
		e++;
	}
	if (e - i >= 46 || colons < 2)
		return 0;
	while (e > i && s[e - 1] == '.')
		e--;
	if (e - i >= 2 && s[e - 1] == ':' && s[e - 2] != ':')
		e--;
	if (word_at(s, n, e))
		return 0;
	memcpy(buf, s + i, e - i);
	buf[e - i] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1) {
		/* a port after an address that ends in IPv4 (::ffff:8.8.8.8:53): the address alone */
		const char *dot = strrchr(buf, '.'), *port = dot ? strchr(dot, ':') : NULL;

		if (!port)
			return 0;
		e = i + (size_t)(port - buf);
		buf[e - i] = '\0';
		if (inet_pton(AF_INET6, buf, a) != 1)
			return 0;
	}
	return filter_ipv6_global(a) ? e : 0;
}

/* ---- the user and password of a URL ---- */

/* A byte of a URL's authority (RFC 3986: userinfo, host and port). */
static int auth_char(int c)
{
	if (isalnum_a(c) || c >= 0x80)
		return 1;
	switch (c) {
	case '-': case '.': case '_': case '~': case '%': case '!': case '$': case '&':
	case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
	case ':': case '@': case '[': case ']':
		return 1;
	}
	return 0;
}

/*
 * The '@' that ends a userinfo starting at s[u], or 0 when there is
 * none.  The last '@' of the authority ends it, so "user:pass@host" holds
 * no e-mail address.
 */
static size_t login_end(const unsigned char *s, size_t n, size_t u)
{
	size_t p, at = 0;

	for (p = u; p < n && auth_char(s[p]); p++)
		if (s[p] == '@')
			at = p;
	/* not empty, and a host follows */
	if (at <= u || at + 1 >= n ||
	    !(isalnum_a(s[at + 1]) || s[at + 1] >= 0x80 || s[at + 1] == '['))
		return 0;
	return at;
}

/*
 * At a ':': the '@' that ends the userinfo of a URL, which starts at *b,
 * or 0.  Either the ':' of "scheme://", or the one between the user and
 * the password of a scheme-relative "//user:pass@host" (protocol-relative
 * links): the user goes back to "//", no further than from.  Without a
 * password, "//ali@contoh.my" is an e-mail address after "//".
 */
static size_t try_login(const unsigned char *s, size_t n, size_t i, size_t from, size_t *b)
{
	size_t u = i;

	if (i && isalnum_a(s[i - 1]) && i + 3 < n && s[i + 1] == '/' && s[i + 2] == '/') {
		*b = i + 3;
		return login_end(s, n, i + 3);
	}
	while (u > from && auth_char(s[u - 1]) && s[u - 1] != ':' && s[u - 1] != '@' &&
	       s[u - 1] != '[' && s[u - 1] != ']')
		u--;
	if (u < from + 2 || s[u - 1] != '/' || s[u - 2] != '/')
		return 0;
	*b = u;
	return login_end(s, n, u);
}

/* ---- e-mail ---- */

static int local_char(int c)
{
	return isalnum_a(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* An address around the '@' at s[at]; its start in *b, not before from. */
static size_t try_email(const unsigned char *s, size_t n, size_t at, size_t from, size_t *b)
{
	size_t p = at, q, good = 0;
	int labels = 0;

	while (p > from && local_char(s[p - 1]) && at - p < 64)
		p--;
	while (p < at && s[p] == '.')
		p++;
	if (p == at || s[at - 1] == '.')
		return 0;
	if (p > from && word_before(s, p))	/* letters of another script glued on */
		return 0;
	q = at + 1;
	while (q < n) {
		size_t l = q, j;
		int alpha = 1;

		while (q < n && (isalnum_a(s[q]) || s[q] == '-'))
			q++;
		if (q == l || s[l] == '-' || s[q - 1] == '-' || q - l > 63)
			break;
		for (j = l; j < q; j++)
			alpha &= isalpha_a(s[j]);
		labels++;
		if (labels >= 2 && alpha && q - l >= 2)
			good = q;
		if (q + 1 < n && s[q] == '.' && isalnum_a(s[q + 1])) {
			q++;
			continue;
		}
		break;
	}
	if (!good || word_at(s, n, good) || (good < n && (s[good] == '@' || s[good] == '-')))
		return 0;
	*b = p;
	return good;
}

/* ---- the scanner ---- */

enum { T_DIGIT = 1, T_PLUS, T_PAREN, T_AT, T_COLON };

static unsigned char trig[256];

static void init_trig(void)
{
	int c;

	if (trig['0'])
		return;
	for (c = '0'; c <= '9'; c++)
		trig[c] = T_DIGIT;
	trig['+'] = T_PLUS;
	trig['('] = T_PAREN;
	trig['@'] = T_AT;
	trig[':'] = T_COLON;
}

/*
 * The next byte that can start a find, from i on (n if none): eight bytes
 * a step.  Commas and full stops are common in prose: the test is exact
 * (digits and ':', '+', '(' or '@'), and goes straight to the first one.
 */
static size_t next_trigger(const unsigned char *s, size_t i, size_t n)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= n; i += 8) {
		uint64_t x = fl_load8(s + i), lo = x & ~FL_HIGHS;
		/* ASCII bytes in ['0', ':'] (at least '0', not above ':') or '(' to '+' */
		uint64_t m = ((lo + FL_ONES * (0x80 - '0')) & ~(lo + FL_ONES * (0x7F - ':'))) |
			     ((lo + FL_ONES * (0x80 - '(')) & ~(lo + FL_ONES * (0x7F - '+')));

		m = (m & ~x & FL_HIGHS) | fl_eq_bytes(x, '@');
		/* ')' and '*' start nothing: past them */
		while (m && !trig[s[i + ((size_t)__builtin_ctzll(m) >> 3)]])
			m &= m - 1;
		if (m)
			return i + ((size_t)__builtin_ctzll(m) >> 3);
	}
#endif
	for (; i < n; i++)
		if (trig[s[i]])
			return i;
	return n;
}

/* A phone, MyKad, IPv4 or card number at s[i] (a digit, '+' or '('), ending at *e; -1 if none. */
static int detect_num(const unsigned char *s, size_t n, size_t i, unsigned mask, unsigned how,
		      size_t *e)
{
	if (trig[s[i]] != T_DIGIT)	/* '+' or '(' */
		return (mask & (1u << PII_PHONE)) && !word_before(s, i) &&
		       (*e = try_phone(s, n, i, how)) ? PII_PHONE : -1;
	if (!(how & NUM_LIST_ITEM) && !num_left_ok(s, n, i))
		return -1;
	if ((mask & (1u << PII_MYKAD)) && (*e = try_mykad(s, n, i, how)))
		return PII_MYKAD;
	if ((mask & (1u << PII_IP)) && (*e = try_ipv4(s, n, i, how)))
		return PII_IP;
	if ((mask & (1u << PII_CARD)) && (*e = try_card(s, n, i, how)))
		return PII_CARD;
	if ((mask & (1u << PII_PHONE)) && (*e = try_phone(s, n, i, how)))
		return PII_PHONE;
	return -1;
}

/*
 * State of a scan for lists of numbers joined by '/' or ','
 * ("012-3456789/019-8765432", "8.8.8.8,1.1.1.1").  Each number of a list
 * is a find when each of them is one, the separators aside: then next
 * is where the number after the find starts.  A list that failed is not
 * looked at again from a number inside it: bad is where it failed.
 */
struct lists {
	size_t next, bad;
};

/*
 * A number at s[i], alone or in a list.  A list is walked once, from its
 * first number: a number inside a list that failed, walked again, would
 * fail where it did (the numbers hold no '/' or ','), so that a scan
 * stays linear.
 */
static int detect_list(const unsigned char *s, size_t n, size_t i, unsigned mask,
		       struct lists *l, size_t *e)
{
	int item = i == l->next, t;
	size_t p, q;

	l->next = SIZE_MAX;
	t = detect_num(s, n, i, mask, NUM_LIST_END | (item ? NUM_LIST_ITEM : 0), e);
	/* lax finds only what a number alone would be, the separator aside */
	if (t < 0 || !list_sep(s, n, *e))
		return t;
	if (!item) {
		if (i < l->bad)
			return detect_num(s, n, i, mask, 0, e);
		for (p = *e; list_sep(s, n, p); p = q)
			if (detect_num(s, n, p + 1, mask, NUM_LIST_END | NUM_LIST_ITEM, &q) < 0) {
				l->bad = p + 1;
				return detect_num(s, n, i, mask, 0, e);
			}
	}
	l->next = *e + 1;
	return t;
}

/* The type of the find at s[i], from *b to *e; -1 if none, -2 to keep s[i..*e]. */
static int detect(const unsigned char *s, size_t n, size_t i, size_t from, unsigned mask,
		  struct lists *l, size_t *b, size_t *e)
{
	*b = i;
	switch (trig[s[i]]) {
	case T_AT:
		if ((mask & (1u << PII_EMAIL)) && (*e = try_email(s, n, i, from, b)))
			return PII_EMAIL;
		return -1;
	case T_COLON:
		/*
		 * "https://user:pass@host" or "//user:pass@host": the login
		 * goes as one, whatever its bytes; not redacted, it is still
		 * no e-mail address.
		 */
		if ((mask & ((1u << PII_LOGIN) | (1u << PII_EMAIL))) &&
		    (*e = try_login(s, n, i, from, b)))
			return mask & (1u << PII_LOGIN) ? PII_LOGIN : -2;
		*b = i;
		/* an IPv6 address has colons: look back for where it starts */
		if (mask & (1u << PII_IP)) {
			size_t st = i;

			while (st > from && i - st < 40 && (ishex(s[st - 1]) || s[st - 1] == ':'))
				st--;
			if ((st < i || (i + 1 < n && s[i + 1] == ':')) && (*e = try_ipv6(s, n, st))) {
				*b = st;
				return PII_IP;
			}
		}
		return -1;
	case T_PLUS:
	case T_PAREN:
	case T_DIGIT:
		return detect_list(s, n, i, mask, l, e);
	}
	return -1;
}

/* One pass over s: append it to out with the finds replaced; *found = how many. */
static int redact_pass(const char *str, size_t n, unsigned mask, struct ayak_buf *out,
		       uint64_t counts[PII_NTYPES], uint64_t *found)
{
	const unsigned char *s = (const unsigned char *)str;
	struct lists l = { SIZE_MAX, 0 };
	size_t i = 0, from = 0;

	*found = 0;
	while (i < n) {
		size_t b, e;
		int t;

		i = next_trigger(s, i, n);
		if (i >= n)
			break;
		/* a digit inside a word or number starts nothing */
		if (trig[s[i]] == T_DIGIT &&
		    i > 0 && s[i - 1] < 0x80 && (isalnum_a(s[i - 1]) || s[i - 1] == '_')) {
			i++;
			continue;
		}
		t = detect(s, n, i, from, mask, &l, &b, &e);
		if (t == -2) {		/* kept as it is: past it */
			i = e + 1;
			continue;
		}
		if (t < 0) {
			i++;
			continue;
		}
		if (ayak_buf_add(out, str + from, b - from) ||
		    ayak_buf_addstr(out, placeholder[t]))
			return -1;
		counts[t]++;
		(*found)++;
		from = i = e;
	}
	return ayak_buf_add(out, str + from, n - from);
}

/* Passes over a text with finds, at most (placeholders never match, so 2 is usual). */
#define REDACT_ROUNDS 8

int filter_pii_redact(const char *str, size_t n, unsigned mask, struct ayak_buf *out,
		      uint64_t counts[PII_NTYPES])
{
	struct ayak_buf again = AYAK_BUF_INIT;
	size_t start = out->len;
	uint64_t found;
	int round, rc = 0;

	init_trig();
	if (redact_pass(str, n, mask, out, counts, &found))
		return -1;
	/*
	 * A placeholder can end a find that the text next to it spoiled:
	 * "2001:4860:4860::i@contoh.my" holds no address until the e-mail
	 * address is gone, and then "2001:4860:4860::" is one.  Redact the
	 * result again until a pass finds nothing, so that redacting the
	 * output once more never finds anything.
	 */
	for (round = 1; found && round < REDACT_ROUNDS; round++) {
		ayak_buf_reset(&again);
		if (redact_pass(out->data + start, out->len - start, mask, &again, counts, &found)) {
			rc = -1;
			break;
		}
		if (found) {
			out->len = start;
			if (ayak_buf_add(out, again.data, again.len)) {
				rc = -1;
				break;
			}
		}
	}
	ayak_buf_release(&again);
	return rc;
}
