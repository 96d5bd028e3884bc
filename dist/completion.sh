#!/bin/sh
# dist/completion.sh CKUBEADM bash|zsh: the installed completion script, made by the program's
# own `completion` command (kubeadm's, which registers the name "kubeadm") with the name
# "ckubeadm" registered too: the same completion for both names of one program.
set -eu
bin=$1 shell=$2
case $shell in
bash)
	"$bin" completion bash
	cat <<'EOT'

# ckubeadm is kubeadm: its name completes the same way (added at install by dist/completion.sh)
if [[ $(type -t compopt) = "builtin" ]]; then
    complete -o default -F __start_kubeadm ckubeadm
else
    complete -o default -o nospace -F __start_kubeadm ckubeadm
fi
EOT
	;;
zsh)
	# an autoloaded completion function: its first call defines kubeadm's functions, then
	# replaces itself with the completer they registered (bashcompinit's) and completes
	echo '#compdef ckubeadm kubeadm'
	"$bin" completion zsh
	cat <<'EOT'

# (added at install by dist/completion.sh) the completer of both names from now on
_ckubeadm() { _bash_complete -o default -F __start_kubeadm "$@"; }
_ckubeadm "$@"
EOT
	;;
*)
	echo "usage: dist/completion.sh CKUBEADM bash|zsh" >&2
	exit 2
	;;
esac
