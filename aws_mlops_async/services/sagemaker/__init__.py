"""Amazon SageMaker: image versions."""
