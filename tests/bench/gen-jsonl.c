/*
 * gen-jsonl: a deterministic synthetic corpus of JSON lines for the
 * benchmarks, used when ../shared/bin/gen-corpus is not there.
 *
 *	gen-jsonl [--mb N] [--seed N] > corpus.jsonl
 *
 * Records look like crawled web pages after text extraction:
 * {"id","url","date","source","text","meta":{...}} with Malay-like text
 * of varied length, paragraphs as \n escapes, quoted speech (\"), some
 * \t, \/ and \uXXXX escapes (surrogate pairs included), and raw non-ASCII
 * (accented Latin, Jawi, Chinese, Tamil, emoji).  The same --mb and --seed
 * give the same bytes on every machine (own PRNG, no locale).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
rn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const words[] = {
	"yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "dalam",
	"akan", "pada", "juga", "ke", "dari", "telah", "kepada", "oleh", "ada",
	"boleh", "mereka", "kita", "kami", "saya", "sudah", "lebih", "masih",
	"negara", "kerajaan", "rakyat", "menteri", "polis", "sekolah", "pelajar",
	"ekonomi", "harga", "minyak", "sawit", "getah", "banjir", "hujan",
	"jalan", "kereta", "bandar", "kampung", "negeri", "daerah", "majlis",
	"mesyuarat", "cadangan", "laporan", "kajian", "projek", "pembangunan",
	"kesihatan", "hospital", "doktor", "vaksin", "pesakit", "keluarga",
	"anak", "ibu", "bapa", "kawan", "orang", "ramai", "sedikit", "besar",
	"kecil", "baharu", "lama", "tinggi", "rendah", "cepat", "lambat",
	"mengumumkan", "menyatakan", "berkata", "memberitahu", "menjelaskan",
	"melaksanakan", "menyediakan", "meningkatkan", "mengurangkan",
	"memastikan", "membantu", "mendapatkan", "menerima", "memberi",
	"pertandingan", "pasukan", "pemain", "jurulatih", "perlawanan", "gol",
	"ringgit", "peratus", "bilion", "juta", "tahun", "bulan", "minggu",
	"hari", "semalam", "esok", "kelmarin", "pagi", "petang", "malam",
	"Kuala", "Lumpur", "Selangor", "Johor", "Pulau", "Pinang", "Sabah",
	"Sarawak", "Kelantan", "Terengganu", "Pahang", "Perak", "Kedah",
	"Melaka", "Putrajaya", "Malaysia", "Bernama", "Dewan", "Rakyat",
	"tak", "nak", "dah", "ni", "tu", "je", "lah", "kan", "pun", "jugak",
	"sebenarnya", "walaupun", "bagaimanapun", "sementara", "selepas",
	"sebelum", "semasa", "kerana", "supaya", "jika", "apabila", "namun",
	"bahasa", "budaya", "sejarah", "agama", "masjid", "surau", "pasar",
	"makanan", "nasi", "lemak", "roti", "canai", "teh", "tarik", "kopi",
	"e-dagang", "dalam talian", "Internet", "telefon", "aplikasi", "data",
	"COVID-19", "PKP", "SOP", "KKM", "SPM", "UPSR", "IPTA", "KWSP",
};

/* Raw UTF-8 (accented Latin, punctuation, Jawi, Chinese, Tamil, emoji). */
static const char *const exotic[] = {
	"caf\xc3\xa9", "na\xc3\xafve", "\xe2\x80\x94", "\xe2\x80\x9cpetik\xe2\x80\x9d",
	"\xe2\x80\x98ya\xe2\x80\x99", "RM5\xc2\xa0juta", "25\xc2\xb0" "C", "\xe2\x80\xa6",
	"\xd8\xa8\xd9\x87\xd8\xa7\xd8\xb3 \xd9\x85\xd9\x84\xd8\xa7\xd9\x8a\xd9\x88",
	"\xe9\xa9\xac\xe6\x9d\xa5\xe8\xa5\xbf\xe4\xba\x9a",
	"\xe0\xae\xae\xe0\xae\xb2\xe0\xaf\x87\xe0\xae\x9a\xe0\xae\xbf\xe0\xae\xaf\xe0\xae\xbe",
	"\xf0\x9f\x98\x80", "\xf0\x9f\x87\xb2\xf0\x9f\x87\xbe", "\xe2\x82\xac" "10",
};

