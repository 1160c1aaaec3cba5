# The command line: operands, option values, --help/--version, and the
# four places every option lives (--help, man page, three completions).

setup() { load common; cd "$BATS_TEST_TMPDIR"; }

@test "--help prints usage on stdout and exits 0" {
	run zcp --help
	assert_success
	assert_line --index 0 'Usage: zcp [OPTION]... [-T] SOURCE DEST'
	assert_line --index 1 '  or:  zcp [OPTION]... SOURCE... DIRECTORY'
	assert_line --index 2 '  or:  zcp [OPTION]... -t DIRECTORY SOURCE...'
	assert_output --partial '--method=METHOD'
}

@test "--version prints the package version" {
	run zcp --version
	assert_success
	assert_line --index 0 --regexp '^zcp [0-9]+\.[0-9]+'
}

@test "no operand: cp's message and exit 1" {
	run zcp
	assert_failure 1
	assert_line --index 0 'zcp: missing file operand'
	assert_line --index 1 "Try 'zcp --help' for more information."
}

@test "one operand: missing destination" {
	run zcp a
	assert_failure 1
	assert_line --index 0 "zcp: missing destination file operand after 'a'"
}

@test "unknown option: getopt's message under the name zcp" {
	run zcp --bogus a b
	assert_failure 1
	assert_line --index 0 "zcp: unrecognized option '--bogus'"
	assert_line --index 1 "Try 'zcp --help' for more information."
	run zcp -Q a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid option -- 'Q'"
}

@test "--method: an unknown value lists the valid ones" {
	run zcp --method=bogus a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid argument 'bogus' for '--method'"
	assert_line --index 1 'Valid arguments are:'
	for m in auto reflink copy_file_range sendfile splice readwrite; do
		assert_line "  - '$m'"
	done
	run zcp --method= a b
	assert_failure 1
	assert_line --index 0 "zcp: ambiguous argument '' for '--method'"
	run zcp --method
	assert_failure 1
	assert_line --index 0 "zcp: option '--method' requires an argument"
}

@test "--method: an unambiguous prefix is taken, an ambiguous one refused" {
	mkdata a 1000
	run zcp --trace --method=read a b
	assert_success
	assert_line --partial 'methods: readwrite'
	cmp a b
	run zcp --method=s a c
	assert_failure 1
	assert_line --index 0 "zcp: ambiguous argument 's' for '--method'"
	assert_file_not_exist c
}

@test "--reflink: values, a bare --reflink means always" {
	mkdata a 1000
	run zcp --reflink=bogus a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid argument 'bogus' for '--reflink'"
	assert_line "  - 'always'"
	run zcp --trace --reflink=never a b
	assert_success
	assert_line 'zcp: trace: reflink: skipped: --reflink=never'
	cmp a b
	run zcp --trace --reflink a c
	assert_line --partial 'methods: reflink'
	refute_line --partial 'methods: reflink,'
}

@test "--reflink and --method that contradict are refused" {
	run zcp --reflink=never --method=reflink a b
	assert_failure 1
	assert_line --index 0 'zcp: --method=reflink and --reflink=never contradict each other'
	run zcp --reflink=always --method=splice a b
	assert_failure 1
	assert_line --index 0 'zcp: --reflink=always and --method=splice contradict each other'
}

@test "--method and --sparse that contradict are refused before any file is touched" {
	local m sp
	mkdata a 1000
	mkdata b 2000
	cp b orig
	for m in reflink copy_file_range sendfile splice; do
		for sp in never always; do
			case $m:$sp in
			sendfile:never|splice:never) continue ;;
			esac
			run zcp --method=$m --sparse=$sp a b
			assert_failure 1
			assert_line --index 0 "zcp: --method=$m and --sparse=$sp contradict each other"
			assert_line --index 1 "Try 'zcp --help' for more information."
			cmp b orig
		done
	done
	for m in sendfile:never splice:never readwrite:never readwrite:always; do
		run zcp --method=${m%:*} --sparse=${m#*:} a "c.${m%:*}.${m#*:}"
		assert_success
		cmp a "c.${m%:*}.${m#*:}"
	done
}

@test "--pipe-size: parsed with expand_number, used for stdin/stdout pipes" {
	mkdata a 100000
	run bash -c 'cat a | "$ZCP" --trace --pipe-size=256k - out'
	assert_success
	assert_line "zcp: trace: source '-': pipe capacity 65536 bytes, grown to 262144"
	cmp a out
}

@test "--pipe-size: the intermediate pipe is grown to SIZE" {
	command -v strace >/dev/null || skip "strace not installed"
	mkdata a 100000
	run strace -qq -e trace=fcntl -o trace.txt "$ZCP" --method=splice --pipe-size=128k a b
	assert_success
	cmp a b
	run grep -c 'F_SETPIPE_SZ, 131072' trace.txt
	assert_output 1
}

