"""Sources → RAW: land deliveries as they arrive, never rewriting RAW."""
