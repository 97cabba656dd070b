#!/usr/bin/env bash
# Runs every test of ecrscope, installing what the tests need first:
#   - Debian packages: Xvfb (the end-to-end run), Mesa's software renderers
#     (llvmpipe / lavapipe) so the app draws without a GPU, ImageMagick for the
#     screenshot, xdotool to find the window, and the accessibility stack the
#     end-to-end run drives the app through (D-Bus, at-spi2-core,
#     python3-pyatspi);
#   - a Python venv (.venv) with the pinned test peers: moto (a third-party ECR
#     implementation) and the aws CLI (an independent client).
# Then: unit + integration + UI tests (cargo test), the release build, and the
# end-to-end run of the release binary under Xvfb against moto.
# Under CI=true nothing is skipped: a missing peer fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\n==> %s\n' "$*"; }

# --- system packages ---------------------------------------------------------
pkgs=()
command -v Xvfb >/dev/null || pkgs+=(xvfb xauth)
command -v xvfb-run >/dev/null || pkgs+=(xvfb)
command -v xdotool >/dev/null || pkgs+=(xdotool)
command -v import >/dev/null && import -version >/dev/null 2>&1 || pkgs+=(imagemagick)
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || pkgs+=(mesa-vulkan-drivers libvulkan1)
dpkg -s libgl1-mesa-dri >/dev/null 2>&1 || pkgs+=(libgl1-mesa-dri libegl1)
dpkg -s libxkbcommon-x11-0 >/dev/null 2>&1 || pkgs+=(libxkbcommon-x11-0)
python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || pkgs+=(python3-venv)
command -v dbus-run-session >/dev/null || pkgs+=(dbus dbus-user-session)
dpkg -s at-spi2-core >/dev/null 2>&1 || pkgs+=(at-spi2-core)
/usr/bin/python3 -c 'import pyatspi' 2>/dev/null || pkgs+=(python3-pyatspi gir1.2-atspi-2.0)
command -v desktop-file-validate >/dev/null || pkgs+=(desktop-file-utils)
# skopeo: an independent reader of the OCI archives `ecrscope export` writes.
command -v skopeo >/dev/null || pkgs+=(skopeo)
# openssl: makes the test CA and server certificate of the CA-bundle tests.
command -v openssl >/dev/null || pkgs+=(openssl)
if [ ${#pkgs[@]} -gt 0 ]; then
  log "installing Debian packages: ${pkgs[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# --- Python test peers -------------------------------------------------------
if ! .venv/bin/python -c 'import moto, awscli' 2>/dev/null \
   || ! .venv/bin/python -m pip freeze 2>/dev/null | grep -qx 'moto==5.2.5'; then
  log "installing moto 5.2.5 and the aws CLI into .venv"
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r tests/requirements.txt
fi
export MOTO_SERVER="$ROOT/.venv/bin/moto_server"
export AWS_CLI="$ROOT/.venv/bin/aws"
"$MOTO_SERVER" --help >/dev/null
"$AWS_CLI" --version

# --- one moto server for the whole run ----------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$ROOT/target"
"$MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$ROOT/target/moto.log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
export ECRSCOPE_MOTO_URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "moto did not start (see target/moto.log)"; exit 1; }
log "moto 5.2.5 listening at $ECRSCOPE_MOTO_URL"

# No test may touch real AWS or the instance-metadata address.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ECR

# --- unit, integration (moto, demo endpoint, CLI) and UI (kittest) tests -----
log "cargo test"
# No incremental build data: a clean machine's run needs no reuse, and it
# took 1.2 GB of disk (a CI machine ran out of space linking the tests).
export CARGO_INCREMENTAL=0
df -h "$ROOT" | awk 'NR==2 {print "disk free for the build: " $4 " (a clean run uses about 4 GB)"}'
# --workspace: the app, ECR's rules (crates/ecr-core) and the demo endpoint
# (crates/ecr-demo, whose binary is checked with the aws CLI).
cargo test --locked --workspace --all-targets 2>&1 | tee "$ROOT/target/cargo-test.log"

# --- end to end: the release binary under Xvfb against moto ------------------
log "release build"
cargo build --locked --release
log "end to end under Xvfb"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/ecrscope"
# The shipped build has no fault knobs: clap refuses the flag before any
# window opens (with the flag, the app would start: the timeout ends it and
# the message is missing).
said=$(timeout 10 "$BIN" --demo-fault denied 2>&1 || true)
if ! echo "$said" | grep -q "unexpected argument '--demo-fault'"; then
  echo "FAIL: the release binary accepts --demo-fault (the demo-faults feature leaked into it): $said"
  exit 1
fi
log "the release binary has no --demo-fault flag"
# Twice, each in a D-Bus session of its own: the accessibility bus is
# activated anew each time, as on a fresh machine (a race there once failed
# every check while machines where the bus was already up passed).
for run in 1 2; do
  log "end to end, run $run of 2"
  bash scripts/e2e.sh "$BIN"
done

# --- the Debian package, installed, opened, removed ---------------------------
log "Debian package"
deb=$(bash scripts/package.sh "$BIN")
bash scripts/package-test.sh "$deb"