/* JSON escapes as they appear in the file. */
static const char *const escaped[] = {
	"\\u00e9", "\\u2014", "\\ud83d\\ude00", "\\t", "\\\\", "\\/",
	"\\u0628\\u0647\\u0627\\u0633", "\\u00a0",
};

static const char *const tags[] = {
	"berita", "sukan", "politik", "ekonomi", "hiburan", "forum", "blog",
	"pendidikan", "kesihatan", "teknologi",
};

static const char *const boiler[] = {
	"Hak Cipta Terpelihara", "Kongsi: Facebook Twitter WhatsApp",
	"Baca juga: artikel berkaitan", "Langgan surat berita kami",
	"Terma & Syarat | Dasar Privasi", "Klik di sini untuk maklumat lanjut",
};

static char *buf;
static size_t len, cap;

static void
put(const char *s, size_t n)
{
	char *p;

	if (len + n > cap) {
		cap = (len + n) * 2;
		if ((p = realloc(buf, cap)) == NULL) {
			perror("gen-jsonl");
			exit(3);
		}
		buf = p;
	}
	memcpy(buf + len, s, n);
	len += n;
}

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

static void
putf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void
putf(const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(tmp, (size_t)n);
}

static void
sentence(void)
{
	unsigned n = 5 + rn(18), i, quote = rn(12) == 0;
	const char *w;

	if (quote)
		puts_("\\\"");
	for (i = 0; i < n; i++) {
		if (i)
			puts_(i == n / 2 && rn(4) == 0 ? ", " : " ");
		if (rn(60) == 0)
			w = exotic[rn(NELEM(exotic))];
		else if (rn(150) == 0)
			w = escaped[rn(NELEM(escaped))];
		else if (rn(40) == 0) {
			putf("%u", rn(100000));
			continue;
		} else
			w = words[rn(NELEM(words))];
		if (i == 0 && w[0] >= 'a' && w[0] <= 'z') {
			char c = (char)(w[0] - 'a' + 'A');

			put(&c, 1);
			puts_(w + 1);
		} else
			puts_(w);
	}
	puts_(rn(8) == 0 ? "?" : ".");
	if (quote)
		puts_("\\\"");
}

static void
record(void)
{
	uint64_t id = rnd();
	unsigned paras, p, s, nsent;

	/* Mostly short pages, a long tail of long ones. */
	switch (rn(10)) {
	case 0: paras = 1; break;
	case 9: paras = 10 + rn(60); break;
	default: paras = 1 + rn(8); break;
	}
	putf("{\"id\":\"%016llx\",\"url\":\"https:\\/\\/www.contoh%u.my\\/berita\\/%llx.html\","
	     "\"date\":\"20%02u-%02u-%02uT%02u:%02u:00Z\",\"source\":\"cc-main-2024-%02u\",\"text\":\"",
	     (unsigned long long)id, rn(500), (unsigned long long)(id >> 20),
	     18 + rn(7), 1 + rn(12), 1 + rn(28), rn(24), rn(60), 10 + rn(40));
	if (rn(4) == 0) {
		puts_(boiler[rn(NELEM(boiler))]);
		puts_("\\n");
	}
	for (p = 0; p < paras; p++) {
		if (p)
			puts_(rn(3) ? "\\n" : "\\n\\n");
		nsent = 1 + rn(6);
		for (s = 0; s < nsent; s++) {
			if (s)
				puts_(" ");
			sentence();
		}
	}
	putf("\",\"meta\":{\"lang\":\"%s\",\"score\":%u.%03u,\"tags\":[\"%s\",\"%s\"],\"dup\":%s}}\n",
	     rn(10) < 7 ? "zsm_Latn" : (rn(2) ? "ind_Latn" : "eng_Latn"),
	     rn(2), rn(1000), tags[rn(NELEM(tags))], tags[rn(NELEM(tags))],
	     rn(10) ? "false" : "null");
}

int
main(int argc, char **argv)
{
	double mb = 10;
	uint64_t seed = 1, limit, total = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc)
			mb = atof(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: gen-jsonl [--mb N] [--seed N]\n");
			return 2;
		}
	}
	rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
	limit = (uint64_t)(mb * 1e6);
	while (total < limit) {
		record();
		if (len >= 1 << 20 || total + len >= limit) {
			if (fwrite(buf, 1, len, stdout) != len)
				return 3;
			total += len;
			len = 0;
		}
	}
	return fclose(stdout) == 0 ? 0 : 3;
}
