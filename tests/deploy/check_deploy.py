"""Offline checks of docker/ and k8s/: what they refer to exists, what they ship is valid.

Run by scripts/check-deploy.sh, which installs the pinned libraries and passes the folder of
the binaries scripts/build-release.sh built. Each check is a function named for the property
it proves; the run ends with `N passed, M failed`.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
K8S = ROOT / "k8s"
KUBERNETES_VERSION = "1.37.0"
OVERLAYS = ["embedded", "kafka"]

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


class Failed(Exception):
    pass


def expect(condition, why):
    if not condition:
        raise Failed(why)


# --- shared readings -----------------------------------------------------------------------


def dockerfile():
    return (DOCKER / "Dockerfile").read_text()


def dockerfile_instructions():
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile())
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def stages():
    """Instructions grouped by build stage name."""
    groups, name = {}, None
    for word, rest in dockerfile_instructions():
        if word == "FROM":
            match = re.search(r"\bAS\s+(\S+)", rest, re.IGNORECASE)
            name = match.group(1) if match else rest
            groups[name] = []
        elif name is not None:
            groups[name].append((word, rest))
    return groups


def image_paths():
    """Paths the runtime stage copies into the image."""
    return {rest.split()[-1] for word, rest in stages()["runtime"] if word == "COPY"}


def image_env():
    env = {}
    for word, rest in stages()["runtime"]:
        if word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def compose():
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def collector():
    return yaml.safe_load((DOCKER / "otel-collector.yaml").read_text())


def check_config(bin_dir, config, env=None):
    """Runs `gatehouse check-config`; returns (exit code, output)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GATEHOUSE_", "OTEL_"))}
    clean.update(env or {})
    done = subprocess.run(
        [str(Path(bin_dir) / "gatehouse"), "check-config", "--config", str(config)],
        capture_output=True,
        text=True,
        env=clean,
    )
    return done.returncode, done.stdout + done.stderr


RENDERED = {}


