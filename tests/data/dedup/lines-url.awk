# tests/data/dedup/lines-url.awk: records for the tests of --mode lines with url
# (dedup-lines-url.t, dedup-shard.t): n records, each 0-2 boilerplate lines and
# then a sentence (7 in 10) or one more boilerplate line (which lines removal
# may then leave empty), a random "rank" field of 0-49 and one of "urls" URLs.
#   awk -v n=600 -v rank=q -v urls=40 -f lines-url.awk
BEGIN {
	srand(7)
	nb = split("Menu utama|Log masuk|Hak cipta terpelihara|Kongsi artikel ini|Baca juga|Iklan", b, "|")
	nw = split("rumah sekolah pasar jalan kereta laut sungai hutan bandar kampung buku berita", w, " ")
	for (i = 0; i < n; i++) {
		t = ""
		for (j = int(rand() * 3); j > 0; j--)
			t = t b[1 + int(rand() * nb)] "\\n"
		if (rand() < 0.7)
			t = t "teks " w[1 + int(rand() * nw)] " " w[1 + int(rand() * nw)] " tentang perkara yang sama"
		else
			t = t b[1 + int(rand() * nb)]
		printf "{\"id\":%d,\"%s\":%d,\"url\":\"https://u.my/%d\",\"text\":\"%s\"}\n", i, rank, int(rand() * 50), int(rand() * urls), t
	}
}
