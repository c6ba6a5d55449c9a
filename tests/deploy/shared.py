"""What every check shares: the registry, how a check fails, and readings of the repository.

A check is a function of the folder of built binaries, registered with @check in the order its
module is imported (check_deploy.py imports them), named for the property it proves.
"""

import os
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
K8S = ROOT / "k8s"
KUBERNETES_VERSION = "1.37.0"
# The overlays with the SQLite store: one replica, one writer, the store on a volume claim.
SINGLE_WRITER = ["embedded", "kafka"]
# The overlay with the PostgreSQL store: several replicas on one database.
SCALED = "scaled"
OVERLAYS = SINGLE_WRITER + [SCALED]

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


class Failed(Exception):
    pass


def expect(condition, why):
    if not condition:
        raise Failed(why)


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


# Files the config reads: its secrets ({ file = "…" }) and the database's CA (ca_file = "…").
SECRET_FILE = re.compile(r'(?<![\w])(?:ca_)?file = "([^"]+)"')
# Secrets the config reads from the environment ({ env = "…" }).
SECRET_ENV = re.compile(r'(?<![\w])env = "([^"]+)"')
# The variable the Deployment sets to the pod's name: the setting engine.worker_id.
WORKER_ID_VAR = "GATEHOUSE_ENGINE__WORKER_ID"


def k8s_config(overlay):
    """The gatehouse.toml the overlay's ConfigMap carries (its name has a hash suffix)."""
    maps = [
        d
        for d in render(overlay)
        if d["kind"] == "ConfigMap" and "gatehouse.toml" in d.get("data", {})
    ]
    expect(len(maps) == 1, f"{overlay}: one ConfigMap with gatehouse.toml")
    return maps[0]



def secret_env(overlay):
    """The container's variables taken from a Secret: {name: {"name": secret, "key": key}}."""
    env = deployment(overlay)["spec"]["template"]["spec"]["containers"][0].get("env", [])
    return {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env if "secretKeyRef" in e.get("valueFrom", {})}


def example_secrets(overlay):
    """The Secrets an overlay shows the shape of (*.example.yaml beside its kustomization)."""
    found = []
    for path in sorted((K8S / "overlays" / overlay).glob("*.example.yaml")):
        found.extend(d for d in yaml.safe_load_all(path.read_text()) if d and d["kind"] == "Secret")
    return found


def example_value(overlay, ref):
    """The example value of a Secret's key, as the overlay's *.example.yaml writes it."""
    for secret in example_secrets(overlay):
        if secret["metadata"]["name"] == ref["name"] and ref["key"] in secret.get("stringData", {}):
            return secret["stringData"][ref["key"]]
    raise Failed(f"{overlay}: no *.example.yaml shows the Secret {ref['name']} with key {ref['key']}")


def local_config(folder, overlay):
    """The overlay's gatehouse.toml written into folder, with each file it reads made there.

    Returns the config's path. Secret files get test values (a Standard Webhooks secret has its
    own shape; the others are opaque); the CA file is a file (check-config checks it exists).
    """
    text = k8s_config(overlay)["data"]["gatehouse.toml"]
    for name in set(SECRET_FILE.findall(text)):
        value = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" if "webhook" in name else "a-long-test-secret-0123456789"
        Path(folder, Path(name).name).write_text(value + "\n")
    local = re.sub(
        r'(?<![\w])((?:ca_)?file) = "[^"]*/([^"/]+)"',
        lambda m: f'{m.group(1)} = "{folder}/{m.group(2)}"',
        text,
    )
    config = Path(folder, "gatehouse.toml")
    config.write_text(local)
    return config
