#!/usr/bin/env bash
# Renders every workbench view offscreen at 1280x800 and 1920x1080 (llmdse --screenshot),
# so each can be looked at for clipping, overlap and empty space at both sizes.
#   scripts/screenshots.sh [OUTDIR]         every view at both sizes into OUTDIR (default screenshots/)
#   scripts/screenshots.sh --readme         the README's images (docs/workbench-*.png, 1280x800)
#   VIEWS="results sweep" scripts/screenshots.sh    only those views
# The check view runs smollm-135m on this computer first (about 40 s); the sweep view runs its study.
set -euo pipefail
cd "$(dirname "$0")/.."
LLMDSE=${LLMDSE:-build/bin/llmdse}
[[ -x $LLMDSE ]] || { echo "screenshots.sh: $LLMDSE not built (ninja -C build llmdse)" >&2; exit 1; }
export QT_QPA_PLATFORM=offscreen

# view name -> the --view and the extra arguments that give it something to show
declare -A VIEW=([results]=results [optimizations]=results [sweep]=sweep [compare]=compare
                 [literature]=literature [check]=check [serving]=serving [fpga-plan]="fpga plan")
declare -A ARGS=([optimizations]="--design examples/design-optimizations.json" [fpga-plan]="--design examples/design-fpga.json")
ORDER=(results optimizations sweep compare literature check serving fpga-plan)

shoot() { # name size file
    local name=$1 size=$2 file=$3
    # shellcheck disable=SC2086  # ARGS holds separate words
    "$LLMDSE" --screenshot "$file" --view "${VIEW[$name]}" --size "$size" ${ARGS[$name]:-}
}

if [[ ${1:-} == --readme ]]; then
    for name in ${VIEWS:-${ORDER[*]}}; do
        [[ $name == fpga-plan ]] && continue # not in the README
        shoot "$name" 1280x800 "docs/workbench-$name.png"
    done
    exit 0
fi

OUT=${1:-screenshots}
mkdir -p "$OUT"
for name in ${VIEWS:-${ORDER[*]}}; do
    [[ -n ${VIEW[$name]:-} ]] || { echo "screenshots.sh: unknown view '$name' (${ORDER[*]})" >&2; exit 1; }
    for size in 1280x800 1920x1080; do shoot "$name" "$size" "$OUT/$name-$size.png"; done
done
