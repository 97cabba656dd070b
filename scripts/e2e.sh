#!/usr/bin/env bash
# End to end: the release binary in a real X window (Xvfb, Mesa's software
# renderer) against moto seeded by the aws CLI, as a user would run it with
# AWS_ENDPOINT_URL, driven through its accessibility tree (AT-SPI, from
# AccessKit): buttons, entries and table rows are found by their accessible
# names, as a screen reader finds them, never by pixel coordinates. The aws
# CLI checks what the clicks changed. Screenshots go to target/e2e/.
# A second run signs in to IAM Identity Center from the window, against the
# demo endpoint's binary (its SSO OIDC, portal and ECR), with a home whose
# only profile is an SSO one.
# Usage: scripts/e2e.sh path/to/ecrscope [path/to/ecr-demo]   (needs
# ECRSCOPE_MOTO_URL, AWS_CLI; Debian packages xvfb, dbus, at-spi2-core,
# python3-pyatspi, xdotool; ecr-demo defaults to the debug build cargo test
# makes, built here if missing)
set -euo pipefail
BIN=$(realpath "${1:?path to the ecrscope binary}")
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO_BIN=${2:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/ecr-demo}
[ -x "$DEMO_BIN" ] || cargo build --locked -p ecr-demo
[ -x "$DEMO_BIN" ] || { echo "FAIL: no ecr-demo binary at $DEMO_BIN"; exit 1; }
DEMO_BIN=$(realpath "$DEMO_BIN")
OUT=$ROOT/target/e2e; mkdir -p "$OUT"
URL=${ECRSCOPE_MOTO_URL:?moto URL}
AWS=${AWS_CLI:-aws}
aws_() { AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_CONFIG_FILE=/nonexistent \
  AWS_SHARED_CREDENTIALS_FILE=/nonexistent "$AWS" --endpoint-url "$URL" --region us-east-1 "$@"; }
post() { /usr/bin/python3 - "$URL$1" "$2" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST",
                             headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req).status)
PY
}

# --- seed moto with the aws CLI (an independent client) ----------------------
post /moto-api/reset "" >/dev/null
for r in payments/ledger payments/checkout platform/api-gateway web/frontend; do
  aws_ ecr create-repository --repository-name "$r" >/dev/null
done
aws_ ecr put-image-tag-mutability --repository-name payments/ledger --image-tag-mutability IMMUTABLE >/dev/null
manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'$(printf cfg | sha256sum | cut -c1-64)'","size":100},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'$(printf layer | sha256sum | cut -c1-64)'","size":1234}]}'
digest=$(aws_ ecr put-image --repository-name web/frontend --image-tag v1.4.2 \
  --image-manifest "$manifest" --query 'image.imageId.imageDigest' --output text)
aws_ ecr put-image --repository-name web/frontend --image-tag latest --image-manifest "$manifest" >/dev/null
# A finding for the image, served by moto once the scan starts.
post /moto-api/static/ecr/scan-finding-results '{"region":"us-east-1","results":[{"registryId":"123456789012","repositoryName":"web/frontend","imageId":{"imageDigest":"'"$digest"'"},"imageScanStatus":{"status":"COMPLETE","description":"done"},"imageScanFindings":{"findingSeverityCounts":{"CRITICAL":1},"findings":[{"name":"CVE-2024-E2E1","severity":"CRITICAL","uri":"https://nvd.example/CVE-2024-E2E1","attributes":[{"key":"package_name","value":"openssl"}]}]}}]}' >/dev/null
aws_ ecr start-image-scan --repository-name web/frontend --image-id imageDigest="$digest" >/dev/null
echo "seeded moto: 4 repositories, web/frontend v1.4.2 + latest ($digest) with one finding (aws CLI)"

# --- run the app in Xvfb with the accessibility bus on ------------------------
home=$(mktemp -d)
# moto's request log (scripts/test.sh writes it there): the count of requests
# proves the app talked to moto and not to AWS.
MOTO_LOG=${MOTO_LOG:-$ROOT/target/moto.log}
[ -f "$MOTO_LOG" ] || { echo "FAIL: no moto request log at $MOTO_LOG (start moto with its output there, or set MOTO_LOG)"; exit 1; }
requests_before=$(grep -c 'POST / ' "$MOTO_LOG" || true)
cat > "$OUT/run.sh" <<RUN
#!/usr/bin/env bash
set -u
# AccessKit publishes the tree only when the session says assistive
# technology is on. --print-reply waits for the answer: without it dbus-send
# exits before D-Bus has activated org.a11y.Bus and the call is dropped (a
# fresh machine, where nothing had started the bus before, failed 0/7 so).
# Then read IsEnabled back, and stop in words if it is not on.
on=""
for i in \$(seq 1 50); do
  if dbus-send --session --print-reply --reply-timeout=2000 --dest=org.a11y.Bus /org/a11y/bus \
       org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled variant:boolean:true >/dev/null 2>&1 \
     && dbus-send --session --print-reply --reply-timeout=2000 --dest=org.a11y.Bus /org/a11y/bus \
       org.freedesktop.DBus.Properties.Get string:org.a11y.Status string:IsEnabled 2>/dev/null | grep -q 'boolean true'; then
    on=yes; break
  fi
  sleep 0.2
