#!/usr/bin/env bash
# run.sh: geo_info_from_ip_address() end to end.  A tiny MaxMind DB is made at test time by
# make_mmdb.py (its networks and places are listed there; the expected bags below follow
# from them by hand), then kql runs queries with --geoip FILE, with a GeoLite2-City.mmdb in
# a data folder, and without any, checking results, messages and exit statuses.  Each case
# prints "ok - NAME" or "FAIL - NAME"; the last line is "N passed, M failed".
#
# usage: tests/geo/run.sh <path to kql>
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 <path to kql>" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
KQL=$1
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kql-geo.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; shift; printf '    %s\n' "$@"; failed=$((failed + 1)); }

if ! python3 "$HERE/make_mmdb.py" "$TMP/test.mmdb"; then
  echo "make_mmdb.py failed"
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p "$TMP/data" "$TMP/empty"
cp "$TMP/test.mmdb" "$TMP/data/GeoLite2-City.mmdb"

# expect NAME WANT_STATUS WANT_STDOUT (* for any) WANT_STDERR_SUBSTRING kql-args...
expect() {
  local name=$1 status=$2 out=$3 err=$4
  shift 4
  local got rc
  got=$("$KQL" "$@" 2>"$TMP/err")
  rc=$?
  if [ "$rc" != "$status" ]; then
    bad "$name" "exit status $rc, want $status" "stderr: $(cat "$TMP/err")"
  elif [ "$out" != "*" ] && [ "$got" != "$out" ]; then
    bad "$name" "want: $out" "got:  $got"
  elif [ -n "$err" ] && ! grep -qF -- "$err" "$TMP/err"; then
    bad "$name" "stderr lacks '$err'; it is: $(cat "$TMP/err")"
  else
    ok "$name"
  fi
}

SYDNEY='{"country":"Australia","state":"New South Wales","city":"Sydney","latitude":-33.8715,"longitude":151.2006}'
BOCA='{"country":"United States","state":"Florida","city":"Boca Raton","latitude":26.3594,"longitude":-80.0771}'

expect "an IPv4 address in the database gives its five fields" 0 "{\"g\":$SYDNEY}" "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e "print g = geo_info_from_ip_address('20.53.203.50')"
expect "an IPv6 address in the database" 0 "{\"g\":$BOCA}" "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e "print g = geo_info_from_ip_address('2a03:2880:f12c:83:face:b00c::25de')"
expect "a country-level entry has no state or city" 0 \
  '{"g":{"country":"United Kingdom","latitude":51.4964,"longitude":-0.1224}}' "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e "print g = geo_info_from_ip_address('81.2.69.160')"
expect "an entry without coordinates; the first subdivision is the state" 0 \
  '{"g":{"country":"Deutschland Test","state":"Bayern","city":"München"}}' "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e "print g = geo_info_from_ip_address('192.0.2.255')"
expect "private, loopback, unknown and malformed addresses give null" 0 \
  '{"a":null,"b":null,"c":null,"d":null,"e":null,"f":null}' "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e \
  "print a = geo_info_from_ip_address('10.1.2.3'), b = geo_info_from_ip_address('::1'), c = geo_info_from_ip_address('20.53.204.1'), d = geo_info_from_ip_address('not an ip'), e = geo_info_from_ip_address(''), f = geo_info_from_ip_address(tostring(dynamic(null)))"
expect "fields are read with the dynamic accessors" 0 '{"Country":"Australia","City":"Sydney","Lat":-33.8715}' "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e \
  "print g = geo_info_from_ip_address('20.53.203.1') | project Country = tostring(g.country), City = tostring(g.city), Lat = toreal(g.latitude)"
expect "a column of addresses" 0 "$(printf '%s\n%s\n%s' '{"ip":"20.53.203.7","c":"Australia"}' '{"ip":"10.0.0.1","c":""}' '{"ip":"2a03:2880:f12c::1","c":"United States"}')" "" \
  run --data "$TMP/empty" --geoip "$TMP/test.mmdb" --format ndjson -e \
  "datatable(ip:string)['20.53.203.7', '10.0.0.1', '2a03:2880:f12c::1'] | extend c = tostring(geo_info_from_ip_address(ip).country)"
expect "a GeoLite2-City.mmdb in a data folder is used without --geoip" 0 "{\"g\":$SYDNEY}" "" \
  run --data "$TMP/data" --format ndjson -e "print g = geo_info_from_ip_address('20.53.203.50')"
expect "without a database the query fails and says what to do" 1 "" \
  "pass --geoip FILE, or put GeoLite2-City.mmdb in a data folder" \
  run --data "$TMP/empty" -e "print g = geo_info_from_ip_address('20.53.203.50')"
expect "the missing-database message names the function" 1 "" \
  "geo_info_from_ip_address() needs a MaxMind GeoLite2-City database" \
  run --data "$TMP/empty" -e "print g = geo_info_from_ip_address('20.53.203.50')"
expect "kql check needs no database" 0 "" "" \
  check --data "$TMP/empty" -e "print g = geo_info_from_ip_address('20.53.203.50')"
expect "a --geoip file that is not a MaxMind DB is a usage error" 2 "" \
  "cannot read MaxMind database '$HERE/make_mmdb.py'" \
  run --data "$TMP/empty" --geoip "$HERE/make_mmdb.py" -e "print 1"
expect "a missing --geoip file is a usage error" 2 "" "cannot read MaxMind database '$TMP/none.mmdb'" \
  run --data "$TMP/empty" --geoip "$TMP/none.mmdb" -e "print 1"
expect "--geoip needs a value" 2 "" "option '--geoip' needs a value" \
  run --data "$TMP/empty" -e "print 1" --geoip
expect "explain takes --geoip too" 0 "*" "" \
  explain --data "$TMP/empty" --geoip "$TMP/test.mmdb" -e "print g = geo_info_from_ip_address('20.53.203.50')"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
