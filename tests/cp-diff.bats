# Differential tests: each case runs one command line with GNU cp and with
# zcp on two copies of one fixture and compares exit status, stdout,
# stderr (after the program name) and the resulting trees (type, mode,
# size, content hash, link target, link count, hard-link grouping, owner,
# mtime, xattrs; sparseness for --sparse).  See tests/cp-diff.bash.
# The --keep-directory-symlink cases at the end are not differential:
# GNU cp 9.1 has no such option.

setup() {
	load common
	load cp-diff
	cd "$BATS_TEST_TMPDIR"
}

teardown() { diff_teardown; }

# ---- fixtures used by a few cases ---------------------------------------

# numbered: files plus existing.~1~ and a.~3~, for numbered backups.
fx_numbered() {
	fx_files
	printf 'backup 1\n' > existing.~1~
	printf 'backup 3\n' > a.~3~
}

# nest: src/ holds only an empty sub/, and empty: an empty src/.  In
# "cp -r src src/sub" and "cp -r src src" the copy meets its own
# destination inside the tree; cp reads a directory in inode order and,
# new directories' inodes being spread by the allocator, whatever else a
# directory held would be copied or not before the refusal by chance.
fx_nest() { mkdir -p src/sub; }
fx_empty() { mkdir src; }

# one_conflict: src/ copied onto dst/ where exactly one file exists.
fx_one_conflict() {
	mkdir -p src/sub dst/src/sub
	printf 'a\n' > src/a
	printf 'c\n' > src/sub/c
	printf 'old c, longer\n' > dst/src/sub/c
}

# kds: dst/sub is a symlink to real/, where src/ has a directory sub/.
fx_kds() {
	mkdir -p src/sub/deeper real
	printf 'new\n' > src/sub/new
	printf 'deeper\n' > src/sub/deeper/f
	printf 'top\n' > src/top
	printf 'old\n' > real/old
	mkdir dst
	ln -s ../real dst/sub
}

# ---- operands: SOURCE DEST, SOURCE... DIRECTORY, -t, -T -----------------

@test "SOURCE DEST: a file to a new name" {
	diffcase files -- a new
}

@test "SOURCE DEST: onto an existing file, which keeps its mode" {
	diffcase files -- big existing
}

@test "SOURCE... DIRECTORY: four files into a directory" {
	diffcase files -- a b empty big d
}

@test "SOURCE... DIRECTORY/: the directory named with a trailing slash" {
	diffcase files -- a b d/
}

@test "SOURCE... DIRECTORY: the directory through a symlink" {
	diffcase files -- a b link-d
}

@test "-t DIRECTORY: sources after the target" {
	diffcase files -- -t d a b
}

@test "--target-directory=DIRECTORY" {
	diffcase files -- --target-directory=d a big
}

@test "-T: a file onto an existing file" {
	diffcase files -- -T a existing
}

@test "-T: refuses to put a file over a directory" {
	diffcase files -- -T a d
}

@test "-T: three operands is an extra operand" {
	diffcase files -- -T a b d
}

@test "-rT: a directory's contents into an existing directory" {
	diffcase update -- -rT src dst
}

@test "refusal: target '...' is not a directory" {
	diffcase files -- a b existing
}

@test "refusal: target directory does not exist" {
	diffcase files -- a b nodir
}

@test "refusal: -t names a file" {
	diffcase files -- -t existing a
}

@test "refusal: -t names a missing directory" {
	diffcase files -- -t nodir a
}

@test "refusal: no operand" {
	diffcase files --
}

@test "refusal: missing destination operand" {
	diffcase files -- a
}

@test "refusal: -t with -T" {
	diffcase files -- -t d -T a
}

@test "refusal: an unknown option" {
	diffcase files -- --bogus a b
}

@test "refusal: 'a' and 'a' are the same file" {
	diffcase files -- a ./a
}

@test "refusal: two hard links are the same file" {
	diffcase files -- h1 h2
}

@test "refusal: a file onto a symlink to itself is the same file" {
	diffcase files -- a link-a
}

@test "refusal: not writing through dangling symlink" {
	diffcase files -- a dangling
}

@test "refusal: a missing source cannot be stat'ed" {
	diffcase files -- missing new
}

@test "refusal: a trailing slash on a missing destination" {
	diffcase files -- a newdir/
}

@test "refusal: a file named with a trailing slash is not a directory" {
	diffcase files -- a/ new
}

@test "several sources, one missing: the rest are copied, exit 1" {
	diffcase files -- a missing b d
}

@test "several sources, one a directory without -r: omitted, exit 1" {
	diffcase files -- a dir b d
}

@test "writing through a symlink destination changes its target" {
	diffcase files -- b link-a
}

# ---- recursion ------------------------------------------------------------

@test "-r: a whole tree (sizes, sparse, links, FIFO, modes, odd names)" {
	diffcase tree -- -r src copy
}

# UBSan (the sanitizer build) saw a NULL list given to qsort here.
@test "-r: an empty directory" {
	diffcase empty -- -r src copy
}

@test "-R: a whole tree into an existing directory" {
	diffcase tree -- -R src d
}

@test "--recursive: with the source named src/" {
	diffcase tree -- --recursive src/ copy
}

@test "-r: src/. into an existing directory merges the contents" {
	diffcase update -- -r src/. dst
}

@test "-r with umask 077: new files' modes are masked alike" {
	diffcase --umask=077 tree -- -r src copy
}

@test "-r: a symlink operand is copied as a symlink" {
	diffcase tree -- -r src/link-dir src/dangling d
}

@test "-r: several sources, one missing" {
	diffcase tree -- -r src missing f d
}

@test "directory without -r: omitting directory" {
	diffcase tree -- src d
}

