# Bad input: every option with a missing, empty, huge or malformed value,
# hostile environment variables, paths of PATH_MAX and beyond, names with
# newlines and invalid UTF-8, 10 000 operands, and every input the
# option fuzzer (fuzz/) keeps.  Each must end in a clear message and
# exit 1 -- cp's message where cp has the option -- and never in a
# crash, a sanitizer report or a signal.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	HUGE=$(head -c 100000 /dev/zero | tr '\0' x)
}

# sane: the last run ended by itself (no signal, no sanitizer), with 0 or 1.
sane() {
	[ "$status" -le 1 ] || fail "exit status $status for: $(show "$@")
$(cut -c1-300 <<<"$output")"
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation' <<<"$output"; then
		fail "sanitizer report for: $(show "$@")
$output"
	fi
}

# bad ARG...: zcp ARG... fails cleanly: status 1, first line "zcp: ".
bad() {
	run zcp "$@"
	sane "$@"
	[ "$status" -eq 1 ] || fail "status $status for: $(show "$@")"
	[[ ${lines[0]} == zcp:* ]] || fail "no zcp: message for: $(show "$@"): $(cut -c1-300 <<<"$output")"
	BAD=$((BAD + 1))
}

# fixture DIR: the files every differential case starts from.
fixture() {
	mkdir -p "$1"
	printf 'data\n' > "$1/a"
	printf 'old\n' > "$1/b"
	mkdir -p "$1/dir"
}

# like_cp ARG...: zcp and GNU cp, each on a fresh fixture, agree on the
# status, stdout and stderr (the program's name aside), and zcp is sane.
like_cp() {
	local out_cp out_zcp st_cp st_zcp
	rm -rf c z
	fixture c
	fixture z
	st_cp=0
	out_cp=$(cd c && cp "$@" 2>&1) || st_cp=$?
	st_zcp=0
	out_zcp=$(cd z && "$ZCP" "$@" 2>&1) || st_zcp=$?
	status=$st_zcp output=$out_zcp
	sane "$@"
	out_cp=$(sed -E "s/(^|\? )cp: /\1zcp: /; s/'cp --help'/'zcp --help'/" <<<"$out_cp")
	[ "$st_cp" = "$st_zcp" ] ||
		fail "status: cp $st_cp, zcp $st_zcp for: $(show "$@")
cp: $(cut -c1-300 <<<"$out_cp")
zcp: $(cut -c1-300 <<<"$out_zcp")"
	[ "$out_cp" = "$out_zcp" ] ||
		fail "output differs for: $(show "$@")
--- cp:
$(cut -c1-300 <<<"$out_cp" | head -20)
--- zcp:
$(cut -c1-300 <<<"$out_zcp" | head -20)"
	[ "$(cd c && ls -A | sort)" = "$(cd z && ls -A | sort)" ] ||
		fail "the files made differ for: $(show "$@")
$(diff <(cd c && ls -A | sort) <(cd z && ls -A | sort) | cut -c1-300 | head -20)"
	BAD=$((BAD + 1))
}

count() { echo "# $BAD bad inputs" >&3; }

# show ARG...: the arguments, quoted and cut short for a failure message.
show() { printf '%q ' "$@" | cut -c1-200; }

# 200 runs of cp and zcp: ASan+UBSan only, too slow for valgrind.
# bats test_tags=slow_under_valgrind
@test "cp's options with missing, empty, huge and malformed values: what cp says" {
	BAD=0
	local v
	for v in '' bogus "$HUGE" $'\xff\xfe' $'new\nline' '-' 'never,auto'; do
		like_cp --backup="$v" a b
		like_cp --sparse="$v" a x
		like_cp --reflink="$v" a x
		like_cp --preserve="$v" a x
		like_cp --no-preserve="$v" a x
		like_cp -S "$v" -b a b
		like_cp --suffix="$v" --backup=simple a b
		like_cp -t "$v" a
		like_cp --target-directory="$v" a
	done
	for v in 'mode,,links' ',' 'mode,' ',mode' 'mode,bogus' 'al' 'a' 'all,context' \
	    'mode,timestamps,ownership,links,xattr,all,mode'; do
		like_cp --preserve="$v" a x
		like_cp --no-preserve="$v" a x
	done
	for v in --backup --sparse --reflink --preserve --no-preserve -S --suffix -t \
	    --target-directory; do
		like_cp a b "$v"
	done
	like_cp --sparse=always --reflink=always a x
	like_cp -n -b a b
	like_cp -l -s a x
	like_cp -t dir -T a
	like_cp -t dir -t dir a
	like_cp --bogus a b
	like_cp -Q a b
	like_cp --preserve=context a x
	like_cp --
	like_cp -- -
	like_cp a
	like_cp a b c
	like_cp -T a b c
	like_cp a "$HUGE"
	like_cp "$HUGE" b
	count
}

