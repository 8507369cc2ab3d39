"""Amazon DataZone (SageMaker Unified Studio): notebook runs."""
