/* Megatron and flat token shards; see pack.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "pack.h"
#include "stream.h"

static const char idx_magic[9] = { 'M', 'M', 'I', 'D', 'I', 'D', 'X', 0, 0 };

static void put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* ---- stream header ---- */

void pack_stream_header(unsigned char out[PACK_STREAM_HEADER], uint32_t vocab_size, uint32_t eot)
{
	memcpy(out, PACK_STREAM_MAGIC, 8);
	put_le(out + 8, PACK_STREAM_VERSION, 4);
	put_le(out + 12, vocab_size, 4);
	put_le(out + 16, eot, 4);
	put_le(out + 20, 0, 4);
}

void pack_stream_trailer(unsigned char out[PACK_STREAM_TRAILER], uint64_t documents)
{
	put_le(out, PACK_STREAM_END, 4);
	put_le(out + 4, documents, 8);
}

int pack_stream_is(const unsigned char *p, size_t n)
{
	return n >= 8 && !memcmp(p, PACK_STREAM_MAGIC, 8);
}

int pack_stream_parse(const unsigned char in[PACK_STREAM_HEADER], uint32_t *vocab_size,
		      uint32_t *eot, struct ayak_err *err)
{
	if (!pack_stream_is(in, PACK_STREAM_HEADER))
		return ayak_err_set(err, AYAK_E_DATA, "not an ayak-tok token stream");
	if (get_le(in + 8, 4) == 1)
		return ayak_err_set(err, AYAK_E_DATA, "token stream version 1 (no end mark) is not "
				    "supported: write it again with this ayak-tok");
	if (get_le(in + 8, 4) != PACK_STREAM_VERSION)
		return ayak_err_set(err, AYAK_E_DATA, "token stream version %u is not supported",
				    (unsigned)get_le(in + 8, 4));
	*vocab_size = (uint32_t)get_le(in + 12, 4);
	*eot = (uint32_t)get_le(in + 16, 4);
	/* ayak-tok writes its tokenizer's: an end-of-text token is one of its tokens. */
	if (*vocab_size && *eot != PACK_NONE && *eot >= *vocab_size)
		return ayak_err_set(err, AYAK_E_DATA, "corrupt token stream header: its end-of-text "
				    "token %u is not below its vocabulary size %u", *eot, *vocab_size);
	return 0;
}

/* ---- dtypes ---- */

const char *pack_dtype_name(int dtype)
{
	switch (dtype) {
	case PACK_UINT8: return "uint8";
	case PACK_INT8: return "int8";
	case PACK_INT16: return "int16";
	case PACK_INT32: return "int32";
	case PACK_INT64: return "int64";
	case PACK_FLOAT64: return "float64";
	case PACK_FLOAT32: return "float32";
	case PACK_UINT16: return "uint16";
	case PACK_UINT32: return "uint32";
	}
	return "unknown";
}

int pack_dtype_size(int dtype)
{
	switch (dtype) {
	case PACK_UINT8: case PACK_INT8: return 1;
	case PACK_INT16: case PACK_UINT16: return 2;
	case PACK_INT32: case PACK_FLOAT32: case PACK_UINT32: return 4;
	case PACK_INT64: case PACK_FLOAT64: return 8;
	}
	return 0;
}

uint64_t pack_dtype_max(int dtype)
{
	switch (dtype) {
	case PACK_UINT8: return UINT8_MAX;
	case PACK_INT8: return INT8_MAX;
	case PACK_INT16: return INT16_MAX;
	case PACK_UINT16: return UINT16_MAX;
	case PACK_INT32: return INT32_MAX;
	case PACK_UINT32: return UINT32_MAX;
	case PACK_INT64: return INT64_MAX;
	}
	return 0;
}

int pack_dtype_for_vocab(uint64_t vocab_size)
{
	return vocab_size < 65500 ? PACK_UINT16 : PACK_INT32;
}

/* ---- writer ---- */

struct pack_writer {
	struct pack_opts o;
	char *prefix;
	/*
	 * The shards are written under their names in a hidden directory
	 * beside them, made with the first, and moved into place only by
	 * pack_writer_commit(): until then the shards of an earlier run under
	 * the prefix stay as they were.
	 */
	char *stage;			/* "DIR/.ayak-pack.XXXXXX/BASE", NULL until made */
	size_t stage_dir;		/* the length of its directory part */
	char *stage_path;		/* that directory part alone */
	int stage_fd;			/* it, open, or -1 */
	int owner_fd;			/* its STAGE_OWNER, open and locked, or -1 */
	int committed;
	int isize;			/* bytes per token */
	unsigned shard;			/* number of the open shard */
	int open;
	struct ayak_writer *bin;
	struct ayak_buf binname, idxname;
	/* the open shard */
	int32_t *sizes;
	size_t nsizes, asizes;
	uint64_t shard_tokens;
	unsigned char *buf;		/* token bytes of one document */
	size_t abuf;
	XXH3_state_t *xs;		/* checksum of the open shard */
	uint64_t shard_docs;
	uint64_t shard_eots;		/* end-of-text tokens in the open shard */
	/* totals */
	struct pack_shard *shards;
	size_t nshards;
	uint64_t tokens, documents;
	uint64_t bytes;			/* of the shards closed: .bin and .idx */
};

