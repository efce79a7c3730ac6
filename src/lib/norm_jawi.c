/*
 * --jawi-to-rumi: Malay in Jawi (Arabic script) written in Rumi (Latin
 * script).
 *
 * Which lines: a line is Jawi by the letters Jawi has and Arabic has not,
 * as ayak-lid decides (ayak_jawi_by_letters()): ڠ ݢ ڬ ڽ ۑ ۏ count two, ڤ
 * one, and so does چ in a line without the letters of Persian and Urdu
 * (پ گ ژ ی ک ٹ ڈ ڑ ے ں); a line is Jawi when they count one in 25 of its
 * Arabic-script letters, and two at least unless it has fewer than 25.
 * So one ڠ is enough, and an Arabic line with a loanword in ڤ (ڤيديو) or
 * Iraqi Arabic's چ is not Jawi.  In a text with a Jawi line,
 * a line without such letters is Jawi too when most of its words are in
 * the Jawi dictionary.  Other Arabic-script text is left alone, and so are
 * words with vowel marks (harakat) inside Jawi lines: they are Arabic
 * quotations.
 *
 * Each word, in this order:
 *   1. the dictionary, lexicons/norm/jawi.tsv;
 *   2. the Malay word list, lexicons/norm/words.txt: the Rumi words whose
 *      consonants are the Jawi word's consonants, scored by how the Jawi
 *      vowel letters (alif, wau, ya) line up with the Rumi vowels and how
 *      many Rumi vowels Jawi leaves unwritten; the best one wins;
 *   3. a clitic (ڽ -nya, له -lah, كه -kah, ڤون -pun) or the prefix د di-
 *      split off, and 1 and 2 again;
 *   4. letter by letter, with a vowel put between two consonants.
 * A word followed by ٢ is reduplicated (حق٢ -> hak-hak); Arabic
 * punctuation and digits become ASCII ones; the first letter of a line and
 * of a sentence is capitalized.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm_int.h"

#define MAX_JAWI 48		/* letters; longer words go letter by letter */
#define MAX_RUMI 96

struct jentry {
	uint32_t key, val;	/* arena offsets */
};

