#!/bin/sh
# dist/install-man.sh GEN-DOC MANDIR [kubeadm]: meson's install step for the man pages. Their number
# follows the command tables, so they are made at install time by ckubeadm-gen-doc (the
# tables' own walk) straight into $DESTDIR's MANDIR/man1, rather than listed in meson.build.
# "kubeadm": kubeadm.1 as a symlink to ckubeadm.1 (-Dkubeadm_name=true).
set -eu
gen=$1 mandir=$2 alias=${3:-}
case $mandir in
/*) dir=${DESTDIR:-}$mandir/man1 ;;
*) dir=$MESON_INSTALL_DESTDIR_PREFIX/$mandir/man1 ;;
esac
mkdir -p "$dir"
"$gen" man "$dir"
[ -z "$alias" ] || ln -sfn ckubeadm.1 "$dir/$alias.1"
[ -n "${MESON_INSTALL_QUIET:-}" ] || echo "Installing man pages to $dir"
