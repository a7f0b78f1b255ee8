"""The shared local SparkSession survives a job adapter that stops it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.spark


def test_local_spark_session_starts_again_after_a_job_stopped_it() -> None:
    from c360.engine.spark_engine import local_spark_session

    local_spark_session().stop()
    assert local_spark_session().range(3).count() == 3


def test_the_local_driver_jvm_runs_the_parallel_collector() -> None:
    from c360.engine.spark_engine import local_spark_session

    jvm = local_spark_session().sparkContext._jvm
    beans = jvm.java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
    assert sorted(bean.getName() for bean in beans) == ["PS MarkSweep", "PS Scavenge"]


def test_the_local_driver_jvm_compiles_huge_generated_methods() -> None:
    from c360.engine.spark_engine import local_spark_session

    jvm = local_spark_session().sparkContext._jvm
    diagnostics = jvm.java.lang.management.ManagementFactory.getPlatformMXBean(
        jvm.java.lang.Class.forName("com.sun.management.HotSpotDiagnosticMXBean"))
    assert diagnostics.getVMOption("DontCompileHugeMethods").getValue() == "false"
