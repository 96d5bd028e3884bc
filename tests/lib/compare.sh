# Conformance helpers, sourced by tests/*/run.sh: run the reference kubeadm and ckubeadm on the
# same input, each in a network namespace of its own and a fresh temp dir, and compare exit
# code, stdout, stderr (klog headers normalised) and the files they wrote.
#
#   . tests/lib/compare.sh
#   conf_init <ckubeadm> <reference kubeadm>   # proves that both start (conf_start_check)
#   conf_case <name> [--files <subdir>] [--modes] -- <args...>
#                                   # "{dir}" in args is the case's temp dir; --modes compares the
#                                   # permission bits of the files under <subdir> too
#   conf_skip <name> <reason>                           # a counted skip, its reason printed
#   conf_done                                           # "N passed, N failed, N skipped", status
#
# No pass without both tools: every runner first proves that both binaries start under the
# wrapper its cases use (conf_start_check: a `version` call), and every case proves that each
# side was started (CONF_STARTED: a marker written inside the wrapper, just before the exec of
# the binary); a case one of whose sides did not start fails, even when both sides printed the
# same error (e.g. `unshare --net` refused on both sides).
#
# Case selection (the harness self-test, tests/selftest, runs a few cases of each suite):
# CKUBEADM_CASES=<extended regex> runs only the cases whose name matches; a section with a
# costly setup (a real kube-apiserver, containerd, a Go build) runs only when its label
# matches (conf_section). Unselected cases are neither passed, failed nor skipped: their
# number is printed before the totals. A suite in which no case ran fails.

conf_init() {
	CONF_OURS=$1
	CONF_REF=${2%/kubeadm}/kubeadm.real
	[ -x "$CONF_REF" ] || CONF_REF=$2
	CONF_TMP=$(mktemp -d /tmp/ckubeadm-conf.XXXXXX)
	CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0 CONF_UNSELECTED=0 CONF_N=0
	trap 'rm -rf "$CONF_TMP"' EXIT
	conf_start_check unshare --net --
}

# The script put between a wrapper and the binary: <wrapper...> sh -c "$CONF_STARTED" sh
# <marker> <binary> <args...> writes <marker> once the wrapper ran, then execs the binary.
# shellcheck disable=SC2016
CONF_STARTED=': >"$1" && shift && exec "$@"'

# conf_side_started <marker> <exit code>: the side was started (its marker exists and the exec
# did not fail: 126 and 127 are the shell's "cannot execute" and "not found").
conf_side_started() {
	[ -e "$1" ] || return 1
	case $2 in 126 | 127) return 1 ;; esac
	return 0
}

# conf_start_check <wrapper...>: both binaries (CONF_OURS, and CONF_REF unless empty) must start
# under the wrapper the cases use:
# `<wrapper...> <binary> version -o short` exits 0 and prints a version. Otherwise the runner
# fails loudly: one counted failure, the totals line, exit 1. CONF_START_LABEL names a long
# wrapper in the messages.
conf_start_check() {
	local side bin out rc v="" label=${CONF_START_LABEL:-${*:-no wrapper}}
	for side in ours ref; do
		bin=$CONF_OURS
		[ "$side" = ref ] && bin=${CONF_REF:-}
		[ "$side" = ref ] && [ -z "$bin" ] && continue # a runner of ckubeadm alone
		out=$("$@" "$bin" version -o short 2>&1 </dev/null)
		rc=$?
		if [ "$rc" -ne 0 ] || ! grep -qE '^v[0-9]+\.[0-9]+' <<<"$out"; then
			echo "FAIL setup: $bin does not start under '$label' (\`version -o short\`: exit $rc)"
			printf '%s\n' "$out" | head -n 5 | sed 's/^/     /'
			CONF_FAILED=$((CONF_FAILED + 1))
			echo "$CONF_PASSED passed, $CONF_FAILED failed, ${CONF_SKIPPED:-0} skipped"
			exit 1
		fi
		v+=" $side=$(head -n 1 <<<"$out")"
	done
	if [ -n "${CONF_REF:-}" ]; then
		echo "start: both binaries run under '$label':$v"
	else
		echo "start: ckubeadm runs under '$label':$v"
	fi
}

# conf_selected <name>: whether CKUBEADM_CASES (unset: every case) selects the case; counts the
# cases it leaves out.
conf_selected() {
	[ -z "${CKUBEADM_CASES:-}" ] && return 0
	grep -qE -- "$CKUBEADM_CASES" <<<"$1" && return 0
	CONF_UNSELECTED=$((CONF_UNSELECTED + 1))
	return 1
}

# conf_section <label>: whether a section with a costly setup runs (every section without a
# selection; with one, a section whose label matches it).
conf_section() {
	[ -z "${CKUBEADM_CASES:-}" ] && return 0
	grep -qE -- "$CKUBEADM_CASES" <<<"$1"
}

conf_skip() { # <name> <reason>
	echo "skip $1: $2"
	CONF_SKIPPED=$((CONF_SKIPPED + 1))
}

# klog lines carry a timestamp, a pid and a Go source location: keep severity and message.
# Accepted difference: when a version label (stable-1) cannot be fetched, the transport error
# after 'unable to get URL "<url>": ' is Go's net/http text for the reference and kube/transport's
# for ckubeadm (its resolver's failure in a namespace without DNS reads differently); the URL, the wording around it and the fallback are compared.
conf_normalise() {
	sed -E -e 's/^([IWEF])[0-9]{4} [0-9:.]{15} +[0-9]+ [^]]+\] /\1 /' \
		-e 's/(unable to get URL "[^"]*": ).*/\1<transport error>/' \
		-e "s#$CONF_TMP/(ref|ours)/[0-9]+#{dir}#g"
}

