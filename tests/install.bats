# make install DESTDIR=... and make uninstall: exactly the expected files,
# in the directories configure chose, which are where the shells look.
# (tests/deb-package runs the same checks on the Debian package, installed
# for real.)

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	BUILDDIR=$(cd "$(dirname "$ZCP")/.." && pwd)
	[ -f "$BUILDDIR/Makefile" ] || skip "no configured build tree at $BUILDDIR"
	command -v make >/dev/null || skip "make not installed"
	printf 'print-%%:\n\t@printf "%%s\\n" "$($*)"\n' > vars.mk
}

# mkvar NAME: make's value of NAME in the build tree, expanded.
mkvar() {
	make -s --no-print-directory -C "$BUILDDIR" -f Makefile \
	    -f "$BATS_TEST_TMPDIR/vars.mk" "print-$1"
}

# The files under DIR, relative to it, sorted.
files_under() { (cd "$1" && find . -type f -o -type l | sed 's|^\./||' | sort); }

# The shells look under /usr and /usr/local by default, nowhere else: for
# another prefix (make distcheck's) configure warned, and there is nothing
# to find.
need_usual_prefix() {
	local p
	p=$(mkvar prefix)
	case $p in
	/usr | /usr/local) ;;
	*) skip "prefix $p: no shell looks there by default" ;;
	esac
}

install_root() {
	make -s -C "$BUILDDIR" install DESTDIR="$PWD/root" >/dev/null
}

@test "make install DESTDIR installs the program, the man page and three completions" {
	run make -s -C "$BUILDDIR" install DESTDIR="$PWD/root"
	assert_success
	run files_under root
	assert_output "$(printf '%s\n' "$(mkvar bindir)/zcp" \
	    "$(mkvar mandir)/man1/zcp.1" \
	    "$(mkvar bashcompletiondir)/zcp" \
	    "$(mkvar zshcompletiondir)/_zcp" \
	    "$(mkvar fishcompletiondir)/zcp.fish" | sed 's|^/||' | sort)"
	cmp "root$(mkvar mandir)/man1/zcp.1" "$SRCDIR/man/zcp.1"
	cmp "root$(mkvar bashcompletiondir)/zcp" "$SRCDIR/completions/zcp.bash"
	cmp "root$(mkvar zshcompletiondir)/_zcp" "$SRCDIR/completions/_zcp"
	cmp "root$(mkvar fishcompletiondir)/zcp.fish" "$SRCDIR/completions/zcp.fish"
	run "root$(mkvar bindir)/zcp" --version
	assert_success
	assert_line --index 0 "zcp $(mkvar VERSION)"
}

# Each shell below looks where it looks by default, but under root/: the
# installed completion is found only if configure chose a directory that
# shell reads.  (zsh has a zcp of its own, zmv -C: _zcp must win over
# zsh's _zmv for it.)
@test "bash-completion, looking in its directories under DESTDIR, loads zcp's" {
	[ -r /usr/share/bash-completion/bash_completion ] ||
		skip "bash-completion not installed"
	need_usual_prefix
	install_root
	local d dirs=
	IFS=: read -ra xdg <<<"${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
	for d in "${xdg[@]}"; do dirs=$dirs${dirs:+:}$PWD/root$d; done
	run env XDG_DATA_DIRS="$dirs" HOME="$PWD" bash --norc -c '
		source /usr/share/bash-completion/bash_completion
		__load_completion zcp && complete -p zcp'
	assert_success
	assert_output "complete -F _zcp zcp"
}

@test "zsh, with its \$fpath under DESTDIR, autoloads zcp's" {
	command -v zsh >/dev/null || skip "zsh not installed"
	need_usual_prefix
	install_root
	# Each directory of $fpath under root/ first, zsh's own after it (for
	# compinit): the first _zcp found must be the one under root/.
	run env HOME="$PWD" zsh -fc "fpath=(\${fpath/#/$PWD/root} \$fpath)
		autoload -Uz compinit && compinit -u -D &&
		print -r -- \$_comps[zcp] \${^fpath}/_zcp(N[1])"
	assert_success
	assert_output "_zcp $PWD/root$(mkvar zshcompletiondir)/_zcp"
}

@test "fish, with its data directories under DESTDIR, completes zcp's options" {
	command -v fish >/dev/null || skip "fish not installed"
	need_usual_prefix
	install_root
	local d dirs=
	# fish reads DIR/fish/vendor_completions.d for each DIR of
	# $XDG_DATA_DIRS, by default its own data directory only: the XDG
	# default, /usr/local/share:/usr/share, is what a desktop session sets.
	IFS=: read -ra xdg <<<"${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
	for d in "${xdg[@]}"; do dirs=$dirs${dirs:+:}$PWD/root$d; done
	# fish loads a command's completions only when the command is found.
	run env XDG_DATA_DIRS="$dirs" HOME="$PWD" XDG_CONFIG_HOME="$PWD/config" \
	    PATH="$PWD/root$(mkvar bindir):$PATH" \
	    fish -c 'complete --do-complete "zcp --metho"'
	assert_success
	assert_output --partial -- "--method"
}

@test "make uninstall removes every file make install put there" {
	install_root
	run make -s -C "$BUILDDIR" uninstall DESTDIR="$PWD/root"
	assert_success
	run files_under root
	assert_output ""
}

@test "the man page fits an 80-column terminal" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	mandoc -Tascii -Owidth=80 "$SRCDIR/man/zcp.1" > page.raw
	# Bold and underline are overstruck with backspaces: drop them.
	sed 's/.\x08//g' page.raw > page.txt
	assert_num "$(wc -l < page.txt)" -gt 100
	run awk 'length($0) > 80 { print length($0) ": " $0 }' page.txt
	assert_output ""
}
