/* Code-switching: a text split into runs of words of one language; see lid.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "lid-impl.h"

#define CHUNK_WORDS 4096	/* words segmented at a time: memory stays bounded */
#define ODDS_MAX 8.0		/* the table's odds are within +-ODDS_MAX */
#define WORD_CPS_MAX 64		/* longer words are not looked up (and count 0) */
#define NAME_WEIGHT 0.5		/* a capitalised word within a sentence: often a name */

/* ---- the table of word odds (lexicons/lid/switch.tsv) ---- */

struct sw_entry {
	uint64_t hash;
	float odds;
	uint32_t line;
};

struct lid_switch_words {
	uint64_t *hash;		/* sorted */
	float *odds;
	size_t n;
};

void lid_switch_words_free(struct lid_switch_words *t)
{
	if (!t)
		return;
	free(t->hash);
	free(t->odds);
	free(t);
}

static int by_hash(const void *a, const void *b)
{
	const struct sw_entry *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int hex16(const char *s, size_t n, uint64_t *out)
{
	uint64_t h = 0;
	size_t i;

	if (n != 16)
		return -1;
	for (i = 0; i < 16; i++) {
		int d = ayak_hex_digit((unsigned char)s[i]);

		if (d < 0)
			return -1;
		h = h << 4 | (uint64_t)d;
	}
	*out = h;
	return 0;
}

static int is_word_cp(uint32_t cp, int in_word)
{
	if (u_isalpha((UChar32)cp))
		return 1;
	/* a mark goes on the word it follows (Tamil vowel signs, accents) */
	return in_word && (U_GET_GC_MASK((UChar32)cp) & U_GC_M_MASK);
}

/* Odds as the table writes them: an optional '-', then a plain decimal. */
static int parse_odds(const char *s, double *out)
{
	int neg = *s == '-';

	if (ayak_parse_decimal(s + neg, out) || *out > ODDS_MAX)
		return -1;
	if (neg)
		*out = -*out;
	return 0;
}

/*
 * A word key: its letters lower-cased one code point at a time, hashed as
 * the model hashes words.  -1 when it is not one word of lower-case letters.
 */
static int word_key(const char *s, size_t n, uint64_t *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint32_t cps[WORD_CPS_MAX];
	size_t k = 0;

	while (p < end) {
		uint32_t cp;
		int len = ayak_utf8_decode(p, end, &cp);

		if (len <= 0 || k == WORD_CPS_MAX)
			return -1;
		if (!is_word_cp(cp, k != 0) || (uint32_t)u_tolower((UChar32)cp) != cp)
			return -1;
		cps[k++] = cp;
		p += len;
	}
	if (!k)
		return -1;
	*out = lid_word_hash(cps, k);
	return 0;
}

struct lid_switch_words *lid_switch_words_parse(const char *path, const char *text, size_t len,
						struct ayak_err *err)
{
	struct lid_switch_words *t = calloc(1, sizeof(*t));
	struct sw_entry *e = NULL;
	size_t ne = 0, cap = 0, pos = 0, n, i, lineno = 0;
	const char *line;

	if (!t)
		goto oom;
	if (ayak_text_check(path, text, len, AYAK_E_SYS, err))
		goto fail;
	while (ayak_next_line(text, len, &pos, &line, &n)) {
		const char *tab = memchr(line, '\t', n);
		char num[32];
		size_t nn;
		double v;
		uint64_t h;

		lineno++;
		if (!n || *line == '#')
			continue;
		if (!tab || memchr(tab + 1, '\t', n - (size_t)(tab + 1 - line))) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: want a word and its odds, tab-separated",
				     path, lineno);
			goto fail;
		}
		if (hex16(line, (size_t)(tab - line), &h) &&
		    word_key(line, (size_t)(tab - line), &h)) {
			ayak_err_set(err, AYAK_E_SYS,
				     "%s:%zu: '%.*s' is neither a lower-case word (of %d letters at most) "
				     "nor 16 hex digits", path, lineno, (int)(tab - line > 64 ? 64 : tab - line),
				     line, WORD_CPS_MAX);
			goto fail;
		}
		nn = n - (size_t)(tab + 1 - line);
		if (nn == 0 || nn >= sizeof(num)) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: want odds from -%g to %g", path, lineno,
				     ODDS_MAX, ODDS_MAX);
			goto fail;
		}
		memcpy(num, tab + 1, nn);
		num[nn] = '\0';
		if (parse_odds(num, &v)) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: want odds from -%g to %g, not '%s'", path,
				     lineno, ODDS_MAX, ODDS_MAX, num);
			goto fail;
		}
		if (ne == cap) {
			struct sw_entry *g = ayak_grow(e, &cap, ne + 1, sizeof(*e), 4096);

			if (!g)
				goto oom;
			e = g;
		}
		e[ne].hash = h;
		e[ne].odds = (float)v;
		e[ne].line = (uint32_t)lineno;
		ne++;
	}
	if (ne)
		qsort(e, ne, sizeof(*e), by_hash);
	for (i = 1; i < ne; i++)
		if (e[i].hash == e[i - 1].hash) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%u: the word of line %u again", path,
				     (unsigned)e[i].line, (unsigned)e[i - 1].line);
			goto fail;
		}
	t->hash = malloc((ne ? ne : 1) * sizeof(*t->hash));
	t->odds = malloc((ne ? ne : 1) * sizeof(*t->odds));
	if (!t->hash || !t->odds)
		goto oom;
	for (i = 0; i < ne; i++) {
		t->hash[i] = e[i].hash;
		t->odds[i] = e[i].odds;
	}
	t->n = ne;
	free(e);
	return t;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
