#!/bin/sh
# Generates a throwaway self-signed certificate for the TLS example: DIR/cert.pem and
# DIR/key.pem (an EC P-256 key, mode 0600), valid for 127.0.0.1 and localhost for 7
# days. Never commit the key: it is made at build or test time, in the build tree or
# a test's own temporary directory.
#
#   scripts/apps_cert.sh DIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/key.pem.new" -out "$dir/cert.pem.new" -days 7 \
    -subj "/CN=void-tls example (throwaway)" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "basicConstraints=critical,CA:FALSE" 2>/dev/null
chmod 0644 "$dir/cert.pem.new"
mv "$dir/key.pem.new" "$dir/key.pem"
mv "$dir/cert.pem.new" "$dir/cert.pem"