struct norm_jawi {
	struct ayak_buf arena;
	struct jentry *e;
	size_t ne, cape;
	uint32_t *slot;		/* dictionary hash: index + 1 */
	size_t mask;
	struct norm_lex *words;
	/* skeleton index over the word list: chains of word indices */
	uint32_t *skel_head;	/* hash of skeleton -> first word + 1 */
	uint32_t *skel_next;	/* word -> next word with the same hash + 1 */
	size_t skel_mask;
	struct ayak_buf w;	/* scratch */
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ---- letters ---- */

/* Normalize a Jawi letter's variants: keheh to kaf, ݢ to ڬ, Farsi yeh and alef maksura to ya. */
static uint32_t jnorm(uint32_t c)
{
	switch (c) {
	case 0x06A9: return 0x0643;	/* ک -> ك */
	case 0x0762: return 0x06AC;	/* ݢ -> ڬ */
	case 0x06CC: case 0x0649: return 0x064A;	/* ی ى -> ي */
	}
	return c;
}

static int is_arabic_letter(uint32_t c)
{
	return (c >= 0x0621 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) ||
	       (c >= 0x06FA && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F);
}

static int is_harakah(uint32_t c)
{
	return (c >= 0x064B && c <= 0x065F) || c == 0x0670;
}

enum { J_ALIF = 'A', J_WAW = 'W', J_YA = 'I', J_SIGN = '0', J_TA_MARBUTA = 'T' };

/* The class of a (normalized) Jawi letter: a consonant class or a vowel kind, 0 if none. */
static char jclass(uint32_t c)
{
	switch (c) {
	case 0x0627: case 0x0623: case 0x0625: case 0x0622: return J_ALIF;
	case 0x0648: return J_WAW;
	case 0x064A: case 0x0626: return J_YA;
	case 0x0621: case 0x0639: case 0x0624: case 0x0674: return J_SIGN;
	case 0x0629: return J_TA_MARBUTA;
	case 0x0628: return 'b';
	case 0x062A: case 0x0637: return 't';
	case 0x062B: case 0x0633: case 0x0635: return 's';
	case 0x062C: return 'j';
	case 0x062D: case 0x0647: return 'h';
	case 0x062E: return 'x';
	case 0x062F: case 0x0636: return 'd';
	case 0x0630: case 0x0632: case 0x0638: return 'z';
	case 0x0631: return 'r';
	case 0x0634: return 'S';
	case 0x063A: return 'G';
	case 0x0641: return 'f';
	case 0x0642: case 0x0643: return 'k';
	case 0x0644: return 'l';
	case 0x0645: return 'm';
	case 0x0646: return 'n';
	case 0x06A0: return 'N';
	case 0x06A4: return 'p';
	case 0x06AC: return 'g';
	case 0x06BD: return 'Y';
	case 0x0686: return 'c';
	case 0x06CF: return 'v';
	}
	return 0;
}

static int is_consonant_class(char k)
{
	return k && k != J_ALIF && k != J_WAW && k != J_YA && k != J_SIGN;
}

/* Rumi letters as units: digraphs ng ny sy kh gh become N Y S x G; q is k. */
static size_t rumi_units(const char *r, size_t n, char *u)
{
	size_t i = 0, o = 0;

	while (i < n && o < MAX_RUMI) {
		char c = r[i], d = i + 1 < n ? r[i + 1] : 0;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (d >= 'A' && d <= 'Z')
			d = (char)(d + 32);
		if (c == 'n' && d == 'g') { u[o++] = 'N'; i += 2; continue; }
		if (c == 'n' && d == 'y') { u[o++] = 'Y'; i += 2; continue; }
		if (c == 's' && d == 'y') { u[o++] = 'S'; i += 2; continue; }
		if (c == 'k' && d == 'h') { u[o++] = 'x'; i += 2; continue; }
		if (c == 'g' && d == 'h') { u[o++] = 'G'; i += 2; continue; }
		if (c == 'q')
			c = 'k';
		if (c == '\'' || c == '-') {
			i++;
			continue;
		}
		u[o++] = c;
		i++;
	}
	return o;
}

static int rvowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Consonant skeleton of a Rumi word (as units): w, y and vowels out, doubles once. */
static size_t rumi_skel(const char *r, size_t n, char *sk)
{
	char u[MAX_RUMI];
	size_t m = rumi_units(r, n, u), i, o = 0;

	for (i = 0; i < m; i++) {
		char c = u[i];

		if (rvowel(c) || c == 'w' || c == 'y' || c < 'A')
			continue;
		if (o && sk[o - 1] == c)
			continue;
		sk[o++] = c;
	}
	return o;
}

/* Consonant skeleton of Jawi classes. */
static size_t jawi_skel(const char *k, size_t n, char *sk)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = k[i] == J_TA_MARBUTA ? 't' : k[i];

		if (!is_consonant_class(c))
			continue;
		if (o && sk[o - 1] == c)
			continue;
		sk[o++] = c;
	}
	return o;
}

/*
 * How well Jawi classes k[0..n) spell Rumi units u[0..m): the cheapest
 * alignment, where consonants must match, Jawi vowel letters must meet a
 * Rumi vowel (or w, y), and a Rumi vowel Jawi leaves unwritten costs a
 * little (a 0.8, e 0.6, others 1).  A large cost means no.
 */
