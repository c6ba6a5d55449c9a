"""Checks of k8s/ that hold for every overlay, and those of the overlays with the SQLite store:
each rendered overlay validates against the Kubernetes schemas, its probes, security, grace
period, secrets and network policy fit the config it ships, and the single-writer overlays keep
one replica on a volume claim.
"""

import re
import tempfile
import tomllib
from pathlib import Path

import kubernetes_validate
import yaml

from shared import (
    KUBERNETES_VERSION,
    OVERLAYS,
    ROOT,
    SECRET_ENV,
    SECRET_FILE,
    SINGLE_WRITER,
    WORKER_ID_VAR,
    Failed,
    check,
    check_config,
    deployment,
    example_value,
    expect,
    k8s_config,
    local_config,
    only,
    render,
    secret_env,
)

# --- every overlay -------------------------------------------------------------------------


@check
def every_rendered_manifest_validates_against_the_kubernetes_schemas(bin_dir):
    for overlay in OVERLAYS:
        for doc in render(overlay):
            try:
                kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            except Exception as e:  # the library raises several error types
                raise Failed(f"{overlay} {doc['kind']}/{doc['metadata']['name']}: {e}")


@check
def the_validator_refuses_a_broken_deployment(bin_dir):
    broken = yaml.safe_load(yaml.safe_dump(deployment("embedded")))
    broken["spec"]["replicas"] = "one"
    broken["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["pth"] = "/healthz"
    try:
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    except Exception:
        return
    raise Failed("a Deployment with replicas: one and an unknown field passed")


@check
def probes_on_the_service_port_and_resources_set(bin_dir):
    for overlay in OVERLAYS:
        container = deployment(overlay)["spec"]["template"]["spec"]["containers"][0]
        port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
        listen = tomllib.loads(k8s_config(overlay)["data"]["gatehouse.toml"])["service"]["listen"]
        expect(listen.endswith(f":{port}"), f"{overlay}: listens on {listen}, the port is {port}")
        for probe, path in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")]:
            get = container[probe]["httpGet"]
            expect(get["path"] == path and get["port"] in ("http", port), f"{overlay} {probe}: {get}")
        expect(container["resources"]["requests"] and container["resources"]["limits"], f"{overlay}: resources")


@check
def the_pod_runs_non_root_on_a_read_only_root_with_its_config_mounted(bin_dir):
    for overlay in OVERLAYS:
        pod = deployment(overlay)["spec"]["template"]["spec"]
        container = pod["containers"][0]
        security = container["securityContext"]
        expect(pod["securityContext"]["runAsNonRoot"] and security["runAsNonRoot"], f"{overlay}: may run as root")
        expect(security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"], f"{overlay}: {security}")
        expect(security["capabilities"]["drop"] == ["ALL"], f"{overlay}: capabilities")
        expect(pod["automountServiceAccountToken"] is False, f"{overlay}: a service account token is mounted")
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        args = container["args"]
        config_dir = str(Path(args[args.index("--config") + 1]).parent)
        expect(mounts.get(config_dir) == "config", f"{overlay}: the config is not mounted at {config_dir}")


@check
def each_pod_claims_commands_under_its_own_name(bin_dir):
    for overlay in OVERLAYS:
        env = {e["name"]: e for e in deployment(overlay)["spec"]["template"]["spec"]["containers"][0]["env"]}
        worker = env.get(WORKER_ID_VAR, {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
        expect(worker == "metadata.name", f"{overlay}: {WORKER_ID_VAR} is not the pod's name")
    # The variable names the setting: check-config shows its value as engine.worker_id.
    with tempfile.TemporaryDirectory() as folder:
        config = local_config(folder, "embedded")
        code, output = check_config(bin_dir, config, {WORKER_ID_VAR: "gatehouse-7d9f-x2k4p"})
    expect(code == 0, output)
    expect(re.search(r'worker_id = "gatehouse-7d9f-x2k4p"', output), f"{WORKER_ID_VAR} did not set engine.worker_id:\n{output}")


@check
def the_grace_period_covers_the_drain_and_the_shutdown_timeout(bin_dir):
    for overlay in OVERLAYS:
        service = tomllib.loads(k8s_config(overlay)["data"]["gatehouse.toml"])["service"]
        needed = service["drain_delay_seconds"] + service["shutdown_timeout_seconds"]
        grace = deployment(overlay)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        expect(grace > needed, f"{overlay}: {grace} s of grace for {needed} s of drain and shutdown")


@check
def readiness_answers_before_the_probe_gives_up(bin_dir):
    # 2000 is the binary's default for service.readiness_timeout_ms.
    for overlay in OVERLAYS:
        service = tomllib.loads(k8s_config(overlay)["data"]["gatehouse.toml"])["service"]
        checked_ms = service.get("readiness_timeout_ms", 2000)
        probe = deployment(overlay)["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
        probe_ms = probe.get("timeoutSeconds", 1) * 1000
        expect(checked_ms < probe_ms, f"{overlay}: /readyz may take {checked_ms} ms, the probe waits {probe_ms} ms")


@check
def secrets_are_referenced_never_committed(bin_dir):
    documented = (ROOT / "docs" / "operations.md").read_text()
    for overlay in OVERLAYS:
        docs = render(overlay)
        expect(not [d for d in docs if d["kind"] == "Secret"], f"{overlay} ships a Secret")
        pod = deployment(overlay)["spec"]["template"]["spec"]
        secret = {v["name"]: v for v in pod["volumes"]}["secrets"]["secret"]["secretName"]
        mount = {m["name"]: m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}["secrets"]
        text = k8s_config(overlay)["data"]["gatehouse.toml"]
        files = set(SECRET_FILE.findall(text))
        expect(files and all(f.startswith(mount + "/") for f in files), f"{overlay}: secret files outside {mount}: {files}")
        creates = re.search(rf"kubectl (-n \S+ )?create secret generic {secret}\b", documented)
        expect(creates, f"docs/operations.md does not say how to create {secret}")
        for name in files:
            expect(f"--from-file={Path(name).name}=" in documented, f"docs/operations.md does not create {Path(name).name}")
        for var, ref in secret_env(overlay).items():
            creates = re.search(rf"kubectl (-n \S+ )?create secret generic {ref['name']}\b", documented)
            expect(creates, f"docs/operations.md does not say how to create {ref['name']} ({overlay}: {var})")
            expect(f"--from-file={ref['key']}=" in documented, f"docs/operations.md does not create {ref['name']}'s {ref['key']}")


@check
def the_configs_secrets_from_the_environment_are_filled_from_secrets(bin_dir):
    for overlay in OVERLAYS:
        wanted = set(SECRET_ENV.findall(k8s_config(overlay)["data"]["gatehouse.toml"]))
        filled = set(secret_env(overlay))
        expect(wanted <= filled, f"{overlay}: the config reads {sorted(wanted - filled)}, which no Secret fills")
        unused = filled - wanted
        expect(not unused, f"{overlay}: the Deployment fills {sorted(unused)} from a Secret; the config reads none")
        settings = {v for v in filled if v.startswith("GATEHOUSE_")}
        expect(not settings, f"{overlay}: {sorted(settings)} would be read as settings, not as a secret's source")


@check
def the_kubernetes_configs_are_valid_when_their_secret_files_exist(bin_dir):
    for overlay in OVERLAYS:
        with tempfile.TemporaryDirectory() as folder:
            config = local_config(folder, overlay)
            env = {var: example_value(overlay, ref) for var, ref in secret_env(overlay).items()}
            code, output = check_config(bin_dir, config, env)
        expect(code == 0, f"{overlay}: {output}")


@check
def the_network_policy_admits_the_service_port_and_selects_the_pods(bin_dir):
    for overlay in OVERLAYS:
        labels = deployment(overlay)["spec"]["template"]["metadata"]["labels"]
        policies = [d for d in render(overlay) if d["kind"] == "NetworkPolicy"]
        expect(policies, f"{overlay}: no NetworkPolicy")
        for policy in policies:
            selector = policy["spec"]["podSelector"]["matchLabels"]
            expect(all(labels.get(k) == v for k, v in selector.items()), f"{overlay}: {policy['metadata']['name']} selects no pod")
        ingress_ports = {p["port"] for p in policies[0]["spec"]["ingress"][0]["ports"]}
        expect(8080 in ingress_ports, f"{overlay}: ingress ports {ingress_ports}")
        egress = {p["port"] for pol in policies for rule in pol["spec"].get("egress", []) for p in rule["ports"]}
        expect({53, 443} <= egress, f"{overlay}: egress {egress}")


@check
def the_kafka_overlay_configures_kafka_and_may_reach_the_brokers(bin_dir):
    kafka = tomllib.loads(k8s_config("kafka")["data"]["gatehouse.toml"]).get("kafka")
    expect(kafka is not None, "the kafka overlay's config has no [kafka]")
    expect(kafka.get("topics") and kafka.get("outcomes", {}).get("topic"), "no input topics or no outcome topic")
    expect("sasl.password" in kafka.get("secret_properties", {}), "the broker password is not a secret file")
    ports = {int(b.rsplit(":", 1)[1]) for b in kafka["brokers"].split(",")}
    egress = {p["port"] for d in render("kafka") if d["kind"] == "NetworkPolicy" for r in d["spec"].get("egress", []) for p in r["ports"]}
    expect(ports <= egress, f"brokers on {ports}, egress {egress}")
    embedded = tomllib.loads(k8s_config("embedded")["data"]["gatehouse.toml"])
    expect("kafka" not in embedded, "the embedded overlay configures Kafka")


# --- the single-writer overlays (SQLite) ----------------------------------------------------


@check
def one_replica_replaced_on_upgrade(bin_dir):
    for overlay in SINGLE_WRITER:
        spec = deployment(overlay)["spec"]
        expect(spec["replicas"] == 1, f"{overlay}: {spec['replicas']} replicas")
        expect(spec["strategy"]["type"] == "Recreate", f"{overlay}: two pods would share the SQLite volume")


@check
def the_sqlite_store_is_on_a_volume_claim(bin_dir):
    for overlay in SINGLE_WRITER:
        pod = deployment(overlay)["spec"]["template"]["spec"]
        config = tomllib.loads(k8s_config(overlay)["data"]["gatehouse.toml"])
        expect(config["store"]["kind"] == "sqlite", f"{overlay}: store {config['store']['kind']}")
        store_dir = str(Path(config["store"]["path"]).parent)
        mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0]["volumeMounts"]}
        expect(store_dir in mounts, f"{overlay}: nothing is mounted at {store_dir}")
        volume = {v["name"]: v for v in pod["volumes"]}[mounts[store_dir]]
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        expect(claim is not None, f"{overlay}: the store is not on a PersistentVolumeClaim")
        only(render(overlay), "PersistentVolumeClaim", claim)


@check
def no_autoscaler_or_disruption_budget_with_the_single_writer_store(bin_dir):
    for overlay in SINGLE_WRITER:
        kinds = {d["kind"] for d in render(overlay)}
        expect(not kinds & {"HorizontalPodAutoscaler", "PodDisruptionBudget"}, f"{overlay}: {kinds}")
