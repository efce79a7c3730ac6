/*
 * Stage files of ayak-dedup's sharded mode (format in dedup.h): written
 * under a temporary name, fsynced and renamed, so that a file under its
 * final name is always complete; read back with every field checked, so
 * that a truncated, foreign or corrupt file is an error, never data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "dedup.h"

static const char magic[8] = { 'A', 'Y', 'A', 'K', 'D', 'D', 'U', 'P' };
static const char endmark[8] = { 'A', 'Y', 'A', 'K', 'E', 'N', 'D', '\n' };

#define BLOCK_RECS 4096	/* writing */
#define READ_BYTES 32768	/* reading: one block per open stream */

static const char *const kind_names[DEDUP_K_MAX] = {
	"?", "params", "meta", "exact", "band", "url", "line", "bad", "shingle index",
	"shingles", "done", "pair", "drop", "frequent line", "decision", "URL group",
};

const char *dedup_kind_name(int kind)
{
	return kind > 0 && kind < DEDUP_K_MAX ? kind_names[kind] : "unknown";
}

static inline void put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void put_le32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- writer ---- */

struct dedup_fwriter {
	char *path, *tmp;
	int anon;		/* f has no name until closed (O_TMPFILE); tmp names it then */
	FILE *f;
	unsigned nw;
	uint64_t n;
	XXH3_state_t *xx;
	unsigned char *block;
	size_t fill;		/* bytes in block */
};

static void fwriter_free(struct dedup_fwriter *w)
{
	if (w->f)
		fclose(w->f);
	if (w->tmp)
		ayak_tmp_discard(w->tmp, w->anon);
	free(w->path);
	free(w->tmp);
	free(w->block);
	if (w->xx)
		XXH3_freeState(w->xx);
	free(w);
}

struct dedup_fwriter *dedup_fwriter_new(const char *path, const struct dedup_header *h,
					struct ayak_err *err)
{
	struct dedup_fwriter *w = calloc(1, sizeof(*w));
	unsigned char hdr[DEDUP_HEADER_SIZE];
	int fd;

	if (!h->nw || h->nw > DEDUP_MAX_WORDS) {
		ayak_err_set(err, AYAK_E_SYS, "%s: bad record size", path);
		free(w);
		return NULL;
	}
	if (!w || !(w->path = strdup(path)) || !(w->tmp = malloc(strlen(path) + 16)) ||
	    !(w->xx = XXH3_createState()) ||
	    !(w->block = malloc((size_t)BLOCK_RECS * h->nw * 8))) {
		if (w) {
			free(w->tmp);
			w->tmp = NULL;
			fwriter_free(w);
		}
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	sprintf(w->tmp, "%s.tmp.XXXXXX", path);
	fd = ayak_tmp_open(w->tmp, 0, &w->anon);
	if (fd < 0) {
		ayak_err_sys(err, errno, "%s", path);
		free(w->tmp);
		w->tmp = NULL;
		fwriter_free(w);
		return NULL;
	}
	{
		/* mkstemp makes 0600; stage files are read by other tasks. */
		mode_t mask = umask(0);

		umask(mask);
		if (fchmod(fd, 0666 & ~mask)) {
			ayak_err_sys(err, errno, "%s", path);
			close(fd);
			fwriter_free(w);
			return NULL;
		}
	}
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		ayak_err_sys(err, errno, "%s", path);
		close(fd);
		fwriter_free(w);
		return NULL;
	}
	w->nw = (unsigned)h->nw;
	XXH3_64bits_reset(w->xx);
	memcpy(hdr, magic, 8);
	put_le32(hdr + 8, DEDUP_FILE_VERSION);
	put_le32(hdr + 12, h->kind);
	put_le64(hdr + 16, h->fp);
	put_le64(hdr + 24, h->nw);
	put_le64(hdr + 32, h->id);
	put_le64(hdr + 40, h->aux);
	if (fwrite(hdr, sizeof(hdr), 1, w->f) != 1) {
		ayak_err_sys(err, errno, "%s", path);
		fwriter_free(w);
		return NULL;
	}
	return w;
}

static int flush_block(struct dedup_fwriter *w, struct ayak_err *err)
{
	if (!w->fill)
		return 0;
	XXH3_64bits_update(w->xx, w->block, w->fill);
	if (fwrite(w->block, w->fill, 1, w->f) != 1)
		return ayak_err_sys(err, errno, "%s", w->path);
	w->fill = 0;
	return 0;
}

int dedup_fwriter_add(struct dedup_fwriter *w, const uint64_t *rec, struct ayak_err *err)
{
	unsigned i;

	if (w->fill == (size_t)BLOCK_RECS * w->nw * 8 && flush_block(w, err))
		return -1;
	for (i = 0; i < w->nw; i++)
		put_le64(w->block + w->fill + 8 * i, rec[i]);
	w->fill += (size_t)w->nw * 8;
	w->n++;
	return 0;
}