static double spell_cost(const char *k, size_t n, const char *u, size_t m)
{
	double d[MAX_JAWI + 1][MAX_RUMI + 1];
	size_t i, j;

	if (n > MAX_JAWI || m > MAX_RUMI)
		return 1e9;
	for (i = 0; i <= n; i++)
		for (j = 0; j <= m; j++)
			d[i][j] = 1e9;
	d[0][0] = 0;
	for (i = 0; i <= n; i++) {
		for (j = 0; j <= m; j++) {
			double c = d[i][j];

			if (c >= 1e9)
				continue;
			/* a Rumi unit Jawi does not write */
			if (j < m) {
				double s = 1e9;

				if (u[j] == 'a')
					s = 0.8;
				else if (u[j] == 'e')
					s = 0.6;
				else if (rvowel(u[j]))
					s = 1.0;
				else if (j > 0 && u[j] == u[j - 1])
					s = 0.2;	/* a doubled consonant */
				if (c + s < d[i][j + 1])
					d[i][j + 1] = c + s;
			}
			if (i < n) {
				char jc = k[i];
				double s = 1e9;

				/* a Jawi letter that writes nothing: a seat or a sign */
				if (jc == J_SIGN)
					s = 0.2;
				else if (jc == J_ALIF && i == 0 && n > 1 && (k[1] == J_WAW || k[1] == J_YA))
					s = 0;
				if (c + s < d[i + 1][j])
					d[i + 1][j] = c + s;
				if (j < m) {
					char r = u[j];

					s = 1e9;
					switch (jc) {
					case J_ALIF:
						s = r == 'a' ? 0 : r == 'e' ? 0.5 : 1e9;
						break;
					case J_WAW:
						s = (r == 'u' || r == 'o' || r == 'w') ? 0 : 1e9;
						break;
					case J_YA:
						s = (r == 'i' || r == 'e' || r == 'y') ? 0 : 1e9;
						break;
					case J_SIGN:
						s = rvowel(r) ? 0 : 1e9;
						break;
					case J_TA_MARBUTA:
						s = (r == 't' || r == 'h') ? 0 : 1e9;
						break;
					default:
						s = jc == r ? 0 : 1e9;
					}
					if (c + s < d[i + 1][j + 1])
						d[i + 1][j + 1] = c + s;
				}
			}
		}
	}
	return d[n][m];
}

/* ---- loading ---- */

/* A Jawi word normalized for lookup (variants unified, tatweel out) into b. */
static int jawi_key(const char *s, size_t n, struct ayak_buf *b)
{
	size_t i = 0;

	ayak_buf_reset(b);
	while (i < n) {
		uint32_t c;
		int k = norm_u8(s, i, n, &c);

		i += (size_t)k;
		if (c == 0x0640)
			continue;
		if (norm_put(b, jnorm(c)))
			return -1;
	}
	return 0;
}

static long dict_find(const struct norm_jawi *j, const char *key, size_t n)
{
	size_t h;

	if (!j->slot)
		return -1;
	for (h = hash_bytes(key, n) & j->mask; j->slot[h]; h = (h + 1) & j->mask) {
		const struct jentry *e = &j->e[j->slot[h] - 1];
		const char *k = j->arena.data + e->key;

		if (!strncmp(k, key, n) && k[n] == '\0')
			return (long)(j->slot[h] - 1);
	}
	return -1;
}

static int load_dict(struct norm_jawi *j, const char *dir, struct ayak_buf *info,
		     struct ayak_err *err)
{
	struct ayak_buf path = AYAK_BUF_INIT, data = AYAK_BUF_INIT;
	char version[64] = "unknown";
	const char *line;
	size_t i = 0, l, lineno = 0, cap = 64;
	int ret = -1;

	if (ayak_buf_addf(&path, "%s/norm/jawi.tsv", dir))
		goto oom;
	if (ayak_read_file(path.data, &data, err) ||
	    ayak_text_check(path.data, data.data, data.len, AYAK_E_SYS, err))
		goto out;
	while (ayak_next_line(data.data, data.len, &i, &line, &l)) {
		const char *tab, *tab2;
		struct jentry *e;

		lineno++;
		if (l > 11 && !strncmp(line, "# version: ", 11))
			snprintf(version, sizeof(version), "%.*s", (int)(l - 11), line + 11);
		if (!l || *line == '#')
			continue;
		tab = memchr(line, '\t', l);
		tab2 = tab ? memchr(tab + 1, '\t', l - (size_t)(tab + 1 - line)) : NULL;
		if (!tab || tab == line || (tab2 ? tab2 : line + l) == tab + 1) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: want JAWI<TAB>RUMI<TAB>ORIGIN",
				     path.data, lineno);
			goto out;
		}
		if (j->ne == j->cape) {
			struct jentry *p = ayak_grow(j->e, &j->cape, j->ne + 1, sizeof(*p), 1024);

			if (!p)
				goto oom;
			j->e = p;
		}
		e = &j->e[j->ne];
		if (jawi_key(line, (size_t)(tab - line), &j->w))
			goto oom;
		e->key = (uint32_t)j->arena.len;
		if (ayak_buf_add(&j->arena, j->w.data, j->w.len) || ayak_buf_add(&j->arena, "", 1))
			goto oom;
		e->val = (uint32_t)j->arena.len;
		if (ayak_buf_add(&j->arena, tab + 1, (size_t)((tab2 ? tab2 : line + l) - tab - 1)) ||
		    ayak_buf_add(&j->arena, "", 1))
			goto oom;
		j->ne++;
	}
	while (cap < j->ne * 2)
		cap *= 2;
	j->slot = calloc(cap, sizeof(uint32_t));
	if (!j->slot)
		goto oom;
	j->mask = cap - 1;
	for (i = 0; i < j->ne; i++) {
		const char *k = j->arena.data + j->e[i].key;
		size_t h = hash_bytes(k, strlen(k)) & j->mask;

		while (j->slot[h])
			h = (h + 1) & j->mask;
		j->slot[h] = (uint32_t)i + 1;
	}
	ayak_buf_addf(info, "norm/jawi.tsv %s (%zu entries)\n", version, j->ne);
	ret = 0;
	goto out;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
