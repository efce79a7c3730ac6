/*
 * Language identification for ayak-lid: a model of hashed character
 * n-gram, word and marker features in small linear classifiers, one per
 * writing system, behind a script detector.
 *
 * How a text is classified (lid.c):
 *  1. At most opts->sample bytes are read: the whole text when it is
 *     shorter, else a few windows spread over it.  A word a window's edge
 *     cuts is read on past it (its letters outside not counted), and when
 *     the windows find nothing to go on (no letters, or only words too long
 *     to give features) the whole text is read.
 *  2. Letters are lower-cased and counted by script.  URLs, e-mail
 *     addresses and @handles are skipped; digits, punctuation and emoji
 *     are separators.  No letters at all: "und".
 *  3. Each script with a share of the letters gets a distribution over the
 *     labels: by rule where the script settles it (Tamil, Hangul, kana,
 *     Han with simplified or traditional characters, Jawi letters), else
 *     from the script's linear model; Latin text that the general Latin
 *     model puts in the Malayic group is refined by the group's own model
 *     ("msa").  The result is the mixture, weighted by the shares.
 *
 * The model file (lexicons/lid/model.bin) starts with a few lines of text
 * that say what it is and how it was made, then a checksummed binary part;
 * see lid_model_load().  Training (lid-train.c) writes it.
 */
#ifndef AYAK_LID_H
#define AYAK_LID_H

#include <sys/types.h>	/* ssize_t */

#include "ayak.h"

struct ayak_writer;

#define LID_MODEL_FILE "lid/model.bin"
#define LID_LABEL_MAX 16		/* bytes of a label, NUL included */
#define LID_SAMPLE_DEFAULT 1024

/* Features a submodel uses (its flags). */
enum {
	LID_F_CHAR1 = 1 << 0,		/* character n-grams of 1 to 5, within words */
	LID_F_CHAR2 = 1 << 1,
	LID_F_CHAR3 = 1 << 2,
	LID_F_CHAR4 = 1 << 3,
	LID_F_CHAR5 = 1 << 4,
	LID_F_WORD = 1 << 5,		/* whole words */
	LID_F_BIGRAM = 1 << 6,		/* pairs of words */
	LID_F_MARK = 1 << 7,		/* marker words (one feature per marker class) */
	LID_F_CROSS = 1 << 8,		/* character n-grams (3 to 5) across a space */
	LID_F_MEAN = 1 << 9,		/* weights averaged (1/n), not scaled by 1/sqrt(n) */
	LID_F_DICT = 1 << 10,		/* lower-case words in or out of the dictionary */
};

/* Marker classes (bits of a marker entry). */
enum {
	LID_MARK_ZSM = 1 << 0,		/* strong Malaysian marker */
	LID_MARK_IND = 1 << 1,		/* strong Indonesian marker */
	LID_MARK_ZSM_WEAK = 1 << 2,
	LID_MARK_IND_WEAK = 1 << 3,
	LID_MARK_FW2_ZSM = 1 << 4,	/* in FineWeb-2's zsm_Latn word list */
	LID_MARK_FW2_IND = 1 << 5,	/* in FineWeb-2's ind_Latn word list */
	LID_MARK_DATA_ZSM = 1 << 8,	/* in a list drawn from the training data (Malaysian) */
	LID_MARK_DATA_IND = 1 << 9,	/* the same, Indonesian */
	LID_MARK_SUFFIX = 1 << 7,	/* the entry is a word ending */
};

struct lid_model;

/* Load flags. */
enum {
	LID_LOAD_NO_CHECKSUM = 1,	/* skip the checksum (for the fuzz target) */
};

/*
 * Read a model file.  A missing, unreadable, truncated or corrupt file
 * gives NULL with err->code AYAK_E_SYS and a message naming the file.
 */
struct lid_model *lid_model_load(const char *path, struct ayak_err *err);
/* The same from memory (copied); name is used in messages. */
struct lid_model *lid_model_parse(const void *data, size_t n, const char *name,
				  unsigned flags, struct ayak_err *err);
