"""A small, scripted world of training jobs writing CloudWatch Logs, for the log follower's
tests: SageMaker's DescribeTrainingJob, Batch's DescribeServiceJob, and Logs'
DescribeLogStreams and GetLogEvents as AWS answers them (tokens ``f/<next index>``; a
caught-up read hands back the token it was sent; ``startFromHead`` false reads the last
page). A test changes the world between requests (``before`` runs before each is answered),
and counts what was asked."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

GROUP = "/aws/sagemaker/TrainingJobs"


@dataclass
class LogWorld:
    """One training job (``job``) and its instances' streams."""

    job: str = "train-1"
    status: str = "InProgress"
    instances: int = 2
    exists: bool = True
    #: Stream name -> its events, (epoch ms, message), in order.
    streams: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    #: Whether the log group exists (before a first job wrote to it, it does not).
    group: bool = True
    #: The next GetLogEvents requests answered with these errors, one each (HTTP 400; 500
    #: for ServiceUnavailableException, as CloudWatch Logs answers).
    failing: list[str] = field(default_factory=list)
    #: Every request's operation, in order, and how many of each.
    asked: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    #: What each GetLogEvents asked for.
    reads: list[dict[str, Any]] = field(default_factory=list)
    #: Called with the operation's name before each request is answered.
    before: Callable[[str], None] | None = None
    #: DescribeServiceJob: the service job's status and training job ARN (None: none yet).
    service_job_status: str = "RUNNING"
    training_job_arn: str | None = None

    def stream(self, instance: int, start: int = 1_700_000_000) -> str:
        """Add (or find) instance ``instance``'s stream; its name."""
        name = f"{self.job}/algo-{instance}-{start}"
        self.streams.setdefault(name, [])
        return name

    def write(self, name: str, *events: tuple[int, str]) -> None:
        self.streams[name].extend(events)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        target = request.headers.get("X-Amz-Target", "")
        operation = target.rpartition(".")[2] or "DescribeServiceJob"
        body = json.loads(await request.read() or b"{}")
        self.asked.append(operation)
        self.counts[operation] += 1
        if self.before is not None:
            self.before(operation)
        answer = getattr(self, f"_{operation}")
        return await answer(body)

    async def _DescribeTrainingJob(self, body: dict[str, Any]) -> web.StreamResponse:
        if not self.exists or body["TrainingJobName"].lower() != self.job.lower():
            return _error("ValidationException", "Requested resource not found.")
        arn = f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{self.job.lower()}"
        return _json(
            {
                "TrainingJobName": self.job,
                "TrainingJobArn": arn,
                "TrainingJobStatus": self.status,
                "SecondaryStatus": "Training",
                "CreationTime": 1_700_000_000,
                "AlgorithmSpecification": {"TrainingInputMode": "File"},
                "ResourceConfig": {
                    "InstanceType": "ml.g5.xlarge",
                    "InstanceCount": self.instances,
                    "VolumeSizeInGB": 50,
                },
                "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
                "ModelArtifacts": {"S3ModelArtifacts": "s3://bucket/model.tar.gz"},
            }
        )

    async def _DescribeServiceJob(self, body: dict[str, Any]) -> web.StreamResponse:
        job: dict[str, Any] = {
            "jobId": body["jobId"],
            "jobName": "service-job",
            "jobQueue": "queue",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": self.service_job_status,
            "startedAt": 1_700_000_000_000,
            "createdAt": 1_700_000_000_000,
        }
        if self.training_job_arn is not None:
            resource = {"name": "TrainingJobArn", "value": self.training_job_arn}
            job["latestAttempt"] = {"serviceResourceId": resource}
        return web.json_response(job)

    async def _DescribeLogStreams(self, body: dict[str, Any]) -> web.StreamResponse:
        if not self.group:
            return _error("ResourceNotFoundException", "The specified log group does not exist.")
        prefix = body.get("logStreamNamePrefix", "")
        names = sorted(name for name in self.streams if name.startswith(prefix))
        start = int(body.get("nextToken", "0"))
        limit = body.get("limit", 50)
        page: dict[str, Any] = {
            "logStreams": [{"logStreamName": name} for name in names[start : start + limit]]
        }
        if start + limit < len(names):
            page["nextToken"] = str(start + limit)
        return _json(page)

    async def _GetLogEvents(self, body: dict[str, Any]) -> web.StreamResponse:
        self.reads.append(body)
        if self.failing:
            code = self.failing.pop(0)
            return _error(code, f"{code} (scripted)")
        events = self.streams.get(body["logStreamName"])
        if events is None:
            return _error("ResourceNotFoundException", "The specified log stream does not exist.")
        limit = body.get("limit", 10_000)
        start_time = body.get("startTime", 0)
        token = body.get("nextToken")
        if token is not None:
            begin = int(token.split("/")[1])
        elif body.get("startFromHead"):
            begin = next((i for i, (ts, _) in enumerate(events) if ts >= start_time), len(events))
        else:  # the last page
            after = [i for i, (ts, _) in enumerate(events) if ts >= start_time]
            begin = max(after[0] if after else len(events), len(events) - limit)
        end = min(begin + limit, len(events))
        forward = f"f/{end}"
        return _json(
            {
                "events": [
                    {"timestamp": ts, "message": message, "ingestionTime": ts + 5}
                    for ts, message in events[begin:end]
                ],
                "nextForwardToken": forward if end > begin or token is None else token,
                "nextBackwardToken": f"b/{begin}",
            }
        )


def _json(payload: dict[str, Any]) -> web.StreamResponse:
    return web.json_response(
        payload, content_type="application/x-amz-json-1.1", headers={"x-amzn-RequestId": "r"}
    )


def _error(code: str, message: str) -> web.StreamResponse:
    return web.json_response(
        {"__type": code, "message": message},
        status=500 if code == "ServiceUnavailableException" else 400,
        content_type="application/x-amz-json-1.1",
        headers={"x-amzn-RequestId": "r"},
    )
