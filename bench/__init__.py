"""The serving benchmark: the LiteRT int8 Lambda handler against the original TensorFlow/Keras path.

`python -m bench` (or `make bench`) measures both on this machine in one run and writes
reports/bench.json and reports/bench.md. Nothing here is imported by `handler/`.
"""
