"""ANALYTICS: facts, customer dimensions and the customer 360 profile."""
