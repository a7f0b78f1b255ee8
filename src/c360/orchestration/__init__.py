"""Orchestration: Step Functions state machines generated from the pipeline declaration."""
