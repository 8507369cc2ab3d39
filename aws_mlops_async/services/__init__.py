"""One package per supported AWS service: its client, models, operation bindings and errors."""
