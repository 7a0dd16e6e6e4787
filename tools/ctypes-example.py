#!/usr/bin/env python3
"""Calling paiban from Python with ctypes alone (README, "Calling paiban from Python").

    python3 tools/ctypes-example.py [PLUGIN] ISSUE.json [OUT.pdf]

PLUGIN defaults to libpaiban.so.0 found by the dynamic loader (an installed paiban). Without
OUT.pdf the PDF goes to a temporary folder and is removed. Prints the page count and the
report's status; exits 1 when the render fails.
"""
import ctypes
import json
import os
import sys
import tempfile

PAIBAN_ABI_VERSION = 1
job_p = ctypes.c_void_p
status_t = ctypes.c_int  # paiban_status_t: 0 is PAIBAN_STATUS_SUCCESS
fn = ctypes.CFUNCTYPE


class Plugin(ctypes.Structure):
    """paiban_plugin_v1_t: the same members in the same order as include/paiban/paiban.h."""
    _fields_ = [
        ("abi_version", ctypes.c_uint32),
        ("size", ctypes.c_uint32),
        ("name", ctypes.c_char_p),
        ("version", ctypes.c_char_p),
        ("input_types", ctypes.POINTER(ctypes.c_char_p)),
        ("output_types", ctypes.POINTER(ctypes.c_char_p)),
        ("job_create", fn(job_p)),
        ("job_destroy", fn(None, job_p)),
        ("job_set_option", fn(status_t, job_p, ctypes.c_char_p, ctypes.c_char_p)),
        ("job_load_file", fn(status_t, job_p, ctypes.c_char_p)),
        ("job_load_buffer", fn(status_t, job_p, ctypes.c_char_p, ctypes.c_size_t,
                               ctypes.c_char_p, ctypes.c_char_p)),
        ("job_layout", fn(status_t, job_p)),
        ("job_write_pdf", fn(status_t, job_p, ctypes.c_char_p)),
        ("job_write_png", fn(status_t, job_p, ctypes.c_char_p, ctypes.c_double)),
        ("job_report", fn(ctypes.c_char_p, job_p)),
        ("job_status", fn(status_t, job_p)),
        ("job_error_message", fn(ctypes.c_char_p, job_p)),
        ("job_page_count", fn(ctypes.c_int, job_p)),
        ("job_warning_count", fn(ctypes.c_int, job_p)),
        ("job_warning", fn(ctypes.c_char_p, job_p, ctypes.c_int)),
        ("job_layout_dump", fn(ctypes.c_char_p, job_p, ctypes.c_uint)),
    ]


def load_plugin(path="libpaiban.so.0"):
    lib = ctypes.CDLL(path)
    entry = lib.paiban_plugin_v1
    entry.restype = ctypes.POINTER(Plugin)
    entry.argtypes = []
    pb = entry().contents
    if pb.abi_version != PAIBAN_ABI_VERSION or pb.size < ctypes.sizeof(Plugin):
        raise RuntimeError(f"{path}: unknown plugin ABI {pb.abi_version}")
    pb._lib = lib  # keep the library loaded as long as the table is used
    return pb


def render(pb, issue, pdf):
    """Renders ISSUE to PDF; returns the report as a dict, raises RuntimeError on failure."""
    job = pb.job_create()
    try:
        # Each call returns the job's (sticky) status: after a failure the rest do nothing.
        pb.job_load_file(job, os.fsencode(issue))
        pb.job_layout(job)
        pb.job_write_pdf(job, os.fsencode(pdf))
        if pb.job_status(job) != 0:
            raise RuntimeError(pb.job_error_message(job).decode())
        # Returned strings belong to the job: ctypes copies c_char_p results into bytes.
        return json.loads(pb.job_report(job))
    finally:
        pb.job_destroy(job)


def main(argv):
    args = argv[1:]
    plugin = args.pop(0) if len(args) > 1 and not args[0].endswith(".json") else "libpaiban.so.0"
    if not args or len(args) > 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    pb = load_plugin(plugin)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = args[1] if len(args) > 1 else os.path.join(tmp, "out.pdf")
        try:
            report = render(pb, args[0], pdf)
        except RuntimeError as e:
            print(f"paiban: error: {e}", file=sys.stderr)
            return 1
        with open(pdf, "rb") as f:
            if f.read(5) != b"%PDF-":
                print(f"{pdf}: not a PDF", file=sys.stderr)
                return 1
    print(f"{pb.name.decode()} {pb.version.decode()}: {len(report['pages'])} page(s), "
          f"status {report['status']}, {report['overset_chars']} overset characters")
    return 0 if report["status"] == "ok" and report["pages"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
