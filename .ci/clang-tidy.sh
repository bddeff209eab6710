#!/usr/bin/env bash
# clang-tidy (the checks of .clang-tidy, every warning an error) over the ci preset's compile commands.
#
#   .ci/clang-tidy.sh [BUILD_DIR] [PATH_REGEX]     defaults: build/ci  the clean scope below
#
# The ci preset builds in unity batches, so its compile_commands.json names CMake's unity_N_cxx.cxx files, and
# clang-tidy would report nothing from the .cpp files they include (HeaderFilterRegex matches headers only).
# This expands each batch into one entry per source file it includes (same flags) in BUILD_DIR/tidy/, then runs
# clang-tidy-14 on the project's files whose path (relative to the top) matches PATH_REGEX, two at a time, with
# findings reported in those files and in headers of the same folders.
# Scope: all of core/ (docs/ARCHITECTURE.md, "Static analysis"); app/, ui/ and tests/ join once their findings are
# fixed or NOLINTed with a reason. The whole of core/ takes about 12 min of CPU (about 6 min on the 2-core CI machine).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/ci}"
scope="${2:-^core/}"
tidy="$(command -v clang-tidy-14 || command -v clang-tidy || true)"
if [ -z "$tidy" ]; then
  echo "clang-tidy: clang-tidy-14 is not installed (apt install clang-tidy-14)" >&2
  exit 1
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "clang-tidy: $build/compile_commands.json is missing: configure and build the ci preset first" >&2
  exit 1
fi
mkdir -p "$build/tidy"
python3 - "$build/compile_commands.json" "$build/tidy/compile_commands.json" "$PWD" "$scope" \
  >"$build/tidy/files.txt" <<'EOF'
import json, os, re, sys
src, dst, top, scope = sys.argv[1:5]
entries = json.load(open(src))
out, files = [], []
include = re.compile(r'^#include "(.+)"$')
for e in entries:
    f = e["file"]
    sources = [f]
    if re.search(r"/Unity/unity_\d+_cxx\.cxx$", f):
        sources = [m.group(1) for line in open(f) if (m := include.match(line.strip()))]
    for s in sources:
        entry = dict(e, file=s, command=e["command"].replace(f, s))
        out.append(entry)
        rel = os.path.relpath(s, top)
        if not rel.startswith("..") and "_autogen/" not in rel and re.search(scope, rel):
            files.append(rel)
json.dump(out, open(dst, "w"), indent=1)
print("\n".join(sorted(set(files))))
EOF
n=$(wc -l <"$build/tidy/files.txt")
echo "clang-tidy: $n files matching '$scope' ($("$tidy" --version | grep -o 'version [0-9.]*'))"
start=$(date +%s)
status=0
# Headers: those of the scope's folders (the regex without its anchor), under the top's path.
headers="$PWD/${scope#^}.*\.h$"
xargs -P 2 -n 1 "$tidy" -p "$build/tidy" --quiet --warnings-as-errors='*' --header-filter="$headers" \
  <"$build/tidy/files.txt" || status=$?
echo "clang-tidy: $n files in $(( $(date +%s) - start )) s"
if [ "$status" -ne 0 ]; then
  echo "clang-tidy: findings above (fix them, or NOLINT(check) with the reason on the line)" >&2
  exit 1
fi
echo "clang-tidy: clean"