out:
	ayak_buf_release(&path);
	ayak_buf_release(&data);
	return ret;
}

static int build_skeletons(struct norm_jawi *j)
{
	size_t n = norm_lex_nwords(j->words), cap = 1024, i;

	while (cap < n * 2)
		cap *= 2;
	j->skel_head = calloc(cap, sizeof(uint32_t));
	j->skel_next = calloc(n + 1, sizeof(uint32_t));
	if (!j->skel_head || !j->skel_next)
		return -1;
	j->skel_mask = cap - 1;
	/* Backwards, so that each chain lists words in file (sorted) order. */
	for (i = n; i-- > 0;) {
		const char *w = norm_lex_word(j->words, i);
		char sk[MAX_RUMI];
		size_t k = rumi_skel(w, strlen(w), sk);
		size_t h = hash_bytes(sk, k) & j->skel_mask;

		j->skel_next[i] = j->skel_head[h];
		j->skel_head[h] = (uint32_t)i + 1;
	}
	return 0;
}

struct norm_jawi *norm_jawi_load(const char *dir, struct ayak_buf *info, struct ayak_err *err)
{
	struct norm_jawi *j = calloc(1, sizeof(*j));

	if (!j) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	if (load_dict(j, dir, info, err))
		goto fail;
	j->words = norm_lex_load(dir, AYAK_NORM_REDUP, info, err);
	if (!j->words)
		goto fail;
	if (build_skeletons(j)) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		goto fail;
	}
	return j;
fail:
	norm_jawi_free(j);
	return NULL;
}

void norm_jawi_free(struct norm_jawi *j)
{
	if (!j)
		return;
	ayak_buf_release(&j->arena);
	ayak_buf_release(&j->w);
	free(j->e);
	free(j->slot);
	free(j->skel_head);
	free(j->skel_next);
	norm_lex_free(j->words);
	free(j);
}

/* ---- one word ---- */

/* Classes of the letters of Jawi word s[0..n) (normalized) into k; 0 if a letter is unknown. */
static size_t classes(const char *s, size_t n, char *k)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t c;

		i += (size_t)norm_u8(s, i, n, &c);
		if (c == 0x0640)
			continue;
		if (o == MAX_JAWI || !(k[o] = jclass(jnorm(c))))
			return 0;
		o++;
	}
	return o;
}

/* Step 2: the best word of the list for Jawi word s[0..n); NULL if none. */
static const char *from_words(struct norm_jawi *j, const char *s, size_t n)
{
	char k[MAX_JAWI], sk[MAX_JAWI], u[MAX_RUMI], rs[MAX_RUMI];
	size_t kn = classes(s, n, k), skn, h;
	const char *best = NULL;
	double best_cost = 3.0;
	uint32_t idx;

	if (!kn)
		return NULL;
	skn = jawi_skel(k, kn, sk);
	if (!skn)
		return NULL;
	h = hash_bytes(sk, skn) & j->skel_mask;
	for (idx = j->skel_head[h]; idx; idx = j->skel_next[idx - 1]) {
		const char *w = norm_lex_word(j->words, idx - 1);
		size_t wl = strlen(w), m, rk;
		double c;

		if (wl > MAX_RUMI || strchr(w, '-'))
			continue;
		rk = rumi_skel(w, wl, rs);
		if (rk != skn || memcmp(rs, sk, skn))
			continue;
		m = rumi_units(w, wl, u);
		c = spell_cost(k, kn, u, m);
		if (c < best_cost) {
			best_cost = c;
			best = w;
		}
	}
	return best;
}

