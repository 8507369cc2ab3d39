"""How the hostile suite calls one public callable: valid values for every parameter but the one
attacked, an instance to call a method on, a use of what the call returned, and a judgement of
how it ended.

Nothing goes further than 127.0.0.1: the Sessions send on a `MockTransport` answering every
operation from its response model, or on aiohttp to a loopback server; a client whose endpoint
would be anything else is never called (`NotLoopback`), and the environment holds no AWS
setting (`isolated_environment`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib
import inspect
import json
import os
import socket
import threading
import time
import typing
from collections.abc import Awaitable, Callable, Iterator
from contextlib import aclosing
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

from hostile_surface import (
    Entry,
    Param,
    client_classes,
    names_for,
    paginator_names,
    parameters,
    waiter_names,
)
from registry import SERVICES
from yarl import URL

from aws_mlops_async import (
    Config,
    ConfigurationError,
    PaginationConfig,
    ServiceError,
    Session,
    ValidationError,
)
from aws_mlops_async._session_clients import ServiceClients, client_class
from aws_mlops_async.bulk import BulkSubmission
from aws_mlops_async.client import BaseClient
from aws_mlops_async.contrib.opentelemetry import OpenTelemetryInterceptor
from aws_mlops_async.ext.watching import ServiceJobWatch, WatchedJob
from aws_mlops_async.modeling import AwsModel
from aws_mlops_async.pagination import PageIterator, Paginator
from aws_mlops_async.protocol import HttpResponse, OperationSpec
from aws_mlops_async.protocol.answers import error_answer, success_answer
from aws_mlops_async.testing import StubAssertionError, Stubber
from aws_mlops_async.transport import AiohttpTransport, MockTransport, TransportRequest
from aws_mlops_async.waiters import Waiter, WaiterSpec

__all__ = [
    "CALL_BOUND",
    "REFUSAL_BOUND",
    "Harness",
    "LoopbackServer",
    "Outcome",
    "attack",
    "baseline_missing",
    "isolated_environment",
    "knows",
    "shown",
    "warm_up",
]

#: Seconds any call, and then any use of what it returned, may take (everything answers
#: at once): longer is a hang.
CALL_BOUND = 1.0
#: Seconds a refusal may take: nothing is sent or waited for before an argument is checked.
REFUSAL_BOUND = 0.5

ACCESS_KEY, SECRET_KEY = "AKIDHOSTILE", "hostile/secret/key"
REGION = "us-east-1"
#: The AWS Batch user guide's example CreateTrainingJob payload: a valid typed payload.
TRAINING_PAYLOAD = json.dumps(
    {
        "TrainingJobName": "my-simple-training-job",
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerExecutionRole",
        "AlgorithmSpecification": {
            "TrainingInputMode": "File",
            "TrainingImage": "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.0.0",
        },
        "ResourceConfig": {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "OutputDataConfig": {"S3OutputPath": "s3://your-output-bucket/output"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 30},
    }
)
JOB: dict[str, Any] = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": TRAINING_PAYLOAD,
}
JOB_ID = "job-1"
DESCRIBED_JOB: dict[str, Any] = {
    "job_id": JOB_ID,
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "status": "SUCCEEDED",
    "started_at": 1,
    "created_at": 1,
}


# ---- the world outside: none -----------------------------------------------------------------


@contextlib.contextmanager
def isolated_environment(root: Path) -> Iterator[None]:
    """No AWS setting from this machine (no variables, no config files, no IMDS), and no name
    resolves but the loopback's: nothing a hostile value does can reach AWS."""
    saved = dict(os.environ)
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1", b"127.0.0.1", b"localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"the hostile suite resolves no {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = str(root / "no-config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(root / "no-credentials")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    socket.getaddrinfo = loopback_only
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        os.environ.clear()
        os.environ.update(saved)


