"""The cluster view: a version cluster's base text with who kept each paragraph."""

from reader.ui.cluster.view import ClusterView

__all__ = ["ClusterView"]
