"""Batch builds: a catalogue's model calls through a provider's Batch API (half the price, within
24 hours), resumable across restarts, and the same requests as files for `vllm run-batch`.

    collect.py  a round's view of the model: batch answers read and checked, other calls collected
    store.py    the batch folder: records, input files, results (the state a rerun carries on from)
    submit.py   input files within the API's limits, upload and create (never twice), poll, download
    run.py      the rounds: build every course, submit what is left, wait, until every course is done
"""
