#!/usr/bin/env bash
# Installs the real servers and clients the integration tests start on loopback (xrdp, openssl s_server, FreeRDP
# shadow server and client, rdesktop, Xvfb, sslscan, and nmap, whose rdp-enum-encryption the MCS tests compare
# with), the browser the HTML report test renders with (chromium), and
# the compiler cargo-afl builds AFL++ with for the fuzz smoke (clang, llvm; scripts/fuzz.sh), only when some are
# missing. Debian/Ubuntu; run as root (or with sudo available). Harmless when everything is already installed: it
# then changes nothing and needs no network.
set -euo pipefail

# package -> a command it provides
declare -A provides=(
  [xrdp]=xrdp
  [openssl]=openssl
  [freerdp2-shadow-x11]=freerdp-shadow-cli
  [freerdp2-x11]=xfreerdp
  [rdesktop]=rdesktop
  [xvfb]=Xvfb
  [sslscan]=sslscan
  [chromium]=chromium
  [clang]=clang
  [llvm]=llvm-config
  [nmap]=nmap
)

missing=()
for pkg in xrdp openssl freerdp2-shadow-x11 freerdp2-x11 rdesktop xvfb sslscan chromium clang llvm nmap; do
  # xrdp lives in /usr/sbin, which a non-root PATH may lack.
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "${provides[$pkg]}" >/dev/null 2>&1 \
    && ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: all test servers present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing ${missing[*]} and no apt-get here; install them by hand" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-test-deps: missing ${missing[*]}; run this script as root" >&2
    exit 1
  fi
fi

echo "install-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
# The xrdp package starts its service on install where systemd runs; the tests use their own instances on other
# ports and never talk to it.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
