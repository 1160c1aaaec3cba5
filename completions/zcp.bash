# bash completion for zcp                                  -*- shell-script -*-

_zcp()
{
	local cur prev words cword split
	_init_completion -s || return

	case $prev in
	--method)
		COMPREPLY=($(compgen -W 'auto reflink copy_file_range sendfile
		    splice readwrite' -- "$cur"))
		return
		;;
	--reflink)
		COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
		return
		;;
	--pipe-size)
		COMPREPLY=($(compgen -W '64k 256k 1M' -- "$cur"))
		return
		;;
	esac
	$split && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--method= --pipe-size= --reflink
		    --reflink= --trace --debug --help --version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_filedir
} &&
	complete -F _zcp zcp

# ex: filetype=sh