def warm_up() -> None:
    """Load now what a Session loads on the first use of its profile (aiobotocore: a second
    or two to import) and the largest model the attacks validate (a typed training payload,
    built on its first use), so that the time an attack takes is its own."""
    importlib.import_module("aiobotocore.session")
    from aws_mlops_async.services.sagemaker.models import CreateTrainingJobRequest

    CreateTrainingJobRequest.model_validate_json(TRAINING_PAYLOAD, by_alias=True)


class LoopbackServer:
    """An HTTP server on 127.0.0.1, in a thread of its own (so any event loop may use it),
    answering every request with a DescribeServiceJob success and closing the connection."""

    def __init__(self) -> None:
        spec = client_class("batch").operation_spec("describe_service_job")
        answer = success_answer(spec, 200, response_model(spec.output, DESCRIBED_JOB), "loop-1")
        body, headers = answer.body, dict(answer.headers)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


# ---- answers ---------------------------------------------------------------------------------


def minimal_value(annotation: Any) -> Any:
    """A valid value of a response field's type."""
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return minimal_value(arguments[0])
    if origin is Literal:
        return arguments[0]
    if arguments and origin not in (list, dict):  # a union: its first type
        return minimal_value(next(a for a in arguments if a is not type(None)))
    if origin is list or annotation is list:
        return []
    if origin is dict or annotation is dict:
        return {}
    if inspect.isclass(annotation) and issubclass(annotation, AwsModel):
        return minimal(annotation)
    simple: dict[Any, Any] = {str: "x", int: 1, float: 1.0, bool: False}
    if annotation in simple:
        return simple[annotation]
    if annotation is dt.datetime or "Datetime" in getattr(annotation, "__name__", ""):
        return dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)  # pydantic's AwareDatetime too
    return "x"


def minimal(model: type[AwsModel]) -> dict[str, Any]:
    """The required fields of a response model, each with a valid value."""
    return {
        name: minimal_value(info.annotation)
        for name, info in model.model_fields.items()
        if info.is_required()
    }


def response_model(model: type[AwsModel], values: dict[str, Any]) -> AwsModel:
    """A response model with ``values`` (by Python name) and every other required field."""
    return model.model_validate({**minimal(model), **values})


def _nested(path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    return {head: _nested(rest, value) if rest else value}


#: What the Mock answers the operations a use of a result makes, from the request's fields.
ANSWERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "SubmitServiceJob": lambda request: {"job_name": request.job_name, "job_id": JOB_ID},
    "DescribeServiceJob": lambda request: {**DESCRIBED_JOB, "job_id": request.job_id},
    "ListServiceJobs": lambda request: {"job_summary_list": [DESCRIBED_JOB]},
}


def _specs() -> dict[tuple[str, str], OperationSpec[Any, Any]]:
    return {
        (spec.service.name, spec.name): spec
        for client in client_classes()
        for spec in client.operation_specs
    }


SPECS = _specs()


# ---- one attack ------------------------------------------------------------------------------


class NotLoopback(Exception):
    """A client would have sent to another endpoint than the loopback it was given."""


