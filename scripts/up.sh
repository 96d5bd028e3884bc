#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build ckubeadm, and run it on its
# embedded defaults as far as this build goes. Today that is the configuration a cluster
# would be created with and the images it needs; the single-node cluster bed replaces this
# once the init API phases land.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/deps.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
bin=build/src/ckubeadm
echo "# ckubeadm $($bin version -o short)"
echo "# ckubeadm config print init-defaults"
$bin config print init-defaults
echo "# ckubeadm config images list --kubernetes-version v1.37.2"
$bin config images list --kubernetes-version v1.37.2
