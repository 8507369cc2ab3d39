"""What the generated clients cannot say: hand-written extensions of the services.

The registry (tools/registry.py) names them, and the generated code never imports them: a
Session hands out `batch.BatchClient` (bulk submission and watching of service jobs, a typed
training payload) where the generated Batch client would be, and SubmitServiceJob's request
is prepared by `training_payload.prepare_submission`, each loaded on first use.
"""