@test "refusal: copying a directory into itself" {
	diffcase nest -- -r src src/sub
}

@test "refusal: copying a directory onto itself" {
	diffcase empty -- -r src src
}

@test "refusal: a directory onto a non-directory" {
	diffcase tree -- -r src f
}

@test "-t DIRECTORY -r: a directory and a file" {
	diffcase tree -- -t d -r src f
}

@test "--strip-trailing-slashes: a directory named src//" {
	diffcase tree -- -r --strip-trailing-slashes src// copy
}

@test "--strip-trailing-slashes: a file named a/" {
	diffcase files -- --strip-trailing-slashes a/ new
}

# ---- -a, -p, --preserve, --no-preserve ----------------------------------

@test "-a: a whole tree with owners, times, links, xattrs" {
	diffcase tree -- -a src copy
}

@test "--archive: into an existing directory" {
	diffcase tree -- --archive src d
}

@test "-a with umask 077: modes still preserved" {
	diffcase --umask=077 tree -- -a src copy
}

@test "-rp: modes, owners and times, but not hard links" {
	diffcase tree -- -rp src copy
}

@test "-p: single files keep mode, setuid, owner and mtime" {
	diffcase tree -- -p src/small src/mode600 src/suid src/link-file d
}

@test "--preserve (bare): mode,ownership,timestamps" {
	diffcase tree -- -r --preserve src copy
}

@test "--preserve=mode" {
	diffcase tree -- -r --preserve=mode src copy
}

@test "--preserve=ownership" {
	need_root_for "give files other owners"
	diffcase tree -- -r --preserve=ownership src copy
}

@test "--preserve=timestamps" {
	diffcase tree -- -r --preserve=timestamps src copy
}

@test "--preserve=links: hard links inside the tree stay linked" {
	diffcase tree -- -r --preserve=links src copy
}

@test "--preserve=xattr: user.test is copied" {
	need_xattr
	diffcase tree -- -r --preserve=xattr src copy
}

@test "-p without xattr: user.test is not copied" {
	need_xattr
	diffcase tree -- -p src/xattr x
}

@test "--preserve=all" {
	diffcase tree -- -r --preserve=all src copy
}

@test "--preserve=mode,timestamps: a list" {
	diffcase tree -- -r --preserve=mode,timestamps src copy
}

@test "-a --no-preserve=mode" {
	diffcase tree -- -a --no-preserve=mode src copy
}

@test "-a --no-preserve=timestamps,ownership" {
	diffcase tree -- -a --no-preserve=timestamps,ownership src copy
}

@test "-a --no-preserve=all: like -R -d" {
	diffcase tree -- -a --no-preserve=all src copy
}

@test "--preserve=bogus: invalid argument and the valid list" {
	diffcase files -- --preserve=bogus a new
}

@test "-a: hard links across command-line arguments stay linked" {
	diffcase files -- -a h1 h2 a d
}

@test "--preserve=links: hard links across arguments stay linked" {
	diffcase files -- --preserve=links h1 h2 d
}

@test "-r without --preserve=links: hard-linked arguments are two files" {
	diffcase files -- -r h1 h2 d
}

# ---- symbolic links: -d, -P, -L, -H ---------------------------------------

@test "default: a symlink source is followed" {
	diffcase files -- link-a new
}

@test "default: a dangling symlink source cannot be stat'ed" {
	diffcase files -- dangling new
}

@test "-P: symlinks copied as symlinks, dangling too" {
	diffcase files -- -P link-a dangling d
}

@test "--no-dereference: a symlink to a directory without -r" {
	diffcase files -- --no-dereference link-d new
}

@test "-d: symlinks as symlinks, hard links kept" {
	diffcase files -- -d link-a h1 h2 d
}

@test "-rd: a tree with -d" {
	diffcase tree -- -rd src copy
}

@test "-L: a symlink source is followed" {
	diffcase files -- -L link-a new
}

@test "-rL: every symlink followed, the dangling one fails" {
	diffcase tree -- -rL src copy
}

@test "--dereference -r: every symlink followed, no failure" {
	diffcase tree_nodangling -- --dereference -r src copy
}

@test "-rH: command-line symlinks followed, inner ones not" {
	diffcase tree -- -rH src/link-dir src copy
}

@test "-H without -r: a command-line symlink is followed" {
	diffcase files -- -H link-a new
}

# ---- overwriting: -f, -i, -n, -u, --remove-destination ------------------

@test "-i: answered y, the file is overwritten" {
	diffcase --stdin='y\n' files -- -i a existing
}

@test "--interactive: answered n, the file is kept" {
	diffcase --stdin='n\n' files -- --interactive a existing
}

@test "-i: three files answered y, n, y" {
	diffcase --stdin='y\nn\ny\n' update -- -i src/older src/newer src/same dst
}

@test "-ri: one prompt inside a tree, answered y" {
	diffcase --stdin='y\n' one_conflict -- -ri src dst
}

@test "-i: no answer at all (end of input) keeps the file" {
	diffcase files -- -i a existing
}

@test "-n: an existing file is not overwritten" {
	diffcase files -- -n a existing
}

@test "--no-clobber -r: only missing files are added" {
	diffcase update -- --no-clobber -r src/. dst
}

@test "-rn: only missing files are added" {
	diffcase update -- -rn src/. dst
}

@test "-i -n: the later option wins" {
	diffcase --stdin='y\n' files -- -i -n a existing
}

@test "-n -i: the later option wins" {
	diffcase --stdin='y\n' files -- -n -i a existing
}

@test "-u: copies onto an older destination" {
	diffcase update -- -u src/older dst/older
}

@test "--update: several files, only older or missing ones copied" {
	diffcase update -- --update src/older src/newer src/same src/only-src dst
}

