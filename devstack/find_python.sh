#!/usr/bin/env bash
# Print a Python 3.12 interpreter (the Lambda runtime's version), else the newest python3.
for candidate in python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12 \
                 /usr/bin/python3.12 /usr/local/bin/python3.12; do
  if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
echo "warning: no Python 3.12 found; Lambda runs 3.12, falling back to python3" >&2
command -v python3