@dataclass
class Harness:
    """What one call needs (Sessions, an instance to call a method on) and everything it
    opened, closed by `close`."""

    loopback_url: str
    #: The waiter being called: the Mock answers its success.
    waiter: WaiterSpec | None = None
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)

    # -- answers

    def answer(self, request: TransportRequest) -> HttpResponse:
        """The Mock's answer: the waiter's success, or a valid response of the operation."""
        spec = SPECS[(request.service, request.operation)]
        values: dict[str, Any] = {}
        if self.waiter is not None:
            success = next(a for a in self.waiter.acceptors if a.state == "success")
            expected = sorted(success.expected)[0]
            if success.path is None:
                return error_answer(spec.service.protocol, 400, expected, "gone", "hostile-1")
            values = _nested(success.path, expected)
        elif request.operation in ANSWERS:
            values = ANSWERS[request.operation](request.params)
        model = response_model(spec.output, values)
        return success_answer(spec, spec.success_status, model, "hostile-1")

    # -- sessions

    def session(self, **options: Any) -> Session:
        """A Session on aiohttp to the loopback server, closed with the harness."""
        options = {
            "region_name": REGION,
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "endpoint_url": self.loopback_url,
            **options,
        }
        return self.adopt(Session(**options))

    def mock_session(self, **options: Any) -> Session:
        """A Session on a MockTransport answering every operation, closed with the harness."""
        return self.session(transport=MockTransport(self.answer), **options)

    def adopt(self, made: Any) -> Any:
        """Close ``made`` with the harness, when it is something to close."""
        if isinstance(made, Session):
            self.sessions.append(made)
            self.closers.append(made.close)
        elif isinstance(made, (AiohttpTransport, MockTransport)):
            self.closers.append(made.close)
        elif isinstance(made, (BulkSubmission, ServiceJobWatch)) or inspect.isasyncgen(made):
            self.closers.append(made.aclose)
        elif isinstance(made, Stubber):
            self.closers.append(_sync(made.deactivate))
        return made

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()
        self.closers.clear()
        for session in self.sessions:
            assert session.closed

    # -- instances

    def instance(self, entry: Entry) -> Any:
        """An instance of the class defining the method ``entry``, made as users make it."""
        owner = entry.owner
        assert owner is not None
        for made_as, make in MAKERS.items():
            if issubclass(owner, made_as):
                return make(self, owner)
        raise LookupError(f"the hostile suite does not know how to make a {owner.__name__}")

    def waiting(self, waiter: Waiter[Any]) -> Waiter[Any]:
        """``waiter``, whose polls the Mock answers with its success from now on."""
        self.waiter = waiter.spec
        return waiter

    # -- using what a call returned

    async def use(self, result: Any, instance: Any = None) -> None:
        """Use what a call returned as a user would, so a value it took and kept is used too
        (a Stubber's queued answer: by the call it answers)."""
        self.adopt(result)
        if isinstance(instance, Stubber):
            await self.answered(instance)
        elif isinstance(result, Session):
            await self.call_through(result.batch)
        elif isinstance(result, BaseClient):
            await self.call_through(result)
        elif isinstance(result, Config):
            await self.call_through(self.session(config=result).batch)
        elif isinstance(result, PaginationConfig):
            batch = self.mock_session().batch
            pages = batch.get_paginator("list_service_jobs")
            await _drain(pages.paginate(job_queue="q", pagination_config=result))
            await pages.paginate(job_queue="q", pagination_config=result).build_full_result()
        elif isinstance(result, WatchedJob):
            await self.use(self.mock_session().batch.watch_service_jobs([result]))
        elif isinstance(result, (AiohttpTransport, MockTransport)):
            await self.call_through(self.session(transport=result).batch)
        elif isinstance(result, OpenTelemetryInterceptor):
            await self.call_through(self.mock_session(interceptors=[result]).batch)
        elif isinstance(result, Stubber):
            result.add_response("describe_service_job", DESCRIBED_JOB)
            await self.answered(result)
        elif isinstance(result, (BulkSubmission, ServiceJobWatch)):
            async with result:
                async for _ in result:
                    pass
        elif isinstance(result, PageIterator) or inspect.isasyncgen(result):
            await _drain(result)

    async def answered(self, stub: Stubber) -> None:
        """The calls answering what ``stub`` holds, each ending as a stubbed answer may: its
        response, the service error queued, or `StubAssertionError` (a call unlike the one
        expected, the documented failure of a unit test)."""
        with stub:
            while stub._queue:
                with contextlib.suppress(ServiceError, StubAssertionError):
                    await stub.client.describe_service_job(job_id=JOB_ID)  # type: ignore[attr-defined]

    async def call_through(self, client: BaseClient) -> None:
        """One call of ``client``, when its endpoint is the loopback's (and for a Batch
        client; the others' endpoint is only resolved)."""
        endpoint = await client.endpoint()
        if URL(endpoint).host not in ("127.0.0.1", "localhost"):
            raise NotLoopback(endpoint)
        if client.service.name == "batch":
            await client.describe_service_job(job_id=JOB_ID)  # type: ignore[attr-defined]