/* Steps 1 and 2. */
static const char *lookup(struct norm_jawi *j, const char *s, size_t n)
{
	long e;

	if (jawi_key(s, n, &j->w))
		return NULL;
	e = dict_find(j, j->w.data ? j->w.data : "", j->w.len);
	if (e >= 0)
		return j->arena.data + j->e[e].val;
	return from_words(j, j->w.data ? j->w.data : "", j->w.len);
}

/* Step 4: letter by letter. */
static int by_letters(const char *s, size_t n, struct ayak_buf *out)
{
	char k[MAX_JAWI];
	size_t kn = classes(s, n, k), i, at = out->len;
	int prev_cons = 0;

	if (!kn) {
		/* unknown letters: leave the word as it is */
		return ayak_buf_add(out, s, n);
	}
	for (i = 0; i < kn; i++) {
		const char *r = NULL;
		char one[2] = { 0, 0 };
		int cons = is_consonant_class(k[i]) || k[i] == J_TA_MARBUTA;

		switch (k[i]) {
		case J_ALIF: r = (i == 0 && kn > 1 && (k[1] == J_WAW || k[1] == J_YA)) ? "" : "a"; break;
		case J_WAW: r = "u"; break;
		case J_YA: r = "i"; break;
		case J_SIGN: r = ""; break;
		case J_TA_MARBUTA: r = "h"; break;
		case 'N': r = "ng"; break;
		case 'Y': r = "ny"; break;
		case 'S': r = "sy"; break;
		case 'x': r = "kh"; break;
		case 'G': r = "gh"; break;
		default:
			one[0] = k[i];
			r = one;
		}
		if (cons && prev_cons && ayak_buf_add(out, i <= 1 ? "e" : "a", 1))
			return -1;
		if (ayak_buf_addstr(out, r))
			return -1;
		prev_cons = cons;
	}
	/* a word of signs only (ع, ء) is left as it is, not made empty */
	if (out->len == at)
		return ayak_buf_add(out, s, n);
	return 0;
}

static const struct {
	const char *jawi, *rumi;
} clitics[] = {
	{ "\xDA\xBD", "nya" },			/* ڽ */
	{ "\xD9\x84\xD9\x87", "lah" },		/* له */
	{ "\xD9\x83\xD9\x87", "kah" },		/* كه */
	{ "\xDA\xA4\xD9\x88\xD9\x86", "pun" },	/* ڤون */
};

/* Affixes of Malay in Jawi and Rumi; drop: the root consonant the nasal replaced. */
static const struct affix {
	const char *jawi, *rumi, *drop;
} prefixes[] = {
	{ "\xD9\x85\xD9\x85\xDA\xA4\xD8\xB1", "memper", NULL },		/* ممڤر */
	{ "\xD8\xAF\xDA\xA4\xD8\xB1", "diper", NULL },			/* دڤر */
	{ "\xD9\x85\xDA\xA0", "meng", "\xD9\x83" },			/* مڠ (k) */
	{ "\xD9\x85\xDA\xBD", "meny", "\xD8\xB3" },			/* مڽ (s) */
	{ "\xD9\x85\xD9\x85", "mem", "\xDA\xA4" },			/* مم (p) */
	{ "\xD9\x85\xD9\x86", "men", "\xD8\xAA" },			/* من (t) */
	{ "\xDA\xA4\xDA\xA0", "peng", "\xD9\x83" },			/* ڤڠ */
	{ "\xDA\xA4\xDA\xBD", "peny", "\xD8\xB3" },			/* ڤڽ */
	{ "\xDA\xA4\xD9\x85", "pem", "\xDA\xA4" },			/* ڤم */
	{ "\xDA\xA4\xD9\x86", "pen", "\xD8\xAA" },			/* ڤن */
	{ "\xD8\xA8\xD8\xB1", "ber", NULL },				/* بر */
	{ "\xD8\xAA\xD8\xB1", "ter", NULL },				/* تر */
	{ "\xDA\xA4\xD8\xB1", "per", NULL },				/* ڤر */
	{ "\xD9\x85", "me", NULL },					/* م */
	{ "\xDA\xA4", "pe", NULL },					/* ڤ */
	{ "\xD8\xAF", "di", NULL },					/* د */
	{ "\xD9\x83", "ke", NULL },					/* ك */
	{ "\xD8\xB3", "se", NULL },					/* س */
	{ "", "", NULL },
}, suffixes[] = {
	{ "\xD9\x83\xD9\x86\xDA\xBD", "kannya", NULL },			/* كنڽ */
	{ "\xD9\x86\xDA\xBD", "annya", NULL },				/* نڽ */
	{ "\xD9\x83\xD9\x86", "kan", NULL },				/* كن */
	{ "\xDA\xBD", "nya", NULL },					/* ڽ */
	{ "\xD9\x84\xD9\x87", "lah", NULL },				/* له */
	{ "\xD9\x83\xD9\x87", "kah", NULL },				/* كه */
	{ "\xDA\xA4\xD9\x88\xD9\x86", "pun", NULL },			/* ڤون */
	{ "\xD8\xA3\xD9\x86", "an", NULL },				/* أن (after a vowel) */
	{ "\xD9\x86", "an", NULL },					/* ن */
	{ "\xD9\x8A", "i", NULL },					/* ي */
	{ "", "", NULL },
};

