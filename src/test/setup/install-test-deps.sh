#!/bin/sh
# Installs what the test suite needs beyond the JDK and Maven: Debian's chromium and chromium-driver (dev console
# browser test), nginx (reverse-proxy test), openssl (its s_client checks certificates the JDK cannot read), and
# novnc, x11vnc and xvfb (noVNC through the --tcp relay), ruby (the Ruby example) and redis-server (rooms shared
# by several instances through --bus). Run by `make test`; never needed by hand. Without root or apt-get it installs
# nothing and says so: the tests that need these programs then skip with a clear message.
set -u
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -x /usr/bin/chromedriver ] || need="$need chromium-driver"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
[ -x /usr/bin/openssl ] || need="$need openssl"
[ -f /usr/share/novnc/vnc.html ] || need="$need novnc"
[ -x /usr/bin/x11vnc ] || need="$need x11vnc"
[ -x /usr/bin/Xvfb ] || need="$need xvfb"
command -v ruby >/dev/null 2>&1 || need="$need ruby"
[ -x /usr/bin/redis-server ] || need="$need redis-server"
[ -n "$need" ] || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: not installing$need (needs root and apt-get); the tests that use them will be skipped" >&2
  exit 0
fi
echo "test-deps: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || echo "test-deps: apt-get update failed; trying the install anyway" >&2
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1; then
  echo "test-deps: could not install$need; the tests that use them will be skipped" >&2
fi
exit 0
