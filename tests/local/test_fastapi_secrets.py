"""A DataZone response returned from a FastAPI route: FastAPI serializes it with the model's
own JSON form, which masks sensitive members, so its parameters and metadata never reach the
HTTP body in clear."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from local_support import RUN

from aws_mlops_async.contrib.fastapi import DataZoneDep, session_lifespan
from aws_mlops_async.local import LocalAws
from aws_mlops_async.services.datazone.models import GetNotebookRunOutput

pytestmark = pytest.mark.timeout(30)

PARAMETER, META = "hunter2-PARAMETER-VALUE", "alice-METADATA-VALUE"


async def test_a_route_returning_a_response_model_masks_its_secrets() -> None:
    async with LocalAws() as endpoint:
        app = FastAPI(
            lifespan=session_lifespan(
                region_name=endpoint.region,
                aws_access_key_id=endpoint.access_key,
                aws_secret_access_key=endpoint.secret_key,
                endpoint_url=endpoint.url,
            )
        )

        @app.post("/runs")
        async def start(datazone: DataZoneDep) -> GetNotebookRunOutput:
            started = await datazone.start_notebook_run(
                **RUN, parameters={"db_password": PARAMETER}, metadata={"owner": META}
            )
            return await datazone.get_notebook_run(
                domain_identifier=RUN["domain_identifier"], identifier=started.id
            )

        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
                response = await http.post("/runs")
        # The emulator stored what went on the wire: the values were sent, and came back.
        [run] = endpoint.state.notebook_runs.values()
        assert PARAMETER in str(run.request) and META in str(run.request)
    assert response.status_code == 200, response.text
    body = response.text
    assert PARAMETER not in body and META not in body and "db_password" not in body
    assert response.json()["parameters"] == "**********"


async def test_every_dumped_form_a_route_returns_stays_masked() -> None:
    """What a route may return of a response: the model, its ``model_dump()`` (the python form,
    which FastAPI's ``jsonable_encoder`` walks, reaching the secret's ``vars()``), its
    ``model_dump(mode="json")``, a deep copy, and a dataclasses-style walk of ``vars()``."""
    import copy
    import json

    from fastapi.encoders import jsonable_encoder

    def walk(value: object) -> object:  # what dataclasses.asdict-style dumpers do
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if hasattr(value, "__dict__") and not isinstance(value, type):
            fields = {k: v for k, v in vars(value).items() if not k.startswith("__")}
            return {key: walk(item) for key, item in fields.items()}
        return value

    async with LocalAws() as endpoint:
        app = FastAPI(
            lifespan=session_lifespan(
                region_name=endpoint.region,
                aws_access_key_id=endpoint.access_key,
                aws_secret_access_key=endpoint.secret_key,
                endpoint_url=endpoint.url,
            )
        )
        forms = {
            "dump": lambda run: run.model_dump(),
            "json-dump": lambda run: run.model_dump(mode="json"),
            "deepcopy": lambda run: copy.deepcopy(run).model_dump(),
            "vars-walk": lambda run: walk(run),
        }

        @app.post("/runs/{form}")
        async def start(form: str, datazone: DataZoneDep) -> object:
            started = await datazone.start_notebook_run(
                **RUN, parameters={"db_password": PARAMETER}, metadata={"owner": META}
            )
            return forms[form](started)

        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
                responses = {form: await http.post(f"/runs/{form}") for form in forms}
            started = await app.state.aws_session.datazone.start_notebook_run(
                **RUN, parameters={"db_password": PARAMETER}, metadata={"owner": META}
            )
    encoded = json.dumps(jsonable_encoder(started.model_dump()))
    shown = [encoded, repr(started), str(started), json.dumps(walk(started), default=str)]
    for form, response in responses.items():
        assert response.status_code == 200, (form, response.text)
        shown.append(response.text)
    for text in shown:
        assert PARAMETER not in text and META not in text, text
    assert responses["dump"].json()["parameters"] == "**********"


async def test_nested_lifespans_each_own_and_close_only_their_session() -> None:
    async with LocalAws() as endpoint:
        options = {
            "region_name": endpoint.region,
            "aws_access_key_id": endpoint.access_key,
            "aws_secret_access_key": endpoint.secret_key,
            "endpoint_url": endpoint.url,
        }
        app = FastAPI(lifespan=session_lifespan(**options))
        async with app.router.lifespan_context(app):
            outer = app.state.aws_session
            async with app.router.lifespan_context(app):
                inner = app.state.aws_session
                assert inner is not outer
            assert app.state.aws_session is outer and not outer.closed and inner.closed
            await outer.batch.list_service_jobs(job_queue="ml-queue")  # still answers
        assert outer.closed and not hasattr(app.state, "aws_session")