/*
 * Jawi writes the preposition ke joined to its noun, as Rumi does the
 * prefix ke- (kedua, kekasih); Rumi writes the preposition apart (ke
 * rumah).  ke + a known root, alone or with a clitic, that the word list
 * does not know as one word is the preposition.  Not di: Rumi keeps the
 * passive di- (dimakan, dibuat), and the word list knows too few passives
 * to tell di sekolah from them.
 */
static int preposition(const struct norm_jawi *j, const struct affix *pre, int v, const char *r,
		       const char *suffix)
{
	char w[MAX_RUMI + 3];
	size_t q, rl = strlen(r);

	if (strcmp(pre->rumi, "ke") || v || rl + 2 >= sizeof(w))
		return 0;
	for (q = 0; *suffix && q < sizeof(clitics) / sizeof(clitics[0]); q++)
		if (!strcmp(clitics[q].rumi, suffix))
			break;
	if (*suffix && q == sizeof(clitics) / sizeof(clitics[0]))
		return 0;	/* ke-...-an and the like: the prefix */
	snprintf(w, sizeof(w), "ke%s", r);
	return !norm_lex_is_word(j->words, w, rl + 2);
}

/*
 * Step 3: the word as prefix + root + suffix, the root found by steps 1
 * and 2 (as it is, with the consonant the nasal replaced put back, or with
 * the alif Jawi drops after a prefix put back).  The longest root wins.
 */
static int by_affixes(struct norm_jawi *j, const char *s, size_t n, struct ayak_buf *out)
{
	char best[3 * MAX_RUMI];
	size_t best_root = 0, p, q;
	struct ayak_buf t = AYAK_BUF_INIT;

	best[0] = '\0';
	for (p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		size_t pl = strlen(prefixes[p].jawi);

		if (pl >= n || memcmp(s, prefixes[p].jawi, pl))
			continue;
		for (q = 0; q < sizeof(suffixes) / sizeof(suffixes[0]); q++) {
			size_t sl = strlen(suffixes[q].jawi), rl;
			int v;

			if (!pl && !sl)
				continue;
			if (pl + sl >= n || memcmp(s + n - sl, suffixes[q].jawi, sl))
				continue;
			rl = n - pl - sl;
			if (rl < 4 || rl <= best_root)
				continue;	/* roots of two letters or more (UTF-8: 4 bytes) */
			for (v = 0; v < 3; v++) {
				const char *r, *lead = v == 1 ? prefixes[p].drop : v == 2 ? "\xD8\xA7" : "";
				size_t skip = 0;

				if (!lead || (v && !pl))
					continue;
				ayak_buf_reset(&t);
				if (ayak_buf_addstr(&t, lead) || ayak_buf_add(&t, s + pl, rl))
					goto out;
				r = lookup(j, t.data, t.len);
				if (!r)
					continue;
				if (v == 1)
					skip = 1;	/* the replaced consonant is not written */
				if (v == 2 && (r[0] == 'a'))
					skip = 0;
				if (strlen(prefixes[p].rumi) + strlen(r) + strlen(suffixes[q].rumi) >=
				    sizeof(best))
					continue;
				snprintf(best, sizeof(best), "%s%s%s%s", prefixes[p].rumi,
					 preposition(j, &prefixes[p], v, r, suffixes[q].rumi) ? " " : "", r + skip,
					 suffixes[q].rumi);
				best_root = rl;
				break;
			}
		}
	}
out:
	ayak_buf_release(&t);
	if (!best_root)
		return 0;
	return ayak_buf_addstr(out, best) ? -1 : 1;
}