@test "-ru: a tree onto an older/newer tree" {
	diffcase update -- -ru src/. dst
}

@test "-ruv: the verbose lines name only what was copied" {
	diffcase --sort-output update -- -ruv src/. dst
}

@test "-f: --force is accepted where it changes nothing" {
	diffcase files -- --force a existing
}

@test "--remove-destination: replaces a symlink instead of writing through" {
	diffcase files -- --remove-destination b link-a
}

@test "--remove-destination: replaces a dangling symlink" {
	diffcase files -- --remove-destination a dangling
}

@test "--remove-destination -v: says removed" {
	diffcase files -- --remove-destination -v a existing
}

# ---- backups: -b, --backup[=CONTROL], -S/--suffix -------------------------

@test "-b: a simple backup existing~" {
	diffcase files -- -b a existing
}

@test "--backup (bare): existing-style with no numbered backups" {
	diffcase files -- --backup a existing
}

@test "--backup=numbered: the next number after existing.~1~" {
	diffcase numbered -- --backup=numbered a existing
}

@test "--backup=existing: numbered where numbered ones exist, else simple" {
	diffcase numbered -- --backup=existing a existing b big
}

@test "--backup=simple -S .bak" {
	diffcase files -- --backup=simple -S .bak a existing
}

@test "-b --suffix=.orig" {
	diffcase files -- -b --suffix=.orig a existing
}

@test "--backup=t: numbered under its other name" {
	diffcase numbered -- --backup=t a existing
}

@test "--backup=nil: existing under its other name" {
	diffcase numbered -- --backup=nil a existing b
}

@test "--backup=none: no backup even with -S" {
	diffcase files -- --backup=none -S .bak a existing
}

@test "--backup=bogus: invalid argument and the valid list" {
	diffcase files -- --backup=bogus a existing
}

@test "--backup=n: ambiguous argument" {
	diffcase files -- --backup=n a existing
}

@test "-b in a tree: only overwritten files get backups" {
	diffcase update -- -rb src/. dst
}

@test "-b with VERSION_CONTROL=numbered" {
	diffcase --env=VERSION_CONTROL=numbered numbered -- -b a existing
}

@test "-b with SIMPLE_BACKUP_SUFFIX=.sv" {
	diffcase --env=SIMPLE_BACKUP_SUFFIX=.sv files -- -b a existing
}

@test "-bv: the verbose line names the backup" {
	diffcase files -- -bv a existing
}

@test "--backup -f: a file onto itself makes a backup" {
	diffcase files -- --backup -f a a
}

# ---- links: -l, -s ---------------------------------------------------------

@test "-l: hard links into a directory" {
	diffcase files -- -l a b link-a d
}

@test "--link -r: a tree of hard links" {
	diffcase tree -- --link -r src copy
}

@test "-al: the hard-link farm" {
	diffcase tree -- -al src copy
}

@test "-l onto an existing file: File exists" {
	diffcase files -- -l a existing
}

@test "-lf: a hard link replaces an existing file" {
	diffcase files -- -lf a existing
}

@test "-s: a relative symlink in the current directory" {
	diffcase files -- -s a sym
}

@test "--symbolic-link: relative into a subdirectory is refused" {
	diffcase files -- --symbolic-link a d/
}

@test "-s: absolute sources into a subdirectory" {
	diffcase files -- -s {D}/a {D}/b d
}

@test "-rs: a tree of absolute symlinks" {
	diffcase tree -- -rs {D}/src copy
}

@test "-s onto an existing file: File exists" {
	diffcase files -- -s a existing
}

@test "-sf: a symlink replaces an existing file" {
	diffcase files -- -sf a existing
}

# ---- --parents, --attributes-only ----------------------------------------

@test "--parents: the source's directories are made under the target" {
	diffcase tree -- --parents src/sub/deep/g src/small d
}

@test "--parents -a: the made directories get the sources' attributes" {
	diffcase tree -- --parents -a src/sub/deep/g src/setgid/in d
}

@test "--parents -v: the made directories are reported" {
	diffcase tree -- --parents -v src/sub/deep/g d
}

@test "--parents -r: a directory under its path" {
	diffcase tree -- --parents -r src/sub d
}

@test "--parents: the destination must be a directory" {
	diffcase tree -- --parents src/small f
}

@test "--attributes-only -p: onto an existing file, content untouched" {
	diffcase files -- --attributes-only -p b existing
}

@test "--attributes-only -r: a tree of empty files" {
	diffcase tree -- --attributes-only -r src copy
}

# ---- --sparse ----------------------------------------------------------------

@test "sparse default (auto): holes stay holes" {
	diffcase --sparse sparse -- sparse zeros dense mixed d
}

@test "--sparse=auto" {
	diffcase sparse -- --sparse=auto sparse zeros mixed d
}

@test "--sparse=always: written zeros become holes" {
	diffcase sparse -- --sparse=always sparse zeros dense mixed d
}

@test "--sparse=never: holes are filled" {
	diffcase sparse -- --sparse=never sparse zeros d
}

@test "--sparse=always -r: a tree" {
	diffcase tree -- -r --sparse=always src copy
}

@test "--sparse=bogus: invalid argument" {
	diffcase sparse -- --sparse=bogus sparse d
}

# ---- -x, --one-file-system ------------------------------------------------

@test "-rx: a mount point is made but not entered" {
	need_tmpfs
	diffcase mnt -- -rx src copy
}

@test "--one-file-system -a" {
	need_tmpfs
	diffcase mnt -- --one-file-system -a src copy
}

@test "-r without -x: the mounted file system is copied" {
	need_tmpfs
	diffcase mnt -- -r src copy
}

