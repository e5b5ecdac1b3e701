#!/usr/bin/env bash
# Installs the Debian packages the test suites need besides the lab's own (the lab script installs
# Keystone and Neutron): Debian's Chromium for Playwright (never a downloaded browser), Redis
# for the replica tests, and nginx and openssl for the TLS deployment story
# (e2e/specs/tls-deployment.spec.ts). Idempotent: does nothing when everything is present.
set -euo pipefail
needed=(chromium redis-server nginx openssl)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The tests start their own nginx and Redis on 127.0.0.1; the packages' services must not start
# (nginx's default site would listen on every address, port 80). Debian's invoke-rc.d asks
# policy-rc.d: exit 101 means "do not start". Left alone when the machine has one already.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
