# make install DESTDIR=... and make uninstall: exactly the expected files.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	BUILDDIR=$(cd "$(dirname "$ZCP")/.." && pwd)
	[ -f "$BUILDDIR/Makefile" ] || skip "no configured build tree at $BUILDDIR"
	command -v make >/dev/null || skip "make not installed"
}

# The files under DIR, relative to it, sorted.
files_under() { (cd "$1" && find . -type f -o -type l | sed 's|^\./||' | sort); }

@test "make install DESTDIR installs the program, the man page and three completions" {
	run make -s -C "$BUILDDIR" install prefix=/opt/zcp DESTDIR="$PWD/root"
	assert_success
	run files_under root
	assert_output "opt/zcp/bin/zcp
opt/zcp/share/bash-completion/completions/zcp
opt/zcp/share/fish/vendor_completions.d/zcp.fish
opt/zcp/share/man/man1/zcp.1
opt/zcp/share/zsh/vendor-completions/_zcp"
	cmp root/opt/zcp/share/man/man1/zcp.1 "$SRCDIR/man/zcp.1"
	cmp root/opt/zcp/share/bash-completion/completions/zcp \
	    "$SRCDIR/completions/zcp.bash"
	run root/opt/zcp/bin/zcp --version
	assert_success
	assert_output --partial "zcp "
}

@test "make uninstall removes every file make install put there" {
	make -s -C "$BUILDDIR" install prefix=/opt/zcp DESTDIR="$PWD/root"
	run make -s -C "$BUILDDIR" uninstall prefix=/opt/zcp DESTDIR="$PWD/root"
	assert_success
	run files_under root
	assert_output ""
}

@test "the man page fits an 80-column terminal" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	mandoc -Tascii -Owidth=80 "$SRCDIR/man/zcp.1" > page.raw
	# Bold and underline are overstruck with backspaces: drop them.
	sed 's/.\x08//g' page.raw > page.txt
	[ "$(wc -l < page.txt)" -gt 100 ]
	run awk 'length($0) > 80 { print length($0) ": " $0 }' page.txt
	assert_output ""
}
