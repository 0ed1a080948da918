#!/usr/bin/env bash
#
# t/integration.sh: the integration suite, run by `make check`.
#
# Starts, each in a temporary state folder with contrib/krow-stack:
#   - the local stack: PostgreSQL, the four pools and nginx on a free
#     loopback port, with the demo data and the local auth provider;
#     t/check_db, t/check_http, t/check_client, t/check_staff,
#     t/check_commands and t/check_auth run against it;
#   - the Firebase Auth Emulator (npm firebase-tools, pinned in
#     t/firebase/package.json; installed with `npm ci` when missing) on
#     free loopback ports, and a second stack whose krow-auth uses it
#     (auth_provider = firebase); t/check_firebase runs against that one,
#     in the background while the local stack's suites run.
#     Its firebase.json is generated in the state folder with free ports
#     (t/firebase/firebase.json holds the same settings with the usual
#     fixed ports, for running the emulator by hand).
# and tears it all down, also when a test fails or the run is interrupted.
#
# Environment: KROW_SRCDIR and KROW_BUILDDIR (set by the Makefile; default
# the folder above this script and the current folder); KROW_KEEP_STATE=1
# keeps the state folder for a post-mortem; KROW_FIREBASE_DIR names a
# folder holding t/firebase's package.json with node_modules installed
# (default: t/firebase of the sources; a copy in the state folder when the
# sources are read-only, as under distcheck).  The test programs get the
# lines of `krow-stack env` (KROW_TEST_URL, KROW_TEST_STATE,
# KROW_TEST_STACK, KROW_TEST_DB_URL, PGHOST, PGPORT, ...) of their stack;
# t/check_firebase also KROW_TEST_FIREBASE_URL (its stack) and
# KROW_TEST_EMULATOR (the emulator's base URL).
#
# Exit status: 0 when every test passed, 1 otherwise, 77 (skip) when
# nginx, spawn-fcgi, multiwatch or PostgreSQL is not installed at all.
# Without Node.js >= 20 and npm only t/check_firebase is skipped (with a
# message saying so).
#
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcdir=$(cd "${KROW_SRCDIR:-$here/..}" && pwd -P)
builddir=$(cd "${KROW_BUILDDIR:-.}" && pwd -P)
stack="$srcdir/contrib/krow-stack"

FB_PROJECT=demo-krow
FB_API_KEY=fake-api-key

say() {
	printf 'integration: %s\n' "$*"
}

missing=""
for c in nginx spawn-fcgi multiwatch; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if ! command -v initdb >/dev/null 2>&1 &&
    ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	missing="$missing initdb(postgresql)"
fi
if [ -n "$missing" ]; then
	say "SKIP: not installed:$missing (contrib/quickstart installs them)"
	exit 77
fi

# Set the variable named $1 to a loopback port nothing listens on, and
# none handed out before (not in a subshell: "taken" must be kept).  The
# range stays below Linux's ephemeral ports (32768 and up), which the
# many client connections of a run take and release all the time.
taken=" "
free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM + i) % 12000))
		case $taken in
		*" $p "*)	continue ;;
		esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			taken="$taken$p "
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	say "no free port found" >&2
	return 1
}

state=$(mktemp -d "${TMPDIR:-/tmp}/krow-it.XXXXXX")
chmod 755 "$state"
emu="$state/emulator"
status=1
done_cleanup=0
test_pid=""
prep_pid=""
fb_pid=""

