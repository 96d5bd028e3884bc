#!/usr/bin/env bash
# Removes whatever the bed has up (every node, its processes, mounts, cgroups, state, and the
# hub network namespace). Safe to run when nothing is up, and twice.
# Usage: tests/e2e/down.sh
set -euo pipefail
exec "$(dirname "$0")/node.sh" destroy-all
