#!/usr/bin/env bash
test_description='ayak-filter --redact-pii: true positives and near-misses, with exact outputs'
. "$(dirname "$0")/../lib.sh"

# redact [OPTIONS]: the lines of file "in" as records, through
# ayak-filter --redact-pii with every rule off, texts out in "out".
redact () {
	jq -R -c "{text: .}" in >in.jsonl &&
	ayak-filter --profile none --redact-pii "$@" --stats stats.json in.jsonl >out.jsonl &&
	jq -r .text out.jsonl >out
}

# counts_are JSON: the --stats counts of the last redact that are not 0
counts_are () {
	jq -c ".counts | with_entries(select(.value > 0))" stats.json >got &&
	echo "$1" >expect &&
	test_cmp expect got
}

test_expect_success 'e-mail addresses' '
	cat >in <<-\EOF &&
	Hubungi ali.baba@gmail.com atau ALI_99+berita@mel.contoh.com.my.
	(siti@contoh.my), <nur-aina@ukm.edu.my>; mailto:abu@contoh.org
	EOF
	cat >expect <<-\EOF &&
	Hubungi <EMAIL> atau <EMAIL>.
	(<EMAIL>), <<EMAIL>>; mailto:<EMAIL>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_email\":5}"
'

test_expect_success 'near-miss e-mails survive' '
	cat >in <<-\EOF &&
	siti@localhost, @siti, siti@, a@b.c, nama@contoh.c0m, @ 10:30, user@192.168.1.1
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out
'

test_expect_success 'Malaysian mobile numbers, local and +60' '
	cat >in <<-\EOF &&
	012-345 6789, 0123456789, 012 345 6789, 012.345.6789, 011-1234 5678
	+6012-345 6789, +60 12-345 6789, (+60) 12 345 6789, +60123456789, 60123456789
	015-4600 1234, 0060 12 345 6789, +60 012-345 6789.
	EOF
	cat >expect <<-\EOF &&
	<PHONE>, <PHONE>, <PHONE>, <PHONE>, <PHONE>
	<PHONE>, <PHONE>, <PHONE>, <PHONE>, <PHONE>
	<PHONE>, <PHONE>, <PHONE>.
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_phone\":13}"
'

test_expect_success 'Malaysian landlines and 1-300 / 1-800 numbers' '
	cat >in <<-\EOF &&
	Tel: 03-2161 2345, (03) 2161 2345, 03-21612345, +603-2161 2345, +60 (3) 2161 2345
	04-123 4567, 07-222 3333, 09-7654321, 082-123456, 088 123 456
	1-300-88-1234, 1300 88 1234, 1800-22-8888
	EOF
	cat >expect <<-\EOF &&
	Tel: <PHONE>, <PHONE>, <PHONE>, <PHONE>, <PHONE>
	<PHONE>, <PHONE>, <PHONE>, <PHONE>, <PHONE>
	<PHONE>, <PHONE>, <PHONE>
	EOF
	redact &&
	test_cmp expect out
'

