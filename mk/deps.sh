#!/bin/sh
# make deps: install the Debian packages casereview needs, only those that
# are missing. Runs 'apt-get update' first when something is missing. When not
# root, uses sudo if it can, otherwise says exactly what to run.
set -u

PACKAGES="build-essential pkg-config
libxapian-dev xapian-tools
libpoppler-glib-dev poppler-utils
libcurl4-openssl-dev libsqlite3-dev sqlite3 libmicrohttpd-dev
libjansson-dev nettle-dev libxml2-dev libzip-dev
libcairo2-dev fonts-dejavu-core qpdf zlib1g-dev
libcmocka-dev valgrind clang libclang-rt-14-dev
wrk hyperfine time
chromium nodejs"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done

# npm may come with nodejs (NodeSource) or as Debian's own package
if ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi

# The browser test's npm packages (playwright-core, pinned by
# tests/web/package-lock.json). No browser is downloaded: the test drives
# Debian's /usr/bin/chromium.
npm_deps() {
    [ -d tests/web/node_modules ] && return 0
    echo "make deps: installing the browser test's npm packages in tests/web (npm ci)"
    if ! (cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
          npm ci --no-audit --no-fund --loglevel=error); then
        echo "make deps: 'npm ci' failed in tests/web; check the network or the npm registry" >&2
        exit 1
    fi
}

if [ -z "$missing" ]; then
    npm_deps
    exit 0
fi

echo "make deps: installing missing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "make deps: these packages are missing and installing them needs root:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get update -qq; then
    echo "make deps: 'apt-get update' failed; check the network or the apt sources" >&2
    exit 1
fi
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing; then
    echo "make deps: 'apt-get install' failed for:$missing" >&2
    exit 1
fi
npm_deps
