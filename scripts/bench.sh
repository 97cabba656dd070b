#!/usr/bin/env bash
# Every benchmark, one after the other, each printing its table:
#   browse  - frame times of the real views (100,000 images; 5,000 findings),
#             search and sort at 100,000 and 1,000,000 images
#   listing - open registry to every image loaded (200 x 2,000 images, 50 ms,
#             50 requests/s) vs ECR's lower bound and vs the aws CLI; bytes per image
#   startup - process start to first frame and first repository row
#   search  - global search over 1,000 repositories vs its bound and the aws
#             CLI; two profiles on one account; frames with 100,000 results
#   copy    - copy throughput vs the endpoint's download and upload ceilings,
#             a rerun, a copy over a 100 KB/s uplink, peak memory copying a
#             2 GiB layer
# Usage: bash scripts/bench.sh   (run scripts/test.sh once first: it installs
# the aws CLI into .venv and Xvfb)
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_CLI=${AWS_CLI:-$PWD/.venv/bin/aws}
for b in browse listing startup search copy; do
  echo
  cargo bench --locked --bench "$b" 2>/dev/null | sed -n '/^ecrscope/,$p'
done
