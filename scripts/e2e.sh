#!/usr/bin/env bash
# End to end: the release binary in a real X window (Xvfb, Mesa's software
# renderer) against moto seeded by the aws CLI, as a user would run it with
# AWS_ENDPOINT_URL. Checks that the window appears, stays up, and talks to the
# endpoint; saves a screenshot to target/e2e/moto.png.
# Usage: scripts/e2e.sh path/to/ecrscope   (needs ECRSCOPE_MOTO_URL, AWS_CLI)
set -euo pipefail
BIN=${1:?path to the ecrscope binary}
cd "$(dirname "$0")/.."
OUT=target/e2e; mkdir -p "$OUT"
URL=${ECRSCOPE_MOTO_URL:?moto URL}
AWS=${AWS_CLI:-aws}
aws_() { AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_CONFIG_FILE=/nonexistent \
  AWS_SHARED_CREDENTIALS_FILE=/nonexistent "$AWS" --endpoint-url "$URL" --region us-east-1 "$@"; }

curl -fsS -X POST "$URL/moto-api/reset" >/dev/null 2>&1 || python3 - "$URL" <<'PY'
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/moto-api/reset", method="POST"))
PY
for r in payments/ledger payments/checkout platform/api-gateway web/frontend; do
  aws_ ecr create-repository --repository-name "$r" >/dev/null
done
aws_ ecr put-image-tag-mutability --repository-name payments/ledger --image-tag-mutability IMMUTABLE >/dev/null
echo "seeded moto with 4 repositories (aws CLI)"

home=$(mktemp -d)
requests_before=$(grep -c 'POST / ' target/moto.log 2>/dev/null || echo 0)
cat > "$OUT/run.sh" <<RUN
#!/usr/bin/env bash
set -u
export HOME=$home AWS_ENDPOINT_URL=$URL AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true WGPU_BACKEND=\${WGPU_BACKEND:-vulkan,gl}
"$BIN" > "$OUT/app.log" 2>&1 &
app=\$!
for i in \$(seq 1 150); do
  xdotool search --name '^ecrscope$' >/dev/null 2>&1 && break
  sleep 0.2
done
xdotool search --name '^ecrscope$' >/dev/null 2>&1 || { echo "FAIL: no ecrscope window"; kill \$app; exit 1; }
sleep 4
kill -0 \$app 2>/dev/null || { echo "FAIL: ecrscope exited"; cat "$OUT/app.log"; exit 1; }
import -window root "$OUT/moto.png"
# Flip tag immutability with clicks, as a user would (1280x800 window, no
# demo banner): the first row's mutability cell (payments/checkout) opens its
# settings; pick "Immutable"; apply.
xdotool mousemove 690 177 click 1; sleep 1.5
xdotool mousemove 347 204 click 1; sleep 0.7
xdotool mousemove 413 352 click 1; sleep 3
import -window root "$OUT/moto-immutable.png"
kill \$app; wait \$app 2>/dev/null
exit 0
RUN
chmod +x "$OUT/run.sh"
xvfb-run -a -s "-screen 0 1280x800x24" "$OUT/run.sh"
requests_after=$(grep -c 'POST / ' target/moto.log 2>/dev/null || echo 0)
[ "$requests_after" -gt "$requests_before" ] || { echo "FAIL: the app sent no request to moto"; exit 1; }
# A blank or single-colour screenshot means nothing was drawn.
sd=$(convert "$OUT/moto.png" -colorspace Gray -format '%[fx:standard_deviation]' info:)
python3 -c "import sys; sys.exit(0 if float('$sd') > 0.05 else 1)" || { echo "FAIL: screenshot is blank (sd=$sd)"; exit 1; }
echo "e2e: window up, $((requests_after - requests_before)) requests to moto, screenshot $OUT/moto.png"
# The independent client says what the server holds now.
mode=$(aws_ ecr describe-repositories --repository-names payments/checkout --query 'repositories[0].imageTagMutability' --output text)
[ "$mode" = "IMMUTABLE" ] || { echo "FAIL: payments/checkout is $mode after the clicks (see $OUT/moto-immutable.png)"; exit 1; }
echo "e2e: immutability flipped in the GUI, aws ecr describe-repositories says $mode"
echo "2 passed, 0 failed"
