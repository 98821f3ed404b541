#!/bin/sh
# Start the installed atlas (./install.sh first): ./run.sh [--address A] [--port P]
# [--base-path atlas] [--public-host NAME] [--max-upload-mb N]; ./run.sh --help lists them.
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"  # the theme: .streamlit/config.toml
exec "$HERE/venv/bin/python" -m dashboard.serve --demo "$HERE/demo/suyu" "$@"