# conf_run <ref|ours> <n> <args...>: runs one side, leaves out/err/rc (and the start marker)
# in its case dir.
conf_run() {
	local side=$1 n=$2; shift 2
	local dir=$CONF_TMP/$side/$n bin=$CONF_OURS
	[ "$side" = ref ] && bin=$CONF_REF
	mkdir -p "$dir/root"
	local args=() a
	for a in "$@"; do args+=("${a//\{dir\}/$dir/root}"); done
	(cd "$dir/root" && unshare --net -- sh -c "$CONF_STARTED" sh "$dir/started" "$bin" "${args[@]}" \
		>"$dir/out" 2>"$dir/err" </dev/null)
	echo $? >"$dir/rc"
	conf_normalise <"$dir/out" >"$dir/out.n"
	conf_normalise <"$dir/err" >"$dir/err.n"
}

# conf_verdict <name> <ref case dir> <ours case dir> [<why>]: compares exit code, stdout and
# stderr of two case dirs made by conf_run (or a runner's own copy of it), requires that both
# sides were started, adds <why> (more differences found by the caller), counts and prints.
conf_verdict() {
	local name=$1 r=$2 o=$3 why=${4:-} f
	conf_side_started "$r/started" "$(cat "$r/rc")" || why+=" reference did not start"
	conf_side_started "$o/started" "$(cat "$o/rc")" || why+=" ckubeadm did not start"
	cmp -s "$r/rc" "$o/rc" || why+=" exit($(cat "$r/rc") vs $(cat "$o/rc"))"
	cmp -s "$r/out.n" "$o/out.n" || why+=" stdout"
	cmp -s "$r/err.n" "$o/err.n" || why+=" stderr"
	if [ -z "$why" ]; then
		echo "ok   $name"
		CONF_PASSED=$((CONF_PASSED + 1))
		return 0
	fi
	echo "FAIL $name:$why"
	case $why in *"did not start"*)
		for f in "$r" "$o"; do sed 's/^/     | /' "$f/err" | head -n 3; done ;;
	esac
	for f in out.n err.n; do
		cmp -s "$r/$f" "$o/$f" || diff -u "$r/$f" "$o/$f" | head -n "${CONF_DIFF_LINES:-20}" | sed 's/^/     /'
	done
	CONF_FAILED=$((CONF_FAILED + 1))
	return 1
}

conf_case() {
	local name=$1; shift
	local files="" modes=""
	if [ "${1:-}" = --files ]; then files=$2; shift 2; fi
	if [ "${1:-}" = --modes ]; then modes=1; shift; fi
	[ "${1:-}" = -- ] && shift
	conf_selected "$name" || return 0
	local n=$CONF_N
	CONF_N=$((CONF_N + 1))
	conf_run ref "$n" "$@"
	conf_run ours "$n" "$@"
	local r=$CONF_TMP/ref/$n o=$CONF_TMP/ours/$n why=""
	# the files: two missing directories are a difference too (nothing was compared)
	if [ -n "$files" ] && ! diff -r "$r/root/$files" "$o/root/$files" >"$r/files.diff" 2>&1; then
		why+=" files"
	fi
	if [ -n "$files" ] && [ -n "$modes" ] &&
		[ "$(cd "$r/root/$files" 2>/dev/null && find . -printf '%P %m\n' | sort)" != \
		  "$(cd "$o/root/$files" 2>/dev/null && find . -printf '%P %m\n' | sort)" ]; then
		why+=" modes"
	fi
	conf_verdict "$name" "$r" "$o" "$why" ||
		{ [ -z "$files" ] || [ ! -s "$r/files.diff" ] || head -n 20 "$r/files.diff" | sed 's/^/     /'; }
	return 0
}

# conf_sub <label> <log> <exit code>: adds the totals of a sub-runner (its last line,
# "N passed, N failed[, N skipped]") and prints its other lines. Exit 77 without totals is one
# counted skip (the reason is its last line); a non-zero exit without a counted failure, or no
# totals at all, is one failure.
conf_sub() {
	local label=$1 log=$2 rc=$3 last p f s
	last=$(tail -n 1 "$log")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[4]:-0}
		sed '$d' "$log"
	elif [ "$rc" -eq 77 ]; then
		sed '$d' "$log"
		conf_skip "$label" "$last"
		return 0
	else
		cat "$log"
		echo "FAIL $label: no totals line (exit $rc)"
		CONF_FAILED=$((CONF_FAILED + 1))
		return 0
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $label: exit $rc without a counted failure"
		f=1
	fi
	CONF_PASSED=$((CONF_PASSED + p)) CONF_FAILED=$((CONF_FAILED + f)) CONF_SKIPPED=$((CONF_SKIPPED + s))
}

conf_done() {
	[ "$CONF_UNSELECTED" -eq 0 ] || echo "($CONF_UNSELECTED cases not selected by CKUBEADM_CASES=$CKUBEADM_CASES)"
	if [ $((CONF_PASSED + CONF_FAILED)) -eq 0 ]; then
		echo "FAIL no case ran"
		CONF_FAILED=1
	fi
	echo "$CONF_PASSED passed, $CONF_FAILED failed, $CONF_SKIPPED skipped"
	[ "$CONF_FAILED" -eq 0 ]
}
