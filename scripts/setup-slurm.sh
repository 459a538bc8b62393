#!/usr/bin/env bash
# Installs what the single-node Slurm test (tests/slurm/slurm_sweep_test.sh) needs on Debian 12:
# Slurm (slurm-wlm: slurmctld, slurmd, sbatch ...), munge, and the sqlite3 shell that compares
# results. Idempotent. Without root or password-less sudo, or where apt cannot install them, it
# says so and leaves the test to skip itself (with the reason). Usage: bash scripts/setup-slurm.sh
set -uo pipefail
PACKAGES=(slurm-wlm munge sqlite3)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=()
elif sudo -n true 2>/dev/null; then SUDO=(sudo -n)
else
  echo "== setup-slurm: not root and no password-less sudo: not installing ${missing[*]} (the Slurm test will be skipped)"
  exit 0
fi
echo "== installing for the Slurm test: ${missing[*]}"
if ! { "${SUDO[@]}" apt-get update -qq &&
       DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
  echo "== setup-slurm: apt-get could not install ${missing[*]} (the Slurm test will be skipped)"
fi
exit 0
