#!/bin/sh
# Install the service-coverage atlas from this folder, with no network: ./install.sh
# Creates ./venv with the wheels of ./wheels (each checked against the sha256 of the lock) and
# prepares the Chinese font of the exports. Needs python3 of the version in PYTHON_VERSION
# (set PYTHON=/path/to/python3.X to choose another interpreter).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python3}
WANT=$(cat "$HERE/PYTHON_VERSION")
HAVE=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$HAVE" != "$WANT" ]; then
    echo "This bundle is for Python $WANT; $PYTHON is Python $HAVE. Set PYTHON=python$WANT." >&2
    exit 2
fi
# Only this folder's files: no index, no pip configuration of the machine.
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CONSTRAINT PIP_REQUIRE_VIRTUALENV
echo "Creating $HERE/venv ..."
"$PYTHON" -m venv "$HERE/venv"
VENV_PYTHON="$HERE/venv/bin/python"
"$VENV_PYTHON" -m pip install --quiet --no-index --find-links "$HERE/wheels" \
    --only-binary :all: --require-hashes -r "$HERE/requirements.txt"
"$VENV_PYTHON" -m pip install --quiet --no-index --no-deps "$HERE"/wheels/service_atlas-*.whl
"$VENV_PYTHON" -m geo fonts prepare
echo "Installed. Start the dashboard with $HERE/run.sh, then open http://127.0.0.1:8501/"
echo "(options: ./run.sh --help; behind nginx: see INSTALL.md and deploy/)."
