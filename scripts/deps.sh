#!/usr/bin/env bash
# Installs what building and testing ckubeadm needs on a fresh Debian machine of this kind:
# the apt packages listed in scripts/apt-packages and every tests/*/DEPS file. Idempotent.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t pkgs < <(cat "$top/scripts/apt-packages" "$top"/tests/*/DEPS 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || { echo "deps: Go is required (expected at /usr/local/go)" >&2; exit 1; }
