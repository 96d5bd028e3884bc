# Conformance helpers, sourced by tests/*/run.sh: run the reference kubeadm and ckubeadm on the
# same input, each in a network namespace of its own and a fresh temp dir, and compare exit
# code, stdout, stderr (klog headers normalised) and the files they wrote.
#
#   . tests/lib/compare.sh
#   conf_init <ckubeadm> <reference kubeadm>
#   conf_case <name> [--files <subdir>] [--modes] -- <args...>
#                                   # "{dir}" in args is the case's temp dir; --modes compares the
#                                   # permission bits of the files under <subdir> too
#   conf_done                                           # prints "N passed, N failed", returns status

conf_init() {
	CONF_OURS=$1
	CONF_REF=${2%/kubeadm}/kubeadm.real
	[ -x "$CONF_REF" ] || CONF_REF=$2
	CONF_TMP=$(mktemp -d /tmp/ckubeadm-conf.XXXXXX)
	CONF_PASSED=0 CONF_FAILED=0
	trap 'rm -rf "$CONF_TMP"' EXIT
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

# conf_run <ref|ours> <n> <args...>: runs one side, leaves out/err/rc in its case dir.
conf_run() {
	local side=$1 n=$2; shift 2
	local dir=$CONF_TMP/$side/$n bin=$CONF_OURS
	[ "$side" = ref ] && bin=$CONF_REF
	mkdir -p "$dir/root"
	local args=() a
	for a in "$@"; do args+=("${a//\{dir\}/$dir/root}"); done
	(cd "$dir/root" && unshare --net -- "$bin" "${args[@]}" >"$dir/out" 2>"$dir/err" </dev/null)
	echo $? >"$dir/rc"
	conf_normalise <"$dir/out" >"$dir/out.n"
	conf_normalise <"$dir/err" >"$dir/err.n"
}

conf_case() {
	local name=$1; shift
	local files="" modes=""
	if [ "${1:-}" = --files ]; then files=$2; shift 2; fi
	if [ "${1:-}" = --modes ]; then modes=1; shift; fi
	[ "${1:-}" = -- ] && shift
	local n=$((CONF_PASSED + CONF_FAILED))
	conf_run ref "$n" "$@"
	conf_run ours "$n" "$@"
	local r=$CONF_TMP/ref/$n o=$CONF_TMP/ours/$n why=""
	cmp -s "$r/rc" "$o/rc" || why+=" exit($(cat "$r/rc") vs $(cat "$o/rc"))"
	cmp -s "$r/out.n" "$o/out.n" || why+=" stdout"
	cmp -s "$r/err.n" "$o/err.n" || why+=" stderr"
	if [ -n "$files" ]; then
		diff -r "$r/root/$files" "$o/root/$files" >/dev/null 2>&1 || why+=" files"
		if [ -n "$modes" ]; then
			[ "$(cd "$r/root/$files" && find . -printf '%P %m\n' | sort)" = \
			  "$(cd "$o/root/$files" && find . -printf '%P %m\n' | sort)" ] || why+=" modes"
		fi
	fi
	if [ -z "$why" ]; then
		echo "ok   $name"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL $name:$why"
		for f in out.n err.n; do
			cmp -s "$r/$f" "$o/$f" || diff -u "$r/$f" "$o/$f" | head -n 20 | sed 's/^/     /'
		done
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
}

conf_done() {
	echo "$CONF_PASSED passed, $CONF_FAILED failed"
	[ "$CONF_FAILED" -eq 0 ]
}