/* A Jawi word s[0..n) in Rumi, appended to out.  Returns 1 if from letters only. */
static int convert_word(struct norm_jawi *j, const char *s, size_t n, struct ayak_buf *out)
{
	const char *r = lookup(j, s, n);
	int k;

	if (r)
		return ayak_buf_addstr(out, r) ? -1 : 0;
	k = by_affixes(j, s, n, out);
	if (k)
		return k < 0 ? -1 : 0;
	return by_letters(s, n, out) ? -1 : 1;
}

/* ---- lines ---- */

static int persian_letter(uint32_t c)
{
	return c == 0x067E || c == 0x06AF || c == 0x0698 || c == 0x06CC || c == 0x06A9 ||
	       c == 0x0679 || c == 0x0688 || c == 0x0691 || c == 0x06D2 || c == 0x06BA;
}

/*
 * 1 if line s[0..n) is Jawi by its letters (ayak_jawi_by_letters(), as
 * ayak-lid decides: one nga or nya, or pa twice, not an Arabic line with a
 * loanword in pa); che counts as pa in a line without the letters of
 * Persian and Urdu (Iraqi and Gulf Arabic write it too).  2 if it has
 * Arabic letters but is not Jawi by them.
 */
static int line_kind(const char *s, size_t n)
{
	size_t i = 0, w = 0, che = 0, arabic = 0;
	int persian = 0;

	while (i < n) {
		uint32_t c;

		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		i += (size_t)norm_u8(s, i, n, &c);
		w += (size_t)ayak_jawi_letter(c);
		if (c == 0x0686)
			che++;
		if (persian_letter(c))
			persian = 1;
		if (is_arabic_letter(c))
			arabic++;
	}
	if (!persian)
		w += che;
	if (ayak_jawi_by_letters(w, arabic))
		return 1;
	return arabic ? 2 : 0;
}

/* The Arabic-script word at s[i] (a letter there): its end. */
static size_t word_end(const char *s, size_t i, size_t n, int *marks)
{
	*marks = 0;
	while (i < n) {
		uint32_t c;
		int k = norm_u8(s, i, n, &c);

		if (is_harakah(c))
			*marks = 1;
		else if (!is_arabic_letter(c) && c != 0x0640)
			break;
		i += (size_t)k;
	}
	return i;
}

/* Most of the words of line s[0..n) are in the dictionary. */
static int mostly_known(struct norm_jawi *j, const char *s, size_t n)
{
	size_t i = 0, words = 0, known = 0;

	while (i < n) {
		uint32_t c;
		int k = norm_u8(s, i, n, &c), marks;

		if (is_arabic_letter(c)) {
			size_t e = word_end(s, i, n, &marks);

			words++;
			if (!marks && !jawi_key(s + i, e - i, &j->w) &&
			    dict_find(j, j->w.data ? j->w.data : "", j->w.len) >= 0)
				known++;
			i = e;
		} else {
			i += (size_t)k;
		}
	}
	return words && known * 10 >= words * 6;
}

static void capitalize(struct ayak_buf *out, size_t at)
{
	if (at < out->len && out->data[at] >= 'a' && out->data[at] <= 'z')
		out->data[at] = (char)(out->data[at] - 32);
}

/* Convert one Jawi line s[0..n), appending to out.  Returns words converted. */
static size_t convert_line(struct ayak_norm *nm, struct norm_jawi *j, const char *s, size_t n,
			   struct ayak_buf *out)
{
	size_t i = 0, words = 0;
	int sentence_start = 1;