void lid_model_free(struct lid_model *m);

size_t lid_model_nlabels(const struct lid_model *m);
const char *lid_model_label(const struct lid_model *m, size_t i);
/*
 * Is name a label a model may have: "und", or an ISO 639-3 language code,
 * '_' and an ISO 15924 script code ICU knows (zsm_Latn, zho_Hant)?
 */
int lid_label_valid(const char *name);
/* Index of a label, or -1. */
int lid_model_find(const struct lid_model *m, const char *name);
/* The text part of the file: what the model is, its version, sources. */
const char *lid_model_about(const struct lid_model *m);
/* The "version:" line of that text, or "unknown". */
const char *lid_model_version(const struct lid_model *m);
/* 1 if the model has word odds (their table has 2^*bits buckets, weight *weight), else 0. */
int lid_model_word_odds(const struct lid_model *m, unsigned *bits, float *weight);

/* ---- classifying ---- */

struct lid_opts {
	size_t sample;			/* bytes read at most; 0: all */
	int nb_weight_set;		/* 0: the model's weight of the word odds */
	float nb_weight;		/* else this one (0: none) */
	int lines;			/* a text of several lines is read line by line too */
};

struct lid_classifier;

struct lid_classifier *lid_classifier_new(const struct lid_model *m);
void lid_classifier_free(struct lid_classifier *c);

/*
 * Classify text[0..n) (UTF-8; ill-formed bytes are separators).  Returns
 * the best label's index; its probability goes to *score.  With
 * opts->lines, a text of two lines or more (in what is read) is read line
 * by line as well, each line on its own; when the label the lines give
 * most of their letters to (their probabilities weighted by their
 * letters) is of another language than the whole text's, and that
 * language (Malaysian, Indonesian and their Malayic neighbours as one)
 * has more than half of them, it is the text's label, with the lines'
 * probabilities.  Read whole, a
 * mostly English page with a few Malay lines is Malay: the linear model
 * adds up evidence, and Malay words carry more of it.  The whole
 * distribution stays in the classifier until the next call: see
 * lid_probs() and lid_top().  Text with no letters is "und" with score 1.
 * Returns -1 when memory ran out (ENOMEM): a part of the text would have
 * gone unread, so it has no label.
 */
int lid_classify(struct lid_classifier *c, const char *text, size_t n,
		 const struct lid_opts *opts, float *score);
/* Probabilities of every label (lid_model_nlabels() of them) for the last text. */
const float *lid_probs(const struct lid_classifier *c);
/*
 * The k most probable labels of the last text, best first, ties by label
 * index.  Returns how many were written (labels with probability 0 are
 * left out, so this may be fewer than k).
 */
size_t lid_top(const struct lid_classifier *c, int *labels, float *scores, size_t k);
/* Letters seen in the last text (after sampling). */
size_t lid_letters(const struct lid_classifier *c);
/* The model a classifier uses. */
const struct lid_model *lid_classifier_model(const struct lid_classifier *c);

/* ---- explaining ---- */

/*
 * Why a text leans Malaysian or Indonesian.  The model tells zsm_Latn from
 * ind_Latn by the log-odds of the two, a sum: a prior, plus for each Latin
 * word what its own features add, plus for each pair of neighbouring words
 * what their features together add, plus their word odds.  With explaining
 * on, lid_classify() keeps those terms, and lid_why() gives them, merged by
 * text (a word twice is one item, its count 2; two words are one when
 * their 64-bit hashes are) and largest first, either way (ties in byte
 * order): odds = prior + the sum of every item's nats, give or take float
 * rounding.  They are of the text as read (sampled, if opts->sample),
 * whole: where lid_classify() takes the label its lines give, lid_probs()
 * are theirs, not the text's; and where the first model gives the msa
 * group under 1%, the second is not asked, and lid_probs() split that
 * little as the first has it.
 */