static int mkdirs_for(const char *path, struct ayak_err *err)
{
	char *p = strdup(path);
	size_t failed = 0;
	int r;

	if (!p)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	r = ayak_mkdirs_for(p, NULL, &failed);
	if (r)
		ayak_err_sys(err, errno, "%.*s", (int)failed, p);
	free(p);
	return r;
}

/*
 * "/dev" or "/proc" when path is under it, else NULL: writer.c makes no
 * new file there (open_target()); /dev/shm is like any directory.
 */
static const char *no_files_under(const char *path)
{
	if (!strncmp(path, "/dev/", 5) && strncmp(path, "/dev/shm/", 9))
		return "/dev";
	if (!strncmp(path, "/proc/", 6))
		return "/proc";
	return NULL;
}

/* The directory part of a prefix ("/" for "/x", "." for "x"), malloc'd, or NULL. */
static char *prefix_dir(const char *prefix)
{
	const char *slash = strrchr(prefix, '/');

	return slash ? strndup(prefix, slash == prefix ? 1 : (size_t)(slash - prefix)) : strdup(".");
}

/*
 * The same for the directory of a prefix, as written or as it is on the
 * disk: the real path of the directory, or of its nearest ancestor when
 * it is still to be made (through links and "..": a prefix under a link
 * to /dev names /dev too).  NULL when it cannot be told.
 */
static const char *prefix_under(const char *prefix)
{
	const char *under = no_files_under(prefix);
	char *dir, *real = NULL, *cut;

	if (under)
		return under;
	dir = prefix_dir(prefix);
	while (dir && !(real = realpath(dir, NULL)) && (errno == ENOENT || errno == ENOTDIR) &&
	       strcmp(dir, ".") && strcmp(dir, "/")) {
		cut = strrchr(dir, '/');
		if (!cut)
			strcpy(dir, ".");
		else
			cut[cut == dir] = 0;
	}
	free(dir);
	if (real) {
		struct ayak_buf b = AYAK_BUF_INIT;

		under = ayak_buf_addf(&b, "%s/", real) ? NULL : no_files_under(b.data);
		ayak_buf_release(&b);
		free(real);
	}
	return under;
}

/*
 * What makes the options unusable, before anything is made: AYAK_E_USAGE
 * with err set, or 0.
 */
static int check_opts(const struct pack_opts *o, int isize, struct ayak_err *err)
{
	uint64_t dmax = pack_dtype_max(o->dtype);
	const char *under;

	if (!isize || (o->format == PACK_FLAT && o->dtype != PACK_UINT16 && o->dtype != PACK_UINT32) ||
	    (o->format == PACK_MEGATRON && o->dtype != PACK_UINT16 && o->dtype != PACK_INT32 &&
	     o->dtype != PACK_INT64 && o->dtype != PACK_UINT8))
		return ayak_err_set(err, AYAK_E_USAGE, "dtype %s does not go with this format",
				    pack_dtype_name(o->dtype));
	/* Written as it is, it would be cut to the dtype's bits: another token, or a negative one. */
	if (o->eot != PACK_NONE && o->eot > dmax)
		return ayak_err_set(err, AYAK_E_USAGE,
				    "end-of-text token %u is out of range for %s (largest %llu)", o->eot,
				    pack_dtype_name(o->dtype), (unsigned long long)dmax);
	if (o->vocab_size && o->vocab_size - 1 > dmax)
		return ayak_err_set(err, AYAK_E_USAGE, "a vocabulary of %llu tokens does not fit %s",
				    (unsigned long long)o->vocab_size, pack_dtype_name(o->dtype));
	if (o->max_id > dmax)
		return ayak_err_set(err, AYAK_E_USAGE, "token IDs up to %llu do not fit %s (largest %llu)",
				    (unsigned long long)o->max_id, pack_dtype_name(o->dtype),
				    (unsigned long long)dmax);
	under = prefix_under(o->prefix);
	if (under)
		return ayak_err_set(err, AYAK_E_USAGE, "%s: shards are files made in the prefix's "
				    "directory, and none are made under %s: give a prefix in a "
				    "directory this run can write", o->prefix, under);
	return 0;
}

/*
 * The directory of the prefix, made: can the run make its hidden
 * directory there?  (Root is refused only on a read-only file system.)
 */
static int check_dir(const char *prefix, struct ayak_err *err)
{
	char *dir = prefix_dir(prefix);
	struct stat st;
	int e;

	if (!dir)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	/* Not a directory (file/x): left to the making of the stage, which names the shard. */
	if (stat(dir, &st) || !S_ISDIR(st.st_mode) || !faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) ||
	    (e = errno) == ENOSYS || e == EINVAL) {
		free(dir);
		return 0;
	}
	if (strchr(prefix, '/'))
		ayak_err_sys(err, e, "%s: shards are files made in the prefix's directory, %s, which "
			     "this run cannot write", prefix, dir);
	else
		ayak_err_sys(err, e, "%s: shards are files made in the current directory, which this "
			     "run cannot write", prefix);
	free(dir);
	return -1;
}

