"""Root pytest configuration: doctests in src/ and tests/ both draw with the Agg backend."""

import matplotlib

matplotlib.use("Agg")
