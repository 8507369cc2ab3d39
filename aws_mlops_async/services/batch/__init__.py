"""AWS Batch: service jobs (SageMaker Training jobs queued through Batch)."""