	while (i < n) {
		uint32_t c;
		int k = norm_u8(s, i, n, &c), marks;

		if (is_arabic_letter(c)) {
			size_t e = word_end(s, i, n, &marks), at = out->len;

			if (marks) {
				ayak_buf_add(out, s + i, e - i);
				i = e;
				sentence_start = 0;
				continue;
			}
			if (convert_word(j, s + i, e - i, out) < 0)
				return words;
			words++;
			/* ٢: reduplication, then maybe a clitic */
			if (e + 1 < n && (unsigned char)s[e] == 0xD9 && (unsigned char)s[e + 1] == 0xA2) {
				size_t rb = at, bl, q;
				char base[MAX_RUMI + 1];
				long skip = -1;

				/* ke rumah٢: the noun repeats, not the preposition */
				for (q = at; q < out->len; q++)
					if (out->data[q] == ' ')
						rb = q + 1;
				bl = out->len - rb;
				if (bl <= MAX_RUMI) {
					for (q = 0; q < bl; q++) {
						char ch = out->data[rb + q];

						base[q] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
					}
					skip = norm_lex_redup_skip(j->words, base, bl);
					if (skip < 0)
						skip = 0;
					ayak_buf_add(out, "-", 1);
					ayak_buf_add(out, base + skip, bl - (size_t)skip);
				}
				e += 2;
				if (e < n) {
					uint32_t c2;
					size_t cc;

					norm_u8(s, e, n, &c2);
					for (cc = 0; cc < sizeof(clitics) / sizeof(clitics[0]); cc++) {
						size_t cl = strlen(clitics[cc].jawi);
						int m2;

						if (e + cl <= n && !memcmp(s + e, clitics[cc].jawi, cl) &&
						    word_end(s, e, n, &m2) == e + cl) {
							ayak_buf_addstr(out, clitics[cc].rumi);
							e += cl;
							break;
						}
					}
				}
			}
			if (sentence_start)
				capitalize(out, at);
			sentence_start = 0;
			i = e;
			continue;
		}
		switch (c) {
		case 0x060C: ayak_buf_add(out, ",", 1); break;	/* ، */
		case 0x061B: ayak_buf_add(out, ";", 1); break;	/* ؛ */
		case 0x061F: ayak_buf_add(out, "?", 1); break;	/* ؟ */
		case 0x06D4: ayak_buf_add(out, ".", 1); break;	/* ۔ */
		case 0x066A: ayak_buf_add(out, "%", 1); break;	/* ٪ */
		case 0x0640: break;				/* tatweel */
		default:
			if (c >= 0x0660 && c <= 0x0669) {
				char d = (char)('0' + (c - 0x0660));

				ayak_buf_add(out, &d, 1);
			} else if (c >= 0x06F0 && c <= 0x06F9) {
				char d = (char)('0' + (c - 0x06F0));

				ayak_buf_add(out, &d, 1);
			} else {
				ayak_buf_add(out, s + i, (size_t)k);
			}
		}
		if (c == '.' || c == '!' || c == '?' || c == 0x061F || c == 0x06D4)
			sentence_start = 1;
		else if (c != ' ' && c != '"' && c != '(' && c != 0x00AB)
			sentence_start = 0;
		i += (size_t)k;
	}
	nm->counts[AYAK_NORM_R_JAWI] += words;
	return words;
}

int norm_jawi_candidate(const char *s, size_t len)
{
	/* Arabic letters are U+0600..U+06FF (D8..DB lead bytes) and U+0750..U+077F (DD). */
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0xD8 && c <= 0xDD)
			return 1;
	}
	return 0;
}

size_t norm_jawi(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out)
{
	struct norm_jawi *j = n->jawi;
	size_t i = 0, copied = 0, words = 0;
	int any_jawi = 0, pass;

	/* First pass: is there a Jawi line at all?  Second: convert. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < len;) {
			const char *nl = memchr(s + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - s) : len;
			int kind = line_kind(s + i, e - i);

			if (pass == 0) {
				if (kind == 1) {
					any_jawi = 1;
					break;
				}
			} else if (kind == 1 || (kind == 2 && mostly_known(j, s + i, e - i))) {
				ayak_buf_add(out, s + copied, i - copied);
				words += convert_line(n, j, s + i, e - i, out);
				copied = e;
			}
			i = e + 1;
		}
		if (!any_jawi)
			return 0;
	}
	if (!words) {
		out->len = 0;
		return 0;
	}
	ayak_buf_add(out, s + copied, len - copied);
	return words;
}
