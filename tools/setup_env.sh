#!/usr/bin/env bash
# Create or reuse the virtualenv and install what is missing; nothing that is
# already installed at the right version is reinstalled.
#
# Environment:
#   VENV            virtualenv folder (default: .venv at the repository root)
#   TEC_WHEELHOUSE  folder of prebuilt wheels (e.g. mmcv 2.1.0 with ops) that
#                   pip looks in first; without it mmcv is built from source.
#   PYTHON          interpreter used to create the virtualenv (default python3)
#   FORCE_CUDA      1: build mmcv's CUDA ops even where no GPU is visible (a
#                   cluster's login node); unset: CUDA ops only with a GPU
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
TORCH_VERSION=2.14.1
TORCHVISION_VERSION=0.29.1
MMCV_VERSION=2.1.0

log() { printf '[setup] %s\n' "$*"; }

if [ ! -x "$PY" ]; then
    log "creating virtualenv $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
PIP=("$PY" -m pip --disable-pip-version-check --no-input)
FIND_LINKS=()
if [ -n "${TEC_WHEELHOUSE:-}" ]; then
    [ -d "$TEC_WHEELHOUSE" ] || { echo "TEC_WHEELHOUSE=$TEC_WHEELHOUSE is not a folder" >&2; exit 1; }
    FIND_LINKS=(--find-links "$(cd "$TEC_WHEELHOUSE" && pwd)")
fi

has() { "$PY" - "$@" <<'PYEOF' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    pins = [arg.split('==') for arg in sys.argv[1:]]
    sys.exit(0 if all(version(name).split('+')[0] == want
                      for name, want in pins) else 1)
except PackageNotFoundError:
    sys.exit(1)
PYEOF
}

# setuptools < 81: mmengine 0.10.7 and mmcv 2.1.0 import pkg_resources.
"$PY" -c "import setuptools, sys; v=tuple(map(int, setuptools.__version__.split('.')[:1])); sys.exit(0 if 77 <= v[0] < 81 else 1)" 2>/dev/null \
    || { log "installing setuptools<81"; "${PIP[@]}" install -q "setuptools>=77,<81" wheel; }

if ! has torch==$TORCH_VERSION torchvision==$TORCHVISION_VERSION; then
    log "installing torch $TORCH_VERSION + torchvision $TORCHVISION_VERSION"
    "${PIP[@]}" install -q "${FIND_LINKS[@]}" torch==$TORCH_VERSION torchvision==$TORCHVISION_VERSION
fi

if ! has mmcv==$MMCV_VERSION || ! "$PY" -c "import mmcv.ops" 2>/dev/null; then
    if [ ${#FIND_LINKS[@]} -gt 0 ] && ls "$TEC_WHEELHOUSE"/mmcv-$MMCV_VERSION-*.whl >/dev/null 2>&1; then
        log "installing mmcv $MMCV_VERSION from $TEC_WHEELHOUSE"
        "${PIP[@]}" install -q "${FIND_LINKS[@]}" --only-binary mmcv mmcv==$MMCV_VERSION
    else
        log "building mmcv $MMCV_VERSION with ops from source (about 20-30 min on 2 cores)"
        "${PIP[@]}" install -q "mmengine==0.10.7" ninja psutil
        src=$(mktemp -d)
        "${PIP[@]}" download -q --no-deps --no-binary :all: -d "$src" mmcv==$MMCV_VERSION
        tar -xzf "$src"/mmcv-$MMCV_VERSION.tar.gz -C "$src"
        std=$("$PY" -c "import torch; v=tuple(int(x) for x in torch.__version__.split('+')[0].split('.')[:2]); print('c++20' if v >= (2, 14) else 'c++17')")
        log "compiling with -std=$std"
        sed -i -E "s/-std=c\+\+(14|17)/-std=$std/g" "$src"/mmcv-$MMCV_VERSION/setup.py
        # FORCE_CUDA=1 builds the CUDA ops without a GPU (a cluster's login
        # node); by default they are built when CUDA is found.
        log "FORCE_CUDA=${FORCE_CUDA:-unset}"
        (cd "$src"/mmcv-$MMCV_VERSION && MMCV_WITH_OPS=1 MAX_JOBS=$(nproc) \
            "${PIP[@]}" install -q --no-build-isolation .)
        rm -rf "$src"
    fi
fi

log "mmcv ops compiled with CUDA: $("$PY" -c 'from mmcv.ops import get_compiling_cuda_version as v; print(v())')"

if ! "$PY" -c "import tec_mm" 2>/dev/null \
   || ! has mmengine==0.10.7 mmpretrain==1.2.0 mmsegmentation==1.2.2 mmdet==3.3.0; then
    log "installing tec_mm and its OpenMMLab dependencies"
    "${PIP[@]}" install -q "${FIND_LINKS[@]}" --no-build-isolation -e ".[tests]"
fi

DATA=/usr/share/datasets/fashion-mnist
if [ ! -d "$DATA" ]; then
    log "installing Debian's dataset-fashion-mnist"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
log "environment ready in $VENV"
