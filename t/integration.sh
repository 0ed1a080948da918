#!/usr/bin/env bash
#
# t/integration.sh: the integration suite, run by `make check`.  Starts a
# private stack (PostgreSQL, the four pools, nginx on a free loopback
# port) in a temporary state folder with contrib/krow-stack, runs
# t/check_db and t/check_http against it, and tears it all down, also
# when a test fails or the run is interrupted.
#
# Environment: KROW_SRCDIR and KROW_BUILDDIR (set by the Makefile; default
# the folder above this script and the current folder); KROW_KEEP_STATE=1
# keeps the state folder for a post-mortem.  The test programs get the
# lines of `krow-stack env` (KROW_TEST_URL, KROW_TEST_STATE,
# KROW_TEST_STACK, KROW_TEST_DB_URL, PGHOST, PGPORT, ...).
#
# Exit status: 0 when every test passed, 1 otherwise, 77 (skip) when
# nginx, spawn-fcgi, multiwatch or PostgreSQL is not installed at all.
#
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
srcdir=$(cd "${KROW_SRCDIR:-$here/..}" && pwd -P)
builddir=$(cd "${KROW_BUILDDIR:-.}" && pwd -P)
stack="$srcdir/contrib/krow-stack"

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

# A loopback port nothing listens on.
free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM + i) % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	say "no free port found" >&2
	return 1
}

state=$(mktemp -d "${TMPDIR:-/tmp}/krow-it.XXXXXX")
chmod 755 "$state"
status=1
done_cleanup=0
test_pid=""

# shellcheck disable=SC2317 # called from the EXIT trap
show_logs() {
	local f
	for f in "$state"/stack/log/*.log; do
		[ -s "$f" ] || continue
		printf '\n==> %s (last 40 lines) <==\n' "$f"
		tail -n 40 "$f"
	done
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
	[ "$done_cleanup" = 0 ] || return 0
	done_cleanup=1
	if [ -n "$test_pid" ]; then
		kill -TERM "$test_pid" 2>/dev/null || true
		wait "$test_pid" 2>/dev/null || true
	fi
	if [ "$status" != 0 ]; then
		say "FAILED: logs of the stack follow"
		show_logs
	fi
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

port=$(free_port)
say "state $state, http port $port"
"$stack" init "$state/stack" --demo --port "$port" \
    --bindir "$builddir" --srcdir "$srcdir"
"$stack" start "$state/stack"

while IFS='=' read -r key value; do
	[ -n "$key" ] && export "$key=$value"
done < <("$stack" env "$state/stack")
export KROW_TEST_STACK="$stack"

failed=0
for t in check_db check_http; do
	say "running t/$t"
	# In the background, so that a signal is handled at once.
	"$builddir/t/$t" &
	test_pid=$!
	if wait "$test_pid"; then
		say "t/$t passed"
	else
		say "t/$t FAILED"
		failed=1
	fi
	test_pid=""
done

# Stop the stack now, so that the programs exit and a sanitizer build
# reports what it found (leaks are reported at exit); any such report in
# the logs fails the run.
"$stack" stop "$state/stack" >/dev/null 2>&1 || true
if grep -l -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
    "$state"/stack/log/*.log >/dev/null 2>&1; then
	say "sanitizer reports in the stack's logs:"
	grep -h -A 20 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
	    "$state"/stack/log/*.log | head -n 200
	failed=1
fi
status=$failed
exit "$status"