@test "--pipe-size: bad values are refused before anything is copied" {
	mkdata a 100
	for bad in '' 0 bogus 1Q -5; do
		run zcp --pipe-size="$bad" a b
		assert_failure 1
		assert_line --index 0 "zcp: invalid pipe size: '$bad'"
	done
	run zcp --pipe-size=99999999999999999999 a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid pipe size: '99999999999999999999': Value too large for defined data type"
	run zcp --pipe-size=4G a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid pipe size: '4G': Value too large for defined data type"
	assert_file_not_exist b
}

@test "a file named - is written as ./-" {
	mkdata a 100
	run zcp a ./-
	assert_success
	cmp a ./-
	run bash -c '"$ZCP" ./- - | cmp - a'
	assert_success
}

@test "every long option is in --help, the man page and all three completions, and back" {
	local opts o f
	opts=$(zcp --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ] || fail "no long option in zcp --help"
	# mdoc writes --pipe-size as "Fl \-pipe\-size".
	sed 's/\\-/-/g' "$SRCDIR/man/zcp.1" > man.txt
	for o in $opts; do
		grep -qE -- "Fl -${o#--}( |$)" man.txt ||
			fail "$o missing from man/zcp.1"
		for f in zcp.bash _zcp; do
			grep -qE -- "$o([^a-z-]|$)" "$SRCDIR/completions/$f" ||
				fail "$o missing from completions/$f"
		done
		grep -qE -- "-l ${o#--}( |$)" "$SRCDIR/completions/zcp.fish" ||
			fail "$o missing from completions/zcp.fish"
	done
	# ... and nothing documented or completed that --help does not know.
	for o in $(grep -oE -- "-l [a-z][a-z-]*" "$SRCDIR/completions/zcp.fish" | cut -c4-) \
	    $(grep -oE -- '--[a-z][a-z-]*' "$SRCDIR/completions/zcp.bash" "$SRCDIR/completions/_zcp" | cut -d: -f2 | cut -c3-) \
	    $(grep -oE -- 'Fl -[a-z][a-z-]*' man.txt | cut -c5-); do
		grep -qx -- "--$o" <<<"$opts" || fail "--$o is documented or completed but not in --help"
	done
}

@test "every short option is in --help, the man page and all three completions" {
	local shorts o
	# "  -a, --archive" and "  -R, -r, --recursive": the letters before
	# the first long option or the description.
	shorts=$(zcp --help | grep -E '^  -[a-zA-Z]' |
		sed -E 's/^  //; s/(--|  ).*//' | grep -oE -- '-[a-zA-Z]' | sort -u)
	assert_num "$(wc -w <<<"$shorts")" -ge 20
	sed 's/\\-/-/g' "$SRCDIR/man/zcp.1" > man.txt
	for o in $shorts; do
		grep -qE -- "Fl ${o#-}( |$)|Fl [a-zA-Z]*${o#-}[a-zA-Z]*( |$)" man.txt ||
			fail "$o missing from man/zcp.1"
		grep -qE -- "(^|[ '(])$o( |$|')" "$SRCDIR/completions/zcp.bash" ||
			fail "$o missing from completions/zcp.bash"
		grep -qE -- "$o[][,+}' ]" "$SRCDIR/completions/_zcp" ||
			fail "$o missing from completions/_zcp"
		grep -qE -- "-s ${o#-}( |$)" "$SRCDIR/completions/zcp.fish" ||
			fail "$o missing from completions/zcp.fish"
	done
}

@test "mandoc -Tlint reports nothing on the man page" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	# All levels, style included.  "outdated mandoc.db lacks cp(1)" is
	# about this machine's makewhatis database, not about the page.
	run sh -c 'mandoc -Tlint "$1" 2>&1 | grep -v "outdated mandoc.db" || :' sh \
	    "$SRCDIR/man/zcp.1"
	assert_success
	assert_output ''
}

@test "bash completion completes options and their values" {
	[ -r /usr/share/bash-completion/bash_completion ] ||
		skip "bash-completion not installed"
	# COMP_WORDS as bash splits the line: "=" is a word of its own.
	run bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$SRCDIR/completions/zcp.bash"
		comp() { COMP_LINE=$1; shift; COMP_WORDS=("$@")
			COMP_CWORD=$(($# - 1)); COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _zcp zcp "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			printf "%s\n" "${COMPREPLY[@]}"; }
		echo "[method]"; comp "zcp --method=s" zcp --method = s
		echo "[reflink]"; comp "zcp --reflink=a" zcp --reflink = a
		echo "[stats]"; comp "zcp --stats=" zcp --stats = ""
		echo "[stats-opts]"; comp "zcp --stat" zcp --stat'
	assert_success
	assert_output "[method]
sendfile
splice
[reflink]
auto
always
[stats]
human
json
[stats-opts]
--stats
--stats=
--stats-file="
}