struct pack_writer *pack_writer_new(const struct pack_opts *o, struct ayak_err *err)
{
	struct pack_writer *w = calloc(1, sizeof(*w));

	if (!w || !(w->prefix = strdup(o->prefix)) || !(w->xs = XXH3_createState())) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		goto fail;
	}
	w->o = *o;
	w->stage_fd = -1;
	w->owner_fd = -1;
	w->isize = pack_dtype_size(o->dtype);
	if (check_opts(o, w->isize, err) || mkdirs_for(o->prefix, err) || check_dir(o->prefix, err))
		goto fail;
	return w;
fail:
	if (w) {
		XXH3_freeState(w->xs);
		free(w->prefix);
		free(w);
	}
	return NULL;
}

/* PREFIX-00000.ext (PREFIX.ext without --shard-tokens) of the open shard, under prefix. */
static int shard_name(struct pack_writer *w, struct ayak_buf *b, const char *prefix,
		      const char *ext)
{
	ayak_buf_reset(b);
	if (w->o.shard_tokens ? ayak_buf_addf(b, "%s-%05u%s", prefix, w->shard, ext) :
				ayak_buf_addf(b, "%s%s", prefix, ext))
		return -1;
	return 0;
}

/*
 * A stage holds STAGE_OWNER, locked (flock) by its run from the start to
 * the end, and written, "host NAME\npid N\n", once the lock is held: a
 * stage whose owner file names this host and is not locked is one a
 * killed run left.  (The file, not the directory, is locked, as NFS locks
 * only files open for writing; a lock is not trusted across hosts, as a
 * parallel file system may keep them per node.)
 */
#define STAGE_PREFIX ".ayak-pack."
#define STAGE_OWNER ".owner"

static void claim_stage(struct pack_writer *w)
{
	char host[256], text[320];
	int n;

	w->stage_fd = open(w->stage_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->stage_fd < 0 || gethostname(host, sizeof(host)))
		return;
	host[sizeof(host) - 1] = 0;
	w->owner_fd = openat(w->stage_fd, STAGE_OWNER, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (w->owner_fd < 0)
		return;
	/* Where there are no locks the owner file stays empty, and the stage is never swept. */
	if (flock(w->owner_fd, LOCK_EX))
		return;
	n = snprintf(text, sizeof(text), "host %s\npid %ld\n", host, (long)getpid());
	if (write(w->owner_fd, text, (size_t)n) != n)	/* a full disk: better none than half */
		unlinkat(w->stage_fd, STAGE_OWNER, 0);
}

/* Make the hidden directory the shards are written in; ext names the first in errors. */
static int make_stage(struct pack_writer *w, const char *ext, struct ayak_err *err)
{
	const char *slash = strrchr(w->prefix, '/'), *base = slash ? slash + 1 : w->prefix;
	size_t dir = slash ? (size_t)(slash - w->prefix) + 1 : 0;
	struct ayak_buf b = AYAK_BUF_INIT;
	sigset_t all, old;
	char *made;
	int e;

	if (w->stage)
		return 0;
	pack_sweep_stages(w->prefix, w->o.swept, w->o.swept_arg);
	if (ayak_buf_addf(&b, "%.*s" STAGE_PREFIX "XXXXXX", (int)dir, w->prefix) ||
	    !(w->stage_path = strdup(b.data))) {
		ayak_buf_release(&b);
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	/* Made and tracked with no signal between: a signal removes it and what it holds. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	made = mkdtemp(w->stage_path);
	e = errno;
	if (made)
		ayak_tmp_dir(w->stage_path);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!made) {
		free(w->stage_path);
		w->stage_path = NULL;
		ayak_buf_reset(&b);
		if (!shard_name(w, &b, w->prefix, ext))
			ayak_err_sys(err, e, "%s", b.data);
		else
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
		ayak_buf_release(&b);
		return -1;
	}
	claim_stage(w);
	ayak_buf_reset(&b);
	if (ayak_buf_addf(&b, "%s/%s", w->stage_path, base)) {
		ayak_buf_release(&b);
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");	/* pack_writer_remove() removes it */
	}
	w->stage_dir = strlen(w->stage_path);
	w->stage = b.data;
	return 0;
}

/*
 * The owner file of the stage open as fd, open and locked, if a killed run
 * of this host left the stage: *pid its process ID, *size the file's size;
 * else -1.  The lock first: a live run writes the file only once it holds it.
 */
static int stale_owner(int fd, const char *host, long *pid, uint64_t *size)
{
	char text[320], name[256];
	/* nonblocking, and a regular file: a fifo of that name must not hang the run */
	int f = openat(fd, STAGE_OWNER, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n = f < 0 || fstat(f, &st) || !S_ISREG(st.st_mode) || flock(f, LOCK_EX | LOCK_NB) ?
		    -1 : read(f, text, sizeof(text) - 1);

	*pid = 0;
	if (n > 0) {
		text[n] = 0;
		if (sscanf(text, "host %255s pid %ld", name, pid) != 2 || strcmp(name, host))
			*pid = 0;
	}
	if (*pid <= 0) {
		if (f >= 0)
			close(f);
		return -1;
	}
	*size = (uint64_t)n;
	return f;
}

int pack_sweep_stages(const char *prefix, pack_swept_fn *swept, void *arg)
{
	const char *slash = strrchr(prefix, '/');
	char *dir = slash ? strndup(prefix, (size_t)(slash - prefix) + 1) : strdup(".");
	char host[256];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (!dir)
		return 0;
	d = opendir(dir);
	if (!d || gethostname(host, sizeof(host))) {
		if (d)
			closedir(d);
		free(dir);
		return 0;
	}
	host[sizeof(host) - 1] = 0;
	while ((e = readdir(d))) {
		uint64_t files = 0, bytes = 0, owner_bytes;
		long pid;
		int fd, owner;

		if (strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) ||
		    strlen(e->d_name) != strlen(STAGE_PREFIX) + 6)
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		owner = stale_owner(fd, host, &pid, &owner_bytes);
		if (owner >= 0) {
			ayak_dir_empty(fd, &files, &bytes);
			if (!unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR)) {
				n++;
				if (swept) {
					struct ayak_buf b = AYAK_BUF_INIT;

					if (!ayak_buf_addf(&b, "%s%s", slash ? dir : "", e->d_name))
						swept(b.data, pid, files - 1, bytes - owner_bytes, arg);
					ayak_buf_release(&b);
				}
			}
			close(owner);
		}
		close(fd);
	}
	closedir(d);
	free(dir);
	return n;
}

