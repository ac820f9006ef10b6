"""Measurements that print figures; never run as timed tests.

Each is a module run from the repository root: ``.venv/bin/python -m benchmarks.engine``. The
micro-benchmarks (``core``, the client's overhead in ``client``) run on pyperf (worker
processes, calibration, warmups; ``--fast`` for a quick look, ``-o FILE`` and
``python -m pyperf compare_to`` to compare runs); the end-to-end ones print median and p99 from
:mod:`benchmarks.common`.
"""
