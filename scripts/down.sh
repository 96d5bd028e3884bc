#!/usr/bin/env bash
# Removes the cluster that scripts/up.sh brought up (every node, its processes, mounts and
# namespaces). Safe to run when nothing is up.
set -euo pipefail
exec bash "$(dirname "$0")/../tests/e2e/down.sh"