def _client(harness: Harness, owner: type) -> BaseClient:
    if owner is BaseClient:  # its methods (with_options...) on aiohttp, where timeouts apply
        return harness.session().batch
    return harness.mock_session().client(service_name(owner))


def _paginator(harness: Harness, owner: type) -> Paginator[Any, Any]:
    service, name = _client_of(owner, paginator_names)
    return harness.mock_session().client(service).get_paginator(name)


def _waiter(harness: Harness, owner: type) -> Waiter[Any]:
    service, name = _client_of(owner, waiter_names)
    return harness.waiting(harness.mock_session().client(service).get_waiter(name))


def _pages(harness: Harness, owner: type) -> PageIterator[Any, Any]:
    paginator = harness.mock_session().batch.get_paginator("list_service_jobs")
    return paginator.paginate(job_queue="q")


#: How to make an instance of each class a public method is defined on, as users make it:
#: by the first entry the class is a subclass of.
MAKERS: dict[type, Callable[[Harness, type], Any]] = {
    ServiceClients: lambda h, owner: h.session(),  # Session, and the class defining client()
    BaseClient: _client,
    Paginator: _paginator,
    Waiter: _waiter,
    PageIterator: _pages,
    BulkSubmission: lambda h, owner: h.adopt(h.mock_session().batch.submit_service_jobs([JOB])),
    ServiceJobWatch: lambda h, owner: h.adopt(h.mock_session().batch.watch_service_jobs([JOB_ID])),
    Stubber: lambda h, owner: h.adopt(Stubber(h.mock_session().batch)),
    AiohttpTransport: lambda h, owner: h.adopt(AiohttpTransport()),
    MockTransport: lambda h, owner: h.adopt(MockTransport(h.answer)),
    OpenTelemetryInterceptor: lambda h, owner: OpenTelemetryInterceptor(),
}


def knows(owner: type) -> bool:
    """Whether the harness can make an instance of ``owner`` (`MAKERS`)."""
    return any(issubclass(owner, made_as) for made_as in MAKERS)


