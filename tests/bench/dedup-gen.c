/*
 * dedup-gen: many short records for ayak-dedup's memory figures
 * (tests/bench/dedup.sh): N records of 20 to 60 random words from a Malay
 * word list, a tenth of them exact copies of an earlier record and a tenth
 * near copies (one word changed).  Deterministic.
 *
 *	dedup-gen N > records.jsonl
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
	"saya", "kami", "kita", "mereka", "rumah", "sekolah", "pasar", "jalan", "kereta", "bas",
	"laut", "sungai", "gunung", "hutan", "bandar", "kampung", "negeri", "kerajaan", "rakyat",
	"menteri", "polis", "hospital", "doktor", "guru", "murid", "buku", "surat", "berita",
	"makan", "minum", "tidur", "pergi", "datang", "pulang", "bekerja", "belajar", "membaca",
	"menulis", "bercakap", "melihat", "membeli", "menjual", "membina", "hari", "minggu", "bulan",
	"tahun", "pagi", "petang", "malam", "esok", "besar", "kecil", "tinggi", "rendah", "panjang",
	"cantik", "bersih", "mahal", "murah", "cepat", "lambat", "baik", "nasi", "roti", "ikan",
	"ayam", "sayur", "buah", "kopi", "teh", "duit", "harga", "kedai", "pejabat", "kilang",
	"ladang", "sawah", "padi", "getah", "sawit", "hujan", "panas", "angin", "banjir", "musim",
	"cuti", "sukan", "bola", "pasukan", "juara", "dan", "atau", "tetapi", "kerana", "supaya",
	"jika", "dengan", "untuk", "kepada", "daripada", "dalam", "luar", "atas", "bawah", "sebelum",
	"selepas", "antara", "tentang", "seperti", "lebih", "kurang", "sangat", "juga", "sahaja",
	"sudah", "belum", "akan", "sedang", "masih", "tidak", "bukan", "ada", "banyak", "semua",
};

static uint64_t state = 42;

static uint64_t rnd(void)
{
	uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000, nw = sizeof(words) / sizeof(*words);
	/* Each record is a seed and a length: copies regenerate their original. */
	uint64_t *seed = malloc(n * sizeof(*seed));
	unsigned *len = malloc(n * sizeof(*len));
	size_t i, j;

	if (!seed || !len)
		return 3;
	for (i = 0; i < n; i++) {
		uint64_t r = rnd() % 10, change = 0, src = i;
		uint64_t save;

		if (i > 100 && r < 2) {
			src = rnd() % i;
			change = r == 1;
		}
		if (src == i) {
			seed[i] = rnd();
			len[i] = 20 + (unsigned)(rnd() % 41);
		} else {
			seed[i] = seed[src];
			len[i] = len[src];
		}
		printf("{\"id\":\"g%zu\",\"text\":\"", i);
		save = state;
		state = seed[i];
		for (j = 0; j < len[i]; j++) {
			const char *w = words[rnd() % nw];

			if (change && j == len[i] / 2)
				w = "lain";
			printf("%s%s", j ? " " : "", w);
		}
		state = save;
		printf("\"}\n");
	}
	free(seed);
	free(len);
	return 0;
}