struct lid_why_item {
	const char *text;		/* the word, lower-cased, or two words and a space: a pair */
	size_t len;			/* its bytes (UTF-8, not NUL-terminated) */
	size_t count;			/* times it is in the text as read */
	double nats;			/* what it adds to the log-odds (+: Malaysian) */
};

struct lid_why {
	double odds;			/* log p(zsm_Latn) / p(ind_Latn), as the model decides it */
	double prior;			/* of those, the model's before any word */
	size_t total;			/* items in all (an item that adds 0 is none) */
	size_t nitems;			/* of them, the largest, in items */
	const struct lid_why_item *items;	/* valid until the next lid_classify() or lid_why() */
};

/*
 * Turn explaining on (on != 0) or off.  Returns 0, 1 when the model has no
 * msa submodel with zsm_Latn and ind_Latn (nothing to explain), or -1
 * when memory ran out.  Classifying is slower with it on: each Latin word
 * is read again, and the items are gathered and ranked.
 */
int lid_classifier_explain(struct lid_classifier *c, int on);
/*
 * The last text's explanation into *out, with its max largest items
 * (SIZE_MAX: all).  Returns 0; 1 when there is none (explaining off, or
 * no Latin word the msa submodel reads: out->nitems 0); -1 when memory
 * ran out.
 */
int lid_why(struct lid_classifier *c, size_t max, struct lid_why *out);

/* ---- code-switching (lid-switch.c) ---- */

/*
 * The switch words (lexicons/lid/switch.tsv): for each word, the log-odds
 * of English against Malay.  Lines "KEY<TAB>ODDS", '#' comments: KEY a
 * lower-case word or 16 hex digits (the word's lid_word_hash()), ODDS
 * a plain decimal from -8 to 8 ("3.5", "-2").  NULL with err ("PATH:LINE: ...", AYAK_E_SYS) when the
 * file cannot be read or a line is wrong.
 */
#define LID_SWITCH_FILE "lid/switch.tsv"

struct lid_switch_words;

struct lid_switch_words *lid_switch_words_load(const char *path, struct ayak_err *err);
/* The same from text[0..len), read from path (for the messages). */
struct lid_switch_words *lid_switch_words_parse(const char *path, const char *text, size_t len,
						struct ayak_err *err);
size_t lid_switch_words_count(const struct lid_switch_words *t);
void lid_switch_words_free(struct lid_switch_words *t);

/* A run of words of one language: code points [start, end) of the text. */
struct lid_run {
	size_t start, end;
	int label;
	float score;			/* how sure, 0 to 1: see lid_switch_runs() */
	size_t letters, words;
	double score_sum;		/* (working sum of score) */
};

struct lid_switch;

/* A splitter that reads the odds of t (which must outlive it); NULL on ENOMEM. */
struct lid_switch *lid_switch_new(const struct lid_switch_words *t);
void lid_switch_free(struct lid_switch *s);
/*
 * Split text[0..n) into runs of words of one language (code-switching:
 * "Aku rasa this movie is so good lah").  Words are runs of letters (and
 * the marks after them); links, e-mail addresses and @handles are left out.
 *  - Latin words go to English or to Malay when the whole text is one of
 *    them (or is not in Latin letters): each word's odds in the table count
 *    for one and against the other, and each change of language costs cost
 *    (log-odds), and the most probable sequence is taken (Viterbi), a few
 *    thousand words at a time.  A capitalised word within a sentence (a
 *    name, often) counts half, and one-letter words and acronyms nothing;
 *    two or more capitalised words in a row within a sentence are a name,
 *    which takes the language of the word before it (at a sentence's
 *    start, with its first word, of the word after it), and so does a run
 *    of capitalised words alone.
 *    Malay runs are zsm_Latn or ind_Latn by the whole text's odds.  Latin
 *    text of another language is one run of the text's label.
 *  - Words of another script, one after another, are classified together.
 * A run's score is the mean over its words of how sure each is: for a Latin
 * word of a two-way split, the logistic of its odds toward its run's
 * language (0.5 when it is not in the table), else the score of the
 * classification.  The runs go to *runs (grown as needed, *alloc its
 * room), in order; returns how many (0 for text with no words), or -1 on
 * ENOMEM.  c's last text is then a part of it.
 */
