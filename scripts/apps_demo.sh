#!/bin/sh
# Runs the example applications once each under void-shim -s (make apps-demo):
# gzip over its standard streams and over File descriptors, then the TLS server for two
# connections on 127.0.0.1:8443 (examples/tls/spec.json), fetched with curl.
#
#   scripts/apps_demo.sh BUILD_DIR
set -eu
build=${1:-build}
shim=$build/bin/void-shim
gz=$build/examples/gzip/void-gzip
tls=$build/examples/tls/void-tls

echo "== gzip: standard streams (examples/gzip/spec.json)"
"$shim" -s examples/gzip/spec.json "$gz" -9 < examples/gzip/README.md > "$build/examples/gzip/README.md.gz"
gzip -dc "$build/examples/gzip/README.md.gz" | cmp - examples/gzip/README.md
echo "compressed $(wc -c < examples/gzip/README.md) -> $(wc -c < "$build/examples/gzip/README.md.gz") bytes; gzip -d agrees"

echo "== gzip: File descriptors (examples/gzip/spec-files.json)"
: > "$build/examples/gzip/README.md.gz"
"$shim" -s examples/gzip/spec-files.json "$gz"
gzip -dc "$build/examples/gzip/README.md.gz" | cmp - examples/gzip/README.md
echo "the void saw only its two descriptors; gzip -d agrees"

echo "== tls: examples/tls/spec.json, two connections, then the listener closes"
"$shim" -s examples/tls/spec.json "$tls" --max-connections 2 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do
    curl -s -o /dev/null --cacert "$build/examples/tls/cert.pem" https://127.0.0.1:8443/ && break
    sleep 0.2
done
curl -sS --cacert "$build/examples/tls/cert.pem" https://127.0.0.1:8443/ | grep '<h1>'
wait $app
trap - EXIT
echo "the application ended by itself (exit 0)"