fail:
	free(e);
	lid_switch_words_free(t);
	return NULL;
}

struct lid_switch_words *lid_switch_words_load(const char *path, struct ayak_err *err)
{
	struct ayak_buf data = AYAK_BUF_INIT;
	struct lid_switch_words *t = NULL;

	if (!ayak_read_file(path, &data, err))
		t = lid_switch_words_parse(path, data.data ? data.data : "", data.len, err);
	ayak_buf_release(&data);
	return t;
}

size_t lid_switch_words_count(const struct lid_switch_words *t)
{
	return t->n;
}

/* The odds of the word with this hash: above 0 English; 0 when it is not in the table. */
static double odds_of(const struct lid_switch_words *t, uint64_t h)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->hash[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->hash[lo] == h ? t->odds[lo] : 0;
}

/* ---- splitting a text ---- */

struct sw_word {
	size_t start, end;	/* code points: [start, end) */
	size_t bstart, bend;	/* bytes */
	size_t letters;
	size_t upper, lower;	/* letters in upper and in lower case */
	int script;		/* UScriptCode of its first letter */
	int initial;		/* it starts a sentence */
	int joined;		/* only spaces, or a hyphen, since the word before */
	int capital;		/* its first letter is a capital */
	double odds;		/* English against Malay (Latin words): the table's, then weighted */
	int state;		/* Latin words: 1 English, 0 Malay */
};

struct lid_switch {
	const struct lid_switch_words *t;
	struct sw_word *w;
	size_t nw, walloc;
	uint8_t *back;		/* per Latin word and state: the state before it */
	size_t back_alloc;
	int last_state;		/* the state the last chunk ended in, or -1 */
	int capitals;		/* the words of this chunk are mostly in capitals */
};

struct lid_switch *lid_switch_new(const struct lid_switch_words *t)
{
	struct lid_switch *s = calloc(1, sizeof(*s));

	if (s)
		s->t = t;
	return s;
}

void lid_switch_free(struct lid_switch *s)
{
	if (!s)
		return;
	free(s->w);
	free(s->back);
	free(s);
}

/* After this (or at the start of a line), a capitalised word starts a sentence. */
static int ends_sentence(uint32_t cp)
{
	return cp == 0 || cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == '"' ||
	       cp == 0x201c || cp == 0x2026 || cp == '\n';
}

/* The letters of the word being read, lower-cased. */
struct word_acc {
	uint32_t cps[WORD_CPS_MAX];
	size_t n;
};

static void word_done(struct lid_switch *s, struct sw_word *w, const struct word_acc *a)
{
	/* longer than the classifier reads (a hashtag run together, junk): no word, in no run */
	if (w->script == USCRIPT_LATIN && a->n > LID_WORD_MAX) {
		s->nw--;	/* w is the last word */
		return;
	}
	if (w->script == USCRIPT_LATIN && a->n <= WORD_CPS_MAX)
		w->odds = odds_of(s->t, lid_word_hash(a->cps, a->n));
}

