/*
 * A zero-copy JSON scanner for records: one JSON object per line.
 *
 * ayak_record_parse() validates a whole line (RFC 8259, strict UTF-8) and
 * notes where each top-level key and value lie, without copying anything.
 * Programs decode only the string values they need, and emit the record
 * with some values replaced or added while every other byte passes through.
 */
#ifndef AYAK_JSON_H
#define AYAK_JSON_H

#include "ayak.h"

enum ayak_json_type {
	AYAK_JSON_STRING = 1,
	AYAK_JSON_NUMBER,
	AYAK_JSON_OBJECT,
	AYAK_JSON_ARRAY,
	AYAK_JSON_TRUE,
	AYAK_JSON_FALSE,
	AYAK_JSON_NULL,
};

/* Parse flags. */
enum {
	/*
	 * Accept ill-formed UTF-8 and lone surrogate escapes inside strings;
	 * decoding then replaces them with U+FFFD.  For programs that repair
	 * text (ayak-norm); everything else wants strict records.
	 */
	AYAK_JSON_LAX_UTF8 = 1,
};

/* A top-level member.  Offsets are into the parsed line. */
struct ayak_field {
	size_t key;		/* first byte after the key's opening quote */
	size_t key_len;		/* bytes up to the closing quote */
	size_t val;		/* first byte of the value (a string's quote) */
	size_t val_len;		/* whole value, quotes included */
	unsigned char type;	/* enum ayak_json_type */
	unsigned char key_raw;	/* key whose bytes are its name (as val_raw) */
	unsigned char val_raw;	/* string value whose bytes are its value: no escapes,
				   no ill-formed UTF-8 (a lax parse lets that in) */
};

struct ayak_record {
	const char *line;
	size_t len;
	size_t close;		/* offset of the object's closing brace */
	struct ayak_field *fields;
	size_t nfields;
	size_t alloc;
	struct ayak_buf stack;	/* nesting stack, reused */
	struct ayak_buf scratch;/* decoded keys, reused */
};

void ayak_record_init(struct ayak_record *r);
void ayak_record_release(struct ayak_record *r);

/*
 * Validate line[0..len) as one JSON object (surrounding whitespace allowed)
 * and index its top-level members.  On error returns -1 with err->code
 * AYAK_E_DATA, err->col set and err->msg like
 * "unterminated string at column 57".  The line must stay alive while the
 * record is used.
 */
int ayak_record_parse(struct ayak_record *r, const char *line, size_t len,
		      unsigned flags, struct ayak_err *err);

/*
 * The member named key (the last one if the key repeats, as JavaScript and
 * Python read it), or NULL.
 */
const struct ayak_field *ayak_record_get(struct ayak_record *r, const char *key,
					 size_t key_len);

/*
 * Append the decoded value of the JSON string at s[0..len) (quotes
 * included, as in struct ayak_field) to out.  Ill-formed UTF-8 and lone
 * surrogates become U+FFFD and are counted in *nrepl (which may be NULL).
 */
int ayak_json_decode_string(const char *s, size_t len, struct ayak_buf *out,
			    size_t *nrepl, struct ayak_err *err);

/*
 * The value of string member f of r in *s and *n: its bytes in the line
 * when they are its value (f->val_raw: no copy), else decoded into buf
 * (reset first).  Returns 0, or -1 with err set when decoding fails.
 */
int ayak_record_string(const struct ayak_record *r, const struct ayak_field *f,
		       struct ayak_buf *buf, const char **s, size_t *n, struct ayak_err *err);

/*
 * Append s[0..n) to out as a JSON string, quotes included.  Control
 * characters are escaped; ill-formed UTF-8 becomes U+FFFD.
 */
int ayak_json_encode_string(struct ayak_buf *out, const char *s, size_t n);
/*
 * s (its first max bytes) as a JSON string, NUL-terminated in b (reset
 * first), to show in a message: its control characters escaped.  NULL when
 * memory runs out.
 */
const char *ayak_json_quote(struct ayak_buf *b, const char *s, size_t max);

/*
 * Validate any JSON text (a value with optional surrounding whitespace,
 * newlines included), as the JSON test suite wants.
 */
int ayak_json_validate(const char *text, size_t len, unsigned flags,
		       struct ayak_err *err);

/*
 * A change to a record: set key to value, where value is JSON text
 * (for example a string made with ayak_json_encode_string), or remove the
 * key when value is NULL.  A key already present keeps its place (when it
 * repeats, the last copy, the one that counts, is set and the earlier
 * ones are removed, so that a record never holds an old value beside the
 * new one; removal removes every copy); a new key is added at the end of
 * the object, in the order of the edits.
 */
struct ayak_edit {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* Append the record with the edits applied (no newline) to out. */
int ayak_record_emit(struct ayak_record *r, const struct ayak_edit *edits,
		     size_t nedits, struct ayak_buf *out);

/*
 * Where a value set for key goes, for writing a long record in parts
 * without copying it: the record with that one edit (as ayak_record_emit()
 * makes it) is line[0..*head), then what this appends to mid (a comma and
 * the key, when the record lacks the key; when the key repeats, the
 * members from its first copy to its last, without the earlier copies),
 * then the value, then line[*tail..len).
 */
int ayak_record_splice(struct ayak_record *r, const char *key, size_t key_len,
		       struct ayak_buf *mid, size_t *head, size_t *tail);

#endif