static int open_shard(struct pack_writer *w, struct ayak_err *err)
{
	struct ayak_writer_opts wo = { NULL, AYAK_COMPRESS_NONE, 0, 0, 1 };
	const char *ext = w->o.format == PACK_MEGATRON ? ".bin" :
			  w->o.dtype == PACK_UINT16 ? ".u16" : ".u32";

	if (w->o.shard_tokens && w->shard >= AYAK_SHARDS_MAX)
		return ayak_err_set(err, AYAK_E_SYS,
				    "more than %u shards (their numbers have five digits): "
				    "give a larger --shard-tokens", AYAK_SHARDS_MAX);
	if (make_stage(w, ext, err) || shard_name(w, &w->binname, w->stage, ext) ||
	    shard_name(w, &w->idxname, w->stage, ".idx"))
		return -1;
	wo.path = w->binname.data;
	w->bin = ayak_writer_new(&wo, err);
	if (!w->bin)
		return -1;
	w->open = 1;
	w->nsizes = 0;
	w->shard_tokens = 0;
	w->shard_docs = 0;
	w->shard_eots = 0;
	XXH3_64bits_reset(w->xs);
	return 0;
}

static int write_idx(struct pack_writer *w, struct ayak_err *err)
{
	struct ayak_writer_opts wo = { w->idxname.data, AYAK_COMPRESS_NONE, 0, 0, 1 };
	struct ayak_writer *iw = ayak_writer_new(&wo, err);
	unsigned char hdr[34], buf[8192];
	uint64_t ptr = 0;
	size_t i, k = 0;

	if (!iw)
		return -1;
	memcpy(hdr, idx_magic, 9);
	put_le(hdr + 9, 1, 8);
	hdr[17] = (unsigned char)w->o.dtype;
	put_le(hdr + 18, w->nsizes, 8);
	put_le(hdr + 26, w->nsizes + 1, 8);
	if (ayak_writer_write(iw, hdr, sizeof(hdr), err))
		goto fail;
#define FLUSH_IF(need)                                                                  \
	do {                                                                            \
		if (k + (need) > sizeof(buf)) {                                         \
			if (ayak_writer_write(iw, buf, k, err))                         \
				goto fail;                                              \
			k = 0;                                                          \
		}                                                                       \
	} while (0)
	for (i = 0; i < w->nsizes; i++) {
		FLUSH_IF(4);
		put_le(buf + k, (uint32_t)w->sizes[i], 4);
		k += 4;
	}
	for (i = 0; i < w->nsizes; i++) {
		FLUSH_IF(8);
		put_le(buf + k, ptr, 8);
		k += 8;
		ptr += (uint64_t)w->sizes[i] * (uint64_t)w->isize;
	}
	for (i = 0; i <= w->nsizes; i++) {
		FLUSH_IF(8);
		put_le(buf + k, i, 8);
		k += 8;
	}
#undef FLUSH_IF
	if (k && ayak_writer_write(iw, buf, k, err))
		goto fail;
	w->bytes += ayak_writer_bytes(iw);
	return ayak_writer_close(iw, err);
fail:
	ayak_writer_abort(iw);
	return -1;
}