def _sync(function: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        function()

    return run


async def _drain(pages: Any) -> None:
    async with aclosing(aiter(pages)) as iterator:
        async for _ in iterator:
            pass


def service_name(client: type) -> str:
    for service in SERVICES:
        if issubclass(client_class(service.name), client):
            return service.name
    raise LookupError(client)


def _client_of(made: type, names: Callable[[type[BaseClient]], dict[type, str]]) -> tuple[str, str]:
    for client in client_classes():
        if made in names(client):
            return service_name(client), names(client)[made]
    raise LookupError(made)


# ---- valid values ----------------------------------------------------------------------------


def _first_name(names: Callable[[type[BaseClient]], dict[type, str]]) -> Callable[..., str]:
    def first(harness: Harness, param: Param) -> str:
        owner = param.entry.owner
        assert owner is not None
        return next(iter(names(owner).values()))

    return first


def _constant(value: Any) -> Callable[[Harness, Param], Any]:
    return lambda harness, param: value


#: The valid values no annotation can say: ``(entry, parameter)`` (``*.method`` for the same
#: method of every class) to a function of the harness and the parameter.
BASELINES: dict[tuple[str, str], Callable[[Harness, Param], Any]] = {
    ("Session()", "region_name"): lambda h, p: REGION,
    ("Session()", "aws_access_key_id"): lambda h, p: ACCESS_KEY,
    ("Session()", "aws_secret_access_key"): lambda h, p: SECRET_KEY,
    ("Session()", "endpoint_url"): lambda h, p: h.loopback_url,
    ("ServiceClients.client", "name"): lambda h, p: "batch",
    ("BaseClient.operation_spec", "method"): lambda h, p: "describe_service_job",
    ("*.get_paginator", "name"): _first_name(paginator_names),
    ("*.get_waiter", "name"): _first_name(waiter_names),
    ("Stubber()", "client"): lambda h, p: h.mock_session().batch,
    ("Stubber.add_response", "method"): lambda h, p: "describe_service_job",
    ("Stubber.add_response", "service_response"): lambda h, p: DESCRIBED_JOB,
    ("Stubber.add_client_error", "method"): lambda h, p: "describe_service_job",
    ("MockTransport()", "handler"): lambda h, p: h.answer,
    ("BatchClient.submit_service_jobs", "jobs"): lambda h, p: [JOB],
    ("BatchClient.watch_service_jobs", "jobs"): lambda h, p: [JOB_ID],
    ("WatchedJob()", "job_id"): lambda h, p: JOB_ID,
    # The request members a non-request parameter is attacked beside.
    **{("BatchClient.submit_service_job", name): _constant(value) for name, value in JOB.items()},
    ("NotebookRunFinishedWaiter.wait", "domain_identifier"): lambda h, p: "dzd-hostile",
    ("NotebookRunFinishedWaiter.wait", "identifier"): lambda h, p: "run-1",
    ("ListNotebookRunsPaginator.paginate", "domain_identifier"): lambda h, p: "dzd-hostile",
}


def _baseline_for(param: Param) -> Callable[[Harness, Param], Any] | None:
    method = param.entry.key.split(".", 1)[-1]
    found = BASELINES.get((param.entry.key, param.name)) or BASELINES.get(
        (f"*.{method}", param.name)
    )
    if found is not None:
        return found
    if not param.required:
        return lambda h, p: p.default
    shape = param.shape
    if shape.literal:
        return lambda h, p: p.shape.literal[0]
    simple = (
        (shape.text, "hostile-suite"),
        (shape.number, 1),
        (shape.boolean, False),
        (shape.iterable, []),
        (shape.mapping, {}),
        (shape.datetime, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)),
        (shape.optional, None),
    )
    for applies, value in simple:
        if applies:
            return lambda h, p, value=value: value
    return None


def baseline_missing(entry: Entry) -> list[str]:
    """The parameters of ``entry`` no valid value is known for."""
    return [param.name for param in parameters(entry) if _baseline_for(param) is None]


# ---- the call and its judgement --------------------------------------------------------------


@dataclass
class Outcome:
    """How one call (and the use of its result) ended."""

    #: Where it ended: ``call`` (the call itself raised), ``use`` (using its result raised),
    #: or ``returned``.
    stage: Literal["call", "use", "returned"]
    error: BaseException | None
    elapsed: float
    #: What it left behind (tasks, sockets, timers), if anything.
    leftovers: list[str]

    def problem(self, param: Param | None, kind: str | None = None) -> str | None:
        """What is wrong with this ending for an attack on ``param`` with a value of ``kind``
        (None: a valid call), or None when it is one of the documented endings."""
        if self.leftovers:
            return "left behind: " + "; ".join(self.leftovers)
        error = self.error
        if error is None:
            if param is not None and kind in NO_DURATION and is_duration(param):
                return f"took {kind} for a duration, delay, interval, rate or time ({RULE})"
            return None
        where = "refused" if self.stage == "call" else "failed when its result was used"
        if isinstance(error, asyncio.TimeoutError):
            return f"no end within {CALL_BOUND:g} s ({self.stage})"
        if isinstance(error, NotLoopback):
            return f"its client would send to {error}, not to the endpoint_url given"
        if param is None or not isinstance(error, (ConfigurationError, ValidationError)):
            return f"{where} with {type(error).__name__}: {shown(error)}"
        if self.elapsed > REFUSAL_BOUND:
            return f"{where} only after {self.elapsed:.2f} s: {shown(error)}"
        words = names_for(param)
        if isinstance(error, ValidationError):
            heads = [f.split(".")[0].split("[")[0] for f in error.fields]
            if not heads or (self.stage == "call" and not set(heads) & set(words)):
                return f"{where} with a ValidationError naming {error.fields}, not {param.name}"
            return None
        if not any(word in str(error) for word in words):
            return f"{where} with a ConfigurationError not naming {param.name}: {shown(error)}"
        return None


