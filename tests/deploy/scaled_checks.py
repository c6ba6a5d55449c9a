"""Checks of the scaled overlay: several replicas on the PostgreSQL store. Three replicas rolled
one at a time, an autoscaler on CPU from three up, a disruption budget keeping one pod, no
volume claim, the database URL from a Secret whose example is never applied, egress to the
database, the Job that copies the embedded store into it, and a Deployment that can replace
the single-writer one in place.
"""

import tomllib
from pathlib import Path
from urllib.parse import urlparse

import kubernetes_validate
import yaml

from shared import (
    K8S,
    KUBERNETES_VERSION,
    SCALED,
    SINGLE_WRITER,
    Failed,
    check,
    deployment,
    example_secrets,
    example_value,
    expect,
    k8s_config,
    only,
    render,
    secret_env,
)

# PostgreSQL's default max_connections: what every replica's pool together must stay under.
POSTGRES_MAX_CONNECTIONS = 100
# The one-off Job that copies the embedded store into the database, on the way up.
STORE_COPY_JOB = K8S / "jobs" / "store-copy.yaml"


def scaled_store():
    return tomllib.loads(k8s_config(SCALED)["data"]["gatehouse.toml"])["store"]


def database_url_ref():
    """The Secret and key the scaled overlay's database URL comes from."""
    url = scaled_store()["url"]
    expect(isinstance(url, dict) and set(url) == {"env"}, f"store.url is {url!r}, not {{ env = \"…\" }}")
    refs = secret_env(SCALED)
    expect(url["env"] in refs, f"{url['env']} is not filled from a Secret")
    return refs[url["env"]]


def autoscaler():
    return only(render(SCALED), "HorizontalPodAutoscaler", "gatehouse")


@check
def the_scaled_overlay_runs_three_replicas_rolled_one_at_a_time(bin_dir):
    spec = deployment(SCALED)["spec"]
    expect(spec["replicas"] == 3, f"{spec['replicas']} replicas")
    strategy = spec["strategy"]
    expect(strategy["type"] == "RollingUpdate", f"strategy {strategy['type']}")
    rolling = strategy.get("rollingUpdate", {})
    # No replica stops before its successor is ready: webhooks are never refused for want of one.
    expect(rolling.get("maxUnavailable") == 0 and rolling.get("maxSurge") == 1, f"rollingUpdate {rolling}")


@check
def the_scaled_overlay_shares_a_postgres_store_and_mounts_no_store_volume(bin_dir):
    store = scaled_store()
    expect(store["kind"] == "postgres", f"store {store['kind']}")
    expect("path" not in store, "a postgres store with a path")
    docs = render(SCALED)
    expect(not [d for d in docs if d["kind"] == "PersistentVolumeClaim"], "the render has a PersistentVolumeClaim")
    pod = deployment(SCALED)["spec"]["template"]["spec"]
    claims = [v["name"] for v in pod["volumes"] if "persistentVolumeClaim" in v]
    expect(not claims, f"volumes on a claim: {claims}")
    mounts = [m["mountPath"] for m in pod["containers"][0]["volumeMounts"]]
    expect("/var/lib/gatehouse" not in mounts, f"a store volume is still mounted: {mounts}")