# ---- -Z, --context: SELinux, on a kernel without it -----------------------
# cp decides by is_selinux_enabled(); zcp always behaves as cp without.

need_no_selinux() {
	[ ! -e /sys/fs/selinux/enforce ] ||
		skip "SELinux is enabled here: cp would set contexts"
}

@test "-Z, --context: accepted, and nothing done" {
	need_no_selinux
	diffcase files -- -Z a new
	diffcase files -- --context a new
	diffcase files -- -Zv -a a b d
}

@test "--context=CTX: a warning for each, and the copy made" {
	need_no_selinux
	diffcase files -- --context=x a new
	diffcase files -- -a --context=x --context= a b d
}

@test "-Z with --preserve=context: the context cannot be preserved" {
	need_no_selinux
	diffcase files -- -Z --preserve=context a new
	diffcase files -- --context=x --preserve=context a new
	diffcase files -- -Z --no-preserve=context a new
}

@test "--context=CTX warns before a later bad option fails" {
	need_no_selinux
	diffcase files -- --context=x --sparse=bogus a new
	diffcase files -- --context=x --bogus a new
	# An ambiguous prefix, as getopt words it: --no- is one of four
	# options in both (--co would be zcp's --cold too).
	diffcase files -- --no- a new
}

# ---- -v ----------------------------------------------------------------------

@test "-v: one file" {
	diffcase files -- -v a new
}

@test "--verbose: several files into a directory" {
	diffcase files -- --verbose a b empty d
}

@test "-v: odd names are quoted as cp quotes them" {
	diffcase tree -- -v 'src/with space' $'src/new\nline' "src/it's" \
	    'src/dq"q' $'src/bad\xff' d
}

@test "-rv: one line per file of a tree" {
	diffcase --sort-output tree -- -rv src copy
}

@test "-av: one line per file of a tree" {
	diffcase --sort-output tree -- -av src d
}

# ---- special files, --copy-contents -------------------------------------

@test "-r: a character device and a FIFO are recreated" {
	need_root_for "mknod a device"
	diffcase special -- -r src copy
}

@test "-a: a character device keeps its mode and number" {
	need_root_for "mknod a device"
	diffcase special -- -a src copy
}

@test "--copy-contents -r: a device's contents are read" {
	need_root_for "mknod a device"
	diffcase special_nofifo -- --copy-contents -r src copy
}

@test "without -r: a device is read like a file" {
	need_root_for "mknod a device"
	diffcase special_nofifo -- src/null new
}

# ---- permission failures, as uid 65534 -----------------------------------

@test "as nobody: -r with an unreadable file reports it and copies the rest" {
	diffcase --user --sort-output perm -- -r src out/copy
}

@test "as nobody: several sources, one unreadable" {
	diffcase --user perm -- src/a src/secret src/b out
}

@test "as nobody: an unwritable destination directory" {
	diffcase --user perm -- src/a src/b rodir
}

@test "as nobody: an unwritable destination file fails without -f" {
	diffcase --user perm -- src/a out/prot
}

@test "as nobody: -f removes an unwritable destination file and retries" {
	diffcase --user perm -- -f src/a out/prot
}

@test "as nobody: --remove-destination on an unwritable file" {
	diffcase --user perm -- --remove-destination src/b out/prot
}

@test "as nobody: -p cannot give away ownership, silently" {
	diffcase --user perm -- -p src/a src/mine out
}

@test "as nobody: --preserve=ownership fails to preserve ownership" {
	diffcase --user perm -- --preserve=ownership src/a out
}

@test "as nobody: -rp copies into a read-only directory, then restores it" {
	diffcase --user perm -- -rp src/ro out
}

@test "as nobody: -a on a tree with unreadable parts" {
	diffcase --user --sort-output perm -- -a src out/copy
}

@test "as nobody: umask 077 -r" {
	diffcase --user --umask=077 perm -- -r src/ro src/a out
}

# ---- an existing destination: backups, links, the same file ------------

# bak: f and its simple backup f~ (restoring the backup must not destroy
# it), f.orig for -S .orig, and a numbered backup only where asked.
fx_bak() {
	printf 'current\n' > f
	printf 'backup\n' > 'f~'
	printf 'orig\n' > f.orig
}
fx_bak_numbered() { fx_bak; printf 'one\n' > 'f.~1~'; }

@test "backup: -b f~ f would destroy its source: refused, nothing changed" {
	diffcase bak -- -b 'f~' f
}

@test "backup: --backup=existing f~ f is refused too" {
	diffcase bak -- --backup=existing 'f~' f
}

@test "backup: -S .orig f.orig f is refused" {
	diffcase bak -- -S .orig f.orig f
}

@test "backup: --backup=existing f~ f is refused even where numbered backups exist" {
	diffcase bak_numbered -- --backup=existing 'f~' f
}

@test "backup: --backup=numbered f~ f backs up to f.~2~ and copies" {
	diffcase bak_numbered -- -v --backup=numbered 'f~' f
}

@test "backup: -bv f~ into a directory is not its backup: copied" {
	diffcase bak -- -bv 'f~' f.orig
}

# badnum: b with backups whose numbers cp does not count, and one at the
# top of what 64 bits hold.
fx_badnum() {
	printf 'a\n' > a
	printf 'b\n' > b
	for n in -5 ' 7' +7 01 0; do printf 'x\n' > "b.~$n~"; done
	printf 'c\n' > c
	printf 'x\n' > 'c.~18446744073709551615~'
	printf 'x\n' > 'c.~99~'
	printf 'd\n' > d
	printf 'x\n' > 'd.~199~'
	printf 'x\n' > 'd.~99~'
}

