"""Shared fixtures: every figure a test opens is closed afterwards; one local SparkSession."""

import os
import shutil

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for every Spark test (``local[1]``: one core, no web UI).

    Skips when PySpark (``pip install "effekt[spark]"``) or Java is missing.
    """
    sql = pytest.importorskip("pyspark.sql", reason='PySpark is not installed: "effekt[spark]"')
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java (apt-get install default-jre-headless)")
    session = (
        sql.SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()