done
if [ -z "\$on" ]; then
  echo "FAIL: the accessibility bus (org.a11y.Bus) did not say IsEnabled=true; is at-spi2-core installed?"
  echo "0 1" > "$OUT/counts"; exit 1
fi
echo "accessibility bus on (IsEnabled read back true after \$i tries)"
export HOME=$home AWS_ENDPOINT_URL=$URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true WGPU_BACKEND=\${WGPU_BACKEND:-vulkan,gl}
# --demo: the built-in demo registry too, the source of the copy below.
"$BIN" --demo > "$OUT/app.log" 2>&1 &
app=\$!
for i in \$(seq 1 150); do
  xdotool search --name '^ecrscope\$' >/dev/null 2>&1 && break
  sleep 0.2
done
xdotool search --name '^ecrscope\$' >/dev/null 2>&1 || { echo "FAIL: no ecrscope window"; kill \$app; exit 1; }
pass=0; failed=0
step() { if /usr/bin/python3 "$ROOT/scripts/a11y.py" "\$@"; then pass=\$((pass+1)); else failed=\$((failed+1)); fi; }
step listed payments/ledger payments/checkout platform/api-gateway web/frontend
import -window root "$OUT/moto.png"
step registry_policy 111122223333 "$OUT/registry-policy.png"
step immutable payments/checkout
step tags web/frontend v1.4.2 latest
step findings web/frontend v1.4.2 CVE-2024-E2E1
import -window root "$OUT/moto-findings.png"
step copy hello-world from-demo/hello "$OUT/copy-dialog.png"
import -window root "$OUT/copied.png"
step move_tag hello-world from-demo/hello v1.0.2 latest "$OUT/copy-move.png"
step export_without_portal hello-world latest "$OUT/hello-latest.tar"
step supply_chain payments/checkout "$ROOT/assets/demo-cosign.pub" "$OUT/verified.png"
kill -0 \$app 2>/dev/null || { echo "FAIL: ecrscope exited"; cat "$OUT/app.log"; failed=\$((failed+1)); }
kill \$app 2>/dev/null; wait \$app 2>/dev/null

# --- second run: sign in to IAM Identity Center from the window ---------------
"$DEMO_BIN" --seed small --port 0 > "$OUT/demo.url" 2> "$OUT/demo.log" &
demo=\$!
for i in \$(seq 1 100); do [ -s "$OUT/demo.url" ] && break; sleep 0.1; done
demo_url=\$(head -1 "$OUT/demo.url")
ssohome=\$(mktemp -d); mkdir -p "\$ssohome/.aws"
printf '[profile corp]\\nsso_session = corp\\nsso_account_id = 123456789012\\nsso_role_name = Developer\\nregion = us-east-1\\nendpoint_url = %s\\n\\n[sso-session corp]\\nsso_start_url = https://d-demo.awsapps.com/start\\nsso_region = us-east-1\\n' "\$demo_url" > "\$ssohome/.aws/config"
cache=\$(/usr/bin/python3 -c 'import hashlib,sys; print(sys.argv[1] + "/.aws/sso/cache/" + hashlib.sha1(b"corp").hexdigest() + ".json")' "\$ssohome")
env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="\$ssohome" "$BIN" > "$OUT/app-sso.log" 2>&1 &
app=\$!
step sso_sign_in "\$demo_url" analytics/dashboard "\$cache" "$OUT/sso-dialog.png"
import -window root "$OUT/sso-signed-in.png"
kill -0 \$app 2>/dev/null || { echo "FAIL: ecrscope exited (sign-in run)"; cat "$OUT/app-sso.log"; failed=\$((failed+1)); }
kill \$app 2>/dev/null; wait \$app 2>/dev/null
kill \$demo 2>/dev/null; wait \$demo 2>/dev/null
echo "\$pass \$failed" > "$OUT/counts"
RUN
chmod +x "$OUT/run.sh"
rm -f "$OUT/counts"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$OUT/run.sh" 2> >(grep -v -e '^dbus-daemon' -e 'SpiRegistry' >&2) || true
[ -s "$OUT/counts" ] || { echo "FAIL: the run inside Xvfb ended before counting (see $OUT/app.log)"; exit 1; }
read -r pass failed < "$OUT/counts"
requests_after=$(grep -c 'POST / ' "$MOTO_LOG" || true)
[ "$requests_after" -gt "$requests_before" ] || { echo "FAIL: the app sent no request to moto"; failed=$((failed+1)); }
# The independent client says what the server holds now.
mode=$(aws_ ecr describe-repositories --repository-names payments/checkout --query 'repositories[0].imageTagMutability' --output text)
if [ "$mode" = "IMMUTABLE" ]; then
  echo "PASS aws CLI: payments/checkout is $mode after the clicks"; pass=$((pass+1))