@test "backup: numbers with a sign, a space or a leading zero are not counted" {
	diffcase badnum -- -v --backup=existing a b
}

@test "backup: a number past 64 bits is counted on, not wrapped" {
	diffcase badnum -- -v --backup=numbered a c
}

@test "backup: 199 is followed by 200" {
	diffcase badnum -- -v --backup=existing a d
}

# snap: a hard-link snapshot (cp -al snap0 snap1) and new data in src/.
fx_snap() {
	mkdir src snap0
	printf 'new\n' > src/g
	printf 'old\n' > snap0/g
	printf 'kept\n' > snap0/k
	cp -al snap0 snap1
}

@test "links: -a onto a snapshot unlinks each file with other links first" {
	diffcase snap -- -av src/. snap0/
}

@test "links: -dv onto a file with another link removes it first" {
	diffcase snap -- -dv src/g snap0/g
}

@test "links: --preserve=links --attributes-only writes the attributes through" {
	diffcase snap -- -v --preserve=links --attributes-only src/g snap0/g
}

@test "links: -L --preserve=links links a symlink and its target in the copy" {
	diffcase files -- -L --preserve=links a link-a d
}

@test "links: -H --preserve=links links command-line names of one file" {
	diffcase files -- -H --preserve=links a link-a d
}

# farm: a hard-link copy of src/ already made, for cp -al again.
fx_farm() { fx_tree; rm src/fifo; cp -al src farm; }

@test "links: -al onto the same hard links again does nothing" {
	diffcase farm -- -al src/. farm
}

@test "links: -l f f does nothing" {
	diffcase files -- -l h1 h1
}

@test "links: -lP of a symlink onto itself does nothing" {
	diffcase files -- -lP link-a link-a
}

@test "links: -l onto another link of the same file does nothing" {
	diffcase files -- -lv h1 h2
}

@test "links: -a copies a later link over an existing name, removing it" {
	diffcase farm -- -av src/hard1 src/sub/hard2 d
}

@test "same file: f f with --remove-destination is refused" {
	diffcase files -- --remove-destination a a
}

@test "same file: f f with -b is refused" {
	diffcase files -- -b a a
}

@test "same file: f f with -u is refused" {
	diffcase files -- -u a a
}

@test "same file: -fb f ./f is refused (only the very same name is special)" {
	diffcase files -- -fb a ./a
}

@test "same file: -ba onto another hard link backs it up and copies" {
	diffcase files -- -ba h1 h2
}

@test "same file: -fb onto another hard link backs it up and copies" {
	diffcase files -- -fbv h1 h2
}

@test "same file: -bd of a symlink onto its target backs the target up" {
	diffcase files -- -bdv link-a a
}

@test "same file: -d onto another hard link of the same symlink does nothing" {
	fx_lnlink() { fx_files; ln link-a link-a2; }
	diffcase lnlink -- -dv link-a link-a2
}

@test "same file: -n f f is a quiet no" {
	diffcase files -- -n a ./a
}

@test "same file: -i of a file onto itself is refused before asking" {
	diffcase --stdin='y\n' files -- -i a ./a
}

# ---- found by trying to break it: backups, links, the same file ------

# long: a file whose name is 251, 254 or 255 bytes long, and backups.
fx_long() {
	local n
	printf 'new\n' > f
	for n in 251 254 255; do
		printf 'current %s\n' $n > "$(printf 'a%.0s' $(seq $n))"
	done
	printf 'precious\n' > "$(printf 'a%.0s' $(seq 252))~"
	printf 'current 252\n' > "$(printf 'a%.0s' $(seq 252))"
}

@test "backup: a numbered name cut to fit never replaces a file there" {
	diffcase long -- -v --backup=numbered f "$(printf 'a%.0s' $(seq 252))"
}

@test "backup: names of 251, 254 and 255 bytes are cut as cp cuts them" {
	local n
	for n in 251 254 255; do
		diffcase long -- -v --backup=numbered f "$(printf 'a%.0s' $(seq $n))" || return
	done
}

@test "backup: -un with two links of one source leaves both destinations" {
	fx_unlinks() {
		printf 'new\n' > a; ln a b; at @978307200 a
		mkdir d; printf 'keep a\n' > d/a; printf 'keep b\n' > d/b
	}
	diffcase unlinks -- -un a b d
}

@test "as nobody: a failed copy puts the backup back (unbackup)" {
	fx_unbackup() { fx_perm; printf 'new\n' > out/f; chmod 000 out/f; printf 'orig\n' > out/g; nobody_owns out/f out/g; }
	diffcase --user unbackup -- -bv out/f out/g
}

@test "as nobody: --preserve=links: when the first copy fails, the second is copied" {
	fx_firstfail() {
		fx_perm; printf 'newdata\n' > out/a; ln out/a out/b
		mkdir out/d; printf 'old\n' > out/d/a; chmod 444 out/d/a
		nobody_owns out/a out/d out/d/a
	}
	diffcase --user firstfail -- --preserve=links out/a out/b out/d/
}

@test "links: -au onto hard links already there leaves no stray name" {
	fx_relink() { mkdir src; printf 'b\n' > src/b; ln src/b src/b2; cp -a src dst; }
	diffcase relink -- -au src/. dst/
}

@test "links: a later link goes where a symlink at the first copy points" {
	fx_linksym() {
		printf 'f\n' > f; ln f k; mkdir d; printf 't\n' > t
		ln -s ../t d/f
	}
	diffcase linksym -- -v --preserve=links f k d
}

@test "-rH: names inside the tree are not followed (-H is -P there)" {
	fx_rh() {
		mkdir A B; printf 't\n' > A/t; ln -s t A/s; ln A/s B/s
		mkfifo A/p; printf 'x\n' > B/p; ln -s a A/la; ln -s b B/la
	}
	diffcase rh -- -rH A/. B/
}

