# Side-by-side benchmark helpers: the reference kubeadm and ckubeadm on the same input in one
# run, medians of N runs, reported as ratios. Sourced by bench/*.sh.

BENCH_TMP=$(mktemp -d)
trap 'rm -rf "$BENCH_TMP"' EXIT

# bench_isolate "$@": re-runs the calling script inside one network namespace of its own, so
# neither binary can reach the network and no per-run namespace set-up is measured.
bench_isolate() {
	[ -n "${BENCH_IN_NETNS:-}" ] || exec unshare --net env BENCH_IN_NETNS=1 bash "$0" "$@"
}

# measure <runs> <cmd...>: prints "<median wall us> <median peak RSS KiB>" of runs of cmd. The
# wall time is bash's $EPOCHREALTIME around the command alone (no fork of date or time in the
# measurement); the peak RSS comes from a second run of each under /usr/bin/time. cmd may be a
# shell function (its variables exported). If BENCH_PREPARE is set, it is eval'd before every
# run, outside the measurement.
measure() {
	local runs=$1; shift
	local walls=() rsss=() i t0 t1
	for ((i = 0; i < runs; i++)); do
		[ -z "${BENCH_PREPARE:-}" ] || eval "$BENCH_PREPARE"
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1
		t1=$EPOCHREALTIME
		walls+=($(( ${t1/./} - ${t0/./} )))
		[ -z "${BENCH_PREPARE:-}" ] || eval "$BENCH_PREPARE"
		if declare -F "$1" >/dev/null; then
			# /usr/bin/time runs programs: a shell function runs in a bash of its own
			# (the peak RSS is then the larger of bash's and its children's)
			/usr/bin/time -o "$BENCH_TMP/rss" -f '%M' bash -c "$(declare -f "$1"); \"\$@\"" _ "$@" >/dev/null 2>&1
		else
			/usr/bin/time -o "$BENCH_TMP/rss" -f '%M' "$@" >/dev/null 2>&1
		fi
		rsss+=("$(tail -n 1 "$BENCH_TMP/rss")")
	done
	local mw mr
	mw=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	mr=$(printf '%s\n' "${rsss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$mw $mr"
}

# compare <label> <runs> <reference cmd> ::: <ckubeadm cmd>: prints one table row.
compare() {
	local label=$1 runs=$2; shift 2
	local ref=() ours=()
	while [ $# -gt 0 ] && [ "$1" != ":::" ]; do ref+=("$1"); shift; done
	shift
	ours=("$@")
	read -r rw rr < <(measure "$runs" "${ref[@]}")
	read -r ow or < <(measure "$runs" "${ours[@]}")
	awk -v l="$label" -v rw="$rw" -v rr="$rr" -v ow="$ow" -v or="$or" 'BEGIN {
		printf "%-40s ref %8.2f ms %7d KiB | ckubeadm %8.2f ms %7d KiB | time x%.3f  rss x%.3f\n",
			l, rw / 1000, rr, ow / 1000, or, ow / rw, or / rr }'
}
