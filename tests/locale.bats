# Quoting as cp quotes, in the locale the user runs in: file names in
# gnulib's shell-escape-always style (quoteaf), option values and the
# options they were given to in its locale style (quote), as cp 9.1 has
# them.  Differential (tests/cp-diff.bash); common.bash exports LC_ALL=C,
# and diffcase --env=LC_ALL=... gives both programs another locale.

setup() {
	load common
	load cp-diff
	cd "$BATS_TEST_TMPDIR"
}

teardown() { diff_teardown; }

# apostrophes: names with a ' and one more character that decides between
# "..." and '...' (d/ is the destination directory).
fx_apostrophes() {
	local n
	mkdir d
	for n in "it's (1)" "it's?" "it's{x}" "it's~" "=it's" "#it's" \
	    "~it's" "it's@" "it's%+,-.:]_" "it's\\" 'it'"'"'s"'; do
		printf '%s\n' "$n" > "$n"
	done
}

# ---- the C locale ----------------------------------------------------------

@test "C: a name with a ' and a character special to the shell is '...'-quoted" {
	diffcase apostrophes -- -v "it's (1)" "it's?" "it's{x}" "it's~" \
	    "=it's" "it's\\" 'it'"'"'s"' d
}

@test "C: a # or ~ first lets a name with a ' be \"...\"-quoted, not one inside" {
	# d/#it's has its # in the middle: '...'.
	diffcase apostrophes -- -v "#it's" "~it's" d
}

@test "C: a name with a ' and only plain characters stays \"...\"-quoted" {
	# Guards what zcp did before: "it's@" and the rest print as they are.
	diffcase apostrophes -- -v "it's@" "it's%+,-.:]_" d
}

@test "C: an error names a file with a ' and a space as cp does" {
	diffcase apostrophes -- "no (it's)" d
}
