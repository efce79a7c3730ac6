# shellcheck shell=bash
# pipelines/lib/options.sh: the options of pipelines/lib/plan that the front-ends
# (pipelines/commoncrawl-malay, pipelines/slurm/submit) take and pass on, kept here once so
# that a new plan option needs no change to the front-ends. Sourced, not run.

# plan_flags: options without a value; plan_valued: options followed by one.
plan_flags=(--jawi --ranges --keep-rejects)
plan_valued=(--tokenizer --prefix --base-url --ranges-per-shard --parts --memory --opt)

# plan_option OPT: print 0 if OPT is a flag of plan, 1 if it takes a value; fail otherwise.
plan_option() {
	case " ${plan_flags[*]} " in *" $1 "*) echo 0; return 0;; esac
	case " ${plan_valued[*]} " in *" $1 "*) echo 1; return 0;; esac
	return 1
}
