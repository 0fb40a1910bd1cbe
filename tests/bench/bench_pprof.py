"""How fast gctui reads an allocation profile, next to the protobuf library.

gctui decodes ``/debug/pprof/allocs`` (gzipped profile.proto) with its own
reader (tui/escapes/pprof.py). This compares it with Google's ``protobuf``
package (its C ``upb`` backend, the fastest Python option), on the real
fixture profile and on a large generated one, for the whole job ranking
needs: gunzip, decode, and sum ``alloc_space`` per allocating line. Both
must give the same sums. Run by hand; protobuf is not a gctui dependency::

    pip install --target /tmp/pb protobuf
    PYTHONPATH=/tmp/pb python tests/bench/bench_pprof.py [--samples 200000]
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.escapes.pprof import decode_profile  # noqa: E402
from tui.escapes.ranking import alloc_sites  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "escape" / "allocs_allocsites.pb.gz"


def profile_class() -> Any:
    """profile.proto's Profile message, built from a descriptor (no protoc)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    f = descriptor_pb2.FileDescriptorProto(name="profile.proto", package="perftools.profiles", syntax="proto3")
    T = descriptor_pb2.FieldDescriptorProto
    spec = {
        "ValueType": [("type", 1, T.TYPE_INT64, False, None), ("unit", 2, T.TYPE_INT64, False, None)],
        "Label": [("key", 1, T.TYPE_INT64, False, None), ("str", 2, T.TYPE_INT64, False, None),
                  ("num", 3, T.TYPE_INT64, False, None), ("num_unit", 4, T.TYPE_INT64, False, None)],
        "Sample": [("location_id", 1, T.TYPE_UINT64, True, None), ("value", 2, T.TYPE_INT64, True, None),
                   ("label", 3, T.TYPE_MESSAGE, True, "Label")],
        "Mapping": [(n, i, T.TYPE_UINT64 if i < 5 else T.TYPE_INT64, False, None) for i, n in enumerate(
            ["id", "memory_start", "memory_limit", "file_offset", "filename", "build_id"], 1)],
        "Line": [("function_id", 1, T.TYPE_UINT64, False, None), ("line", 2, T.TYPE_INT64, False, None),
                 ("column", 3, T.TYPE_INT64, False, None)],
        "Location": [("id", 1, T.TYPE_UINT64, False, None), ("mapping_id", 2, T.TYPE_UINT64, False, None),
                     ("address", 3, T.TYPE_UINT64, False, None), ("line", 4, T.TYPE_MESSAGE, True, "Line"),
                     ("is_folded", 5, T.TYPE_BOOL, False, None)],
        "Function": [("id", 1, T.TYPE_UINT64, False, None), ("name", 2, T.TYPE_INT64, False, None),
                     ("system_name", 3, T.TYPE_INT64, False, None), ("filename", 4, T.TYPE_INT64, False, None),
                     ("start_line", 5, T.TYPE_INT64, False, None)],
        "Profile": [("sample_type", 1, T.TYPE_MESSAGE, True, "ValueType"),
                    ("sample", 2, T.TYPE_MESSAGE, True, "Sample"),
                    ("mapping", 3, T.TYPE_MESSAGE, True, "Mapping"),
                    ("location", 4, T.TYPE_MESSAGE, True, "Location"),
                    ("function", 5, T.TYPE_MESSAGE, True, "Function"),
                    ("string_table", 6, T.TYPE_STRING, True, None),
                    ("drop_frames", 7, T.TYPE_INT64, False, None), ("keep_frames", 8, T.TYPE_INT64, False, None),
                    ("time_nanos", 9, T.TYPE_INT64, False, None), ("duration_nanos", 10, T.TYPE_INT64, False, None),
                    ("period_type", 11, T.TYPE_MESSAGE, False, "ValueType"),
                    ("period", 12, T.TYPE_INT64, False, None), ("comment", 13, T.TYPE_INT64, True, None),
                    ("default_sample_type", 14, T.TYPE_INT64, False, None)],
    }
    for name, fields in spec.items():
        message = f.message_type.add(name=name)
        for field_name, number, kind, repeated, type_name in fields:
            fd = message.field.add(name=field_name, number=number, type=kind,
                                   label=T.LABEL_REPEATED if repeated else T.LABEL_OPTIONAL)
            if type_name:
                fd.type_name = f".perftools.profiles.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("perftools.profiles.Profile"))