int dedup_fwriter_close(struct dedup_fwriter *w, struct ayak_err *err)
{
	unsigned char tr[DEDUP_TRAILER_SIZE];
	FILE *f;
	int keep = -1, e;

	if (flush_block(w, err))
		goto fail;
	put_le64(tr, w->n);
	put_le64(tr + 8, XXH3_64bits_digest(w->xx));
	memcpy(tr + 16, endmark, 8);
	if (fwrite(tr, sizeof(tr), 1, w->f) != 1 || fflush(w->f) || fsync(fileno(w->f))) {
		ayak_err_sys(err, errno, "%s", w->path);
		goto fail;
	}
	/* closed first, as any file; a copy of a nameless one stays to link */
	keep = w->anon ? dup(fileno(w->f)) : -1;
	e = errno;
	f = w->f;
	w->f = NULL;
	if (fclose(f) || (w->anon && keep < 0)) {
		ayak_err_sys(err, keep < 0 && w->anon ? e : errno, "%s", w->path);
		goto fail;
	}
	if (ayak_tmp_commit(keep, w->anon, w->tmp, w->path)) {
		ayak_err_sys(err, errno, "%s", w->path);
		goto fail;
	}
	if (keep >= 0)
		close(keep);
	keep = -1;
	free(w->tmp);
	w->tmp = NULL;
	fwriter_free(w);
	return 0;
fail:
	if (keep >= 0)
		close(keep);
	fwriter_free(w);
	return -1;
}

void dedup_fwriter_abort(struct dedup_fwriter *w)
{
	if (w)
		fwriter_free(w);
}

/* ---- reader ---- */

struct file_stream {
	struct dedup_stream s;
	FILE *f;
	char *name;
	uint32_t kind;
	uint64_t left, sum;
	XXH3_state_t *xx;
	uint64_t *recs;		/* read as bytes, converted in place */
	size_t block;		/* records a read */
	size_t have, pos;
};

static int file_next(struct dedup_stream *st, const uint64_t **rec, struct ayak_err *err)
{
	struct file_stream *fs = (struct file_stream *)st;
	size_t i, rb = (size_t)st->nw * 8;

	if (fs->pos == fs->have) {
		size_t want = fs->left < fs->block ? (size_t)fs->left : fs->block;

		if (!want) {
			if (fs->xx) {
				uint64_t got = XXH3_64bits_digest(fs->xx);

				XXH3_freeState(fs->xx);
				fs->xx = NULL;
				if (got != fs->sum)
					return ayak_err_set(err, AYAK_E_DATA,
							    "%s: corrupt stage file: checksum mismatch",
							    fs->name);
			}
			return 0;
		}
		if (fread(fs->recs, rb, want, fs->f) != want) {
			if (ferror(fs->f))
				return ayak_err_sys(err, errno, "%s", fs->name);
			return ayak_err_set(err, AYAK_E_DATA, "%s: truncated stage file", fs->name);
		}
		XXH3_64bits_update(fs->xx, fs->recs, want * rb);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		for (i = 0; i < want * st->nw; i++)
			fs->recs[i] = get_le64((const unsigned char *)&fs->recs[i]);
#else
		(void)i;
#endif
		fs->left -= want;
		fs->have = want;
		fs->pos = 0;
	}
	*rec = fs->recs + fs->pos++ * st->nw;
	/*
	 * The checksum is only known at the end; a damaged word that would
	 * mislead the reader before then is caught here, naming the file.
	 */
	if ((fs->kind == DEDUP_K_PAIR && st->nw == 4 &&
	     (*rec)[3] != DEDUP_LINK_EXACT && (*rec)[3] != DEDUP_LINK_NEAR) ||
	    (fs->kind == DEDUP_K_DEC && st->nw == 4 && (*rec)[3] > DEDUP_DROP_URL))
		return ayak_err_set(err, AYAK_E_DATA, "%s: corrupt stage file: bad %s record",
				    fs->name, dedup_kind_name((int)fs->kind));
	return 1;
}

static void file_free(struct dedup_stream *st)
{
	struct file_stream *fs = (struct file_stream *)st;

	if (fs->f)
		fclose(fs->f);
	if (fs->xx)
		XXH3_freeState(fs->xx);
	free(fs->name);
	free(fs->recs);
	free(fs);
}

