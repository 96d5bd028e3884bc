#!/bin/sh
# dist/install-man.sh GEN-DOC MANDIR: meson's install step for the man pages. Their number
# follows the command tables, so they are made at install time by ckubeadm-gen-doc (the
# tables' own walk) straight into $DESTDIR's MANDIR/man1, rather than listed in meson.build.
set -eu
gen=$1 mandir=$2
case $mandir in
/*) dir=${DESTDIR:-}$mandir/man1 ;;
*) dir=$MESON_INSTALL_DESTDIR_PREFIX/$mandir/man1 ;;
esac
mkdir -p "$dir"
"$gen" man "$dir"
[ -n "${MESON_INSTALL_QUIET:-}" ] || echo "Installing man pages to $dir"
