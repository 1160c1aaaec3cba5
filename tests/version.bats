# build-aux/git-version-gen: the version from .tarball-version, git
# describe, or NEWS, in throwaway trees; and zcp --version prints it.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	GVG=$SRCDIR/build-aux/git-version-gen
	mkdir t
	printf '%s\n' 'zcp NEWS' '' \
	    '* Noteworthy changes in release ?.? (????-??-??) [?]' '' \
	    '* Noteworthy changes in release 0.3 (2027-01-02) [stable]' '' \
	    '* Noteworthy changes in release 0.2 (2026-12-24) [alpha]' > t/NEWS
}

gvg() { (cd t && "$GVG" .tarball-version); }

# git in t, as nobody in particular, and quiet.
g() {
	git -C t -c user.name=zcp-test -c user.email=zcp-test@example.org \
	    -c init.defaultBranch=main -c advice.detachedHead=false "$@" \
	    >/dev/null
}
need_git() { command -v git >/dev/null || skip "git not installed"; }
git_tree() {
	need_git
	g init
	g add NEWS
	g commit -m one
}

@test "a tarball: .tarball-version, even inside a git checkout" {
	echo 1.2-3-gabcdef0 > t/.tarball-version
	run gvg
	assert_success
	assert_output 1.2-3-gabcdef0
	git_tree
	g tag v0.3
	run gvg
	assert_output 1.2-3-gabcdef0
}

@test "no git, no .tarball-version: the newest release NEWS names" {
	run gvg
	assert_success
	assert_output 0.3
}

@test "a damaged .tarball-version is said so, and NEWS is used" {
	: > t/.tarball-version
	run gvg
	assert_success
	assert_line --index 0 --partial "WARNING: .tarball-version is damaged"
	assert_line --index 1 0.3
}

@test "git, no release tag: NEWS's version, -modified while files differ" {
	git_tree
	g tag not-a-release
	run gvg
	assert_output 0.3
	echo more >> t/NEWS
	run gvg
	assert_output 0.3-modified
	# A new file alone, not yet known to git, modifies nothing.
	g checkout NEWS
	touch t/new
	run gvg
	assert_output 0.3
}

@test "git: the tag's version on it, git describe's after it" {
	git_tree
	g tag -a -m 'zcp 0.4' v0.4
	run gvg
	assert_output 0.4
	echo a > t/a && g add a && g commit -m two
	echo b > t/b && g add b && g commit -m three
	run gvg
	assert_output "0.4-2-g$(git -C t rev-parse --short=7 HEAD)"
	echo c >> t/a
	run gvg
	assert_output "0.4-2-g$(git -C t rev-parse --short=7 HEAD)-modified"
	# A lightweight tag is a release tag too; the newest counts.
	g checkout a
	g tag v0.5
	run gvg
	assert_output 0.5
}

@test "a copy inside another git checkout is not that checkout" {
	git_tree
	g tag v0.9
	mkdir t/sub
	cp t/NEWS t/sub/NEWS
	run bash -c "cd t/sub && '$GVG' .tarball-version"
	assert_output 0.3
}

@test "nothing to go by: UNKNOWN, and why" {
	rm t/NEWS
	run gvg
	assert_success
	assert_line --index 0 --partial "no .tarball-version, no release tag and no release in NEWS"
	assert_line --index 1 UNKNOWN
}

@test "zcp --version prints the version configure was made with" {
	local h=$(dirname "$ZCP")/../config.h
	[ -f "$h" ] || h=$SRCDIR/config.h
	[ -f "$h" ] || skip "no config.h next to $ZCP"
	v=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$h")
	[ -n "$v" ] || fail "no PACKAGE_VERSION in $h"
	run zcp --version
	assert_success
	assert_line --index 0 "zcp $v"
}