/*
 * How much each Latin word's odds count: nothing for one letter or an
 * acronym (ABS, COVID), half for a capitalised word within a sentence
 * (a name, often).  In text mostly in capitals, case says nothing.
 */
static void weigh(struct lid_switch *s)
{
	size_t i, upper = 0, lower = 0;

	for (i = 0; i < s->nw; i++)
		if (s->w[i].script == USCRIPT_LATIN) {
			upper += s->w[i].upper;
			lower += s->w[i].lower;
		}
	s->capitals = upper > lower;
	for (i = 0; i < s->nw; i++) {
		struct sw_word *w = &s->w[i];

		if (w->script != USCRIPT_LATIN)
			continue;
		if (w->letters < 2)
			w->odds = 0;
		else if (s->capitals)
			continue;
		else if (w->upper >= 2 && !w->lower)
			w->odds = 0;
		else if (w->capital && !w->initial)
			w->odds *= NAME_WEIGHT;
	}
}

/*
 * The next words of text u[0..n) from byte *at (code point *cp_pos, at a
 * space or the start), CHUNK_WORDS at most, with where they are; links,
 * e-mail addresses and @handles left out.  *at and *cp_pos move on past them.
 */
static int find_words(struct lid_switch *s, const unsigned char *u, size_t n, size_t *at,
		      size_t *cp_pos, uint32_t *last_cp)
{
	const unsigned char *end = u + n, *p = u + *at, *tok_end = p;
	size_t cp_at = *cp_pos;
	struct sw_word *cur = NULL;
	struct word_acc a = { .n = 0 };

	s->nw = 0;
	while (p < end) {
		uint32_t cp;
		int len;

		if (p >= tok_end) {
			/* at a new space-delimited token: skip it whole if it is a link */
			const unsigned char *q = p;

			if (s->nw >= CHUNK_WORDS && lid_is_space(*p))
				break;	/* between two words: the rest in the next chunk */

			while (q < end && !lid_is_space(*q))
				q++;
			tok_end = q == p ? p + 1 : q;
			if (q > p && lid_skip_token(p, (size_t)(q - p))) {
				for (; p < q; p++)
					cp_at += (*p & 0xc0) != 0x80;
				if (cur)
					word_done(s, cur, &a);
				cur = NULL;
				*last_cp = '/';
				continue;
			}
		}
		len = ayak_utf8_decode(p, end, &cp);
		if (len == 0) {
			len = 1;
			cp = 0xfffd;
		}
		if (is_word_cp(cp, cur != NULL)) {
			if (!cur) {
				UErrorCode e = U_ZERO_ERROR;

				if (s->nw == s->walloc) {
					struct sw_word *w = ayak_grow(s->w, &s->walloc, s->nw + 1,
								      sizeof(*w), 64);

					if (!w)
						return -1;
					s->w = w;
				}
				cur = &s->w[s->nw++];
				memset(cur, 0, sizeof(*cur));
				cur->start = cp_at;
				cur->bstart = (size_t)(p - u);
				cur->script = uscript_getScript((UChar32)cp, &e);
				a.n = 0;
				cur->initial = ends_sentence(*last_cp);
				cur->joined = is_word_cp(*last_cp, 1) || *last_cp == '-';
				cur->capital = u_isupper((UChar32)cp) || u_istitle((UChar32)cp);
			}
			if (u_isupper((UChar32)cp))
				cur->upper++;
			else if (u_islower((UChar32)cp))
				cur->lower++;
			if (a.n < WORD_CPS_MAX)
				a.cps[a.n] = (uint32_t)u_tolower((UChar32)cp);
			a.n++;
			cur->letters++;
			cur->end = cp_at + 1;
			cur->bend = (size_t)(p - u) + (size_t)len;
		} else {
			if (cur)
				word_done(s, cur, &a);
			cur = NULL;
		}
		/* what came last before a word, spaces aside (a line end counts) */
		if (cp >= 0x80 || cp == '\n' || !lid_is_space((unsigned char)cp))
			*last_cp = cp;
		p += len;
		cp_at++;
	}
	if (cur)
		word_done(s, cur, &a);
	*at = (size_t)(p - u);
	*cp_pos = cp_at;
	return 0;
}

