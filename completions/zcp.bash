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
	--sparse)
		COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
		return
		;;
	--backup)
		COMPREPLY=($(compgen -W 'none off simple never existing nil
		    numbered t' -- "$cur"))
		return
		;;
	--preserve | --no-preserve)
		# A comma-separated list: complete the item after the last comma.
		local prefix=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$prefix" -W 'mode ownership timestamps
		    links xattr all' -- "${cur##*,}"))
		compopt -o nospace 2>/dev/null
		return
		;;
	--pipe-size)
		COMPREPLY=($(compgen -W '64k 256k 1M' -- "$cur"))
		return
		;;
	--jobs | -j)
		COMPREPLY=($(compgen -W 'auto 1 2 4 8' -- "$cur"))
		return
		;;
	--bwlimit)
		return
		;;
	--bench)
		COMPREPLY=($(compgen -W '1 3 5 10' -- "$cur"))
		return
		;;
	--stats)
		COMPREPLY=($(compgen -W 'human json' -- "$cur"))
		return
		;;
	--update)
		COMPREPLY=($(compgen -W 'all none none-fail older' -- "$cur"))
		return
		;;
	--stats-file)
		_filedir
		return
		;;
	--suffix | -S | --context)
		return
		;;
	--target-directory | -t)
		_filedir -d
		return
		;;
	esac
	$split && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-a --archive --atomic --attributes-only --backup
		    --backup= -b --bench --bench= --bwlimit= --cold --copy-contents -d -f
		    --force -i --interactive -H --hot -j --jobs= --keep
		    --keep-directory-symlink -l --link -L --dereference --method=
		    --nocache -n --no-clobber -P --no-dereference -p --preserve --preserve=
		    --no-preserve= --parents --pipe-size= --progress -R -r
		    --recursive --reflink --reflink= --remove-destination --resume
		    --sparse= --stats --stats= --stats-file=
		    --strip-trailing-slashes --sync -s --symbolic-link -S --suffix=
		    -t --target-directory= -T --no-target-directory --trace
		    --debug --update --update= -u -v --verbose --verify
		    -x --one-file-system -Z
		    --context --context= --help --version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	_filedir
} &&
	complete -F _zcp zcp

# ex: filetype=sh
