# Shell completions, run for real: bash by driving the completion function
# as readline would, fish with `complete --do-complete`, and zsh typed into
# an interactive shell in tmux (zsh completes only inside its line editor).

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	TMUX_SESSION=zcp-comp-$$-$BATS_TEST_NUMBER
}
teardown() { tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true; }

# The long options --help lists, one per line.
long_options() { zcp --help | grep -oE -- '--[a-z][a-z-]*' | sort -u; }

need() { command -v "$1" >/dev/null || skip "$1 not installed"; }

# bash_complete WORD...: what zcp's bash completion offers for the last
# word, with COMP_WORDS split as bash splits the line ("=" on its own).
bash_complete() {
	[ -r /usr/share/bash-completion/bash_completion ] ||
		skip "bash-completion not installed"
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$SRCDIR/completions/zcp.bash"
		line=$1; shift
		COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1)) COMPREPLY=()
		_zcp zcp "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}

# fish_complete LINE: fish's candidates for LINE, without descriptions.
fish_complete() {
	need fish
	fish --no-config -c "source $SRCDIR/completions/zcp.fish
		complete --do-complete '$1'" | cut -f1
}

# zsh_complete LINE: the screen of an interactive zsh after typing LINE
# and Tab.  It waits until the screen shows more than the typed line (a
# hang guard of 10 s, not a timing assertion).
zsh_complete() {
	local i screen
	need zsh
	need tmux
	# The tmux server outlives this function: it must not hold bats' fd 3.
	tmux -f /dev/null new-session -d -s "$TMUX_SESSION" -x 200 -y 100 \
	    "env -i HOME=$BATS_TEST_TMPDIR TERM=xterm PATH=/usr/bin:/bin zsh -f" 3>&-
	tmux send-keys -t "$TMUX_SESSION" "fpath=($SRCDIR/completions \$fpath)
	    autoload -Uz compinit; compinit -u -D; PS1='%% '; clear" Enter
	for i in $(seq 50); do
		screen=$(tmux capture-pane -p -t "$TMUX_SESSION" | grep -v '^$')
		[ "$screen" = "%" ] && break
		sleep 0.2
	done
	tmux send-keys -t "$TMUX_SESSION" "$1" Tab
	for i in $(seq 50); do
		sleep 0.2
		screen=$(tmux capture-pane -p -t "$TMUX_SESSION" | grep -v '^$')
		[ "$screen" != "% $1" ] && break
	done
	tmux kill-session -t "$TMUX_SESSION"
	printf '%s\n' "$screen"
}

@test "bash: every long option is offered for --" {
	run bash_complete "zcp --" zcp --
	assert_success
	for o in $(long_options); do
		grep -qE -- "^$o=?$" <<<"$output" || fail "bash does not offer $o"
	done
}

@test "bash: the values of --method, --reflink, --sparse, --backup, --preserve, --stats" {
	run bash_complete "zcp --method=" zcp --method = ""
	assert_output "$(printf '%s\n' auto reflink copy_file_range sendfile splice readwrite)"
	run bash_complete "zcp --reflink=n" zcp --reflink = n
	assert_output never
	run bash_complete "zcp --sparse=" zcp --sparse = ""
	assert_output "$(printf '%s\n' auto always never)"
	run bash_complete "zcp --backup=nu" zcp --backup = nu
	assert_output numbered
	run bash_complete "zcp --preserve=mode,t" zcp --preserve = mode,t
	assert_output mode,timestamps
	run bash_complete "zcp --no-preserve=x" zcp --no-preserve = x
	assert_output xattr
	run bash_complete "zcp --stats=" zcp --stats = ""
	assert_output "$(printf '%s\n' human json)"
}

@test "bash: the values of --update" {
	run bash_complete "zcp --update=" zcp --update = ""
	assert_output "$(printf '%s\n' all none none-fail older)"
	run bash_complete "zcp --update=none" zcp --update = none
	assert_output "$(printf '%s\n' none none-fail)"
}

@test "bash: operands and -t complete file names" {
	mkdir dir1 dir2
	touch file1
	run bash_complete "zcp fi" zcp fi
	assert_output file1
	run bash_complete "zcp -t di" zcp -t di
	assert_output "$(printf '%s\n' dir1 dir2)"
}

@test "fish: every long option is offered for --" {
	run fish_complete "zcp --"
	assert_success
	for o in $(long_options); do
		grep -qE -- "^$o=?$" <<<"$output" || fail "fish does not offer $o"
	done
}

@test "fish: the values of --method, --reflink, --sparse, --backup, --preserve, --stats" {
	run fish_complete "zcp --method="
	assert_output "$(printf -- '--method=%s\n' auto copy_file_range readwrite reflink sendfile splice)"
	run fish_complete "zcp --reflink="
	assert_output "$(printf -- '--reflink=%s\n' always auto never)"
	run fish_complete "zcp --sparse=a"
	assert_output "$(printf -- '--sparse=%s\n' always auto)"
	run fish_complete "zcp --backup=nu"
	assert_output --backup=numbered
	run fish_complete "zcp --preserve=x"
	assert_output --preserve=xattr
	run fish_complete "zcp --stats="
	assert_output "$(printf -- '--stats=%s\n' human json)"
}

@test "fish: the values of --update" {
	run fish_complete "zcp --update="
	assert_output "$(printf -- '--update=%s\n' all none none-fail older)"
	run fish_complete "zcp --update=o"
	assert_output --update=older
}

@test "fish: operands complete file names" {
	touch somefile
	run fish_complete "zcp some"
	assert_output somefile
}

@test "zsh: --method= lists the methods" {
	run zsh_complete "zcp --method="
	for m in auto reflink copy_file_range sendfile splice readwrite; do
		assert_output --partial "$m"
	done
}

@test "zsh: every long option is offered for --" {
	run zsh_complete "zcp --"
	for o in $(long_options); do
		grep -qE -- "(^| )$o(=| |$)" <<<"$output" ||
			fail "zsh does not offer $o"
	done
}

@test "zsh: --preserve= completes a comma-separated list" {
	run zsh_complete "zcp --preserve=mode,t"
	assert_output --partial "zcp --preserve=mode,timestamps"
}

@test "zsh: --sparse=, --stats= and --backup= list their values" {
	run zsh_complete "zcp --sparse="
	for v in auto always never; do
		assert_output --partial "$v"
	done
	run zsh_complete "zcp --stats="
	assert_output --partial human
	assert_output --partial json
	run zsh_complete "zcp --backup=nu"
	assert_output --partial "zcp --backup=numbered"
}

@test "zsh: --update= lists its values" {
	run zsh_complete "zcp --update="
	for v in all none none-fail older; do
		assert_output --partial "$v"
	done
	run zsh_complete "zcp --update=o"
	assert_output --partial "zcp --update=older"
}

@test "zsh: operands complete file names" {
	touch uniquefile
	run zsh_complete "zcp uniq"
	assert_output --partial "zcp uniquefile"
}