@test "operands: a directory named twice under other names: no hard link to it" {
	fx_twice() { mkdir -p s1/x d; printf '1\n' > s1/x/f; }
	diffcase twice -- -r s1 s1/. d
}

@test "operands: a directory named again as s/.: specified more than once" {
	fx_again() { mkdir -p s/sub/y; printf '1\n' > s/sub/f; }
	diffcase again -- -r s/sub s/. .
}

@test "-f onto a symlink loop replaces it" {
	fx_loop() { fx_files; ln -s loop loop; }
	diffcase loop -- -f a loop
}

@test "-s -p: the symlink gets the source's times" {
	diffcase files -- -s -p a sym
}

@test "-p onto a set-user-ID file of the same owner keeps the bit, as cp" {
	need_root_for "chmod 4755 a file"
	fx_suid() { fx_files; chmod 4755 existing; }
	diffcase suid -- -p a existing
}

# ---- operands: several names of one source, ., .. ------------------------

@test "operands: a file named twice is copied once, with a warning" {
	diffcase files -- -v a a d
}

@test "operands: a file named twice under two names is copied once" {
	diffcase files -- -v a ./a d
}

@test "operands: two different files of one name: will not overwrite" {
	diffcase files -- -v a dir/x x d
}

@test "operands: a directory named twice is copied once, with a warning" {
	diffcase tree -- -r src src d
}

@test "operands: a directory named twice, once as ./src" {
	diffcase tree -- -r src ./src d
}

@test "operands: two directories of one name merge; the second's files overwrite" {
	fx_twodirs() { mkdir -p x/s y/s d; printf '1\n' > x/s/f; printf '2\n' > y/s/f; }
	diffcase twodirs -- -rv x/s y/s d
}

@test "operands: with -b, a file named twice is backed up and copied twice" {
	diffcase files -- -bv a a d
}

@test "operands: a just-made symlink is not copied through" {
	fx_twolinks() { fx_files; mkdir x; printf 'x\n' > x/link-a; }
	diffcase twolinks -- -dv link-a x/link-a d
}

# up: a/b/ and a/f, t/ to copy into, and f beside t that must not change.
fx_up() {
	mkdir -p a/b t
	printf 'in a\n' > a/f
	printf 'in b\n' > a/b/g
	printf 'outside t\n' > f
}

@test "operands: -r a/b/.. t copies into t/., never t/.." {
	diffcase --sort-output up -- -rv a/b/.. t
}

@test "operands: -r a/b/../ t (trailing slash) copies into t/." {
	diffcase --sort-output up -- -rv a/b/../ t
}

@test "operands: -r a/. t and a/b/. t merge into t" {
	diffcase --sort-output up -- -rv a/. a/b/. t
}

@test "operands: --parents a/b/.. t, where t/a/b is made: File exists, as cp" {
	diffcase --sort-output up -- -rv --parents a/b/.. t
}

@test "operands: --parents a/b/.. t, where t/a/b was there: into t/a" {
	fx_up2() { fx_up; mkdir -p t/a/b; }
	diffcase up2 -- -rv --parents a/b/.. t
}

@test "operands: --parents a/../f t stays in t" {
	diffcase up -- -v --parents a/../f t
}

# self (root): on a tmpfs, whose inode numbers follow creation, so that
# cp and zcp meet s/sub before s/a and s/z, the refusal comes in the
# same place in both.
fx_self() {
	tmpfs_at m || return 1
	mkdir -p m/s/sub
	printf 'a\n' > m/s/a
	printf 'b\n' > m/s/sub/b
	printf 'z\n' > m/s/z
}

@test "into itself: -r s s/sub stops copying s where it meets the copy" {
	need_tmpfs
	diffcase self -- -rv m/s m/s/sub
}

@test "into itself: -rT s s/sub stops too" {
	need_tmpfs
	diffcase self -- -rvT m/s m/s/sub
}

@test "into itself: the other operands are still copied" {
	need_tmpfs
	fx_self2() { fx_self; printf 'other\n' > m/other; }
	diffcase self2 -- -rv m/s m/other m/s/sub
}

# selflink: m/t/l is a symlink to ../s, so that s copied into the target
# directory m/t/l lands in s itself.
fx_selflink() {
	fx_self
	mkdir m/t
	ln -s ../s m/t/l
}

@test "into itself: through a target directory that is a symlink to the source" {
	need_tmpfs
	diffcase selflink -- -rv m/s m/t/l
}

@test "into itself: -t through a symlink" {
	need_tmpfs
	diffcase selflink -- -rv -t m/t/l m/s
}

# cycle: with -L, m/s/b/c/up leads back to m/s, which is being copied
# (on a tmpfs, for the same order of entries in cp and zcp).
fx_cycle() {
	tmpfs_at m || return 1
	mkdir -p m/s/b/c m/t
	printf 'a\n' > m/s/a
	printf 'x\n' > m/s/b/x
	ln -s ../.. m/s/b/c/up
}

@test "-L: a symlink to a directory being copied is refused, the rest copied" {
	need_tmpfs
	diffcase cycle -- -rLv m/s m/t
}

@test "-L: a symlink to a directory being copied, with -a" {
	need_tmpfs
	diffcase cycle -- -aLv m/s m/t
}

# ---- messages ------------------------------------------------------------

@test "--reflink=always -r: every file fails with the kernel's reason" {
	diffcase files -- -r --reflink=always dir a b d
}

@test "as nobody: -i -f on an unwritable file asks to replace it" {
	fx_ro() { fx_perm; printf 'mine\n' > out/ro; nobody_owns out/ro; chmod 0444 out/ro; }
	diffcase --user --stdin='n\n' ro -- -i -f src/a out/ro
}