@test "environment: VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX, bad or huge, as cp takes them" {
	BAD=0
	local v
	for v in bogus '' "$HUGE" $'\xff' 'nil,t' 'n'; do
		VERSION_CONTROL=$v like_cp -b a b
		SIMPLE_BACKUP_SUFFIX=$v like_cp -b a b
	done
	SIMPLE_BACKUP_SUFFIX=x/y like_cp -b a b
	SIMPLE_BACKUP_SUFFIX=/ like_cp -b a b
	VERSION_CONTROL=bogus like_cp --backup=simple a b
	count
}

# 200 runs of cp and zcp: ASan+UBSan only, too slow for valgrind.
# bats test_tags=slow_under_valgrind
@test "zcp's own options: --method and --pipe-size, missing, empty, huge, malformed" {
	BAD=0
	local v
	printf data > a
	for v in '' bogus "$HUGE" $'\xff\xfe' 'readwrite ' ' splice' 'READWRITE' 's' 'auto,splice'; do
		bad --method="$v" a b
		assert_line --index 1 'Valid arguments are:'
	done
	bad a b --method
	assert_output "zcp: option '--method' requires an argument
Try 'zcp --help' for more information."
	for v in '' 0 -1 -0 1Q bogus "$HUGE" 99999999999999999999 18446744073709551616 \
	    18446744073709551615 9223372036854775807k 4G 2147483648 1E 1Z ' ' 'k' \
	    $'1\n' '1k ' $'\xff' 010 0x10 1.5k 1kk +1 ' 1'; do
		bad --pipe-size="$v" a b
		assert_output --regexp "^zcp: invalid pipe size: .*"
		assert_file_not_exist b
	done
	bad --pipe-size=99999999999999999999 a b
	assert_output "zcp: invalid pipe size: '99999999999999999999': Value too large for defined data type"
	bad a b --pipe-size
	bad --method=reflink --reflink=never a b
	bad --reflink=always --method=readwrite a b
	# Good values still work after all that.
	for v in 1 4096 64k 1M 1m 1G; do
		run zcp --pipe-size="$v" a "out$v"
		assert_success
		cmp a "out$v"
	done
	count
}

@test "paths: a component over NAME_MAX, a path of PATH_MAX and beyond: cp's messages" {
	BAD=0
	local long256 deep
	long256=$(head -c 256 /dev/zero | tr '\0' n)
	like_cp "$long256" b
	like_cp a "$long256"
	like_cp a "dir/$long256"
	# 4096 bytes and more of existing directories.
	deep=$(printf 'd%.0s/' $(seq 2100))
	like_cp "$deep" x
	like_cp a "$deep"
	like_cp a "${deep}x"
	like_cp -r dir "$deep"
	count
}

@test "paths: a tree deeper than PATH_MAX is copied whole, with and without --atomic" {
	local i
	mkdir top
	(
		cd top
		for i in $(seq 300); do
			mkdir "dddddddddddddddd$i"
			cd "dddddddddddddddd$i"
		done
		printf 'deep\n' > leaf
	)
	for opt in "" --atomic; do
		rm -rf copy
		run zcp -r $opt top copy
		assert_success
		assert_num "$(find copy -type f | wc -l)" -eq 1
		assert_num "$(find copy -type d | wc -l)" -eq 301
	done
	# Paths that long do not open in one go: descend to the leaf.
	run bash -c 'cd copy && for i in $(seq 300); do cd "dddddddddddddddd$i" || exit; done && cat leaf'
	assert_output deep
	rm -rf top copy
}