test_expect_success 'the country code in brackets with the area or mobile code: (+603), (+6012)' '
	cat >in <<-\EOF &&
	Tel: (+603) 2161 2345, (+603)2161 2345, (+6012) 345 6789, (+6088) 123 456
	(+601) 2345678, (+6012) 34, (+603 2161
	EOF
	cat >expect <<-\EOF &&
	Tel: <PHONE>, <PHONE>, <PHONE>, <PHONE>
	(+601) 2345678, (+6012) 34, (+603 2161
	EOF
	redact &&
	test_cmp expect out
'

test_expect_success 'near-miss phone numbers: dates, prices, order and reference numbers' '
	cat >in <<-\EOF &&
	Tarikh: 03-12-2023, 2023-01-15, 15/01/2023, 12.05.2023, 20230115, 09:30, 1 Jan 2024
	Harga: RM 012345678, RM1,234.56, RM 12,345.00, RM0123456789, USD 0123456789, harga RM3.50
	No. pesanan #0123456789, ORD-0123456789, INV/2023/0123456789, id_0123456789, x0123456789
	0123 (pendek), 01234567890123 (panjang), 012-345-6789-12, 0123456789@mel, 012-34 5678 9
	1300 (tahun), 080-123456 (tiada kod 080), 0-12345-6789
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out &&
	counts_are "{}"
'

test_expect_success 'numbers after = | & + * ~ % and in a URL query go; after _ (an identifier) they stay' '
	cat >in <<-\EOF &&
	tel=0123456789 ic=900101-14-5678 kad=4111111111111111 ip=8.8.8.8 v6=2606:4700:4700::1111
	https://contoh.my/daftar?tel=0123456789&ic=900101-14-5678&ip=8.8.8.8&email=ali@contoh.my
	Tel|012-3456789|8.8.8.8 ok; ip+8.8.8.8 ip*8.8.8.8 ip~8.8.8.8 ip%8.8.8.8 ip&8.8.8.8 *0123456789
	phone=+60123456789 tel=(03) 2161 2345 no=012-3456789/019-8765432
	EOF
	cat >expect <<-\EOF &&
	tel=<PHONE> ic=<MYKAD> kad=<CARD> ip=<IP> v6=<IP>
	https://contoh.my/daftar?tel=<PHONE>&ic=<MYKAD>&ip=<IP>&email=<EMAIL>
	Tel|<PHONE>|<IP> ok; ip+<IP> ip*<IP> ip~<IP> ip%<IP> ip&<IP> *<PHONE>
	phone=<PHONE> tel=<PHONE> no=<PHONE>/<PHONE>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_email\":1,\"pii_phone\":8,\"pii_mykad\":2,\"pii_ip\":9,\"pii_card\":1}" &&
	cat >in <<-\EOF &&
	IMG_0123456789.jpg _8.8.8.8 id_900101-14-5678 no_4111111111111111 x_2606:4700:4700::1111 a_+60123456789
	#0123456789 /8.8.8.8 \0123456789 @0123456789 $4111111111111111 RM0123456789 ORD-0123456789
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out &&
	counts_are "{}"
'

test_expect_success 'MyKad numbers: date and place-of-birth code valid' '
	cat >in <<-\EOF &&
	IC: 900101-14-5678, 000229-10-1234 (2000 tahun lompat), 951231-01-5673, 851115-59-0002
	010101-71-1234, 771111-98-9998, 660606-82-1111
	No. K/P: 880808085555; MyKad 990909-13-4321; kad pengenalan 700707075555
	EOF
	cat >expect <<-\EOF &&
	IC: <MYKAD>, <MYKAD> (2000 tahun lompat), <MYKAD>, <MYKAD>
	<MYKAD>, <MYKAD>, <MYKAD>
	No. K/P: <MYKAD>; MyKad <MYKAD>; kad pengenalan <MYKAD>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_mykad\":10}"
'

test_expect_success 'invalid MyKad-like numbers survive' '
	cat >in <<-\EOF &&
	bulan 13: 901301-14-5678, hari 32: 900132-14-5678, 31 April: 900431-14-5678
	29 Feb 2001: 010229-10-1234, hari 00: 900100-14-5678
	kod tempat: 900101-00-5678, 900101-17-5678, 900101-20-5678, 900101-69-5678, 900101-70-5678
	900101-73-5678, 900101-80-5678, 900101-81-5678, 900101-94-5678, 900101-97-5678
	tanpa kata kunci: 900101145678; panjang: 19900101-14-5678, 900101-14-56789
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out
'

test_expect_success 'MyKad numbers in a row after a keyword and a label word: IC No:, NRIC No.:, MyKad Number' '
	cat >in <<-\EOF &&
	IC No: 900101145678, NRIC No.: 900101145678, MyKad No: 900101145678
	IC Number 900101145678; No. KP Nombor: 900101145678; K/P Bil. 900101145678; kad pengenalan no 900101145678
	EOF
	cat >expect <<-\EOF &&
	IC No: <MYKAD>, NRIC No.: <MYKAD>, MyKad No: <MYKAD>
	IC Number <MYKAD>; No. KP Nombor: <MYKAD>; K/P Bil. <MYKAD>; kad pengenalan no <MYKAD>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_mykad\":7}"
'

test_expect_success 'a label word alone, or not after a keyword, is no keyword' '
	cat >in <<-\EOF &&
	No: 900101145678, Telefon No: 900101145678, nombor 900101145678, ICNo: 900101145678
	IC bil 900101145678, IC No No 900101145678, IC Nombor Bil. 900101145678, IC No900101145678
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out
'

test_expect_success 'numbers in a list joined by / or , without spaces: each one goes' '
	cat >in <<-\EOF &&
	Tel 012-3456789/019-8765432 atau 012-3456789,019-8765432. DNS 8.8.8.8,1.1.1.1
	900101-14-5678/900202-14-5678 dan 4111111111111111/5500000000000004
	IC: 900101145678/900202145678, 03-2161 2345/012-345 6789/8.8.4.4, +6012-3456789/019-8765432
	(03) 2161 2345,(03) 2161 2346 dan 012-3456789/+6019-8765432
	EOF
	cat >expect <<-\EOF &&
	Tel <PHONE>/<PHONE> atau <PHONE>,<PHONE>. DNS <IP>,<IP>
	<MYKAD>/<MYKAD> dan <CARD>/<CARD>
	IC: <MYKAD>/<MYKAD>, <PHONE>/<PHONE>/<IP>, <PHONE>/<PHONE>
	<PHONE>,<PHONE> dan <PHONE>/<PHONE>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_phone\":12,\"pii_mykad\":4,\"pii_ip\":3,\"pii_card\":2}"
'

test_expect_success 'a list with one number that is none stays whole; so do fractions, dates and references' '
	cat >in <<-\EOF &&
	012-3456789/2024, 012-3456789/019-8765432/2, 0123456789,5, 8.8.8.8/24, 8.8.8.8,1.1.1
	1,234,567, 1,0123456789, 15/01/2023, INV/2023/0123456789, 2023/0123456789/0198765432
	900101-14-5678/900101-00-5678, 4111111111111111/4111111111111112, 900101145678/900202145678
	versi 8.8.8.8,1.1.1.1
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out
'

test_expect_success 'a long list goes in one pass, and one that fails at its end stays whole' '
	for i in $(seq 2000); do printf "012-3456789/"; done >in &&
	cp in bad && printf "2\n" >>bad &&
	printf "019-8765432\n" >>in &&
	redact &&
	counts_are "{\"pii_phone\":2001}" &&
	mv bad in &&
	cp in expect &&
	redact &&
	test_cmp expect out
'

test_expect_success 'IPv4 and IPv6 addresses: global ones only, as Python is_global' '
	cat >in <<-\EOF &&
	Pelayan 8.8.8.8 dan 203.106.1.1:8080, DNS 1.1.1.1.
	IPv6 2001:4860:4860::8888, [2404:6800:4001:80e::200e]:443, 2a00:1450:4001:81b::200e.
	Bukan: 192.168.1.1, 10.0.0.1, 127.0.0.1, 172.16.5.4, 100.64.1.1, 169.254.0.1, 0.0.0.0, 255.255.255.255
	Bukan: 192.0.2.1, 198.51.100.7, 203.0.113.9, 240.0.0.1, ::1, fe80::1, fd12:3456::1, 2001:db8::1
	Bukan: 999.1.1.1, 1.2.3, 01.2.3.4, versi 1.2.3.4.5, masa 10:30:45, MAC 00:1a:2b:3c:4d:5e
	EOF
	cat >expect <<-\EOF &&
	Pelayan <IP> dan <IP>:8080, DNS <IP>.
	IPv6 <IP>, [<IP>]:443, <IP>.
	Bukan: 192.168.1.1, 10.0.0.1, 127.0.0.1, 172.16.5.4, 100.64.1.1, 169.254.0.1, 0.0.0.0, 255.255.255.255
	Bukan: 192.0.2.1, 198.51.100.7, 203.0.113.9, 240.0.0.1, ::1, fe80::1, fd12:3456::1, 2001:db8::1
	Bukan: 999.1.1.1, 1.2.3, 01.2.3.4, versi 1.2.3.4.5, masa 10:30:45, MAC 00:1a:2b:3c:4d:5e
	EOF
	redact &&
	test_cmp expect out
'

test_expect_success 'an IPv4-mapped IPv6 address is one <IP>, global as Python 3.11 has it' '
	cat >in <<-\EOF &&
	ip ::ffff:8.8.8.8 ok, ::FFFF:1.1.1.1, ::ffff:100.64.0.1, 0:0:0:0:0:ffff:808:808, [::ffff:8.8.4.4]:53
	::ffff:8.8.8.8:53 dan ::8.8.8.8
	Bukan: ::ffff:10.0.0.1, ::ffff:192.168.1.1, ::ffff:0.0.0.1, ::ffff:240.0.0.1, ::ffff:127.0.0.1
	EOF
	cat >expect <<-\EOF &&
	ip <IP> ok, <IP>, <IP>, <IP>, [<IP>]:53
	<IP>:53 dan <IP>
	Bukan: ::ffff:10.0.0.1, ::ffff:192.168.1.1, ::ffff:0.0.0.1, ::ffff:240.0.0.1, ::ffff:127.0.0.1
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_ip\":7}"
'

test_expect_success 'a version number is no IP address: after a version word, or with more parts' '
	cat >in <<-\EOF &&
	Versi 1.2.3.4 dikeluarkan; version: 8.8.8.8, Ver. 9.9.9.9, v 1.1.1.1, (build 8.8.4.4)
	release 4.4.4.4, keluaran 5.5.5.5, binaan 6.6.6.6, kemas kini 7.7.7.7, update 3.3.3.3
	1.2.3.4.5, 5.8.8.8.8, 8.8.8.8.9
	Tetapi: pelayan 8.8.8.8, IP: 8.8.4.4, DNS server: 1.1.1.1, revisi 9.9.9.9
	EOF
	cat >expect <<-\EOF &&
	Versi 1.2.3.4 dikeluarkan; version: 8.8.8.8, Ver. 9.9.9.9, v 1.1.1.1, (build 8.8.4.4)
	release 4.4.4.4, keluaran 5.5.5.5, binaan 6.6.6.6, kemas kini 7.7.7.7, update 3.3.3.3
	1.2.3.4.5, 5.8.8.8.8, 8.8.8.8.9
	Tetapi: pelayan <IP>, IP: <IP>, DNS server: <IP>, revisi <IP>
	EOF
	redact &&
	test_cmp expect out
'

test_expect_success 'the user and password of a URL go as one <LOGIN>; an e-mail address after it is one' '
	cat >in <<-\EOF &&
	lihat https://user:pass@contoh.my/path dan ali@contoh.my
	https://ali@contoh.my/x, ftp://ali:rahsia@ftp.contoh.my/pub?a=1#b
	postgres://admin:p%40ss!w0rd@db.contoh.my:5432/app, https://ali@contoh.my:pw@h.my/
	https://contoh.my/ali@contoh.my, https://@contoh.my, mailto:ali@contoh.my
	EOF
	cat >expect <<-\EOF &&
	lihat https://<LOGIN>@contoh.my/path dan <EMAIL>
	https://<LOGIN>@contoh.my/x, ftp://<LOGIN>@ftp.contoh.my/pub?a=1#b
	postgres://<LOGIN>@db.contoh.my:5432/app, https://<LOGIN>@h.my/
	https://contoh.my/<EMAIL>, https://@contoh.my, mailto:<EMAIL>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_email\":3,\"pii_login\":5}"
'

# A scheme-relative URL (a protocol-relative link) has its login after
# "//": "//bob:s3cret@contoh.my" lost only the password, taken for an
# e-mail address ("//bob:<EMAIL>").  Without a password, what follows
# "//" or a ':' is an e-mail address.
test_expect_success 'a scheme-relative URL: //user:pass@host is a <LOGIN> too' '
	cat >in <<-\EOF &&
	lihat //bob:s3cret@contoh.my/x dan <a href="//u%40x:p@cdn.contoh.my/a.js">
	http://contoh.my//bob:pw@h.my/, ://bob:pw@h.my/, //:pw@h.my, //bob:@h.my, 8.8.8.8//a:b@h.my
	//ali@gmail.com, Hubungi:ali@gmail.com, mailto:ali@gmail.com, //ali@gmail.com:80
	EOF
	cat >expect <<-\EOF &&
	lihat //<LOGIN>@contoh.my/x dan <a href="//<LOGIN>@cdn.contoh.my/a.js">
	http://contoh.my//<LOGIN>@h.my/, ://<LOGIN>@h.my/, //<LOGIN>@h.my, //<LOGIN>@h.my, <IP>//<LOGIN>@h.my
	//<EMAIL>, Hubungi:<EMAIL>, mailto:<EMAIL>, //<EMAIL>:80
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_email\":4,\"pii_ip\":1,\"pii_login\":7}" &&
	echo "lihat //bob:s3cret@contoh.my/x dan ali@contoh.my" >in &&
	cp in expect &&
	redact --redact-pii=phone &&
	test_cmp expect out &&
	echo "lihat //bob:s3cret@contoh.my/x dan <EMAIL>" >expect &&
	redact --redact-pii=email &&
	test_cmp expect out
'

test_expect_success 'without login, the user and password of a URL stay, and are no e-mail address' '
	cat >in <<-\EOF &&
	lihat https://user:pass@contoh.my/path dan ali@contoh.my
	EOF
	cat >expect <<-\EOF &&
	lihat https://user:pass@contoh.my/path dan <EMAIL>
	EOF
	redact --redact-pii=email &&
	test_cmp expect out &&
	cp in expect &&
	redact --redact-pii=phone,ip &&
	test_cmp expect out
'

test_expect_success 'card numbers: scheme prefix and length, printed groups, Luhn' '
	cat >in <<-\EOF &&
	Visa 4111 1111 1111 1111, 4111-1111-1111-1111, 4111111111111111
	Mastercard 5500 0000 0000 0004, 2221000000000009; Amex 3782 822463 10005, 378282246310005
	Discover 6011000990139424, JCB 3530111333300000, Diners 3056 9309 0259 04
	EOF
	cat >expect <<-\EOF &&
	Visa <CARD>, <CARD>, <CARD>
	Mastercard <CARD>, <CARD>; Amex <CARD>, <CARD>
	Discover <CARD>, JCB <CARD>, Diners <CARD>
	EOF
	redact &&
	test_cmp expect out &&
	counts_are "{\"pii_card\":10}"
'

test_expect_success 'near-miss card numbers survive: Luhn, scheme, grouping, boundaries' '
	cat >in <<-\EOF &&
	Luhn salah: 4111 1111 1111 1112; tiada skim: 1234567812345670, 9999999999999995
	kumpulan pelik: 4111 11111 1111 111, 4111 1111-1111 1111; siri 6011000990139424X
	panjang: 41111111111111111111, No. akaun 4111111111111111-01
	EOF
	cp in expect &&
	redact &&
	test_cmp expect out
'

test_expect_success '--redact-pii=TYPES redacts only those' '
	cat >in <<-\EOF &&
	ali@contoh.my 012-345 6789 900101-14-5678 8.8.8.8 4111 1111 1111 1111
	EOF
	cat >expect <<-\EOF &&
	<EMAIL> 012-345 6789 900101-14-5678 <IP> 4111 1111 1111 1111
	EOF
	redact --redact-pii=email,ip &&
	test_cmp expect out
'

test_expect_success 'a record without PII passes byte for byte; --stats counts by type' '
	printf "%s\n" "{\"id\":1,\"text\":\"Tiada maklumat peribadi di sini.\",\"x\":[1, 2]}" >plain.jsonl &&
	ayak-filter --profile none --redact-pii plain.jsonl >out &&
	test_cmp plain.jsonl out
'

test_expect_success 'PII in a record with other fields: only the text changes' '
	printf "%s\n" "{\"id\":\"a\",\"text\":\"Emel ali@contoh.my\\nTel 012-3456789\",\"url\":\"https://contoh.my/ali@contoh.my\"}" >rec.jsonl &&
	ayak-filter --profile none --redact-pii rec.jsonl >out &&
	printf "%s\n" "{\"id\":\"a\",\"text\":\"Emel <EMAIL>\\nTel <PHONE>\",\"url\":\"https://contoh.my/ali@contoh.my\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a bad --redact-pii list is a usage error' '
	test_expect_code 2 ayak-filter --redact-pii=email,nama </dev/null 2>err &&
	cat >expect <<-\EOF &&
	ayak-filter: --redact-pii wants all or a list of email, phone, mykad, ip, card, login, not '"'"'email,nama'"'"'
	Try '"'"'ayak-filter --help'"'"'.
	EOF
	test_cmp expect err
'

test_done