static int close_shard(struct pack_writer *w, struct ayak_err *err)
{
	struct ayak_writer *bin = w->bin;
	struct pack_shard *sh;

	sh = realloc(w->shards, (w->nshards + 1) * sizeof(*sh));
	if (!sh)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	w->shards = sh;
	sh = &w->shards[w->nshards];
	sh->staged = strdup(w->o.format == PACK_MEGATRON ? w->idxname.data : w->binname.data);
	/* Its name in place: the staged one with the prefix for the stage. */
	sh->path = sh->staged ? malloc(strlen(w->prefix) + strlen(sh->staged)) : NULL;
	if (!sh->path) {
		free(sh->staged);
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	sprintf(sh->path, "%s%s", w->prefix, sh->staged + strlen(w->stage));
	sh->tokens = w->shard_tokens;
	sh->documents = w->shard_docs;
	sh->eot_tokens = w->shard_eots;
	sh->checksum = XXH3_64bits_digest(w->xs);
	w->bin = NULL;
	w->open = 0;
	/* The .bin first, the .idx last: a shard with an .idx is complete. */
	w->bytes += ayak_writer_bytes(bin);
	if (ayak_writer_close(bin, err)) {
		free(sh->path);
		free(sh->staged);
		return -1;
	}
	if (w->o.format == PACK_MEGATRON && write_idx(w, err)) {
		unlink(w->binname.data);
		free(sh->path);
		free(sh->staged);
		return -1;
	}
	w->nshards++;
	w->shard++;
	return 0;
}

int pack_writer_add(struct pack_writer *w, const uint32_t *ids, size_t n, struct ayak_err *err)
{
	size_t total = n + (w->o.eot != PACK_NONE && (w->o.format == PACK_FLAT || w->o.append_eot));
	size_t i;
	unsigned char *p;

	uint64_t eots = total > n;

	{
		uint32_t max = 0;

		/* A document may hold the end-of-text token (a special token in its text). */
		for (i = 0; i < n; i++) {
			max = ids[i] > max ? ids[i] : max;
			eots += ids[i] == w->o.eot;
		}
		if (n && max > w->o.max_id) {
			for (i = 0; ids[i] <= w->o.max_id; i++)
				;
			if (w->o.vocab_size)
				return ayak_err_set(err, AYAK_E_DATA,
						    "token ID %u is not below the vocabulary size %llu",
						    ids[i], (unsigned long long)w->o.vocab_size);
			return ayak_err_set(err, AYAK_E_DATA,
					    "token ID %u is out of range for %s (largest %llu)", ids[i],
					    pack_dtype_name(w->o.dtype),
					    (unsigned long long)w->o.max_id);
		}
	}
	if (total > INT32_MAX)
		return ayak_err_set(err, AYAK_E_DATA, "a document of %zu tokens is too long", total);
	if (w->open && w->o.shard_tokens && w->shard_tokens &&
	    w->shard_tokens + total > w->o.shard_tokens && close_shard(w, err))
		return -1;
	if (!w->open && open_shard(w, err))
		return -1;
	if (total * (size_t)w->isize > w->abuf) {
		size_t a = total * (size_t)w->isize + 4096;
		unsigned char *b = realloc(w->buf, a);

		if (!b)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		w->buf = b;
		w->abuf = a;
	}
	p = w->buf;
	if (w->isize == 2) {
		for (i = 0; i < n; i++) {
			p[2 * i] = (unsigned char)ids[i];
			p[2 * i + 1] = (unsigned char)(ids[i] >> 8);
		}
	} else if (w->isize == 4 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
		/* An empty document may come with no array and no buffer yet: no memcpy of NULL. */
		if (n)
			memcpy(p, ids, n * 4);
	} else if (w->isize == 4) {
		for (i = 0; i < n; i++) {
			p[4 * i] = (unsigned char)ids[i];
			p[4 * i + 1] = (unsigned char)(ids[i] >> 8);
			p[4 * i + 2] = (unsigned char)(ids[i] >> 16);
			p[4 * i + 3] = (unsigned char)(ids[i] >> 24);
		}
	} else {
		for (i = 0; i < n; i++)
			put_le(p + i * (size_t)w->isize, ids[i], w->isize);
	}
	if (total > n)
		put_le(p + n * (size_t)w->isize, w->o.eot, w->isize);
	if (n)
		XXH3_64bits_update(w->xs, ids, n * sizeof(*ids));
	if (total > n)
		XXH3_64bits_update(w->xs, &w->o.eot, sizeof(w->o.eot));
	if (total && ayak_writer_write(w->bin, w->buf, total * (size_t)w->isize, err))
		return -1;
	if (w->o.format == PACK_MEGATRON) {
		if (w->nsizes == w->asizes) {
			int32_t *v = ayak_grow(w->sizes, &w->asizes, w->nsizes + 1, sizeof(*v), 4096);

			if (!v)
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			w->sizes = v;
		}
		w->sizes[w->nsizes++] = (int32_t)total;
	}
	w->shard_tokens += total;
	w->shard_docs++;
	w->shard_eots += eots;
	w->tokens += total;
	w->documents++;
	return 0;
}

void pack_writer_free(struct pack_writer *w)
{
	size_t i;

	if (!w)
		return;
	if (w->bin)
		ayak_writer_abort(w->bin);
	pack_writer_remove(w);
	for (i = 0; i < w->nshards; i++) {
		free(w->shards[i].path);
		free(w->shards[i].staged);
	}
	free(w->shards);
	free(w->stage);
	free(w->stage_path);
	XXH3_freeState(w->xs);
	free(w->prefix);
	free(w->sizes);
	free(w->buf);
	ayak_buf_release(&w->binname);
	ayak_buf_release(&w->idxname);
	free(w);
}

/*
 * Remove what an earlier run left under the prefix that a glob of it
 * would take for this run's: the numbered shards, this format's from
 * w->shard up (from 0 without --shard-tokens), the other formats' from 0;
 * and PREFIX.idx, .bin, .u16 and .u32 but those this run wrote.
 */
static int remove_stale(struct pack_writer *w, struct ayak_err *err)
{
	static const char *const ext[] = { ".idx", ".bin", ".u16", ".u32" };
	const char *mine = w->o.format == PACK_MEGATRON ? ".bin" :
			   w->o.dtype == PACK_UINT16 ? ".u16" : ".u32";
	struct ayak_buf name = AYAK_BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]) && !ret; i++) {
		int ours = !strcmp(ext[i], mine) || (!strcmp(ext[i], ".idx") && !strcmp(mine, ".bin"));

		if (ayak_remove_numbered(w->prefix, ext[i], ours && w->o.shard_tokens ? w->shard : 0,
					 err))
			return -1;
		if (ours && !w->o.shard_tokens)
			continue;
		ayak_buf_reset(&name);
		if (ayak_buf_addf(&name, "%s%s", w->prefix, ext[i]))
			ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
		else if (unlink(name.data) && errno != ENOENT)
			ret = ayak_err_sys(err, errno, "%s", name.data);
	}
	ayak_buf_release(&name);
	return ret;
}

