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
