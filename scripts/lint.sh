#!/usr/bin/env bash
# Source rules that the compiler does not enforce (STYLE.md): banned libc calls, no goto.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0
# The sources: git's list in a checkout (untracked files left out), every file otherwise (an
# unpacked tarball). No file to read fails: a lint of nothing proves nothing.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files 'src/*.c' 'src/*.h' 'fuzz/*.c')
else
	mapfile -t files < <(find src fuzz -type f \( -name '*.c' -o -name '*.h' \) | sort)
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "FAIL no source file found under $(pwd)/src"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "linting ${#files[@]} files"
check() { # check <name> <grep -E pattern>
	local hits rc
	hits=$(grep -nE "$2" "${files[@]}")
	rc=$?
	hits=$(grep -v 'banned-ok' <<<"$hits")
	if [ "$rc" -gt 1 ]; then echo "FAIL $1: grep could not read the sources (status $rc)"; failed=$((failed + 1))
	elif [ -n "$hits" ]; then echo "FAIL $1"; echo "$hits" | head -n 20; failed=$((failed + 1))
	else echo "ok   $1"; passed=$((passed + 1)); fi
}
check "no strcpy/strcat"   '(^|[^_a-z])(strcpy|strcat)\('
check "no sprintf/vsprintf" '(^|[^_a-z])v?sprintf\('
check "no strtok"           '(^|[^_a-z])strtok\('
check "no atoi/atol"        '(^|[^_a-z])ato(i|l|ll)\('
check "no gmtime/localtime" '(^|[^_a-z])(gmtime|localtime)\('
check "no goto"             '(^|[^_a-z])goto[[:space:]]'
check "no system/popen"     '(^|[^_a-z])(system|popen)\('
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
