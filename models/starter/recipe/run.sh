#!/usr/bin/env bash
# Build the Sauti starter model (v2) from Debian packages on a CPU machine, resumably.
#   models/starter/recipe/run.sh                 # everything: deps data train export eval
#   STAGE=train models/starter/recipe/run.sh     # from a stage on: deps|data|train|export|eval
#   STEPS=16000 MAX_MINUTES=120 STAGE=train ...  # train longer, or in slices of MAX_MINUTES
# Training resumes from DATA/run-v2/last.pt whenever it exists (kill it at any time; run the
# train stage again to go on). SAUTI_RECIPE_DATA puts downloads, audio and runs outside the
# work tree (default: recipe/.data), so a fresh checkout can pick the run up again.
# Uses Debian's /usr/bin/python3 (python3-torch), not a pyenv/venv python on PATH.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
STAGE=${STAGE:-deps}
STEPS=${STEPS:-12000}
MAX_MINUTES=${MAX_MINUTES:-0}
DATA=${SAUTI_RECIPE_DATA:-$PWD/.data}
export SAUTI_RECIPE_DATA=$DATA
# Debian's torch calls the system BLAS; the default reference BLAS is ~13x slower than
# OpenBLAS (installed below). One BLAS thread per torch thread avoids oversubscription.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE

stages=(deps data train export eval)
run_from=0
for i in "${!stages[@]}"; do [[ ${stages[$i]} == "$STAGE" ]] && run_from=$i; done
want() { for i in "${!stages[@]}"; do [[ ${stages[$i]} == "$1" ]] && (( i >= run_from )) && return 0; done; return 1; }
stamp() { echo "[$(date -u +%H:%M:%S)] $*"; }

if want deps; then
  stamp deps
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    $($PY -c 'import langs; print(" ".join(langs.APT_PACKAGES))')
fi
if want data; then
  stamp data
  $PY real_data.py
  $PY gen_data.py --jobs 2
  $PY vocab.py
fi
if want train; then
  stamp train; $PY train.py --steps "$STEPS" --max-minutes "$MAX_MINUTES"
fi
if want export; then
  stamp export; $PY export.py
  # Sauti's manifest format (src/main/core/asr/model-package.ts), the recipe's own record kept as "card".
  $PY sauti_manifest.py ..
  node check_onnx.cjs
  $PY quantize.py ../model.onnx "$DATA/model.int8.onnx"
  # int8 ships: the same CER within 0.4 points on every held-out set, a third of the size and
  # no slower (MODEL_CARD.md). The float32 export stays in DATA for evaluation.
  mv ../model.onnx "$DATA/model.float32.onnx"
  cp "$DATA/model.int8.onnx" ../model.onnx
  $PY sauti_manifest.py .. --int8-from "$DATA/model.float32.onnx"
fi
if want eval; then
  stamp eval
  git -C .. show 'cb1d919:models/starter/model.onnx' > "$DATA/v1-model.onnx"
  $PY evaluate.py --model "$DATA/model.float32.onnx" --int8 ../model.onnx --v1 "$DATA/v1-model.onnx"
  $PY -m unittest discover -s tests
fi
stamp done
