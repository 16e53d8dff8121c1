#!/usr/bin/env bash
# Rebuild the Sauti starter model from scratch on a Debian 12 machine (CPU only).
#   models/starter/recipe/run.sh            # everything
#   STAGE=train models/starter/recipe/run.sh  # resume from a stage: deps|data|train|export|eval
# Uses Debian's /usr/bin/python3 (python3-torch), not any pyenv/venv python on PATH.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
STAGE=${STAGE:-deps}
STEPS=${STEPS:-3000}
MAX_MINUTES=${MAX_MINUTES:-16}
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
    python3-torch python3-onnx python3-numpy libopenblas0-pthread espeak-ng sox \
    wamerican wngerman wfrench wspanish witalian wportuguese wswedish wdanish wnorwegian \
    wdutch wpolish wbulgarian wukrainian wcatalan wirish wesperanto \
    hunspell-is hunspell-af hunspell-ro hunspell-cs hunspell-sk hunspell-sl hunspell-hr \
    hunspell-ru hunspell-lt hunspell-lv hunspell-el hunspell-et hunspell-eu hunspell-ar \
    hunspell-he hunspell-kk hunspell-bn hunspell-ne hunspell-gu hunspell-te hunspell-ml \
    hunspell-vi hunspell-id hunspell-ko hunspell-sw hunspell-tr hunspell-hi hunspell-hu
fi
if want data; then
  stamp data; $PY gen_data.py --jobs 2
fi
if want train; then
  stamp train; $PY train.py --steps "$STEPS" --max-minutes "$MAX_MINUTES"
fi
if want export; then
  stamp export; $PY export.py
  # Sauti's manifest format (src/main/core/asr/model-package.ts), the recipe's own record kept as "card".
  $PY sauti_manifest.py ..
  node check_onnx.cjs
fi
if want eval; then
  stamp eval; $PY evaluate.py
  $PY -m unittest discover -s tests
fi
stamp done