#: What ``aws_mlops_async/arguments.py`` says of every duration, delay, interval and rate.
RULE = "arguments.py: they are finite positive numbers, and a bool is no number"
#: The kinds of hostile value no duration, delay, interval, rate or time takes.
NO_DURATION = frozenset({"nan", "infinity", "zero", "negative", "bool"})


def is_duration(param: Param) -> bool:
    """Whether ``param`` is a duration, delay, interval, rate or time: every parameter
    annotated ``float`` is (the seconds of a timeout, a delay, a deadline, a poll interval, a
    send rate, an epoch time), and arguments.py holds them finite and positive."""
    return param.shape.number and not param.shape.int_only


def shown(value: object, limit: int = 300) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


async def attack(harness: Harness, entry: Entry, values: dict[str, Any]) -> Outcome:
    """Call ``entry`` with ``values`` for some parameters and valid ones for the others, use
    what it returns, close everything, and say how it ended."""
    sockets = _open_sockets()
    loop = asyncio.get_running_loop()
    stage: Literal["call", "use", "returned"] = "call"
    error: BaseException | None = None
    started = time.perf_counter()
    try:
        instance: Any = None
        if entry.kind == "method":
            instance = harness.instance(entry)
            target = getattr(instance, entry.target.__name__)
        else:
            target = entry.target
        kwargs = {}
        for param in parameters(entry):
            if param.name in values:
                kwargs[param.name] = values[param.name]
            else:
                make = _baseline_for(param)
                assert make is not None, f"no valid value for {param}"
                kwargs[param.name] = make(harness, param)
        started = time.perf_counter()
        try:
            result = target(**kwargs)
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(_awaited(result), CALL_BOUND)
        except (Exception, asyncio.CancelledError) as raised:
            _reraise_if_cancelled()
            error = raised
        else:
            stage = "use"
            started = time.perf_counter()
            try:
                await asyncio.wait_for(harness.use(result, instance), CALL_BOUND)
            except (Exception, asyncio.CancelledError) as raised:
                _reraise_if_cancelled()
                error = raised
            else:
                stage = "returned"
    finally:
        elapsed = time.perf_counter() - started
        harness.waiter = None
        try:
            await asyncio.wait_for(harness.close(), CALL_BOUND)
        except Exception as raised:  # closing must end too
            error = error or raised
    leftovers = await _leftovers(loop, sockets)
    return Outcome(stage, error, elapsed, leftovers)


def _reraise_if_cancelled() -> None:
    """Raise again a cancellation of this very task (a CancelledError nobody asked for is an
    ending like any other, to be judged)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise


async def _awaited(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _open_sockets() -> set[str]:
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:"):
                found.add(target)
    return found


async def _leftovers(loop: asyncio.AbstractEventLoop, sockets: set[str]) -> list[str]:
    """What the call left behind: tasks still pending, sockets still open (the loopback
    server's end of a connection is let go within a moment), timers still scheduled; and
    whether the loop's timers still fire."""
    found = []
    current = asyncio.current_task()
    deadline = time.monotonic() + REFUSAL_BOUND
    while True:
        await asyncio.sleep(0)
        tasks = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
        opened = _open_sockets() - sockets
        if not (tasks or opened) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.005)
    if tasks:
        found.append(f"{len(tasks)} pending task(s): {shown(tasks[0], 120)}")
    if opened:
        found.append(f"{len(opened)} open socket(s)")
    timers = [h for h in getattr(loop, "_scheduled", ()) if not h.cancelled()]
    if timers:
        found.append(f"{len(timers)} timer(s) still scheduled: {shown(timers[0], 120)}")
    try:
        await asyncio.wait_for(asyncio.sleep(0.001), REFUSAL_BOUND)
    except asyncio.TimeoutError:
        found.append("the event loop's timers no longer fire")
    return found