ssize_t lid_switch_runs(struct lid_switch *s, struct lid_classifier *c, const char *text,
			size_t n, const struct lid_opts *opts, double cost, struct lid_run **runs,
			size_t *alloc);

/* ---- features (shared with training) ---- */

/*
 * Text prepared for feature extraction: lower-cased letters in words, with
 * the script of each word.  Filled by lid_text_prepare().  A word of more
 * than 40 letters gives no features: only 41 of its letters are kept.
 */
struct lid_word {
	uint64_t hash;			/* lid_word_hash() of its letters */
	uint32_t start;			/* index into cps */
	uint32_t len;
	int16_t script;			/* ICU UScriptCode of its first letter */
	uint8_t upper;			/* its first letter was upper case */
};

struct lid_text {
	uint32_t *cps;
	size_t ncps, cps_alloc;
	struct lid_word *words;
	size_t nwords, words_alloc;
	size_t *script_letters;		/* letters per UScriptCode */
	uint64_t *script_seen;		/* a bit per script whose count is not 0 */
	size_t nscripts;
	size_t letters;
	size_t jawi;			/* Jawi's own letters, weighted (ayak_jawi_letter()) */
	size_t hans, hant;		/* Han characters only simplified / only traditional */
	struct lid_cpinfo **cp_pages;	/* ICU's answers for the BMP, 256 code points a page */
	unsigned char byte_by_byte;	/* tests: no token read at once (the same words, slower) */
	unsigned char uncounted;	/* a word read has letters outside the windows, uncounted */
};

void lid_text_init(struct lid_text *t);
void lid_text_release(struct lid_text *t);
/*
 * Decode text[0..n) (at most sample bytes of it, in windows; 0: all) into t.
 * The model supplies the Han tables (NULL: none).  Returns -1 on ENOMEM.
 */
int lid_text_prepare(struct lid_text *t, const char *text, size_t n, size_t sample,
		     const struct lid_model *m);

/*
 * Hashed features of the words of t in script `script` (-1: every word),
 * as buckets of a table of 2^bits rows, appended to out (grown as needed).
 * Returns the number added, or -1 on ENOMEM.
 */
struct lid_feats {
	uint32_t *v;
	size_t n, alloc;
};
int lid_features(const struct lid_text *t, int script, unsigned flags, unsigned bits,
		 const struct lid_model *markers, struct lid_feats *out);
/*
 * The word odds features of t: the buckets (of 2^bits) of its Latin words
 * and of the pairs of neighbouring ones, appended to out.  Returns the
 * number added, or -1 on ENOMEM.
 */
int lid_nb_features(const struct lid_text *t, unsigned bits, struct lid_feats *out);

/* ---- training (lid-train.c) ---- */

struct lid_train_sub {
	char name[32];			/* "Latn", "msa", "Cyrl", a script's name ("Cyrillic"), ... */
	unsigned flags;			/* LID_F_* */
	unsigned bits;			/* log2 of the rows */
	unsigned mark_weight;		/* each marker feature counts this many times (0: once) */
	/*
	 * After training, each class's bias less flat_prior times the log of
	 * its share of the submodel's training texts (0: none; at most 1): a
	 * text with nothing to go by leans less to the commonest labels.
	 */
	double flat_prior;
};

struct lid_train_opts {
	const char *about;		/* text for the head of the file */
	unsigned epochs;
	double lr;
	uint64_t seed;
	size_t sample;			/* bytes read per training text (0: all) */
	int average;			/* average the weights of the later epochs */
	double dropout;			/* share of a text's features left out at each step (0: none) */
	unsigned nb_bits;		/* word odds table of 2^nb_bits buckets (0: none) */
	double nb_alpha;		/* added to each count of the word odds */
	double nb_weight;		/* stored: their weight in the zsm/ind decision */
	struct lid_train_sub subs[8];
	size_t nsubs;
	const char *const *msa;		/* labels of the Malayic group, NULL-terminated */
	void (*progress)(void *arg, const char *fmt, ...);
	void *progress_arg;
};