def protobuf_sites(data: bytes, cls: Any) -> tuple[dict[tuple[str, int], int], int]:
    """The same sums as tui.escapes.ranking.alloc_sites, through protobuf."""
    p = cls.FromString(gzip.decompress(data))
    strings = p.string_table
    index = next(i for i, t in enumerate(p.sample_type) if strings[t.type] == "alloc_space")
    functions = {f.id: strings[f.filename] for f in p.function}
    site = {}
    for loc in p.location:
        if loc.line:
            last = loc.line[-1]
            site[loc.id] = (functions.get(last.function_id, ""), last.line)
    by_line: dict[tuple[str, int], int] = {}
    total = 0
    for s in p.sample:
        amount = s.value[index]
        total += amount
        key = site.get(s.location_id[0]) if s.location_id else None
        if key is not None:
            by_line[key] = by_line.get(key, 0) + amount
    return by_line, total


def ours(data: bytes) -> tuple[dict[tuple[str, int], int], int]:
    sites = alloc_sites(decode_profile(data, leaf_only=True))
    return dict(sites.by_line), sites.total


def generated(cls: Any, samples: int, seed: int = 1) -> bytes:
    """A big allocs profile: many functions, inlined frames, deep stacks."""
    rng = random.Random(seed)
    p = cls()
    strings = ["", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects", "inuse_space", "space"]
    p.string_table.extend(strings)
    for kind, unit in ((1, 2), (3, 4), (5, 2), (6, 4)):
        p.sample_type.add(type=kind, unit=unit)
    p.period_type.type, p.period_type.unit, p.period = 7, 4, 512 * 1024
    functions = 4000
    for fid in range(1, functions + 1):
        p.string_table.append(f"example.com/app/pkg{fid % 97}.fn{fid}")
        p.string_table.append(f"/src/app/pkg{fid % 97}/file{fid % 13}.go")
        p.function.add(id=fid, name=len(p.string_table) - 2, system_name=len(p.string_table) - 2,
                       filename=len(p.string_table) - 1, start_line=fid % 500)
    locations = 20000
    for lid in range(1, locations + 1):
        loc = p.location.add(id=lid, mapping_id=1, address=0x400000 + lid * 16)
        for _ in range(1 + (lid % 3 == 0)):  # every third location holds an inlined frame
            loc.line.add(function_id=rng.randint(1, functions), line=rng.randint(1, 900))
    for _ in range(samples):
        stack = [rng.randint(1, locations) for _ in range(rng.randint(4, 24))]
        size = rng.choice((16, 64, 512, 4096, 32768))
        count = rng.randint(1, 50)
        p.sample.add(location_id=stack, value=[count, count * size, count // 2, count * size // 2])
    return gzip.compress(p.SerializeToString())


def timed(fn: Callable[[bytes], Any], data: bytes, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000, help="samples in the generated profile")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    try:
        cls = profile_class()
        from google.protobuf.internal import api_implementation

        backend = f"protobuf {__import__('google.protobuf').protobuf.__version__} ({api_implementation.Type()})"
    except ImportError:
        print("protobuf is not installed: pip install --target /tmp/pb protobuf; PYTHONPATH=/tmp/pb ...")
        return 1
    inputs = [("fixture (tests/go/allocsites)", FIXTURE.read_bytes()),
              (f"generated, {args.samples:,} samples", generated(cls, args.samples))]
    print(f"{'profile':<34} {'gzipped':>9} {'gctui reader':>13} {backend:>30}")
    for name, data in inputs:
        t_ours, r_ours = timed(ours, data, args.runs)
        t_pb, r_pb = timed(lambda d: protobuf_sites(d, cls), data, args.runs)
        assert r_ours == r_pb, "the two readers disagree"
        print(f"{name:<34} {len(data) / 1024:>7.0f} K {t_ours * 1000:>10.1f} ms {t_pb * 1000:>27.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
