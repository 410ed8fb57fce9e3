#!/usr/bin/env bash
# Produces fixtures/queue/rabbitmq-get.json from a real RabbitMQ: a throwaway node on
# loopback only, a queue, a few messages with FAKE tokens published through the management
# HTTP API, then the API's own "get messages" response saved as it is.
#
# Needs Debian's rabbitmq-server (apt-get install -y rabbitmq-server), curl and python3.
# Run from the repository root: scripts/make-rabbitmq-fixture.sh
set -euo pipefail

out="${1:-fixtures/queue/rabbitmq-get.json}"
queue="orders.events"
api="http://127.0.0.1:15672/api"
base="$(mktemp -d /tmp/tokensprawl-rabbit.XXXXXX)"

# everything of the node lives under $base; nothing listens beyond 127.0.0.1
export HOME="$base"
export RABBITMQ_NODENAME="tokensprawl-fixture@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=5672
export RABBITMQ_DIST_PORT=25672
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$base/mnesia"
export RABBITMQ_LOG_BASE="$base/log"
export RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$base/rabbitmq"
cat >"$base/rabbitmq.conf" <<'CONF'
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
loopback_users.guest = true
CONF
echo '[rabbitmq_management].' >"$base/enabled_plugins"

# the CLI tools of the package itself: /usr/sbin's wrappers switch to the rabbitmq user,
# whose Erlang cookie is not this node's
ctl=/usr/lib/rabbitmq/bin/rabbitmqctl
server_pid=""
cleanup() {
  "$ctl" -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; } || true
  if [ -n "$server_pid" ]; then wait "$server_pid" 2>/dev/null || true; fi
  epmd -kill >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

/usr/lib/rabbitmq/bin/rabbitmq-server >"$base/server.out" 2>&1 &
server_pid=$!
up=""
for _ in $(seq 1 120); do
  if curl -fsS -u guest:guest "$api/overview" >/dev/null 2>&1; then up=1; break; fi
  sleep 1
done
[ -n "$up" ] || { echo "RabbitMQ did not start; see $base/server.out" >&2; tail -20 "$base/server.out" >&2; exit 1; }

curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' \
  -d '{"durable":false,"auto_delete":false}' "$api/queues/%2F/$queue" >/dev/null

# The publish bodies: fake tokens computed here (ghp_ with its real CRC32/base62 checksum).
python3 - "$base/bodies" <<'PY'
import base64, gzip, hashlib, hmac, json, os, sys, zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

def ghp(body30):
    n, s = zlib.crc32(body30.encode()), ""
    while n:
        n, r = divmod(n, 62)
        s = B62[r] + s
    return "ghp_" + body30 + s.rjust(6, "0")

def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def jwt(claims):
    head = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(b"FAKE-fixture-signing-key-not-a-secret", f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64u(sig)}"

bearer = "FAKEopaque0000token0000EXAMPLE0000rabbit"
access = jwt({"iss": "https://auth.example.test/", "sub": "FAKE-user-0000", "aud": "orders-api",
              "iat": 1767225600, "exp": 1767229200, "scope": "orders:write"})
refresh = jwt({"iss": "https://auth.example.test/", "sub": "FAKE-user-0001", "iat": 1767225600})
pat = ghp("FAKE0000EXAMPLE0000rabbitmq00")

def publish(name, properties, payload, encoding):
    body = {"properties": properties, "routing_key": "orders.events", "payload": payload,
            "payload_encoding": encoding}
    with open(os.path.join(out, name), "w") as f:
        json.dump(body, f)

# 1. a JSON event carrying the caller's Authorization header
event = {"event": "order.created", "orderId": "ord-0000-0001",
         "headers": {"authorization": "Bearer " + bearer, "x-request-id": "req-0000-0000-0001"}}
publish("1.json", {"content_type": "application/json", "message_id": "msg-0001", "delivery_mode": 2},
        json.dumps(event), "string")
# 2. an application that base64-encodes its JSON body before publishing
token = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
publish("2.json", {"content_type": "text/plain", "content_encoding": "base64", "message_id": "msg-0002"},
        base64.b64encode(json.dumps(token).encode()).decode(), "string")
# 3. a GitHub token in an AMQP header
publish("3.json", {"message_id": "msg-0003", "headers": {"x-token": pat, "x-retry": 0}},
        "sync repository mirror", "string")
# 4. a gzip body (binary: the API hands it back base64-encoded)
gz = gzip.compress(json.dumps({"refresh_token": refresh, "client_id": "orders-worker"}).encode(), mtime=0)
publish("4.json", {"content_type": "application/json", "content_encoding": "gzip", "message_id": "msg-0004"},
        base64.b64encode(gz).decode(), "base64")
PY

for body in "$base"/bodies/*.json; do
  curl -fsS -u guest:guest -H 'content-type: application/json' -d @"$body" \
    "$api/exchanges/%2F/amq.default/publish" >/dev/null
done

mkdir -p "$(dirname "$out")"
curl -fsS -u guest:guest -H 'content-type: application/json' \
  -d '{"count":10,"ackmode":"ack_requeue_true","encoding":"auto"}' \
  "$api/queues/%2F/$queue/get" >"$out"
echo "wrote $out"
