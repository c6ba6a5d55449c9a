"""Checks of docker/: the image builds with the project's build script, runs non-root with a
health check, and the local stack's services, mounts, health checks and configs fit together.
"""

import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import yaml

from shared import DOCKER, ROOT, check, check_config, expect

# --- readings of the image and the stack ---------------------------------------------------


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