int pack_writer_finish(struct pack_writer *w, struct ayak_err *err)
{
	if (!w->open && !w->nshards && open_shard(w, err))
		return -1;
	if (w->open && close_shard(w, err)) {
		if (w->bin) {
			ayak_writer_abort(w->bin);
			w->bin = NULL;
		}
		return -1;
	}
	return 0;
}

/* The .bin beside a Megatron .idx: p with its last 4 bytes replaced by ext. */
static void set_ext(char *p, const char *ext)
{
	memcpy(p + strlen(p) - 4, ext, 4);
}

/* The hidden directory, once the shards are out of it (its owner file goes); then its lock. */
static void remove_stage(struct pack_writer *w)
{
	if (!w->stage_path)
		return;
	if (w->stage_fd >= 0)
		ayak_dir_empty(w->stage_fd, NULL, NULL);
	rmdir(w->stage_path);
	ayak_tmp_dir(NULL);
	if (w->owner_fd >= 0)
		close(w->owner_fd);
	if (w->stage_fd >= 0)
		close(w->stage_fd);
	w->owner_fd = -1;
	w->stage_fd = -1;
}

int pack_writer_commit(struct pack_writer *w, struct ayak_err *err)
{
	size_t i;

	for (i = 0; i < w->nshards; i++) {
		struct pack_shard *sh = &w->shards[i];
		int fail = 0;

		/*
		 * The .bin first, the .idx last: a shard with an .idx is complete.
		 * The earlier run's .idx goes before its .bin is replaced, so that a
		 * rename failing here leaves no new .bin beside an old .idx.
		 */
		if (w->o.format == PACK_MEGATRON) {
			set_ext(sh->path, ".idx");
			if (unlink(sh->path) && errno != ENOENT)
				return ayak_err_sys(err, errno, "%s", sh->path);
			set_ext(sh->staged, ".bin");
			set_ext(sh->path, ".bin");
			if (rename(sh->staged, sh->path))
				fail = ayak_err_sys(err, errno, "%s", sh->path);
			set_ext(sh->staged, ".idx");
			set_ext(sh->path, ".idx");
		}
		if (!fail && rename(sh->staged, sh->path))
			fail = ayak_err_sys(err, errno, "%s", sh->path);
		if (fail)
			return -1;
	}
	w->committed = 1;
	remove_stage(w);
	return remove_stale(w, err);
}

void pack_writer_final_names(const struct pack_writer *w, struct ayak_err *err)
{
	const char *last;
	char *at;
	size_t n, cut, from;

	if (!w || !w->stage_path)
		return;
	n = strlen(w->stage_path);
	at = strstr(err->msg, w->stage_path);
	if (!at || at[n] != '/')
		return;
	/* the hidden directory's own name out: the rest is the prefix's directory and the shard */
	last = strrchr(w->stage_path, '/');
	cut = last ? (size_t)(last - w->stage_path) : 0;
	from = last ? n : n + 1;
	memmove(at + cut, at + from, strlen(at + from) + 1);
}

int pack_writer_close(struct pack_writer *w, struct ayak_err *err)
{
	if (pack_writer_finish(w, err))
		return -1;
	return pack_writer_commit(w, err);
}

void pack_writer_abort(struct pack_writer *w)
{
	if (w && w->bin) {
		ayak_writer_abort(w->bin);
		w->bin = NULL;
		w->open = 0;
	}
}

void pack_writer_remove(struct pack_writer *w)
{
	size_t i;

	if (!w || w->committed)
		return;
	pack_writer_abort(w);
	for (i = w->nshards; i-- > 0;) {
		char *p = w->shards[i].staged;

		unlink(p);
		if (w->o.format == PACK_MEGATRON) {
			set_ext(p, ".bin");
			unlink(p);
			set_ext(p, ".idx");
		}
	}
	remove_stage(w);
}

size_t pack_writer_shards(const struct pack_writer *w)
{
	return w->nshards;
}

