"""Adapters between the benchmark and the code it measures (the staffing check, the roster export and
import), each with its floor. An adapter raises NotBuilt while the code it needs is not in the tree."""


class NotBuilt(Exception):
    """The code this operation measures is not in the tree (yet)."""


def staffing_check():
    raise NotBuilt("staffing/services.py")


def roster_export():
    raise NotBuilt("personnel/roster_io.py export")


def roster_import(rows, actor):
    raise NotBuilt("personnel/roster_io.py import")
