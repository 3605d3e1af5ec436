"""Shared fixtures: every figure a test opens is closed afterwards."""

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for every ``spark`` test (skipped without PySpark or Java)."""
    import shutil

    pyspark_sql = pytest.importorskip("pyspark.sql")
    if shutil.which("java") is None:
        pytest.skip("PySpark needs a Java runtime (install a JRE, e.g. openjdk-17-jre-headless)")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()