@test "as nobody: -i --remove-destination on an unwritable file asks to replace it" {
	fx_ro() { fx_perm; printf 'mine\n' > out/ro; nobody_owns out/ro; chmod 0444 out/ro; }
	diffcase --user --stdin='y\n' ro -- -i --remove-destination src/a out/ro
}

@test "as nobody: -i on an unwritable file asks whether to try anyway" {
	fx_ro() { fx_perm; printf 'mine\n' > out/ro; nobody_owns out/ro; chmod 0444 out/ro; }
	diffcase --user --stdin='y\n' ro -- -i src/a out/ro
}

@test "-i with standard input closed: the answer cannot be read, exit 1" {
	local tool dir rc
	for tool in cp zcp; do
		dir=$BATS_TEST_TMPDIR/$tool
		mkdir "$dir"
		printf 'a\n' > "$dir/a"
		printf 'old\n' > "$dir/existing"
		(
			cd "$dir" || exit
			rc=0
			if [ $tool = cp ]; then
				cp -i a existing <&- || rc=$?
			else
				zcp -i a existing <&- || rc=$?
			fi
			echo "rc=$rc"
		) 2>&1 | norm "$tool" "$dir" > "$tool.out"
	done
	run cat cp.out
	assert_output "PROG: overwrite 'existing'? PROG: error closing file: Bad file descriptor
rc=1"
	run cat zcp.out
	assert_output "$(cat cp.out)"
	assert_equal "$(cat zcp/existing)" old
}

# ---- --keep-directory-symlink: zcp only, not differential ----------------

@test "kds: without --keep-directory-symlink zcp refuses as cp does" {
	diffcase kds -- -r src/. dst
}

@test "kds: GNU cp 9.1 has no --keep-directory-symlink" {
	fx_kds
	run cp -r --keep-directory-symlink src/. dst
	assert_failure 1
	assert_line --index 0 "cp: unrecognized option '--keep-directory-symlink'"
}

@test "kds: --keep-directory-symlink -r copies through dst/sub into real/" {
	fx_kds
	run zcp -r --keep-directory-symlink src/. dst
	assert_success
	assert_output ''
	assert_link_exists dst/sub
	assert_equal "$(readlink dst/sub)" ../real
	assert_file_exists real/old
	assert_equal "$(cat real/new)" new
	assert_equal "$(cat real/deeper/f)" deeper
	assert_equal "$(cat dst/top)" top
}

@test "kds: --keep-directory-symlink -a keeps the symlink and its target" {
	fx_kds
	ln -s real realink
	run zcp -a --keep-directory-symlink src/sub dst/
	assert_success
	assert_equal "$(readlink dst/sub)" ../real
	assert_equal "$(cat real/new)" new
	assert_equal "$(cat real/old)" old
}

@test "kds: a symlink to a file is still not a directory" {
	fx_kds
	rm dst/sub
	ln -s ../real/old dst/sub
	run zcp -r --keep-directory-symlink src/. dst
	assert_failure 1
	assert_line "zcp: cannot overwrite non-directory 'dst/./sub' with directory 'src/./sub'"
	assert_equal "$(readlink dst/sub)" ../real/old
}

# ---- --parents that would climb out: zcp refuses where cp does not -----

@test "parents: GNU cp 9.1 writes --parents ../f t to t/../f, outside t" {
	mkdir in
	cd in
	mkdir t
	printf 'x\n' > ../f
	run cp --parents ../f t
	assert_success
	# cp made in/f, beside t, not in t.
	assert_file_exists f
}

@test "parents: zcp refuses a source that climbs out of the target directory" {
	mkdir -p in/t in/a
	cd in
	printf 'x\n' > ../f
	printf 'keep\n' > f
	run zcp --parents ../f t
	assert_failure 1
	assert_output "zcp: with --parents, '../f' would be copied outside 't'"
	run zcp -v --parents a/../../f t
	assert_failure 1
	assert_output "zcp: with --parents, 'a/../../f' would be copied outside 't'"
	assert_equal "$(cat f)" keep
	run find t -mindepth 1
	assert_output ''
	# Climbing down again first is fine: a/.. is the working directory.
	run zcp -v --parents a/../f t
	assert_success
	assert_equal "$(cat t/f)" keep
}

# ---- numbered backups where the directory cannot be read ---------------

@test "backup: as nobody in a directory it cannot read, an existing .~1~ is never replaced" {
	need_user
	W=$(mktemp -d /tmp/cp-diff.XXXXXX)
	echo "$W" >> "$BATS_TEST_TMPDIR/.rmdirs"
	mkdir "$W/d"
	printf 'new\n' > "$W/f"
	printf 'current\n' > "$W/d/g"
	printf 'precious\n' > "$W/d/g.~1~"
	chown -R 65534:65534 "$W"
	chmod 0333 "$W/d"
	# cp 9.1 loops for ever here; zcp gives up.
	run timeout 20 $DIFF_UNPRIV "$ZCP" "${ZCP_J[@]}" --backup=numbered "$W/f" "$W/d/g"
	assert_failure 1
	assert_output --partial "cannot backup"
	chmod 0755 "$W/d"
	assert_equal "$(cat "$W/d/g.~1~")" precious
	assert_equal "$(cat "$W/d/g")" current
}

# ---- found by trying to break it: operands and paths -------------------

# pdir: d/ with a subdirectory, s/ with modes to carry, t/ to copy into.
fx_pdir() {
	mkdir -p d/sub s/sub s/p s/a t
	printf 'x\n' > d/sub/f
	printf 'y\n' > d/g
	printf 'f\n' > s/sub/f
	printf 'g\n' > s/p/g
	printf 'a\n' > s/a/f
	printf 'f\n' > f
	chmod 1777 s/sub
	chmod 0700 s/p
	chmod 0550 s/a
}