# shellcheck disable=SC2317 # called from the EXIT trap
show_logs() {
	local f
	for f in "$state"/stack/log/*.log "$state"/fbstack/log/*.log \
	    "$emu"/*.log; do
		[ -s "$f" ] || continue
		printf '\n==> %s (last 40 lines) <==\n' "$f"
		tail -n 40 "$f"
	done
}

# Stop the emulator: SIGINT (it exits cleanly within a second), KILL after
# 10 s.
# shellcheck disable=SC2317 # called from the EXIT trap
stop_emulator() {
	local pid i
	[ -f "$emu/pid" ] || return 0
	pid=$(cat "$emu/pid")
	rm -f "$emu/pid"
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -INT "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	say "the emulator ignored SIGINT for 10 s: killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	[ "$done_cleanup" = 0 ] || return 0
	done_cleanup=1
	if [ -n "$test_pid" ]; then
		kill -TERM "$test_pid" 2>/dev/null || true
		wait "$test_pid" 2>/dev/null || true
	fi
	if [ -n "$fb_pid" ]; then
		# The Firebase suite in the background, and its test program.
		if [ -f "$emu/check_firebase.pid" ]; then
			kill -TERM "$(cat "$emu/check_firebase.pid")" \
			    2>/dev/null || true
		fi
		kill -TERM "$fb_pid" 2>/dev/null || true
		wait "$fb_pid" 2>/dev/null || true
		cat "$emu/check_firebase.out" 2>/dev/null || true
	fi
	if [ -n "$prep_pid" ]; then
		# An install or start still running: it records the pid
		# before it waits, so stop_emulator finds the emulator.
		kill -TERM "$prep_pid" 2>/dev/null || true
		wait "$prep_pid" 2>/dev/null || true
	fi
	if [ "$status" != 0 ]; then
		say "FAILED: logs of the stacks follow"
		show_logs
	fi
	stop_emulator
	"$stack" stop "$state/fbstack" >/dev/null 2>&1 || true
	"$stack" stop "$state/stack" >/dev/null 2>&1 || true
	if [ "${KROW_KEEP_STATE:-0}" = 1 ]; then
		say "state kept in $state"
	else
		rm -rf "$state"
	fi
}

trap cleanup EXIT
trap 'status=130; exit 130' INT
trap 'status=143; exit 143' TERM

# ------------------------------------------------------------ emulator

# Why the Firebase suite cannot run here ("" when it can).
firebase_unusable() {
	local v
	if ! command -v node >/dev/null 2>&1 ||
	    ! command -v npm >/dev/null 2>&1; then
		printf '%s %s\n' "Node.js and npm are not installed" \
		    "(contrib/quickstart installs them)"
		return 0
	fi
	v=$(node -e 'process.stdout.write(process.versions.node)' \
	    2>/dev/null) || v=unknown
	if ! [[ $v =~ ^([0-9]+)\. ]] || [ "${BASH_REMATCH[1]}" -lt 20 ]; then
		printf 'Node.js %s is too old: %s\n' "$v" \
		    "firebase-tools needs 20 or later"
		return 0
	fi
}

# The folder to install firebase-tools in: KROW_FIREBASE_DIR, else
# t/firebase of the sources when it is writable or installed already,
# else a copy in the state folder, removed with it (read-only sources, as
# under distcheck: a copy in the build folder would outlive distclean).
firebase_dir() {
	local d="$srcdir/t/firebase" f
	if [ -n "${KROW_FIREBASE_DIR:-}" ]; then
		printf '%s\n' "$KROW_FIREBASE_DIR"
		return 0
	fi
	if [ -w "$d" ] || [ -x "$d/node_modules/.bin/firebase" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	mkdir -p "$emu/tools"
	for f in package.json package-lock.json; do
		cp "$d/$f" "$emu/tools/$f"
	done
	printf '%s\n' "$emu/tools"
}

# Install firebase-tools (npm ci, from the lock file) unless node_modules
# holds an install of this very lock file (its SHA-1, recorded after the
# install).  Scripts are not run: the native add-ons they build are not
# needed by the auth emulator.
firebase_install() {
	local d=$1 sum
	sum=$(sha1sum <"$d/package-lock.json")
	if [ -x "$d/node_modules/.bin/firebase" ] &&
	    [ "$(cat "$d/node_modules/.krow-lock-sha1" 2>/dev/null)" = "$sum" ]
	then
		return 0
	fi
	say "installing firebase-tools in $d (npm ci)"
	(cd "$d" && npm ci --ignore-scripts --no-audit --no-fund) \
	    >"$emu/npm.log" 2>&1 || {
		say "npm ci failed in $d (log: $emu/npm.log):" >&2
		tail -n 20 "$emu/npm.log" >&2
		return 1
	}
	printf '%s\n' "$sum" >"$d/node_modules/.krow-lock-sha1"
}

# Install (when needed) and start the emulator; returns once its pid is
# recorded in $emu/pid.  Readiness is awaited by emulator_ready.
emulator_start() {
	local d
	d=$(firebase_dir)
	firebase_install "$d" || return 1
	cat >"$emu/firebase.json" <<EOF
{
  "emulators": {
    "auth": { "host": "127.0.0.1", "port": $EMU_AUTH_PORT },
    "hub": { "host": "127.0.0.1", "port": $EMU_HUB_PORT },
    "logging": { "host": "127.0.0.1", "port": $EMU_LOG_PORT },
    "ui": { "enabled": false },
    "singleProjectMode": true
  }
}
EOF
	# CI=true: no network fetch, no prompt.  TMPDIR: its hub file stays
	# in our folder, so parallel runs do not see each other.
	(cd "$emu" && CI=true TMPDIR="$emu" \
	    exec "$d/node_modules/.bin/firebase" emulators:start --only auth --project "$FB_PROJECT" \
	    --config "$emu/firebase.json" \
	    </dev/null >"$emu/emulator.log" 2>&1) &
	echo $! >"$emu/pid"
}

# Wait up to 90 s for the emulator's GET / to answer.
emulator_ready() {
	local i pid
	for i in $(seq 1 900); do
		pid=$(cat "$emu/pid" 2>/dev/null) || return 1
		kill -0 "$pid" 2>/dev/null || return 1
		if curl -sf -o /dev/null --max-time 2 \
		    "http://127.0.0.1:$EMU_AUTH_PORT/"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

mkdir -p "$emu"
fb_skip=$(firebase_unusable)
if [ -z "$fb_skip" ]; then
	free_port EMU_AUTH_PORT
	free_port EMU_HUB_PORT
	free_port EMU_LOG_PORT
	# In the background: the install and the start take a while, the
	# stacks start meanwhile.
	emulator_start &
	prep_pid=$!
fi

# -------------------------------------------------------------- stacks

port=""
free_port port
say "state $state, http port $port"
"$stack" init "$state/stack" --demo --port "$port" \
    --bindir "$builddir" --srcdir "$srcdir"
"$stack" start "$state/stack"

# The Firebase stack: the demo stack with krow-auth on the emulator.  The
# settings are written into its krow.conf (krow-stack set), so that a
# restart of its pools by the tests keeps them.
fbstack_start() {
	local fbport
	free_port fbport
	say "firebase stack: http port $fbport, emulator port $EMU_AUTH_PORT"
	"$stack" init "$state/fbstack" --demo --port "$fbport" \
	    --bindir "$builddir" --srcdir "$srcdir" &&
	"$stack" set "$state/fbstack" auth_provider firebase &&
	"$stack" set "$state/fbstack" firebase_project_id "$FB_PROJECT" &&
	"$stack" set "$state/fbstack" firebase_api_key "$FB_API_KEY" &&
	"$stack" set "$state/fbstack" firebase_auth_emulator_host \
	    "127.0.0.1:$EMU_AUTH_PORT" &&
	"$stack" set "$state/fbstack" auth_self_signup_tenant demo &&
	"$stack" start "$state/fbstack"
}

fb_stack_ok=1
if [ -z "$fb_skip" ] && ! fbstack_start; then
	say "the Firebase stack did not start"
	fb_stack_ok=0
fi

# Run the test program $1 in the environment of `krow-stack env` of the
# state folder $2 (and the variables given after it, NAME=VALUE); 0 when
# it passed or was skipped (77).
run_test() {
	local t=$1 st=$2 rc=0 key value t0=$SECONDS
	shift 2
	if [ ! -x "$builddir/t/$t" ]; then
		say "t/$t is not built here (not a check program of this" \
		    "Makefile): skipped"
		return 0
	fi
	say "running t/$t"
	(
		while IFS='=' read -r key value; do
			[ -n "$key" ] && export "$key=$value"
		done < <("$stack" env "$st")
		export KROW_TEST_STACK="$stack"
		for kv in "$@"; do
			export "${kv?}"
		done
		exec "$builddir/t/$t"
	) &
	# In the background, so that a signal is handled at once.
	test_pid=$!
	if [ -n "${RUN_TEST_PIDFILE:-}" ]; then
		echo "$test_pid" >"$RUN_TEST_PIDFILE"
	fi
	wait "$test_pid" || rc=$?
	test_pid=""
	case $rc in
	0)	say "t/$t passed ($((SECONDS - t0)) s)" ;;
	77)	say "t/$t skipped"; rc=0 ;;
	*)	say "t/$t FAILED ($((SECONDS - t0)) s)" ;;
	esac
	return "$rc"
}

failed=0

# t/check_firebase runs on its own stack while the local stack's suites
# run (they spend most of their time waiting out cache windows); its
# output is shown when it is done.
fb_pid=""
if [ -n "$fb_skip" ]; then
	say "SKIP t/check_firebase: $fb_skip"
else
	emu_ok=1
	wait "$prep_pid" || emu_ok=0
	prep_pid=""
	if [ "$fb_stack_ok" = 0 ]; then
		say "t/check_firebase FAILED: the Firebase stack did not start"
		failed=1
	elif [ "$emu_ok" = 0 ]; then
		say "t/check_firebase FAILED: the Firebase Auth Emulator did" \
		    "not start (logs: $emu)"
		failed=1
	else
		fburl=$("$stack" env "$state/fbstack" |
		    sed -n 's/^KROW_TEST_URL=//p')
		(
			if ! emulator_ready; then
				say "the Firebase Auth Emulator did not answer" \
				    "within 90 s:"
				tail -n 30 "$emu/emulator.log" || true
				say "t/check_firebase FAILED"
				exit 1
			fi
			RUN_TEST_PIDFILE="$emu/check_firebase.pid" \
			    run_test check_firebase "$state/fbstack" \
			    "KROW_TEST_FIREBASE_URL=$fburl" \
			    "KROW_TEST_EMULATOR=http://127.0.0.1:$EMU_AUTH_PORT" \
			    "KROW_TEST_FIREBASE_PROJECT=$FB_PROJECT"
		) >"$emu/check_firebase.out" 2>&1 &
		fb_pid=$!
		say "t/check_firebase started in the background"
	fi
fi

# check_auth last: it changes the stack's settings (and restores them).
for t in check_db check_http check_client check_reports check_staff \
    check_commands check_staff_commands check_orders check_staffing \
    check_spend_days check_coverage_counts check_list_counts \
    check_read_cache check_auth; do
	run_test "$t" "$state/stack" || failed=1
done

if [ -n "$fb_pid" ]; then
	fb_rc=0
	wait "$fb_pid" || fb_rc=$?
	fb_pid=""
	cat "$emu/check_firebase.out"
	[ "$fb_rc" = 0 ] || failed=1
fi

# Stop the stacks now, so that the programs exit and a sanitizer build
# reports what it found (leaks are reported at exit); any such report in
# the logs fails the run.
stop_emulator
"$stack" stop "$state/fbstack" >/dev/null 2>&1 || true
"$stack" stop "$state/stack" >/dev/null 2>&1 || true
if grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
    "$state"/stack/log/*.log "$state"/fbstack/log/*.log \
    >/dev/null 2>&1; then
	say "sanitizer reports in the stacks' logs:"
	grep -h -A 20 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
	    "$state"/stack/log/*.log "$state"/fbstack/log/*.log 2>/dev/null |
	    head -n 200
	failed=1
fi
status=$failed
exit "$status"
