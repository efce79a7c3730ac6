# shellcheck shell=bash
# pipelines/lib/lock.sh: the locks that keep the workers of a run directory from removing each
# other's temporary files and markers. pipelines/commoncrawl-malay holds RUN/lock exclusive;
# each Slurm task (pipelines/slurm/task) and slurm/submit hold it shared, so that the tasks of
# a submission run together but none runs beside a commoncrawl-malay. slurm/submit also holds
# RUN/slurm/lock exclusive while it checks the queue and submits. Queued jobs hold no lock:
# slurm_jobs_live asks squeue for them. Sourced, not run.

# take_lock ME FILE -x|-s: lock FILE, exclusive or shared, on a descriptor (lock_fd) that the
# process's children inherit: the lock is held until they all have ended, and a killed run
# leaves none behind. Not in $(...), which would drop it. Returns 1 when FILE is locked the
# other way, and then sets lock_holder: "shared" or "exclusive". Where the file system cannot
# lock at all (Lustre mounted with -o noflock: "Function not implemented"), a message says so
# and the work goes on without the lock, rather than never.
# shellcheck disable=SC2034 # lock_fd and lock_holder are the caller's
take_lock() {
	local me=$1 file=$2 mode=$3 fd err status=0
	# Open to read and write: on NFS, flock is done with fcntl locks, and a shared one
	# needs a descriptor open for reading, an exclusive one for writing.
	exec {fd}<>"$file" || exit 3
	lock_fd=$fd
	# flock(1) exits 1 when the lock is held; on an error, 65 or 71 with a message.
	err=$(flock -n "$mode" "$fd" 2>&1) || status=$?
	case $status in
	0) return 0;;
	1)	lock_holder=exclusive
		# an exclusive lock refused, a shared one had: the holders share it
		[ "$mode" = -x ] && flock -n -s "$fd" && lock_holder=shared
		return 1;;
	esac
	echo "$me: cannot lock $file (${err#flock: "$fd": }); going on without the lock" >&2
	exec {fd}>&-
	lock_fd=
	return 0
}

# slurm_jobs_live RUN: the IDs, comma-separated, of the jobs in RUN/slurm/jobs.tsv (the
# submissions of slurm/submit) that squeue still lists, pending or running; nothing when it
# lists none. Returns 1 when squeue cannot list the queue.
slurm_jobs_live() {
	local queued
	[ -s "$1/slurm/jobs.tsv" ] || return 0
	queued=$(squeue -h -o %F 2>/dev/null) || return 1
	printf '%s\n' "$queued" |
		awk -F'\t' 'NR == FNR { q[$1]; next } $1 in q && !seen[$1]++ { print $1 }' - "$1/slurm/jobs.tsv" |
		paste -sd,
}