else
  echo "FAIL aws CLI: payments/checkout is $mode after the clicks (see $OUT/moto-findings.png)"; failed=$((failed+1))
fi
# The registry policy added by clicks, as moto holds it.
policy=$(aws_ ecr get-registry-policy --query policyText --output text 2>/dev/null || true)
if echo "$policy" | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)
s = p["Statement"][0]
assert s["Principal"]["AWS"] == "arn:aws:iam::111122223333:root", s
assert sorted(s["Action"]) == ["ecr:CreateRepository", "ecr:ReplicateImage"], s
assert s["Resource"] == "arn:aws:ecr:us-east-1:123456789012:repository/*", s' 2>/dev/null; then
  echo "PASS aws CLI: the registry policy lets 111122223333 replicate here"; pass=$((pass+1))
else
  echo "FAIL aws CLI: the registry policy is '$policy'"; failed=$((failed+1))
fi
# The copy: moto holds the image under its tag, with every layer.
# (Its latest moved to the second copy below: v1.0.3 names it.)
copied=$(aws_ ecr describe-images --repository-name from-demo/hello --image-ids imageTag=v1.0.3 --query 'imageDetails[0].imageTags' --output text 2>/dev/null || true)
layers=$(aws_ ecr batch-get-image --repository-name from-demo/hello --image-ids imageTag=v1.0.3 \
  --query 'images[0].imageManifest' --output text 2>/dev/null | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)
print(" ".join([m["config"]["digest"]] + [l["digest"] for l in m["layers"]]))' 2>/dev/null || true)
missing=$( [ -n "$layers" ] && aws_ ecr batch-check-layer-availability --repository-name from-demo/hello \
  --layer-digests $layers --query 'length(failures)' --output text 2>/dev/null || echo "?")
if echo "$copied" | grep -qw v1.0.3 && [ "$missing" = "0" ]; then
  echo "PASS aws CLI: from-demo/hello holds the copied image (tags: $copied), every layer available"; pass=$((pass+1))
else
  echo "FAIL aws CLI: from-demo/hello tags '$copied', layers missing '$missing'"; failed=$((failed+1))
fi
# The tag move: latest names the second copy now; the first keeps v1.0.3.
latest=$(aws_ ecr describe-images --repository-name from-demo/hello --image-ids imageTag=latest \
  --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)
first=$(aws_ ecr describe-images --repository-name from-demo/hello --image-ids imageTag=v1.0.3 \
  --query 'imageDetails[0].[imageDigest,join(`,`,imageTags)]' --output text 2>/dev/null || true)
count=$(aws_ ecr describe-images --repository-name from-demo/hello --query 'length(imageDetails)' --output text 2>/dev/null || true)
first_digest=${first%%[[:space:]]*}; first_tags=$(echo "${first##*[[:space:]]}" | tr ',' '\n')
if [ -n "$latest" ] && [ "$count" = "2" ] && [ "$first_digest" != "$latest" ] \
    && echo "$first_tags" | grep -qx v1.0.3 && ! echo "$first_tags" | grep -qx latest; then
  echo "PASS aws CLI: latest moved to the second copy ($latest); the first keeps v1.0.3 and lost latest"; pass=$((pass+1))
else
  echo "FAIL aws CLI: after the move latest is '$latest', v1.0.3 is '$first', $count images"; failed=$((failed+1))
fi
echo "e2e: $((requests_after - requests_before)) requests to moto; screenshots in $OUT"
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