/* A word that may be part of a name: Latin, capitalised. */
static int name_word(const struct sw_word *w)
{
	return w->script == USCRIPT_LATIN && w->capital;
}

/*
 * Capitalised Latin words in a row (only spaces or a hyphen between them),
 * two or more of them of two letters or more within a sentence (Honda
 * Malaysia Sdn Bhd, The Dark Knight, A New Fighter In Town), are a name or
 * a title, not a change of language, wherever the odds of their words put
 * them: they take the language of the Latin word before them.  A word that
 * starts a sentence (of the text, or after a full stop) does not count, as
 * its capital says nothing, but it goes with a name right after it, and
 * then they take the language of the word after them, their sentence's.
 * (With no word on that side, the other's.)  before: the state of the last
 * Latin word of the last chunk, or -1.
 */
static void join_names(struct lid_switch *s, int before)
{
	size_t i = 0, j, k, within;

	while (i < s->nw) {
		struct sw_word *w = &s->w[i];
		int st = before;

		if (!name_word(w)) {
			if (w->script == USCRIPT_LATIN)
				before = w->state;
			i++;
			continue;
		}
		within = !w->initial && w->letters >= 2;
		for (j = i + 1; j < s->nw && name_word(&s->w[j]) && s->w[j].joined &&
		     !s->w[j].initial; j++)
			within += s->w[j].letters >= 2;
		if (within >= 2) {
			if (w->initial || st < 0) {
				for (k = j; k < s->nw && s->w[k].script != USCRIPT_LATIN; k++)
					;
				if (k < s->nw)
					st = s->w[k].state;
			}
			for (k = i; st >= 0 && k < j; k++)
				s->w[k].state = st;
		}
		before = s->w[j - 1].state;
		i = j;
	}
}

/*
 * A run of the split made of capitalised Latin words alone (a name of one
 * word, a list of names), one of them within a sentence, is no change of
 * language either: it takes the language of the run before it (after it,
 * at the start).
 */
static void join_runs(struct lid_switch *s)
{
	size_t i = 0, j;
	int before = -1;

	while (i < s->nw) {
		int names = 1, within = 0, st;

		if (s->w[i].script != USCRIPT_LATIN) {
			i++;
			continue;
		}
		st = s->w[i].state;
		for (j = i; j < s->nw && (s->w[j].script != USCRIPT_LATIN || s->w[j].state == st); j++)
			if (s->w[j].script == USCRIPT_LATIN) {
				names &= s->w[j].capital;
				within |= !s->w[j].initial;
			}
		names &= within;	/* a sentence's first word alone is no name */
		if (names && before < 0 && j < s->nw)
			before = !st;	/* the first run: the next one's language */
		if (names && before >= 0)
			st = before;
		for (; i < j; i++)
			s->w[i].state = st;
		before = st;
	}
}

/*
 * English (1) or Malay (0) for each Latin word (Viterbi): each word's odds
 * count half for the one and half against the other, and each change of
 * language costs cost, so that one odd word is not a run of its own.
 */
static int viterbi(struct lid_switch *s, double cost)
{
	double dp[2] = { 0, 0 };
	size_t i, k = 0, nlat = 0;
	int st, before = s->last_state;

	for (i = 0; i < s->nw; i++)
		nlat += s->w[i].script == USCRIPT_LATIN;
	if (!nlat)
		return 0;
	if (2 * nlat > s->back_alloc) {
		uint8_t *b = ayak_grow(s->back, &s->back_alloc, 2 * nlat, 1, 1024);

		if (!b)
			return -1;
		s->back = b;
	}
	if (s->last_state >= 0)
		dp[!s->last_state] = -cost;	/* the last chunk's language goes on */
	for (i = 0; i < s->nw; i++) {
		const struct sw_word *w = &s->w[i];
		double nd[2];

		if (w->script != USCRIPT_LATIN)
			continue;
		for (st = 0; st < 2; st++) {
			double stay = dp[st], change = k ? dp[!st] - cost : dp[!st];

			s->back[2 * k + (size_t)st] = (uint8_t)(stay >= change ? st : !st);
			nd[st] = (stay >= change ? stay : change) + (st ? w->odds : -w->odds) / 2;
		}
		dp[0] = nd[0];
		dp[1] = nd[1];
		k++;
	}
	st = dp[1] > dp[0];
	s->last_state = st;
	for (i = s->nw; i-- > 0;) {
		if (s->w[i].script != USCRIPT_LATIN)
			continue;
		k--;
		s->w[i].state = st;
		st = s->back[2 * k + (size_t)st];
	}
	if (!s->capitals) {
		join_names(s, before);
		join_runs(s);
	}
	return 0;
}

