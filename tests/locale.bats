# Quoting as cp quotes, in the locale the user runs in: file names in
# gnulib's shell-escape-always style (quoteaf), option values and the
# options they were given to in its locale style (quote), as cp 9.1 has
# them.  Differential (tests/cp-diff.bash); common.bash exports LC_ALL=C,
# and diffcase --env=LC_ALL=... gives both programs another locale.
# Locales other than C and C.UTF-8 are built here with localedef (from
# the locales package's sources) and found through LOCPATH, or the case
# is skipped.

setup() {
	load common
	load cp-diff
	cd "$BATS_TEST_TMPDIR"
}

teardown() { diff_teardown; }

UTF8=--env=LC_ALL=C.UTF-8

need_utf8() {
	locale -a | grep -qixE 'c\.utf-?8' ||
		skip "no C.UTF-8 locale here (locale -a)"
}

# need_locale NAME: build NAME (de_DE.UTF-8, de_DE.ISO-8859-1) once for
# this file, under $LOCPATH, or skip saying why.
need_locale() {
	local name=$1
	LOCPATH=$BATS_FILE_TMPDIR/locales
	command -v localedef >/dev/null || skip "no localedef"
	mkdir -p "$LOCPATH"
	[ -d "$LOCPATH/$name" ] ||
		localedef -c -i "${name%%.*}" -f "${name#*.}" "$LOCPATH/$name" \
		    >/dev/null 2>&1 || true
	[ -d "$LOCPATH/$name" ] ||
		skip "localedef cannot build $name (no locale sources?)"
}

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

# utf8: names with characters beyond ASCII, printable or not, and bytes
# that are no UTF-8.
fx_utf8() {
	local n
	mkdir d
	for n in café "it's café" $'cafe\u0301' $'it\u2019s' $'bad\xff' \
	    $'caf\u00e9\xff' $'\xc3(' $'nel\u0085' $'zw\u200bsp\u0085' \
	    $'ls\u2028x'; do
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

# ---- C.UTF-8: file names ---------------------------------------------------

@test "UTF-8: -v prints a name's characters as they are" {
	need_utf8
	diffcase "$UTF8" utf8 -- -v café "it's café" $'cafe\u0301' \
	    $'it\u2019s' d
}

@test "UTF-8: an error names a file in its characters" {
	need_utf8
	diffcase "$UTF8" utf8 -- nope-café café d
}

@test "UTF-8: a byte that is no character is escaped, the characters around it not" {
	need_utf8
	diffcase "$UTF8" utf8 -- -v $'bad\xff' $'caf\u00e9\xff' $'\xc3(' d
}

@test "UTF-8: a character that does not print (U+0085, U+2028) is escaped; U+200B prints" {
	need_utf8
	diffcase "$UTF8" utf8 -- -v $'nel\u0085' $'zw\u200bsp\u0085' \
	    $'ls\u2028x' d
}

# ---- option values: C.UTF-8 quotes them in U+2018 and U+2019 ---------------

@test "UTF-8: bad --sparse, --reflink, --preserve, --no-preserve values" {
	need_utf8
	diffcase "$UTF8" files -- --sparse="it's café" a new
	# The closing quote mark in a value takes a backslash.
	diffcase "$UTF8" files -- --reflink=$'\u2018x\u2019' a new
	diffcase "$UTF8" files -- --preserve=mode,"b'\\é" a new
	diffcase "$UTF8" files -- --no-preserve= a new
	diffcase "$UTF8" files -- --sparse=a a new
}

@test "UTF-8: control characters and bad bytes in a value are escaped" {
	need_utf8
	diffcase "$UTF8" files -- --sparse=$'a\nb\x01\x7f\xff\u0085' a new
}

@test "UTF-8: bad --backup and VERSION_CONTROL values" {
	need_utf8
	diffcase "$UTF8" files -- --backup="it's é" a existing
	diffcase "$UTF8" files -- --backup=n a existing
	diffcase "$UTF8" --env=VERSION_CONTROL="é'\\" files -- -b a existing
	diffcase "$UTF8" --env=VERSION_CONTROL=n files -- -b a existing
}

# ---- option values in the C locale -----------------------------------------
# These guard what zcp printed before it followed the locale: the C
# locale's quotes and escapes must not change with it.

@test "C: bad option values: ' and \\ escaped, bytes beyond ASCII in octal" {
	diffcase files -- --sparse="it's café" a new
	diffcase files -- --preserve=mode,"b'\\é" a new
	diffcase files -- --sparse=$'a\nb\x01\x7f\xff' a new
}

@test "C: bad --backup and VERSION_CONTROL values" {
	diffcase files -- --backup="it's é" a existing
	diffcase --env=VERSION_CONTROL="é'\\" files -- -b a existing
	diffcase --env=VERSION_CONTROL=n files -- -b a existing
}

# ---- other locales, built here ---------------------------------------------

@test "ISO-8859-1: a byte that prints there is written as it is, in ' quotes" {
	need_locale de_DE.ISO-8859-1
	# Messages in English for both: cp has German ones installed.
	local -a env=(--env=LOCPATH="$LOCPATH" --env=LC_ALL= --env=LANG=C
	    --env=LC_MESSAGES=C --env=LC_CTYPE=de_DE.ISO-8859-1)
	diffcase "${env[@]}" files -- -v a $'caf\xe9' $'x\x85'
	diffcase "${env[@]}" files -- --sparse=$'it\'s caf\xe9\x85' a new
}

@test "LC_NUMERIC with a decimal comma: --stats keeps points, its JSON's reason stays English" {
	# Guards: zcp kept C's numbers before it followed the locale at all.
	need_locale de_DE.UTF-8
	command -v jq >/dev/null || skip "jq not installed"
	head -c 1500000 /dev/zero > src
	with_faults copy_file_range:EXDEV:1 env LOCPATH="$LOCPATH" \
	    LC_ALL=de_DE.UTF-8 "$ZCP" --stats=json src dst 2> stats.json
	jq -e '.seconds >= 0 and .user_seconds >= 0' stats.json
	run jq -r '.fallbacks[] | select(.method == "copy_file_range") | .reason' stats.json
	assert_output "Invalid cross-device link"
	run env LOCPATH="$LOCPATH" LC_ALL=de_DE.UTF-8 "$ZCP" --stats src dst2
	assert_success
	assert_line --index 0 --regexp \
	    '^zcp: stats: 1 of 1 file copied, 1\.4 MiB \(1500000 bytes\) in [0-9]+\.[0-9]{3} s, '
}

@test "-i: the answer is yes as the locale says it (j in German), as cp's yesno" {
	need_locale de_DE.UTF-8
	printf 'new\n' > a
	printf 'old\n' > b
	printf 'n\n' | LOCPATH=$LOCPATH LC_ALL=de_DE.UTF-8 "$ZCP" -i a b 2>/dev/null
	assert_equal "$(cat b)" old
	printf 'j\n' | LOCPATH=$LOCPATH LC_ALL=de_DE.UTF-8 "$ZCP" -i a b 2>/dev/null
	assert_equal "$(cat b)" new
	# What cp 9.1 does with the same answer.
	printf 'old\n' > c
	printf 'j\n' | LOCPATH=$LOCPATH LC_ALL=de_DE.UTF-8 cp -i a c 2>/dev/null
	assert_equal "$(cat c)" new
}
