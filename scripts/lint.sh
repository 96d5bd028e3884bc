#!/usr/bin/env bash
# Source rules that the compiler does not enforce (STYLE.md): banned libc calls, no goto.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0
check() { # check <name> <grep -E pattern>
	local hits
	hits=$(grep -nE "$2" $(git ls-files 'src/*.c' 'src/*.h' 'fuzz/*.c') 2>/dev/null | grep -v 'banned-ok')
	if [ -n "$hits" ]; then echo "FAIL $1"; echo "$hits" | head -n 20; failed=$((failed + 1))
	else echo "ok   $1"; passed=$((passed + 1)); fi
}
check "no strcpy/strcat"   '(^|[^_a-z])(strcpy|strcat)\('
check "no sprintf/vsprintf" '(^|[^_a-z])v?sprintf\('
check "no strtok"           '(^|[^_a-z])strtok\('
check "no atoi/atol"        '(^|[^_a-z])ato(i|l|ll)\('
check "no gmtime/localtime" '(^|[^_a-z])(gmtime|localtime)\('
check "no goto"             '(^|[^_a-z])goto[[:space:]]'
check "no system/popen"     '(^|[^_a-z])(system|popen)\('
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