const struct pack_shard *pack_writer_shard(const struct pack_writer *w, size_t i)
{
	return i < w->nshards ? &w->shards[i] : NULL;
}

uint64_t pack_writer_tokens(const struct pack_writer *w)
{
	return w->tokens;
}

uint64_t pack_writer_bytes(const struct pack_writer *w)
{
	return w->bytes;
}

uint64_t pack_writer_documents(const struct pack_writer *w)
{
	return w->documents;
}

/* ---- reading back ---- */

static int read_file(const char *path, unsigned char **data, size_t *len, struct ayak_err *err)
{
	struct stat st;
	size_t got = 0;
	int fd = open(path, O_RDONLY);

	*data = NULL;
	if (fd < 0)
		return ayak_err_sys(err, errno, "%s", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return ayak_err_set(err, AYAK_E_SYS, "%s: not a regular file", path);
	}
	*data = malloc((size_t)st.st_size + 1);
	if (!*data) {
		close(fd);
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, *data + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			close(fd);
			free(*data);
			*data = NULL;
			return ayak_err_sys(err, e, "%s", path);
		}
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* Check tokens of bin[0..n) of width isize; update info. */
static int scan_tokens(const unsigned char *p, size_t count, int dtype, uint64_t vocab,
		       uint32_t eot, struct pack_info *info, XXH3_state_t *xs, const char *name,
		       struct ayak_err *err)
{
	int isize = pack_dtype_size(dtype);
	int is_signed = dtype == PACK_INT8 || dtype == PACK_INT16 || dtype == PACK_INT32 ||
			dtype == PACK_INT64;
	uint64_t sign = (uint64_t)1 << (8 * isize - 1);
	uint32_t chunk[1024];
	size_t i, k = 0;

	for (i = 0; i < count; i++) {
		uint64_t v = get_le(p + i * (size_t)isize, isize);

		/* Megatron reads int8 and int16 tokens as signed too. */
		if (is_signed && v >= sign)
			return ayak_err_set(err, AYAK_E_DATA, "%s: token %zu is negative", name, i);
		if (vocab && v >= vocab)
			return ayak_err_set(err, AYAK_E_DATA,
					    "%s: token %zu is %llu, not below the vocabulary size %llu",
					    name, i, (unsigned long long)v, (unsigned long long)vocab);
		if (v > info->max_token)
			info->max_token = v;
		if (eot != PACK_NONE && v == eot)
			info->eot_count++;
		chunk[k++] = (uint32_t)v;
		if (k == 1024) {
			XXH3_64bits_update(xs, chunk, sizeof(chunk));
			k = 0;
		}
	}
	if (k)
		XXH3_64bits_update(xs, chunk, k * sizeof(chunk[0]));
	return 0;
}

static int verify_megatron(const char *idxpath, const char *binpath, uint64_t vocab,
			   struct pack_info *info, struct ayak_err *err)
{
	unsigned char *idx = NULL, *bin = NULL;
	size_t ilen, blen, i;
	uint64_t S, D, ptr = 0;
	int isize, ret = -1;
	XXH3_state_t *xs = XXH3_createState();

	if (!xs)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	XXH3_64bits_reset(xs);
	if (read_file(idxpath, &idx, &ilen, err) || read_file(binpath, &bin, &blen, err))
		goto out;
	if (ilen < 34 || memcmp(idx, idx_magic, 9)) {
		ayak_err_set(err, AYAK_E_DATA, "%s: not a Megatron index (no MMIDIDX magic)", idxpath);
		goto out;
	}
	if (get_le(idx + 9, 8) != 1) {
		ayak_err_set(err, AYAK_E_DATA, "%s: index version %llu, not 1", idxpath,
			     (unsigned long long)get_le(idx + 9, 8));
		goto out;
	}
	info->format = PACK_MEGATRON;
	info->dtype = idx[17];
	isize = pack_dtype_size(info->dtype);
	if (!isize || info->dtype == PACK_UINT32 || info->dtype == PACK_FLOAT32 ||
	    info->dtype == PACK_FLOAT64) {
		ayak_err_set(err, AYAK_E_DATA, "%s: dtype code %u is not an integer type", idxpath, idx[17]);
		goto out;
	}
	S = get_le(idx + 18, 8);
	D = get_le(idx + 26, 8);
	info->sequences = S;
	info->documents = D ? D - 1 : 0;
	if (S > ilen || D > ilen || 34 + S * 12 + D * 8 != ilen) {
		ayak_err_set(err, AYAK_E_DATA,
			     "%s: %llu sequences and %llu document indices do not fill %zu bytes",
			     idxpath, (unsigned long long)S, (unsigned long long)D, ilen);
		goto out;
	}
	for (i = 0; i < S; i++) {
		uint64_t len = get_le(idx + 34 + 4 * i, 4);
		uint64_t p = get_le(idx + 34 + 4 * S + 8 * i, 8);

		if (len > INT32_MAX) {
			ayak_err_set(err, AYAK_E_DATA, "%s: sequence %zu has a negative length", idxpath, i);
			goto out;
		}
		if (p != ptr) {
			ayak_err_set(err, AYAK_E_DATA, "%s: sequence %zu starts at byte %llu, not %llu",
				     idxpath, i, (unsigned long long)p, (unsigned long long)ptr);
			goto out;
		}
		ptr += len * (uint64_t)isize;
		info->tokens += len;
	}
	if (ptr != blen) {
		ayak_err_set(err, AYAK_E_DATA, "%s: the index covers %llu bytes, the .bin has %zu",
			     idxpath, (unsigned long long)ptr, blen);
		goto out;
	}
	for (i = 0; i < D; i++) {
		uint64_t d = get_le(idx + 34 + 12 * S + 8 * i, 8);

		if ((i == 0 && d != 0) || (i > 0 && d < get_le(idx + 34 + 12 * S + 8 * (i - 1), 8)) ||
		    d > S || (i == D - 1 && d != S)) {
			ayak_err_set(err, AYAK_E_DATA, "%s: document index %zu is %llu", idxpath, i,
				     (unsigned long long)d);
			goto out;
		}
	}
	if (D == 0) {
		ayak_err_set(err, AYAK_E_DATA, "%s: no document indices (want at least [0])", idxpath);
		goto out;
	}
	info->bin_bytes = blen;
	if (scan_tokens(bin, blen / (size_t)isize, info->dtype, vocab, PACK_NONE, info, xs, binpath, err))
		goto out;
	info->checksum = XXH3_64bits_digest(xs);
	ret = 0;
out:
	free(idx);
	free(bin);
	XXH3_freeState(xs);
	return ret;
}

int pack_verify_dtype(const char *path, int flat_dtype)
{
	return flat_dtype ? flat_dtype : ends_with(path, ".u16") ? PACK_UINT16 :
	       ends_with(path, ".u32") ? PACK_UINT32 : 0;
}

int pack_verify(const char *path, int flat_dtype, uint64_t vocab_size, uint32_t eot,
		struct pack_info *info, struct ayak_err *err)
{
	struct ayak_buf a = AYAK_BUF_INIT, b = AYAK_BUF_INIT;
	struct stat st;
	int ret, dtype = pack_verify_dtype(path, flat_dtype);

	memset(info, 0, sizeof(*info));
	if (dtype) {
		unsigned char *data;
		size_t len;
		XXH3_state_t *xs;

		/* Not found, however the file ends: the token read would be cut to its bits. */
		if (eot != PACK_NONE && eot > pack_dtype_max(dtype))
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s: end-of-text token %u is out of range for %s (largest %llu)",
					    path, eot, pack_dtype_name(dtype),
					    (unsigned long long)pack_dtype_max(dtype));
		if (read_file(path, &data, &len, err))
			return -1;
		info->format = PACK_FLAT;
		info->dtype = dtype;
		if (len % (size_t)pack_dtype_size(dtype)) {
			free(data);
			return ayak_err_set(err, AYAK_E_DATA, "%s: %zu bytes is not a whole number of %s tokens",
					    path, len, pack_dtype_name(dtype));
		}
		xs = XXH3_createState();
		if (!xs) {
			free(data);
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		}
		XXH3_64bits_reset(xs);
		info->tokens = len / (size_t)pack_dtype_size(dtype);
		info->bin_bytes = len;
		ret = scan_tokens(data, info->tokens, dtype, vocab_size, eot, info, xs, path, err);
		if (!ret && eot != PACK_NONE && info->tokens &&
		    get_le(data + len - (size_t)pack_dtype_size(dtype), pack_dtype_size(dtype)) != eot)
			ret = ayak_err_set(err, AYAK_E_DATA, "%s: does not end with the end-of-text token %u",
					   path, eot);
		/* Documents end with the end-of-text token: without it, their number is not known. */
		info->documents = info->sequences = eot != PACK_NONE ? info->eot_count : PACK_UNKNOWN;
		info->checksum = XXH3_64bits_digest(xs);
		XXH3_freeState(xs);
		free(data);
		return ret;
	}
	if (ends_with(path, ".idx") || ends_with(path, ".bin")) {
		if (ayak_buf_add(&a, path, strlen(path) - 4))
			goto oom;
	} else if (ayak_buf_addstr(&a, path)) {
		goto oom;
	}
	if (ayak_buf_add(&b, a.data, a.len) || ayak_buf_add(&a, ".idx", 5) || ayak_buf_add(&b, ".bin", 5))
		goto oom;
	/* A file that is no prefix (a token stream, ms.idx.zst): not "ids.tok.idx: No such file". */
	if (!ends_with(path, ".idx") && !ends_with(path, ".bin") && access(a.data, F_OK) &&
	    errno == ENOENT && !stat(path, &st) && S_ISREG(st.st_mode)) {
		ayak_buf_release(&a);
		ayak_buf_release(&b);
		return ayak_err_set(err, AYAK_E_DATA, "%s: not a shard: name an .idx, .bin, .u16 or "
				    ".u32 file, or the prefix of an .idx and a .bin", path);
	}
	ret = verify_megatron(a.data, b.data, vocab_size, info, err);
	ayak_buf_release(&a);
	ayak_buf_release(&b);
	return ret;
oom:
	ayak_buf_release(&a);
	ayak_buf_release(&b);
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}