@test "names with newlines, tabs, quotes and invalid UTF-8: copied, and quoted as cp quotes them" {
	BAD=0
	local n
	for n in $'new\nline' $'tab\there' $'\xff\xfe' $'caf\xc3\xa9' "it's" 'a"b' '$(x)' '-n' ' ' \
	    $'\x01\x7f' '\' '*?[' $'\n'; do
		mkdir -p src
		printf 'x' > "src/$n"
		rm -rf c z
		fixture c; fixture z
		cp -- "src/$n" c/
		cp -- "src/$n" z/
		# -v, a missing source, a copy onto a directory: each message.
		(set +e; cd c && cp -v "./$n" "./$n.copy" > ../cv 2>&1; cp "./$n.nope" x 2> ../ce; cp "./$n" dir/ 2>&1 >> ../cv)
		(set +e; cd z && "$ZCP" -v "./$n" "./$n.copy" > ../zv 2>&1; "$ZCP" "./$n.nope" x 2> ../ze; "$ZCP" "./$n" dir/ 2>&1 >> ../zv)
		sed -i -E "s/(^|\? )cp: /\1zcp: /; s/'cp --help'/'zcp --help'/" cv ce
		cmp -s cv zv || fail "-v differs for $(printf %q "$n"): $(cat cv) / $(cat zv)"
		cmp -s ce ze || fail "error differs for $(printf %q "$n"): $(cat ce) / $(cat ze)"
		cmp "src/$n" "z/$n.copy"
		cmp "src/$n" "z/dir/$n"
		BAD=$((BAD + 3))
	done
	count
}

@test "10 000 operands: copied into a directory; all missing: 10 000 messages, exit 1, like cp" {
	BAD=0
	mkdir src dst
	(cd src && seq -f 'f%05g' 10000 | xargs touch)
	run zcp src/* dst
	assert_success
	assert_num "$(ls dst | wc -l)" -eq 10000
	# --atomic and -v too.
	rm -rf dst; mkdir dst
	run zcp --atomic -v src/* dst
	assert_success
	assert_equal "${#lines[@]}" 10000
	assert_num "$(ls -A dst | wc -l)" -eq 10000
	# None there: every one named.
	local ops
	mapfile -t ops < <(seq -f 'missing%05g' 10000)
	like_cp "${ops[@]}" dir
	assert_num "$(wc -l <<<"$output")" -eq 10000
	like_cp "${ops[@]}" a
	like_cp -t dir "${ops[@]}"
	like_cp "${ops[@]}" "${ops[@]}" dir
	count
}

# The harness's option list for one-value inputs (fuzz/fuzz_options.c).
VALUED=(--pipe-size= --backup= --preserve= --no-preserve= --method= --sparse=
	--reflink= --suffix= -t VERSION_CONTROL SIMPLE_BACKUP_SUFFIX)

@test "fuzz: every input the option fuzzer keeps runs through zcp cleanly" {
	local f n=0 sel opt args env
	for f in "$SRCDIR"/fuzz/corpus/* "$SRCDIR"/fuzz/regress/*; do
		[ -f "$f" ] && [ "${f##*/}" != README ] || continue
		sel=$(od -An -tu1 -N1 "$f" | tr -d ' ')
		env=()
		if [ $((sel & 1)) -eq 0 ]; then
			# The arguments after "zcp", NUL-separated.
			mapfile -d '' -t args < <(tail -c +2 "$f")
		else
			opt=${VALUED[$(((sel >> 1) % ${#VALUED[@]}))]}
			val=$(tail -c +2 "$f" | tr -d '\0')
			if [[ $opt == -* ]]; then
				args=("$opt$val" a b)
			else
				env=("$opt=$val")
				args=(-b a b)
			fi
		fi
		rm -rf w && mkdir w && printf 'data\n' > w/a
		run env "${env[@]}" bash -c 'cd w && exec "$ZCP" "$@" < /dev/null' zcp "${args[@]}"
		sane "$f"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || skip "no fuzz inputs in $SRCDIR/fuzz"
	echo "# $n fuzz inputs replayed" >&3
}
