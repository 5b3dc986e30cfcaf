"""Drain3's cluster id for each line of a file, one per output line: the bench:grouping baseline.

Drain3 (PyPI drain3) with its defaults (depth 4, sim_th 0.4, max_children 100, max_clusters
unbounded) and the masking instructions of its example drain3.ini (ID, IP, SEQ, HEX, NUM).
Run by bench/groupingAccuracy.ts from bench/.venv-drain3.
"""
import sys

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

MASKS = [
    (r"((?<=[^A-Za-z0-9])|^)(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))((?=[^A-Za-z0-9])|$)", "ID"),
    (r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)", "IP"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9a-f]{6,} ?){3,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)([0-9A-F]{4} ?){4,}((?=[^A-Za-z0-9])|$)", "SEQ"),
    (r"((?<=[^A-Za-z0-9])|^)(0x[a-f0-9A-F]+)((?=[^A-Za-z0-9])|$)", "HEX"),
    (r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)", "NUM"),
]


def main(path):
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    config.masking_instructions = [MaskingInstruction(p, m) for p, m in MASKS]
    miner = TemplateMiner(config=config)
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            result = miner.add_log_message(line.rstrip("\n"))
            out.append(str(result["cluster_id"]))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
