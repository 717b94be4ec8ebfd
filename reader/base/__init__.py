"""Plumbing every layer shares: cancellation and progress, the corpus lock, worker processes,
stage timings. It imports nothing else of `reader`."""