struct lid_trainer;

#define LID_MARKER_MAX 31		/* letters of a marker word (of each word of a pair) */

/*
 * A usage error (AYAK_E_USAGE) when a submodel is named after no script,
 * two are for one script (or both msa), its features can give none (no
 * n-grams, words, pairs of words, markers or dictionary; x without c3, c4
 * or c5; d for a script other than Latin), the submodels with markers
 * differ in their marker weight, or the msa group holds a label twice or
 * one not of the Latin script.  A submodel named after a script's long
 * name ("Cyrillic") is stored under its code ("Cyrl").
 */
struct lid_trainer *lid_trainer_new(const struct lid_train_opts *opts, struct ayak_err *err);
/*
 * A marker: word, LID_MARK_* bits (suffixes start with '-'; two words with
 * one space between them are a pair, met as neighbours in a text).  Returns
 * 0; 1 when it is stored but can never match, as it holds a character that
 * is not a letter (a text's words are runs of letters and their marks); -1
 * with AYAK_E_DATA when it is empty, too long (LID_MARKER_MAX) or has
 * spaces other than one between two words.
 */
int lid_trainer_add_marker(struct lid_trainer *t, const char *word, unsigned bits,
			   struct ayak_err *err);
/* A word of the Malaysian Malay dictionary (stored as a hash). */
int lid_trainer_add_dict_word(struct lid_trainer *t, const char *word, struct ayak_err *err);
/* A label the model gives though no text has it (one decided by rule: zho_Hant). */
int lid_trainer_add_label(struct lid_trainer *t, const char *label, struct ayak_err *err);
/* What lid_trainer_add() did with a text. */
enum {
	LID_ADD_TRAINED,		/* kept for training */
	LID_ADD_UND,			/* left out: labelled und, which is given by rule */
	LID_ADD_NO_LETTERS,		/* left out: no letters (empty, digits, links) */
	LID_ADD_NO_SCRIPT,		/* left out: letters, but none of its label's script */
};
/*
 * One labelled training text: LID_ADD_*, or -1 with AYAK_E_DATA for a bad
 * label, AYAK_E_SYS when out of memory.  A text with letters but none of
 * its label's script is left out (the submodels read a text's words of
 * their own script only: it would teach nothing).  A label whose every
 * text is left out is an error when the model is written.
 */
int lid_trainer_add(struct lid_trainer *t, const char *label, const char *text, size_t n,
		    struct ayak_err *err);
/* The labels (und first; sorted once the model is written) and how many texts each has. */
size_t lid_trainer_nlabels(const struct lid_trainer *t);
const char *lid_trainer_label(const struct lid_trainer *t, size_t i, size_t *texts);
/*
 * Before any training (AYAK_E_DATA): every label a text was kept for; each
 * submodel two labels or more, at most LID_MAX_STRIDE (256), each with a
 * text that gives the submodel features; each script with two labels or
 * more a submodel.
 */
/* Train and write the model to path (atomically). */
int lid_trainer_finish(struct lid_trainer *t, const char *path, struct ayak_err *err);
/*
 * Train and write the model to wr (named name in messages), which the
 * caller finishes and puts in place, or gives up on a failure.
 */
int lid_trainer_write(struct lid_trainer *t, struct ayak_writer *wr, const char *name,
		      struct ayak_err *err);
void lid_trainer_free(struct lid_trainer *t);

/* ---- internal, shared by lid.c and lid-train.c ---- */

uint64_t lid_word_hash(const uint32_t *cps, size_t n);
/* The marker hash of a pair of words, from their lid_word_hash()es (never 0). */
uint64_t lid_pair_hash(uint64_t first, uint64_t second);
/* Markers of a lower-cased word (LID_MARK_* bits, 0 if none). */
unsigned lid_markers_of(const struct lid_model *m, const uint32_t *cps, size_t n);

#endif
