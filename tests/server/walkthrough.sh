#!/usr/bin/env bash
# Runs the README's walk-through (the ```bash blocks between <!-- walkthrough:begin --> and
# <!-- walkthrough:end -->) against a real clera-server on free ports in a temporary data folder, then
# checks what each step should have left behind. The commands come from the README itself, so the
# README and this test cannot drift apart.
#
# Usage: walkthrough.sh <clera-server binary> <README.md>
# Exit: 0 passed, 1 failed, 77 skipped (curl or jq missing).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 <clera-server binary> <README.md>" >&2
    exit 2
fi
server_binary=$1
readme=$2

for tool in curl jq; do
    if ! command -v "$tool" > /dev/null; then
        echo "SKIP: the walk-through needs $tool (apt-get install curl jq)"
        exit 77
    fi
done

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The blocks, numbered, each as its own file, and the output the README shows after each (the ```text
# block that follows it; none: it prints nothing).
work=$(mktemp -d)
awk -v dir="$work" '
    /<!-- walkthrough:begin -->/ { inside = 1; next }
    /<!-- walkthrough:end -->/   { inside = 0; next }
    inside && /^```bash$/        { n++; file = sprintf("%s/block-%02d.sh", dir, n); code = 1
                                   printf "" > sprintf("%s/block-%02d.shown", dir, n); next }
    inside && /^```text$/        { file = sprintf("%s/block-%02d.shown", dir, n); code = 1; next }
    inside && code && /^```$/    { code = 0; next }
    inside && code               { print > file }
' "$readme"
# What may differ from run to run: ids, the mail's file name, amounts and prices (the simulated market
# moves with time). Keys, states, statuses, symbols and the number and order of lines may not.
normalize() {
    sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<id>/g' \
        -e 's/^[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{8}\.eml$/<mail>.eml/' \
        -e 's/"[-+]?\$[0-9,]+\.[0-9]{2}( \([-+]?[0-9.]+%\))?"/"<money>"/g' \
        -e 's/"-?[0-9]+(\.[0-9]+)?"/"<n>"/g'
}
blocks=("$work"/block-*.sh)
[ -e "${blocks[0]}" ] || fail "no bash blocks between the walkthrough markers in $readme"
[ ${#blocks[@]} -ge 7 ] || fail "only ${#blocks[@]} bash blocks in the walk-through of $readme"

# Two free ports: bind-and-release is not available to bash, so pick random ones that nothing answers on.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
            echo "$port"
            return
        fi
    done
}
export CLERA_API_PORT WEBSOCKET_PORT
CLERA_API_PORT=$(free_port)
WEBSOCKET_PORT=$(free_port)
while [ "$WEBSOCKET_PORT" = "$CLERA_API_PORT" ]; do WEBSOCKET_PORT=$(free_port); done
# The test's own binary; the README's default is the release build.
CLERA=$server_binary
# Nothing of the caller's environment chooses another broker, feed or store.
unset CLERA_BROKER CLERA_FEED CLERA_DB_URL CLERA_CONFIG BROKER_API_KEY BROKER_SECRET_KEY APCA_API_KEY_ID \
    APCA_API_SECRET CLERA_JWT_SECRET CLERA_DATA_KEY REDIS_URL REDIS_HOST

SERVER=
CLERA_DATA_DIR=
cleanup() {
    if [ -n "$SERVER" ] && kill -0 "$SERVER" 2> /dev/null; then
        kill "$SERVER" 2> /dev/null || true
        wait "$SERVER" 2> /dev/null || true
    fi
    if [ -n "$CLERA_DATA_DIR" ] && [ -d "$CLERA_DATA_DIR" ]; then
        if [ -f "$CLERA_DATA_DIR/server.log" ] && [ "${walkthrough_passed:-0}" != 1 ]; then
            echo "--- server.log" >&2
            tail -n 40 "$CLERA_DATA_DIR/server.log" >&2
        fi
        rm -rf "$CLERA_DATA_DIR"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "clera-server: $CLERA; REST port $CLERA_API_PORT, WebSocket port $WEBSOCKET_PORT"
# Each block runs in this shell (so its variables reach the next blocks) under set -e: any command
# that fails — curl --fail-with-body on an HTTP error, jq on an unexpected answer — fails the test.
# A failing command names its block (curl --fail-with-body has printed the error's JSON, unless a
# command substitution took it).
trap 'status=$?; echo "FAIL: a command of $(basename "${block:-setup}" .sh) failed (exit status $status)" >&2' ERR
# Its standard output must match what the README shows, normalized (lines the README shows from
# standard error, "clera-server: …", are left out of the comparison).
for block in "${blocks[@]}"; do
    echo "=== $(basename "$block" .sh)"
    sed 's/^/    $ /' "$block"
    # shellcheck disable=SC1090
    source "$block" > "${block%.sh}.out"
    cat "${block%.sh}.out"
    if ! diff <(grep -v '^clera-server: ' "${block%.sh}.shown" | normalize) <(normalize < "${block%.sh}.out") \
        > "${block%.sh}.diff"; then
        cat "${block%.sh}.diff" >&2
        fail "$(basename "$block" .sh) printed something else than the README shows (< README, > this run)"
    fi
done

# The last block stopped the server; what the steps left behind is read from the data folder's files
# and from a second server on the same folder.
echo "=== checks"
[ -n "$CLERA_DATA_DIR" ] && [ -d "$CLERA_DATA_DIR" ] || fail "the walk-through set no data folder"
ls "$CLERA_DATA_DIR"/outbox/*.eml > /dev/null || fail "no verification mail in the outbox"
[ -n "${ACCOUNT:-}" ] && [ "$ACCOUNT" != null ] || fail "onboarding left no account"
[ -n "${LINK:-}" ] && [ "$LINK" != null ] || fail "no bank link"
[ -n "${TRANSFER:-}" ] && [ "$TRANSFER" != null ] || fail "no transfer"
kill -0 "$SERVER" 2> /dev/null && fail "the server still runs after the last block"

"$CLERA" > "$CLERA_DATA_DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do
    curl -sf "$API/health" > /dev/null && break
    sleep 0.5
done
TOKEN=$("$CLERA" token "$EMAIL")

me=$(api "$API/api/v1/me")
[ "$(jq -r .email_verified <<< "$me")" = true ] || fail "the email is not verified: $me"
[ "$(jq -r '.accounts | length' <<< "$me")" = 1 ] || fail "the user should own one account: $me"
[ "$(jq -r '.accounts[0].id' <<< "$me")" = "$ACCOUNT" ] || fail "ACCOUNT is not the user's account: $me"

onboarding=$(api "$API/api/v1/onboarding")
[ "$(jq -r .state <<< "$onboarding")" = active ] || fail "onboarding is not active: $onboarding"

links=$(api "$API/api/v1/accounts/$ACCOUNT/bank-links")
jq -e --arg id "$LINK" 'length == 1 and .[0].id == $id and .[0].status == "APPROVED" and .[0].account_last4 == "6789"' \
    <<< "$links" > /dev/null || fail "bank link: $links"

transfers=$(api "$API/api/v1/accounts/$ACCOUNT/transfers")
jq -e --arg id "$TRANSFER" 'length == 1 and .[0].id == $id and .[0].status == "COMPLETE" and .[0].amount == "5000.00"' \
    <<< "$transfers" > /dev/null || fail "transfer: $transfers"

orders=$(api "$API/api/v1/accounts/$ACCOUNT/orders?status=all")
jq -e 'length == 1 and .[0].symbol == "AAPL" and .[0].status == "filled" and .[0].filled_qty == "3"' \
    <<< "$orders" > /dev/null || fail "orders: $orders"

positions=$(api "$API/api/v1/accounts/$ACCOUNT/positions")
jq -e 'length == 1 and .[0].symbol == "AAPL" and .[0].qty == "3"' <<< "$positions" > /dev/null ||
    fail "positions: $positions"
# Cash is exactly the deposit less 3 × the fill price, in whole cents (integers: no floats).
cents() { # "4308.5" -> 430850; at most two decimals, as the simulator's prices and cash have
    local whole=${1%%.*} fraction=
    [[ $1 == *.* ]] && fraction=${1#*.}
    [[ $1 =~ ^[0-9]+(\.[0-9]{1,2})?$ ]] || fail "not an amount in cents: $1"
    fraction=${fraction}00
    echo $((10#$whole * 100 + 10#${fraction:0:2}))
}
price=$(jq -r '.[0].filled_avg_price' <<< "$orders")
cash=$(api "$API/api/v1/accounts" | jq -r '.[0].cash')
[ "$(cents "$cash")" = $((500000 - 3 * $(cents "$price"))) ] || fail "cash $cash after buying 3 at $price"
total=$(api "$API/api/v1/accounts" | jq -r '.[0].total_value')
[ "$total" != null ] || fail "the account has no live value over REST"

# The live updates the watch step printed: three portfolio_updates of this account, each valuing
# the position (value = cash + 3 × AAPL's price, so well above the cash).
updates="$CLERA_DATA_DIR/updates.jsonl"
[ -s "$updates" ] || fail "the watch step recorded no update"
count=$(jq -s --arg account "$ACCOUNT" --arg cash "$cash" '
    [.[] | select(.type == "portfolio_update" and .account_id == $account and .raw_cash == $cash
                  and ((.raw_value | tonumber) - (.raw_cash | tonumber)) > 3 * 50)] | length' "$updates")
[ "$count" = 3 ] || fail "expected 3 live updates valuing the AAPL position, got $count: $(cat "$updates")"

walkthrough_passed=1
echo "PASS: sign-up, verification, onboarding, bank link, deposit, buy, position and live updates"