def render(overlay):
    if overlay not in RENDERED:
        done = subprocess.run(
            ["kubectl", "kustomize", str(K8S / "overlays" / overlay)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise Failed(f"kubectl kustomize {overlay}: {done.stderr.strip()}")
        RENDERED[overlay] = [d for d in yaml.safe_load_all(done.stdout) if d]
    return RENDERED[overlay]


def only(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    expect(len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}")
    return found[0]


def deployment(overlay):
    return only(render(overlay), "Deployment", "gatehouse")


SECRET_FILE = re.compile(r'(?<![\w])file = "([^"]+)"')


def k8s_config(overlay):
    """The gatehouse.toml the overlay's ConfigMap carries (its name has a hash suffix)."""
    maps = [
        d
        for d in render(overlay)
        if d["kind"] == "ConfigMap" and "gatehouse.toml" in d.get("data", {})
    ]
    expect(len(maps) == 1, f"{overlay}: one ConfigMap with gatehouse.toml")
    return maps[0]


# --- the image -----------------------------------------------------------------------------


@check
def dockerfile_builds_with_the_project_build_script(bin_dir):
    runs = [rest for word, rest in stages()["builder"] if word == "RUN"]
    expect(any("scripts/build-release.sh" in r for r in runs), "no RUN calls scripts/build-release.sh")
    everywhere = " ".join(rest for _, rest in dockerfile_instructions())
    expect("cargo build" not in everywhere, "the Dockerfile has a cargo build of its own")
    script = (ROOT / "scripts" / "build-release.sh").read_text()
    expect("cargo build --locked" in script, "the build script does not build --locked")


@check
def the_build_script_puts_both_binaries_where_the_dockerfile_copies_them_from(bin_dir):
    for binary in ["gatehouse", "sfsim"]:
        expect((Path(bin_dir) / binary).is_file(), f"{bin_dir}/{binary} was not built")
        expect(f'"$bin_dir/{binary}"' in dockerfile(), f"the builder does not take {binary} from the script's folder")
        expect(f"/usr/local/bin/{binary}" in image_paths(), f"{binary} is not copied into the image")


@check
def the_image_runs_as_a_non_root_user_with_a_healthcheck_on_its_port(bin_dir):
    runtime = stages()["runtime"]
    users = [rest for word, rest in runtime if word == "USER"]
    expect(users and users[-1].split(":")[0] not in ("0", "root"), f"USER is {users}")
    health = [rest for word, rest in runtime if word == "HEALTHCHECK"]
    expect(len(health) == 1, "one HEALTHCHECK")
    expect("/usr/local/bin/gatehouse" in health[0] and "healthcheck" in health[0], health[0])
    listen = image_env()["GATEHOUSE_SERVICE__LISTEN"]
    port = listen.rsplit(":", 1)[1]
    expect(f"127.0.0.1:{port}/healthz" in health[0], f"the health check does not probe port {port}")
    exposed = [rest for word, rest in runtime if word == "EXPOSE"]
    expect(exposed == [port], f"EXPOSE {exposed}, the service listens on {port}")


@check
def the_images_default_config_is_valid_with_the_images_environment(bin_dir):
    copies = [rest.split() for word, rest in stages()["runtime"] if word == "COPY" and rest.endswith("gatehouse.toml")]
    expect(len(copies) == 1, "the image carries one gatehouse.toml")
    source = ROOT / copies[0][0]
    code, output = check_config(bin_dir, source, image_env())
    expect(code == 0, output)


@check
def the_dockerignore_keeps_build_artefacts_and_history_out(bin_dir):
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in ["target", ".git"]:
        expect(entry in ignored, f"{entry} is sent to the build")
    for needed in ["examples", "sfsim", "src", "scripts"]:
        expect(needed not in ignored, f"{needed} is needed by the build but ignored")


# --- the local stack -----------------------------------------------------------------------


@check
def compose_has_gatehouse_sfsim_kafka_and_a_collector_built_from_this_repository(bin_dir):
    services = compose()["services"]
    expect(set(services) >= {"gatehouse", "sfsim", "kafka", "otel-collector"}, sorted(services))
    for name in ["gatehouse", "sfsim"]:
        build = services[name]["build"]
        expect((DOCKER / build["context"] / build["dockerfile"]).resolve() == DOCKER / "Dockerfile", f"{name} builds {build}")
    expect(services["sfsim"]["entrypoint"] == ["/usr/local/bin/sfsim"], "sfsim runs the sfsim binary")
    for name, service in services.items():
        expect("image" in service, f"{name} names no image")


@check
def compose_mounts_only_files_that_exist(bin_dir):
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                expect((DOCKER / source).is_file(), f"{name} mounts {source}, which does not exist")


@check
def compose_healthchecks_use_binaries_and_ports_that_exist(bin_dir):
    services = compose()["services"]
    listen_port = urlparse("http://" + tomllib.loads((DOCKER / "gatehouse.toml").read_text())["service"]["listen"]).port
    sfsim_port = services["sfsim"]["command"][services["sfsim"]["command"].index("--port") + 1]
    expected = {"gatehouse": f"127.0.0.1:{listen_port}/healthz", "sfsim": f"127.0.0.1:{sfsim_port}/"}
    for name, probe in expected.items():
        test = services[name]["healthcheck"]["test"]
        expect(test[0] == "CMD" and test[1] in image_paths(), f"{name}: {test[1]} is not in the image")
        expect(any(probe in part for part in test), f"{name} probes {test}, not {probe}")
    for name, service in services.items():
        for dependency, how in service.get("depends_on", {}).items():
            expect(dependency in services, f"{name} depends on unknown {dependency}")
            if how.get("condition") == "service_healthy":
                expect("healthcheck" in services[dependency], f"{name} waits for {dependency} to be healthy, which has no health check")


@check
def compose_gatehouse_reaches_sfsim_on_loopback_and_is_published_through_it(bin_dir):
    services = compose()["services"]
    expect(services["gatehouse"].get("network_mode") == "service:sfsim", "gatehouse shares sfsim's network namespace")
    expect("ports" not in services["gatehouse"], "ports of a shared namespace are published by its owner")
    config = tomllib.loads((DOCKER / "gatehouse.toml").read_text())
    login = urlparse(config["salesforce"]["login_url"])
    published = {p.split(":")[-1] for p in services["sfsim"]["ports"]}
    listen_port = config["service"]["listen"].rsplit(":", 1)[1]
    expect(login.hostname == "127.0.0.1", f"login_url {login.geturl()}")
    expect(str(login.port) in published and listen_port in published, f"sfsim publishes {published}")


@check
def compose_sends_traces_to_the_collector_and_the_collector_scrapes_gatehouse(bin_dir):
    services = compose()["services"]
    endpoint = urlparse(services["gatehouse"]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
    expect(endpoint.hostname in services, f"{endpoint.hostname} is no service")
    receivers = collector()["receivers"]
    http = receivers["otlp"]["protocols"]["http"]["endpoint"]
    expect(http.endswith(f":{endpoint.port}"), f"the collector takes OTLP/HTTP on {http}, not {endpoint.port}")
    config = tomllib.loads((DOCKER / "gatehouse.toml").read_text())
    expect(config["telemetry"]["otlp_endpoint"] == endpoint.geturl(), "config and environment name one collector")
    target = receivers["prometheus"]["config"]["scrape_configs"][0]["static_configs"][0]["targets"][0]
    owner = services["gatehouse"]["network_mode"].split(":", 1)[1]
    expect(target == f"{owner}:{config['service']['listen'].rsplit(':', 1)[1]}", f"the collector scrapes {target}")
    pipelines = collector()["service"]["pipelines"]
    expect("otlp" in pipelines["traces"]["receivers"] and "prometheus" in pipelines["metrics"]["receivers"], pipelines)


@check
def compose_gatehouse_config_is_valid_with_the_environment_compose_sets(bin_dir):
    env = {k: str(v) for k, v in compose()["services"]["gatehouse"]["environment"].items()}
    code, output = check_config(bin_dir, DOCKER / "gatehouse.toml", env)
    expect(code == 0, output)


# --- Kubernetes ----------------------------------------------------------------------------


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
def one_replica_replaced_on_upgrade_with_probes_on_the_service_port(bin_dir):
    for overlay in OVERLAYS:
        spec = deployment(overlay)["spec"]
        expect(spec["replicas"] == 1, f"{overlay}: {spec['replicas']} replicas")
        expect(spec["strategy"]["type"] == "Recreate", f"{overlay}: two pods would share the SQLite volume")
        container = spec["template"]["spec"]["containers"][0]
        port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
        listen = tomllib.loads(k8s_config(overlay)["data"]["gatehouse.toml"])["service"]["listen"]
        expect(listen.endswith(f":{port}"), f"{overlay}: listens on {listen}, the port is {port}")
        for probe, path in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")]:
            get = container[probe]["httpGet"]
            expect(get["path"] == path and get["port"] in ("http", port), f"{overlay} {probe}: {get}")
        expect(container["resources"]["requests"] and container["resources"]["limits"], f"{overlay}: resources")


@check
def the_pod_runs_non_root_on_a_read_only_root_with_a_writable_store_volume(bin_dir):
    for overlay in OVERLAYS:
        docs = render(overlay)
        pod = deployment(overlay)["spec"]["template"]["spec"]
        container = pod["containers"][0]
        security = container["securityContext"]
        expect(pod["securityContext"]["runAsNonRoot"] and security["runAsNonRoot"], f"{overlay}: may run as root")
        expect(security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"], f"{overlay}: {security}")
        expect(security["capabilities"]["drop"] == ["ALL"], f"{overlay}: capabilities")
        expect(pod["automountServiceAccountToken"] is False, f"{overlay}: a service account token is mounted")
        config = tomllib.loads(k8s_config(overlay)["data"]["gatehouse.toml"])
        store_dir = str(Path(config["store"]["path"]).parent)
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        expect(store_dir in mounts, f"{overlay}: nothing is mounted at {store_dir}")
        volume = {v["name"]: v for v in pod["volumes"]}[mounts[store_dir]]
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        expect(claim is not None, f"{overlay}: the store is not on a PersistentVolumeClaim")
        only(docs, "PersistentVolumeClaim", claim)
        args = container["args"]
        config_dir = str(Path(args[args.index("--config") + 1]).parent)
        expect(mounts.get(config_dir) == "config", f"{overlay}: the config is not mounted at {config_dir}")


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
    for overlay in OVERLAYS:
        docs = render(overlay)
        expect(not [d for d in docs if d["kind"] == "Secret"], f"{overlay} ships a Secret")
        pod = deployment(overlay)["spec"]["template"]["spec"]
        secret = {v["name"]: v for v in pod["volumes"]}["secrets"]["secret"]["secretName"]
        mount = {m["name"]: m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}["secrets"]
        text = k8s_config(overlay)["data"]["gatehouse.toml"]
        files = set(SECRET_FILE.findall(text))
        expect(files and all(f.startswith(mount + "/") for f in files), f"{overlay}: secret files outside {mount}: {files}")
        documented = (ROOT / "docs" / "operations.md").read_text()
        creates = re.search(rf"kubectl (-n \S+ )?create secret generic {secret}\b", documented)
        expect(creates, f"docs/operations.md does not say how to create {secret}")
        for name in files:
            expect(f"--from-file={Path(name).name}=" in documented, f"docs/operations.md does not create {Path(name).name}")


@check
def the_kubernetes_configs_are_valid_when_their_secret_files_exist(bin_dir):
    for overlay in OVERLAYS:
        text = k8s_config(overlay)["data"]["gatehouse.toml"]
        with tempfile.TemporaryDirectory() as folder:
            for name in set(SECRET_FILE.findall(text)):
                # A Standard Webhooks secret has its own shape; the others are opaque.
                value = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" if "webhook" in name else "a-long-test-secret-0123456789"
                Path(folder, Path(name).name).write_text(value + "\n")
            local = re.sub(r'(?<![\w])file = "[^"]*/([^"/]+)"', lambda m: f'file = "{folder}/{m.group(1)}"', text)
            config = Path(folder, "gatehouse.toml")
            config.write_text(local)
            code, output = check_config(bin_dir, config)
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


@check
def no_autoscaler_or_disruption_budget_with_the_single_writer_store(bin_dir):
    for overlay in OVERLAYS:
        kinds = {d["kind"] for d in render(overlay)}
        expect(not kinds & {"HorizontalPodAutoscaler", "PodDisruptionBudget"}, f"{overlay}: {kinds}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    args = parser.parse_args()
    passed = failed = 0
    for fn in CHECKS:
        try:
            fn(args.bin_dir)
        except Failed as e:
            failed += 1
            print(f"FAILED - {fn.__name__}: {e}")
        except Exception as e:  # a check that crashes has failed too, and says how
            failed += 1
            print(f"FAILED - {fn.__name__}: {type(e).__name__}: {e}")
        else:
            passed += 1
            print(f"ok - {fn.__name__}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
