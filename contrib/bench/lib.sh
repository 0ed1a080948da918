# Shared by the benchmarks of contrib/bench (sourced, not run).  The
# sourcing script sets PROG (its name in messages) and state (the stack's
# folder) before calling these.

die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 1
}

say() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

# wrk and curl: Debian has both; wrk is installed when missing.
bench_need_tools() {
	local sudo=()
	command -v curl >/dev/null 2>&1 || die "curl is not installed"
	command -v openssl >/dev/null 2>&1 || die "openssl is not installed"
	command -v wrk >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 ||
		    die "wrk is not installed: apt-get install wrk"
		sudo=(sudo)
	fi
	say "installing wrk"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends wrk >/dev/null ||
	    { "${sudo[@]}" apt-get update >/dev/null &&
	    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends wrk >/dev/null; } ||
	    die "cannot install wrk: apt-get install wrk"
}

# A value of `krow-stack env STATE` (KROW_TEST_URL, KROW_BENCH_URL, ...).
bench_env() {
	"$krow_stack" env "$state" | sed -n "s/^$1=//p"
}

# The idToken of a local sign-in with email and password (retried: the
# pools may still be starting); empty when it fails.
bench_sign_in() {
	local url=$1 email=$2 password=$3 answer="" token="" i
	for i in 1 2 3 4 5; do
		answer=$(curl -s -X POST "$url/auth/client/sign-in" \
		    -H 'Content-Type: application/json' \
		    -d "{\"email\":\"$email\",\"password\":\"$password\"}") ||
		    true
		token=$(printf '%s' "$answer" |
		    sed -n 's/.*"idToken" *: *"\([^"]*\)".*/\1/p')
		[ -n "$token" ] && break
		sleep 1
	done
	printf '%s' "$token"
}

b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# Local-provider tokens, signed with the stack's key as krow-auth signs
# (kid: the key's RFC 7638 thumbprint), for fixture users that have no
# password or phone to sign in with.  bench_mint_setup once, then
# bench_mint UID prints a token valid for an hour.
bench_mint_setup() {
	local get="$state/bin/krow-auth" n e
	mint_key=$("$get" -c "$state/etc/krow.conf" --config-get \
	    auth_key_file) || die "cannot read auth_key_file"
	mint_iss=$("$get" -c "$state/etc/krow.conf" --config-get \
	    auth_issuer) || die "cannot read auth_issuer"
	mint_aud=$("$get" -c "$state/etc/krow.conf" --config-get \
	    auth_audience) || die "cannot read auth_audience"
	[ -n "$mint_iss" ] || mint_iss=krow-local
	[ -n "$mint_aud" ] || mint_aud=krow
	command -v perl >/dev/null 2>&1 || die "perl is not installed"
	n=$(openssl rsa -in "$mint_key" -noout -modulus 2>/dev/null |
	    sed -n 's/^Modulus=//p' |
	    perl -ne 'chomp; print pack("H*", $_)' | b64url)
	e=$(openssl rsa -in "$mint_key" -noout -text 2>/dev/null |
	    sed -n 's/^publicExponent: \([0-9]*\).*/\1/p')
	[ -n "$n" ] && [ "$e" = 65537 ] ||
	    die "$mint_key: not an RSA key with e=65537"
	mint_header=$(printf '{"alg":"RS256","typ":"JWT","kid":"%s"}' \
	    "$(printf '{"e":"AQAB","kty":"RSA","n":"%s"}' "$n" |
	    openssl dgst -sha256 -binary | b64url)" | b64url)
}

bench_mint() {
	local now payload sig
	now=$(date +%s)
	payload=$(printf '{"iss":"%s","aud":"%s","sub":"%s","iat":%d,"exp":%d,"auth_time":%d}' \
	    "$mint_iss" "$mint_aud" "$1" "$now" $((now + 3600)) "$now" |
	    b64url)
	sig=$(printf '%s.%s' "$mint_header" "$payload" |
	    openssl dgst -sha256 -sign "$mint_key" -binary | b64url)
	printf '%s.%s.%s' "$mint_header" "$payload" "$sig"
}

# One wrk run: URL SECONDS [wrk options...] [-- script arguments...]
# prints "requests/s p99_ms non2xx errors requests"; THREADS and CONNS
# from $threads and $conns.
bench_wrk() {
	local out rps p99 non2xx errors total url=$1 secs=$2 opts=() args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && args=("$@")	# "--" and the script's arguments
	out=$(wrk -t "$threads" -c "$conns" -d "${secs}s" --latency \
	    "${opts[@]}" "$url" "${args[@]}" 2>&1) || die "wrk failed: $out"
	# What a wrk script's done() reported (refusals it saw).
	printf '%s\n' "$out" | grep '^refused: ' | head -n 5 >&2 || true
	rps=$(printf '%s\n' "$out" | sed -n 's/^Requests\/sec: *//p')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {
		v = $2
		if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v) }
		else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
		printf "%.2f", v
	}')
	non2xx=$(printf '%s\n' "$out" |
	    sed -n 's/.*Non-2xx or 3xx responses: *//p')
	errors=$(printf '%s\n' "$out" | sed -n 's/.*Socket errors: *//p')
	total=$(printf '%s\n' "$out" |
	    sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p')
	if [ -z "$rps" ] || [ -z "$p99" ]; then
		die "cannot read wrk's output: $out"
	fi
	printf '%s %s %s %s %s\n' "$rps" "$p99" "${non2xx:-0}" \
	    "$(printf '%s' "${errors:-none}" | tr ' ' '_')" "${total:-0}"
}

# The median of the numbers on stdin (one per line).
bench_median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# The CPU time, in clock ticks, used so far by the stack's processes:
# PostgreSQL (the postmaster and its children: the backends, the WAL
# writer, autovacuum), nginx (master and workers) and each pool (its
# supervisor and workers), with the children that have ended (counted
# by their parent: pgbench's backends end with its run); not the load
# generator.  Sampled before and after a run, it gives what a request
# costs the machine, background work included, a figure less moved by
# the neighbours' load than requests/s.
bench_ticks() {
	local roots="" f p
	for f in "$state/pg/postmaster.pid" "$state/nginx/nginx.pid" \
	    "$state"/run/*.pid; do
		[ -f "$f" ] || continue
		p=$(head -n 1 "$f" | tr -dc 0-9)
		[ -n "$p" ] && roots="$roots $p"
	done
	# (processes may end while read: cat skips them, awk does not)
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v roots="$roots" '
	    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) w[r[i]] }
	    $1 in w { s += $14 + $15 + $16 + $17; next }
	    $4 in w { s += $14 + $15 }
	    END { printf "%d\n", s }'
}
