"""The pipeline: one declaration of steps, a local runner, a run manifest."""
