"""The generator on models of its own: what it cannot write code for fails generation, naming
the service, the shape and member and the trait; never silently wrong code."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from generate_services import ROOT, generate_packages
from generator.traits import UnsupportedModel

RULESET = {
    "version": "1.0",
    "parameters": {"Region": {"builtIn": "AWS::Region", "required": True, "type": "String"}},
    "rules": [
        {
            "conditions": [],
            "endpoint": {"url": "https://example.com", "properties": {}, "headers": {}},
            "type": "endpoint",
        }
    ],
}
# A restJson service of one operation streaming events back: what no JSON client of this
# library can read.
EVENT_STREAM: dict[str, Any] = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2024-01-01",
        "endpointPrefix": "streams",
        "protocol": "rest-json",
        "serviceId": "Streams",
        "signatureVersion": "v4",
    },
    "operations": {
        "StartStream": {
            "name": "StartStream",
            "http": {"method": "POST", "requestUri": "/streams"},
            "input": {"shape": "StartStreamInput"},
            "output": {"shape": "StartStreamOutput"},
        }
    },
    "shapes": {
        "StartStreamInput": {
            "type": "structure",
            "members": {"Name": {"shape": "String", "location": "header", "locationName": "X-N"}},
        },
        "StartStreamOutput": {
            "type": "structure",
            "members": {"Events": {"shape": "EventStream"}},
            "payload": "Events",
        },
        "EventStream": {
            "type": "structure",
            "members": {"Message": {"shape": "MessageEvent"}},
            "eventstream": True,
        },
        "MessageEvent": {
            "type": "structure",
            "members": {"Text": {"shape": "String"}},
            "event": True,
        },
        "String": {"type": "string"},
    },
}


def write_model(folder: Path, model: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    (folder / "endpoint-rule-set-1.json").write_text(json.dumps(RULESET))
    return folder


def refusal(tmp_path: Path, model: dict[str, Any]) -> str:
    """The message generation of this model fails with."""
    folder = write_model(tmp_path / "model", model)
    with pytest.raises(UnsupportedModel) as refused:
        generate_packages([(folder, tmp_path / "out", "streams")])
    assert not (tmp_path / "out").exists()
    return str(refused.value)


def changed(**edits: Any) -> dict[str, Any]:
    """The event-stream-free model (its output a plain structure) with these shapes changed
    (or added), or its operation's or metadata's traits when named ``operation`` or
    ``metadata``."""
    model = copy.deepcopy(EVENT_STREAM)
    model["shapes"]["StartStreamOutput"] = {
        "type": "structure",
        "members": {"Text": {"shape": "String"}},
    }
    for name, value in edits.items():
        if name == "operation":
            model["operations"]["StartStream"].update(value)
        elif name == "metadata":
            model["metadata"].update(value)
        else:
            model["shapes"][name] = value
    return model


def test_an_event_stream_fails_generation_naming_it(tmp_path: Path) -> None:
    message = refusal(tmp_path, EVENT_STREAM)
    assert message.startswith("cannot generate 'Streams': ")
    assert (
        "shape EventStream (member StartStreamOutput.Events) (structure): "
        "the 'eventstream' trait is not supported"
    ) in message
    assert "shape MessageEvent (member EventStream.Message) (structure): the 'event'" in message


def test_the_command_refuses_it_without_writing_anything(tmp_path: Path) -> None:
    folder = write_model(tmp_path / "model", EVENT_STREAM)
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "tools" / "generate_services.py")]
    command += ["--model-dir", str(folder), "--out", str(out), "--package", "streams"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "the 'eventstream' trait is not supported" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_the_command_writes_a_package_of_a_model_it_can_code(tmp_path: Path) -> None:
    folder = write_model(tmp_path / "model", changed())
    command = [sys.executable, str(ROOT / "tools" / "generate_services.py")]
    command += ["--model-dir", str(folder), "--out", str(tmp_path / "streams")]
    command += ["--package", "streams"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    written = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.py")}
    assert {"streams/client.py", "streams/operations.py", "streams/errors.py"} <= written
    assert "class StreamsClient(BaseClient):" in (tmp_path / "streams/client.py").read_text()


@pytest.mark.parametrize(
    ("model", "named"),
    [
        (
            changed(
                Body={"type": "blob", "streaming": True},
                StartStreamOutput={
                    "type": "structure",
                    "members": {"Body": {"shape": "Body"}},
                    "payload": "Body",
                },
            ),
            "shape Body (member StartStreamOutput.Body) (blob): the 'streaming' trait",
        ),
        (
            changed(
                StartStreamInput={
                    "type": "structure",
                    "members": {"Name": {"shape": "String", "location": "cookie"}},
                }
            ),
            "shape StartStreamInput, member Name: the location 'cookie' is not supported",
        ),
        (
            changed(
                StartStreamInput={
                    "type": "structure",
                    "members": {"Name": {"shape": "String", "queryName": "name"}},
                }
            ),
            "shape StartStreamInput, member Name: the 'queryName' trait is not supported",
        ),
        (
            changed(operation={"requestcompression": {"encodings": ["gzip"]}}),
            "operation StartStream: the 'requestcompression' trait is not supported",
        ),
        (
            changed(operation={"httpChecksum": {"requestChecksumRequired": True}}),
            "operation StartStream: the 'httpChecksum' trait is not supported",
        ),
        (
            changed(String={"type": "bigDecimal"}),
            "shape String (member StartStreamInput.Name): the type 'bigDecimal' is not supported",
        ),
        (
            changed(metadata={"auth": ["smithy.api#httpBearerAuth"]}),
            "metadata: auth ['smithy.api#httpBearerAuth'] is not supported",
        ),
        (changed(metadata={"protocol": "query"}), "the 'query' protocol is not supported"),
        (changed(metadata={"protocol": "rest-xml"}), "the 'rest-xml' protocol is not supported"),
        (changed(metadata={"protocol": "ec2"}), "the 'ec2' protocol is not supported"),
        (
            changed(metadata={"protocol": "json", "jsonVersion": "1.0", "targetPrefix": "S"}),
            "metadata: jsonVersion '1.0' is not supported",
        ),
        (
            changed(metadata={"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "S"}),
            "shape StartStreamInput, member Name: the location 'header' is supported by "
            "restJson only",
        ),
    ],
    ids=[
        "streaming",
        "unknown location",
        "query name",
        "request compression",
        "checksum",
        "unknown type",
        "bearer auth",
        "query",
        "rest-xml",
        "ec2",
        "json 1.0",
        "header in awsJson",
    ],
)
def test_what_the_generator_cannot_code_fails_generation_naming_it(
    tmp_path: Path, model: dict[str, Any], named: str
) -> None:
    message = refusal(tmp_path, model)
    assert message.startswith("cannot generate 'Streams': ")
    assert named in message