struct dedup_stream *dedup_fopen_stream(FILE *f, const char *name, uint64_t size,
					int want_kind, uint64_t fp, struct dedup_header *h,
					uint64_t *nrec, struct ayak_err *err)
{
	unsigned char hdr[DEDUP_HEADER_SIZE], tr[DEDUP_TRAILER_SIZE];
	struct file_stream *fs;
	uint32_t version;
	uint64_t n, body;

	if (size < DEDUP_HEADER_SIZE + DEDUP_TRAILER_SIZE || fread(hdr, sizeof(hdr), 1, f) != 1 ||
	    memcmp(hdr, magic, 8)) {
		if (ferror(f))
			ayak_err_sys(err, errno, "%s", name);
		else
			ayak_err_set(err, AYAK_E_DATA, "%s: not an ayak-dedup stage file", name);
		goto fail;
	}
	version = get_le32(hdr + 8);
	h->kind = get_le32(hdr + 12);
	h->fp = get_le64(hdr + 16);
	h->nw = get_le64(hdr + 24);
	h->id = get_le64(hdr + 32);
	h->aux = get_le64(hdr + 40);
	if (version != DEDUP_FILE_VERSION) {
		ayak_err_set(err, AYAK_E_DATA, "%s: stage file version %u, this program reads %u",
			     name, version, DEDUP_FILE_VERSION);
		goto fail;
	}
	if (h->kind == 0 || h->kind >= DEDUP_K_MAX || (want_kind && h->kind != (uint32_t)want_kind)) {
		ayak_err_set(err, AYAK_E_DATA, "%s: a %s file, not %s", name,
			     dedup_kind_name((int)h->kind), dedup_kind_name(want_kind));
		goto fail;
	}
	if (h->nw == 0 || h->nw > DEDUP_MAX_WORDS) {
		ayak_err_set(err, AYAK_E_DATA, "%s: corrupt stage file: %llu words per record",
			     name, (unsigned long long)h->nw);
		goto fail;
	}
	if (fp && h->fp != fp) {
		/* The user's options differ from those of an earlier stage: a usage error. */
		ayak_err_set(err, AYAK_E_USAGE,
			     "%s: made with other parameters (every stage must use the same options)",
			     name);
		goto fail;
	}
	if (fseeko(f, (off_t)(size - DEDUP_TRAILER_SIZE), SEEK_SET) ||
	    fread(tr, sizeof(tr), 1, f) != 1) {
		if (ferror(f))
			ayak_err_sys(err, errno, "%s", name);
		else
			ayak_err_set(err, AYAK_E_DATA, "%s: truncated stage file", name);
		goto fail;
	}
	n = get_le64(tr);
	body = size - DEDUP_HEADER_SIZE - DEDUP_TRAILER_SIZE;
	if (memcmp(tr + 16, endmark, 8) || body % (h->nw * 8) || n != body / (h->nw * 8)) {
		ayak_err_set(err, AYAK_E_DATA, "%s: truncated or corrupt stage file", name);
		goto fail;
	}
	if (fseeko(f, DEDUP_HEADER_SIZE, SEEK_SET)) {
		ayak_err_sys(err, errno, "%s", name);
		goto fail;
	}
	fs = calloc(1, sizeof(*fs));
	if (fs) {
		fs->block = READ_BYTES / (h->nw * 8);
		fs->name = strdup(name);
		fs->xx = XXH3_createState();
		fs->recs = malloc(fs->block * h->nw * 8);
	}
	if (!fs || !fs->name || !fs->xx || !fs->recs) {
		if (fs) {
			fs->f = NULL;
			file_free(&fs->s);
		}
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		goto fail;
	}
	XXH3_64bits_reset(fs->xx);
	fs->s.nw = (unsigned)h->nw;
	fs->s.next = file_next;
	fs->s.free = file_free;
	fs->f = f;
	fs->kind = h->kind;
	fs->left = n;
	fs->sum = get_le64(tr + 8);
	*nrec = n;
	return &fs->s;
fail:
	fclose(f);
	return NULL;
}

struct dedup_stream *dedup_fopen(const char *path, int want_kind, uint64_t fp,
				 struct dedup_header *h, uint64_t *nrec, struct ayak_err *err)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f) {
		ayak_err_sys(err, errno, "%s", path);
		return NULL;
	}
	if (fstat(fileno(f), &st)) {
		ayak_err_sys(err, errno, "%s", path);
		fclose(f);
		return NULL;
	}
	/* Unbuffered: records are read in blocks into the stream's own buffer. */
	setvbuf(f, NULL, _IONBF, 0);
	return dedup_fopen_stream(f, path, (uint64_t)st.st_size, want_kind, fp, h, nrec, err);
}

int dedup_fcheck(const char *path, int want_kind, uint64_t fp, struct dedup_header *h,
		 uint64_t *nrec, struct ayak_err *err)
{
	struct dedup_stream *s = dedup_fopen(path, want_kind, fp, h, nrec, err);
	const uint64_t *rec;
	int r;

	if (!s)
		return -1;
	while ((r = dedup_stream_next(s, &rec, err)) > 0)
		;
	dedup_stream_free(s);
	return r;
}

int dedup_fload(const char *path, int want_kind, uint64_t fp, struct dedup_header *h,
		uint64_t **recs, uint64_t *nrec, struct ayak_err *err)
{
	struct dedup_stream *s = dedup_fopen(path, want_kind, fp, h, nrec, err);
	const uint64_t *rec;
	uint64_t *a, i = 0;
	int r;

	if (!s)
		return -1;
	a = malloc((*nrec ? *nrec : 1) * h->nw * sizeof(uint64_t));
	if (!a) {
		dedup_stream_free(s);
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	while ((r = dedup_stream_next(s, &rec, err)) > 0) {
		memcpy(a + i * h->nw, rec, h->nw * sizeof(uint64_t));
		i++;
	}
	dedup_stream_free(s);
	if (r < 0) {
		free(a);
		return -1;
	}
	*recs = a;
	return 0;
}
