#!/usr/bin/env bats
# The parts of zcp and what each may include, read from every src/ file's
# #include lines.  This is where the parts are written down (README.md's
# "Inside zcp" says what each does):
#
#   base      diag, sig, latency: messages, stop requests, the histogram of
#             call times; they know no other part.
#   methods   method_*.c, methods.c: one system-call path each, behind the
#             method interface (method.h, methods.h, fdinfo.h); they know
#             that interface and base only.
#   engine    engine, fdinfo, probe, sparse, throttle, nocache, resume,
#             verify, residency, extents: the decision table, the fallback,
#             --bwlimit's pace, --nocache's drops, --resume's check,
#             --verify's read-back, the cache residency and the extent map
#             for --stats; it knows the methods' interface, the reports and
#             base, never the cp rules or the walk.
#   reports   trace, stats, progress: what the engine says it did; they know
#             the method interface and base, never the engine's insides, the
#             cp rules or the walk.
#   cp/walk   cp, tree, dest, stdio, atomic, backup, seen, meta, acl,
#             parents, path, sync, prewalk, dirstack, pool, ahead: GNU
#             cp's rules, one entry at a time (pool: -j's workers, which
#             copy entries the walk hands them; ahead: the walk reading
#             ahead of them in a cold tree); they reach the engine through
#             engine.h (and the descriptors it classifies, fdinfo.h) only.
#   front     zcp.c, options, bench: the command line, and --bench, which
#             runs the engine again and again; it may include any part.

setup() { load common; }

# part FILE: the part a src/ file belongs to, by its base name.
part() {
	case ${1%.[ch]} in
	diag | sig | latency) echo base ;;
	method | methods | method_*) echo methods ;;
	engine | fdinfo | probe | sparse | throttle | nocache | resume | \
	verify | residency | extents)
		echo engine ;;
	trace | stats | progress) echo reports ;;
	cp | tree | dest | stdio | atomic | backup | seen | meta | acl | \
	parents | path | sync | prewalk | dirstack | pool | ahead) echo walk ;;
	zcp | options | bench) echo front ;;
	*) echo none ;;
	esac
}

# allowed PART HEADER: whether a file of PART may include HEADER.
allowed() {
	local to
	case $2 in
	config.h) return 0 ;;
	method.h | methods.h | fdinfo.h) to=interface ;;
	*) to=$(part "$2") ;;
	esac
	case $1:$to in
	front:*) return 0 ;;
	"$to":"$1") return 0 ;;		# within a part
	*:base) return 0 ;;
	methods:interface | engine:interface | reports:interface) return 0 ;;
	engine:reports) return 0 ;;
	walk:*) [ "$2" = engine.h ] || [ "$2" = fdinfo.h ] ;;
	*) return 1 ;;
	esac
}

# violations DIR: "FILE includes HEADER (PART)" for each include its part
# must not make, and each file that belongs to no part (a directory
# without files is one such: "*.[ch]").
violations() {
	local f name p h
	for f in "$1"/*.[ch]; do
		name=${f##*/}
		p=$(part "$name")
		if [ "$p" = none ]; then
			echo "$name belongs to no part"
			continue
		fi
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			allowed "$p" "$h" || echo "$name includes $h ($p)"
		done
	done
}

@test "every src/ file belongs to a part and includes only what its part may" {
	run violations "$SRCDIR/src"
	assert_success
	assert_output ''
}

@test "the check finds a method, the engine or a report that reaches into the walk" {
	cp "$SRCDIR"/src/*.[ch] "$BATS_TEST_TMPDIR/"
	local d=$BATS_TEST_TMPDIR
	printf '#include "dest.h"\n' >> "$d/method_splice.c"
	printf '#include "cp.h"\n' >> "$d/engine.c"
	printf '#include "engine.h"\n' >> "$d/stats.c"
	printf '#include "method.h"\n' >> "$d/tree.c"
	printf '#include "probe.h"\n' >> "$d/dest.c"
	: > "$d/newpart.c"
	run violations "$d"
	assert_output "dest.c includes probe.h (walk)
engine.c includes cp.h (engine)
method_splice.c includes dest.h (methods)
newpart.c belongs to no part
stats.c includes engine.h (reports)
tree.c includes method.h (walk)"
}
