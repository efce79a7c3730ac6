#!/usr/bin/env bash
test_description='the man pages and --help name the same options'
. "$(dirname "$0")/../lib.sh"

MAN=$AYAK_TOP/man
P=$AYAK_TOP/pipelines

# help_opts: the long options of the --help text on stdin, as "--name": every one on the
# lines that start with one (indented: "  -o, --output FILE", and lists such as "  --epochs N,
# --lr X"), and on those that list them after a colon ("Training (see ayak-lid(1)): --train,"),
# but another program's ("sbatch --array", "ayak-tok --binary")
help_opts() {
	grep -e "^ \{1,\}-" -e ": --" | sed "s/\(sbatch\|srun\|ayak-[a-z]*\) --[a-z0-9-]*//g" |
		grep -o -- "--[a-z0-9][a-z0-9-]*" | sort -u
}

# man_items PAGE: the long options that the items (.It) of PAGE's lists name
man_items() {
	grep '^\.It ' "$1" | grep -o 'Fl -[a-z0-9][a-z0-9-]*' | sed 's/^Fl -/--/' | sort -u
}

# undocumented HELP PAGE: the options of the --help text in HELP that PAGE has no item for.
# The options every program shares may be left to ayak(7), where PAGE refers to it; the
# thresholds of ayak-filter's rules are items under their profile keys (--min-doc-words:
# min_doc_words).
undocumented() {
	man_items "$2" >items &&
	man_items "$MAN/man7/ayak.7" >shared &&
	help_opts <"$1" | while read -r o; do
		grep -qx -e "$o" items && continue
		grep -qx -e "$o" shared && grep -q '^\.Xr ayak 7' "$2" && continue
		key=$(printf '%s' "${o#--}" | tr - _)
		grep -q "^\.It .*\(Cm\|,\) $key\( \|\$\)" "$2" && continue
		echo "$o"
	done
}

# unlisted HELP PAGE: the options PAGE's items name that the --help text in HELP does not
unlisted() {
	man_items "$2" | while read -r o; do
		grep -q -e "$o\([^a-z0-9-]\|\$\)" "$1" || echo "$o"
	done
}

for cmd in cat dedup fetch filter lid norm pack stats tok warc; do
	test_expect_success "ayak-$cmd: every option of --help has an item in ayak-$cmd(1), and back" '
		ayak-'$cmd' --help >help &&
		help_opts <help >opts && test_line_count -gt 5 opts &&
		undocumented help "$MAN/man1/ayak-'$cmd'.1" >missing &&
		test_must_be_empty missing &&
		unlisted help "$MAN/man1/ayak-'$cmd'.1" >extra &&
		test_must_be_empty extra
	'
done

test_expect_success 'the pipelines: every option of --help has an item in ayak-pipelines(7)' '
	"$P/commoncrawl-malay" --help >help1 &&
	"$P/slurm/submit" --help >help2 &&
	for h in help1 help2; do
		help_opts <$h >opts && test_line_count -gt 5 opts &&
		undocumented $h "$MAN/man7/ayak-pipelines.7" >missing &&
		test_must_be_empty missing || return 1
	done &&
	cat help1 help2 >help &&
	unlisted help "$MAN/man7/ayak-pipelines.7" >extra &&
	test_must_be_empty extra
'

test_expect_success 'the check finds an option left out of a page' '
	grep -v "^\.It Fl -diff-file" "$MAN/man1/ayak-norm.1" >norm.1 &&
	ayak-norm --help >help &&
	undocumented help norm.1 >missing &&
	echo --diff-file >expect &&
	test_cmp expect missing &&
	printf "%s\n" ".It Fl -no-such-option" >>norm.1 &&
	unlisted help norm.1 >extra &&
	echo --no-such-option >expect &&
	test_cmp expect extra
'

test_expect_success 'the check finds an option that --help lists in a line of prose' '
	grep -vx "\.It Fl -train" "$MAN/man1/ayak-lid.1" >lid.1 &&
	ayak-lid --help >help &&
	grep "^Training (see ayak-lid(1)): --train," help &&
	undocumented help lid.1 >missing &&
	echo --train >expect &&
	test_cmp expect missing
'

test_done