@test "--parents: a directory source with a trailing slash" {
	diffcase pdir -- -rv --parents d/ t
}

@test "--parents: a file named with a trailing slash is not a directory" {
	diffcase pdir -- -rv --parents f/ t
}

@test "--parents: the sticky bit of a directory made on the way" {
	diffcase pdir -- -rv --parents s/sub/f t
}

@test "--parents --no-preserve=mode: directories made on the way get 0777 less the umask" {
	diffcase pdir -- -r --no-preserve=mode --parents s/p/g t
}

@test "--parents: a failure on the way leaves what was made as it is" {
	diffcase pdir -- -r --parents s/a/b/f t
}

@test "--parents -a: directories already there are left alone" {
	fx_pthere() { fx_pdir; mkdir -p t/s/p; chmod 0775 t/s; chmod 0711 t/s/p; }
	diffcase pthere -- -a --parents s/p/g t
}

@test "--parents -a: the target itself never takes ./'s attributes" {
	need_root_for "give t another owner"
	fx_pdot() { fx_pdir; chown 1234:5678 t; chmod 0700 t; }
	diffcase pdot -- -a --parents ./f t
}

@test "--parents: a file where a directory should be" {
	fx_pfile() { fx_pdir; printf 'x\n' > t/s; }
	diffcase pfile -- -r --parents s/sub/f t
}

@test "--parents: a dangling symlink where a directory should be" {
	fx_pdang() { fx_pdir; ln -s nowhere t/s; }
	diffcase pdang -- -r --parents s/sub/f t
}

@test "operands: a directory inside another operand: no hard link to a directory" {
	fx_inside() { mkdir -p s/sub/deep d; printf 'x\n' > s/sub/deep/x; printf 'f\n' > s/sf; }
	diffcase --sort-output inside -- -rv s/sub s d
}

# The twin fixtures' inode orders of s/sub and s/sf may differ (ext4 may
# put a new directory's inode in another group), and -v follows it.
@test "operands: a directory again through a symlink (ls/)" {
	fx_vialink() { mkdir -p s/sub d; printf 'f\n' > s/sf; ln -s s ls; }
	diffcase --sort-output vialink -- -rv s ls/ d
}

@test "same file: -b through a symlinked directory is not the same entry" {
	fx_sdir() { mkdir s; printf 'f\n' > s/sf; ln -s s ls; }
	diffcase sdir -- -vb s/sf ls/sf
}

@test "-s: the relative-symlink refusal quotes a name that needs it" {
	fx_space() { mkdir t; printf 'f\n' > 'sp ace'; printf 'g\n' > plain; }
	diffcase space -- -s 'sp ace' plain t
}

# ---- zcp only: never through a symlink this run made --------------------

@test "through: --parents never writes through a symlink an earlier operand made" {
	mkdir -p w/a w/t w/out out
	ln -s ../../out w/a/x
	printf 'evil\n' > out/keep
	printf 'victim\n' > w/out/keep
	cd w
	run zcp -r --parents a/x a/x/keep t
	assert_failure 1
	assert_output "zcp: will not copy 'a/x/keep' through just-created symlink 't/a/x'"
	assert_equal "$(cat out/keep)" victim
}

@test "through: .. after a symlink made earlier is refused too" {
	mkdir -p w/s/sub w/t w/x
	ln -s ../s w/x/ls
	printf 'above\n' > ABOVE
	cd w
	run zcp -r --parents s x/ls x/ls/../../ABOVE t
	assert_failure 1
	assert_output "zcp: will not copy 'x/ls/../../ABOVE' through just-created symlink 't/x/ls'"
	assert_file_not_exist ABOVE
}

@test "through: a symlink made inside one operand's tree is not written through by the next" {
	mkdir -p p1/a p2/a t out
	ln -s ../../out/keep p1/a/x
	printf 'evil\n' > p2/a/x
	printf 'victim\n' > out/keep
	run zcp -r p1/a p2/a t
	assert_failure 1
	assert_output "zcp: will not copy 'p2/a/x' through just-created symlink 't/a/x'"
	assert_equal "$(cat out/keep)" victim
	# cp 9.1 writes through it (cp checks command-line names only).
	mkdir t2
	cp -r p1/a t2
	cp -r p2/a t2
	assert_equal "$(cat out/keep)" evil
}

@test "operands: -r / DIR copies nothing, as cp (in a chroot)" {
	need_root_for "chroot"
	command -v chroot >/dev/null && command -v ldd >/dev/null ||
		skip "no chroot or ldd"
	local root=$BATS_TEST_TMPDIR/root b l
	mkdir -p "$root/bin" "$root/w"
	for b in "$ZCP" "$(command -v cp)"; do
		cp "$b" "$root/bin/"
		for l in $(ldd "$b" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$l")"
			cp -n "$l" "$root$l"
		done
	done
	# A sanitizer build reads /proc: the chroot gets one, in a mount
	# namespace of its own that takes it away again.
	command -v unshare >/dev/null || skip "no unshare"
	mkdir "$root/proc"
	in_root() {
		unshare -m sh -c 'mount -t proc proc "$1/proc" &&
			exec timeout 20 chroot "$@"' sh "$root" "$@"
	}
	run in_root /bin/cp -rv / w
	assert_failure 1
	local want=$output
	run in_root "/bin/${ZCP##*/}" "${ZCP_J[@]}" -rv / w
	assert_failure 1
	assert_output "${want//\/bin\/cp:/zcp:}"
	run ls -A "$root/w"
	assert_output ''
}
