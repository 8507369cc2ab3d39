"""Amazon Lookout for Vision: model packaging jobs (service support ended 2025-10-31)."""