/* Code points [start, end) to the runs: the last one if it has this label, else a new one. */
static struct lid_run *run_add(struct lid_run **runs, size_t *alloc, size_t *nruns, int label,
			       size_t start, size_t end)
{
	struct lid_run *r;

	if (*nruns && (*runs)[*nruns - 1].label == label) {
		r = &(*runs)[*nruns - 1];
	} else {
		if (*nruns == *alloc) {
			struct lid_run *nr = ayak_grow(*runs, alloc, *nruns + 1, sizeof(*nr), 16);

			if (!nr)
				return NULL;
			*runs = nr;
		}
		r = &(*runs)[(*nruns)++];
		memset(r, 0, sizeof(*r));
		r->label = label;
		r->start = start;
	}
	r->end = end;
	return r;
}

ssize_t lid_switch_runs(struct lid_switch *s, struct lid_classifier *c, const char *text,
			size_t n, const struct lid_opts *opts, double cost, struct lid_run **runs,
			size_t *runs_alloc)
{
	const struct lid_model *m = lid_classifier_model(c);
	struct lid_opts whole = opts ? *opts : (struct lid_opts){ 0 };
	int zsm = lid_model_find(m, "zsm_Latn"), ind = lid_model_find(m, "ind_Latn");
	int eng = lid_model_find(m, "eng_Latn"), doc, malay, latin, twoway;
	size_t i, at = 0, cp_at = 0, nruns = 0;
	uint32_t last_cp = 0;
	float doc_score, sc;

	whole.sample = 0;
	s->last_state = -1;
	doc = lid_classify(c, text, n, &whole, &doc_score);
	if (doc < 0)
		return -1;
	/* the text's odds of Malaysian to Indonesian name its Malay words */
	malay = zsm >= 0 && ind >= 0 && lid_probs(c)[ind] > lid_probs(c)[zsm] ? ind : zsm;
	/*
	 * Latin words are split between English and Malay when the text is one
	 * of them (or not Latin); Latin text of another language is one run.
	 */
	twoway = eng >= 0 && malay >= 0 &&
		 (doc == eng || doc == zsm || doc == ind ||
		  lid_label_script(lid_model_label(m, (size_t)doc)) != USCRIPT_LATIN);
	latin = twoway ? malay : doc;
	while (at < n) {
		if (find_words(s, (const unsigned char *)text, n, &at, &cp_at, &last_cp))
			return -1;
		weigh(s);
		if (twoway && viterbi(s, cost))
			return -1;
		for (i = 0; i < s->nw;) {
			const struct sw_word *w = &s->w[i];
			struct lid_run *r;
			size_t j = i + 1;
			int label;

			if (w->script == USCRIPT_LATIN) {
				/* how sure: the odds toward the run's language, or the text's score */
				double p = twoway ? 1 / (1 + exp(w->state ? -w->odds : w->odds)) : doc_score;

				label = twoway && w->state ? eng : latin;
				r = run_add(runs, runs_alloc, &nruns, label, w->start, w->end);
				if (!r)
					return -1;
				r->letters += w->letters;
				r->words++;
				r->score_sum += p;
				i = j;
				continue;
			}
			/* words of another script, together: classified as one text */
			while (j < s->nw && s->w[j].script == w->script)
				j++;
			label = lid_classify(c, text + w->bstart, s->w[j - 1].bend - w->bstart, &whole,
					     &sc);
			if (label < 0)
				return -1;
			r = run_add(runs, runs_alloc, &nruns, label, w->start, s->w[j - 1].end);
			if (!r)
				return -1;
			for (; i < j; i++) {
				r->letters += s->w[i].letters;
				r->words++;
				r->score_sum += sc;
			}
		}
	}
	for (i = 0; i < nruns; i++)
		(*runs)[i].score = (float)((*runs)[i].score_sum / (double)(*runs)[i].words);
	return (ssize_t)nruns;
}
