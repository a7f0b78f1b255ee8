"""The one narrow engine interface and its two implementations (DuckDB, Spark)."""

from c360.engine.base import Engine, EngineError, RawSource, create_engine

__all__ = ["Engine", "EngineError", "RawSource", "create_engine"]