@check
def the_autoscaler_scales_the_deployment_on_cpu_from_its_replica_count(bin_dir):
    spec = autoscaler()["spec"]
    target = spec["scaleTargetRef"]
    expect(
        (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", "gatehouse"),
        f"scales {target}",
    )
    replicas = deployment(SCALED)["spec"]["replicas"]
    expect(spec["minReplicas"] == replicas, f"minReplicas {spec['minReplicas']}, the Deployment has {replicas}")
    expect(spec["maxReplicas"] > spec["minReplicas"], f"maxReplicas {spec['maxReplicas']}")
    cpu = [
        m["resource"]["target"]
        for m in spec.get("metrics", [])
        if m["type"] == "Resource" and m["resource"]["name"] == "cpu"
    ]
    expect(cpu and cpu[0]["type"] == "Utilization", f"no CPU utilisation target: {spec.get('metrics')}")
    # Utilisation is a share of the request: without one the autoscaler has nothing to divide by.
    requests = deployment(SCALED)["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]
    expect("cpu" in requests, "the container requests no CPU")


@check
def the_disruption_budget_keeps_one_pod_of_the_deployment(bin_dir):
    budget = only(render(SCALED), "PodDisruptionBudget", "gatehouse")["spec"]
    expect(budget.get("minAvailable") == 1, f"minAvailable {budget.get('minAvailable')}")
    labels = deployment(SCALED)["spec"]["template"]["metadata"]["labels"]
    selector = budget["selector"]["matchLabels"]
    expect(all(labels.get(k) == v for k, v in selector.items()), f"the budget selects {selector}, pods have {labels}")


@check
def the_connection_ceiling_fits_the_database(bin_dir):
    surge = deployment(SCALED)["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    most = autoscaler()["spec"]["maxReplicas"] + surge
    pool = scaled_store().get("pool_size", 10)
    expect(
        most * pool < POSTGRES_MAX_CONNECTIONS,
        f"{most} replicas × pool_size {pool} = {most * pool} connections, PostgreSQL allows {POSTGRES_MAX_CONNECTIONS}",
    )


@check
def the_database_url_comes_from_a_secret_whose_example_is_never_applied(bin_dir):
    ref = database_url_ref()
    example = urlparse(example_value(SCALED, ref))
    expect(example.scheme in ("postgres", "postgresql") and example.hostname, f"the example URL is {example.scheme}://…")
    expect("REPLACE" in (example.password or ""), "the example's password does not say to replace it")
    rendered = {(d["kind"], d["metadata"]["name"]) for d in render(SCALED)}
    for secret in example_secrets(SCALED):
        expect(("Secret", secret["metadata"]["name"]) not in rendered, f"the example {secret['metadata']['name']} is applied")
        try:
            kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
        except Exception as e:  # the library raises several error types
            raise Failed(f"the example Secret {secret['metadata']['name']}: {e}")


@check
def the_scaled_overlay_may_reach_the_database(bin_dir):
    ref = database_url_ref()
    port = urlparse(example_value(SCALED, ref)).port or 5432
    egress = {
        p["port"]
        for d in render(SCALED)
        if d["kind"] == "NetworkPolicy"
        for rule in d["spec"].get("egress", [])
        for p in rule["ports"]
    }
    expect(port in egress, f"the database listens on {port}, egress {egress}")


@check
def the_store_copy_job_reads_the_embedded_store_into_the_scaled_database(bin_dir):
    job = yaml.safe_load(STORE_COPY_JOB.read_text())
    try:
        kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)
    except Exception as e:  # the library raises several error types
        raise Failed(f"{STORE_COPY_JOB.name}: {e}")
    embedded = deployment("embedded")
    expect(job["metadata"]["namespace"] == embedded["metadata"]["namespace"], "the Job runs in another namespace")
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    expect(container["image"] == deployment(SCALED)["spec"]["template"]["spec"]["containers"][0]["image"], "another image")
    expect(pod["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"], "security")
    args = container["args"]
    expect(args[:2] == ["store", "copy"], f"runs {args}")
    source = args[args.index("--from") + 1]
    path = tomllib.loads(k8s_config("embedded")["data"]["gatehouse.toml"])["store"]["path"]
    expect(source == f"sqlite:{path}", f"copies {source}; the embedded store is {path}")
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volume = {v["name"]: v for v in pod["volumes"]}[mounts[str(Path(path).parent)]]
    claim = volume["persistentVolumeClaim"]["claimName"]
    only(render("embedded"), "PersistentVolumeClaim", claim)
    target = args[args.index("--to") + 1]
    expect(target.startswith("env:"), f"the database URL is on the command line: {target.split(':')[0]}:…")
    job_refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    scaled_ref = database_url_ref()
    expect(job_refs.get(target[len("env:"):]) == scaled_ref, f"{target} is not the scaled overlay's {scaled_ref}")


@check
def the_scaled_deployment_takes_the_single_writers_place(bin_dir):
    # Moving up applies the scaled overlay over a running embedded or kafka one: a Deployment's
    # selector cannot change, so it must be the same object with the same selector.
    scaled = deployment(SCALED)
    for overlay in SINGLE_WRITER:
        before = deployment(overlay)
        expect(before["metadata"]["namespace"] == scaled["metadata"]["namespace"], f"{overlay}: another namespace")
        expect(
            before["spec"]["selector"] == scaled["spec"]["selector"],
            f"{overlay} selects {before['spec']['selector']}, scaled {scaled['spec']['selector']}: apply would be refused",
        )
