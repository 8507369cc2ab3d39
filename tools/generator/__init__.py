"""The pieces of tools/generate_services.py: reading the AWS models, and writing the code."""
