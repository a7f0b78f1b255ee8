"""Clickstream: web and app events of the 7 days before the logical date, as gzip JSON lines.

Writes `clickstream/events/dt=YYYY-MM-DD/hour=HH/{web,app}-0000.jsonl.gz` for every hour
of the window (an hour without events gets an empty file). Events land in the hour
they were *received*: late events (an app offline for hours) sit in a later hour than
they happened, and lines are ordered by arrival, so event times are out of order.
Devices are anonymous; a device links to a customer only through a `login` event,
which carries the core-banking `customer_number`. Crawler bots add high-rate noise.

Everything is built column-wise: per-device and per-session attributes are expanded
to events with `np.repeat`, and JSON lines are assembled by Arrow's string kernels
from pre-encoded JSON fragments, so 2 million events take seconds, not minutes.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from c360.sources import noise
from c360.sources import reference as ref
from c360.sources.core_banking import CoreBanking
from c360.sources.messiness import Messiness
from c360.sources.population import Population, unique_integers, zipf_weights
from c360.sources.writing import Sink, gzip_bytes, stage_rng

IntArray = npt.NDArray[np.int64]
DAYS = 7
HOURS = DAYS * 24
CHANNELS = ("web", "app")
EVENT_TYPES = (
    "page_view",
    "search",
    "product_view",
    "apply_start",
    "apply_submit",
    "login",
    "logout",
)
ET = {e: i for i, e in enumerate(EVENT_TYPES)}
HUMAN_EVENT_P = np.array([0.48, 0.16, 0.29, 0.05, 0.02])
_HOURS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 11, 11, 10, 10, 10, 11, 13, 15, 15, 13, 8, 4],
    dtype=np.float64,
)


def _fixed_strings(raw: bytes, width: int, count: int) -> pa.Array:
    """An Arrow string array over one buffer of `count` values of `width` ASCII bytes each."""
    offsets = np.arange(0, width * count + 1, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), count, [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(raw)]
    )


def _hex_ids(rng: np.random.Generator, n: int, nbytes: int) -> pa.Array:
    """n random hex ids of 2*nbytes characters (uuid-like, but from the seeded stream)."""
    return _fixed_strings(binascii.hexlify(rng.bytes(nbytes * n)), 2 * nbytes, n)


def _json_strings(values: Sequence[str | None]) -> pa.Array:
    """Each value pre-encoded as a JSON literal ("\\"text\\"" or null), for string assembly."""
    return pa.array([json.dumps(v) for v in values], pa.string())


def generate_clickstream(
    sink: Sink, pop: Population, core: CoreBanking, seed: int, m: Messiness
) -> None:
    """Write the 336 hourly event files and the device ground truth."""
    rng = stage_rng(seed, "clickstream")
    today = np.datetime64(pop.logical_date, "D")
    start = (today - np.timedelta64(DAYS, "D")).astype("datetime64[s]")
    window = DAYS * 86_400

    # Devices: 1-3 per logging-in person, 1 per anonymous browser, plus bots.
    login_people = np.flatnonzero(pop.has_login_device).astype(np.int64)
    per = 1 + (rng.random(len(login_people)) < 0.5) + (rng.random(len(login_people)) < 0.15)
    anon_people = np.flatnonzero(pop.has_anon_device).astype(np.int64)
    dev_person = np.concatenate(
        [np.repeat(login_people, per), anon_people, np.full(m.bot_devices, -1, dtype=np.int64)]
    )
    n_login_dev = int(per.sum())
    dev_login = np.zeros(len(dev_person), dtype=bool)
    dev_login[:n_login_dev] = True
    dev_bot = dev_person < 0
    n_dev = len(dev_person)
    dev_channel = np.where(rng.random(n_dev) < np.where(dev_login, 0.55, 0.15), 1, 0)
    dev_channel[dev_bot] = 0
    dev_ids = unique_integers(rng, n_dev, lambda r, k: r.integers(1, 2**62, k))
    device_id = pa.array([f"{x:016x}" for x in dev_ids.tolist()], pa.string())
    ua_web = rng.choice(
        len(ref.WEB_USER_AGENTS), n_dev, p=zipf_weights(len(ref.WEB_USER_AGENTS), 2.0)
    )
    ua_app = rng.integers(0, len(ref.APP_USER_AGENTS), n_dev)
    ua_bot = rng.integers(0, len(ref.BOT_USER_AGENTS), n_dev)
    ua_vocab = _json_strings(list(ref.WEB_USER_AGENTS + ref.APP_USER_AGENTS + ref.BOT_USER_AGENTS))
    dev_ua = np.where(
        dev_bot,
        len(ref.WEB_USER_AGENTS) + len(ref.APP_USER_AGENTS) + ua_bot,
        np.where(dev_channel == 1, len(ref.WEB_USER_AGENTS) + ua_app, ua_web),
    )
    # What each person is shopping for: a product behind one of their interests.
    score = pop.interests + rng.random(pop.interests.shape) * 0.9
    interest_product = np.array(
        [ref.PRODUCT_TYPES.index(ref.INTEREST_PRODUCT[i]) for i in ref.INTERESTS], np.int64
    )
    person_product = interest_product[np.argmax(score, axis=1)]
    dev_product = np.where(dev_bot, 0, person_product[np.maximum(dev_person, 0)])
    household_ip = rng.integers(0, 2**63, pop.n, dtype=np.int64)

    # Sessions.
    lam = np.where(dev_login, np.where(dev_channel == 1, 3.5, 2.0), 1.5)
    sessions = rng.poisson(lam)
    sessions[dev_login] = np.maximum(sessions[dev_login], 1)
    sessions[dev_bot] = 0
    human_sessions = int(sessions.sum())
    mean_events = np.where(dev_channel == 1, 5.0, 6.0)
    s_dev = np.repeat(np.arange(n_dev, dtype=np.int64), sessions)
    s_len = 1 + rng.poisson(mean_events[s_dev])
    human_events = int(s_len.sum())
    bot_events = 0
    if m.bot_devices and m.bot_event_share > 0:
        bot_events = int(human_events * m.bot_event_share / (1.0 - min(m.bot_event_share, 0.99)))
    per_bot = bot_events // max(m.bot_devices, 1)
    bot_sessions_each = max(1, per_bot // 200) if per_bot else 0
    bot_dev = np.flatnonzero(dev_bot)
    b_dev = np.repeat(bot_dev, bot_sessions_each)
    b_len = np.full(len(b_dev), per_bot // max(bot_sessions_each, 1), dtype=np.int64)
    s_dev = np.concatenate([s_dev, b_dev])
    s_len = np.concatenate([s_len, b_len])
    s_bot = dev_bot[s_dev]
    n_sess = len(s_dev)
    s_start = (
        rng.integers(0, DAYS, n_sess) * 86_400
        + rng.choice(24, n_sess, p=_HOURS / _HOURS.sum()) * 3600
        + rng.integers(0, 3600, n_sess)
    )
    s_logged = dev_login[s_dev] & (rng.random(n_sess) < np.where(dev_channel[s_dev] == 1, 0.9, 0.6))
    first_session = np.ones(n_sess, dtype=bool)
    first_session[1:human_sessions] = s_dev[1:human_sessions] != s_dev[: human_sessions - 1]
    s_logged |= dev_login[s_dev] & first_session
    s_logged[human_sessions:] = False
    sess_ids = unique_integers(rng, n_sess, lambda r, k: r.integers(1, 2**62, k))
    session_id = pa.array([f"s-{x:016x}" for x in sess_ids.tolist()], pa.string())
    home = rng.random(n_sess) < np.where(dev_channel[s_dev] == 1, 0.4, 0.7)
    s_ip = np.where(
        home & ~s_bot,
        household_ip[pop.household[np.maximum(dev_person[s_dev], 0)]],
        rng.integers(0, 2**63, n_sess, dtype=np.int64),
    )
    ip_hash = pa.array([f"{x:016x}" for x in s_ip.tolist()], pa.string())
    login_number = np.where(
        (core.duplicate_number[np.maximum(dev_person, 0)] >= 0) & (rng.random(n_dev) < 0.3),
        core.duplicate_number[np.maximum(dev_person, 0)],
        core.primary_number[np.maximum(dev_person, 0)],
    )

    # Events.
    n_ev = int(s_len.sum())
    e_sess = np.repeat(np.arange(n_sess, dtype=np.int64), s_len)
    offsets = np.concatenate([[0], np.cumsum(s_len)[:-1]]).astype(np.int64)
    pos = np.arange(n_ev, dtype=np.int64) - offsets[e_sess]
    e_bot = s_bot[e_sess]
    gaps = np.where(e_bot, rng.integers(1, 4, n_ev), rng.exponential(45.0, n_ev).astype(np.int64))
    cum = np.cumsum(gaps)
    e_time = s_start[e_sess] + cum - cum[offsets][e_sess]
    etype = rng.choice(len(HUMAN_EVENT_P), n_ev, p=HUMAN_EVENT_P)
    etype[e_bot] = np.where(rng.random(int(e_bot.sum())) < 0.7, ET["page_view"], ET["product_view"])
    logged = s_logged[e_sess]
    etype[logged & (pos == 0)] = ET["login"]
    last = pos == s_len[e_sess] - 1
    etype[logged & last & (pos >= 2) & (rng.random(n_ev) < 0.4)] = ET["logout"]
    e_dev = s_dev[e_sess]
    e_channel = dev_channel[e_dev]
    product = np.where(
        rng.random(n_ev) < 0.6, dev_product[e_dev], rng.integers(0, len(ref.PRODUCT_TYPES), n_ev)
    )

    lag = np.where(e_channel == 1, rng.exponential(60.0, n_ev), rng.exponential(3.0, n_ev))
    received = e_time + lag.astype(np.int64)
    late = noise.mask(rng, n_ev, m.late_event_rate) & ~e_bot
    received[late] += rng.integers(3600, 12 * 3600, int(late.sum()))
    keep = (e_time >= 0) & (received < window)

    # Pages, search terms, product types: vocabularies of pre-encoded JSON fragments.
    page_vocab = list(ref.GENERAL_PAGES)
    pv = len(page_vocab)
    page_vocab += ["/search", "/login", "/logout"]
    page_vocab += [f"/products/{p}" for p in ref.PRODUCT_TYPES]
    page_vocab += [f"/apply/{p}" for p in ref.PRODUCT_TYPES]
    page_vocab += [f"/apply/{p}/submit" for p in ref.PRODUCT_TYPES]
    n_pt = len(ref.PRODUCT_TYPES)
    page = rng.choice(pv, n_ev, p=zipf_weights(pv, 1.5))
    page = np.select(
        [
            etype == ET["search"],
            etype == ET["login"],
            etype == ET["logout"],
            etype == ET["product_view"],
            etype == ET["apply_start"],
            etype == ET["apply_submit"],
        ],
        [
            pv,
            pv + 1,
            pv + 2,
            pv + 3 + product,
            pv + 3 + n_pt + product,
            pv + 3 + 2 * n_pt + product,
        ],
        page,
    )
    terms = [(p, t) for p in ref.PRODUCT_TYPES for t in ref.SEARCH_TERMS[p]]
    term_vocab = _json_strings([None] + [t for _, t in terms])
    term_first = np.array(
        [1 + next(i for i, (p, _) in enumerate(terms) if p == q) for q in ref.PRODUCT_TYPES],
        np.int64,
    )
    term_count = np.array([len(ref.SEARCH_TERMS[q]) for q in ref.PRODUCT_TYPES], np.int64)
    term = term_first[product] + (rng.random(n_ev) * term_count[product]).astype(np.int64)
    term[etype != ET["search"]] = 0
    has_product = np.isin(etype, [ET["product_view"], ET["apply_start"], ET["apply_submit"]])
    pt_vocab = _json_strings([None, *ref.PRODUCT_TYPES])
    pt = np.where(has_product, product + 1, 0)
    event_id = _hex_ids(rng, n_ev, 16)

    # Deliveries: every kept event once, then the collector's repeats (Messiness
    # delivery faults), each 1 minute to 2 hours after the first, some cut off mid-line.
    first = np.flatnonzero(keep)
    repeated = first[noise.mask(rng, len(first), m.event_redelivery_rate)]
    again = received[repeated] + rng.integers(60, 2 * 3600, len(repeated))
    inside = again < window
    repeated, again = repeated[inside], again[inside]
    d_event = np.concatenate([first, repeated])
    d_received = np.concatenate([received[first], again])
    d_truncated = np.concatenate([
        np.zeros(len(first), dtype=bool),
        noise.mask(rng, len(repeated), m.truncated_redelivery_rate),
    ])

    # Sort deliveries by (file, arrival, delivery index); one file per channel and
    # received hour.
    file_key = e_channel[d_event] * HOURS + d_received // 3600
    idx = np.argsort(file_key * (window + 1) + d_received, kind="stable")
    # ISO-8601 text as "<day part><time-of-day part>": two small vocabularies, no formatting
    # per event.
    day_part = pa.array([f"{start.astype('datetime64[D]') + d}T" for d in range(DAYS)], pa.string())
    tod_part = pa.array(
        [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(86_400)], pa.string()
    )
    vocab_page = _json_strings(page_vocab)
    vocab_type = _json_strings(list(EVENT_TYPES))
    vocab_channel = _json_strings(list(CHANNELS))
    login_text = pa.array(login_number).cast(pa.string())
    bounds = np.searchsorted(file_key[idx], np.arange(2 * HOURS + 1))

    def lines_for(deliveries: IntArray) -> bytes:
        """JSON lines of the given deliveries, joined, as one UTF-8 payload."""
        if len(deliveries) == 0:
            return b""
        rows = d_event[deliveries]
        arrived = d_received[deliveries]
        take = pa.array(rows)
        dev = pa.array(e_dev[rows])
        sess = pa.array(e_sess[rows])
        is_login = pa.array(etype[rows] == ET["login"])
        parts = [
            '{"event_id":"',
            event_id.take(take),
            '","event_time":"',
            day_part.take(pa.array(e_time[rows] // 86_400)),
            tod_part.take(pa.array(e_time[rows] % 86_400)),
            '","received_at":"',
            day_part.take(pa.array(arrived // 86_400)),
            tod_part.take(pa.array(arrived % 86_400)),
            '","device_id":"',
            device_id.take(dev),
            '","session_id":"',
            session_id.take(sess),
            '","channel":',
            vocab_channel.take(pa.array(e_channel[rows])),
            ',"event_type":',
            vocab_type.take(pa.array(etype[rows])),
            ',"page":',
            vocab_page.take(pa.array(page[rows])),
            ',"search_term":',
            term_vocab.take(pa.array(term[rows])),
            ',"product_type":',
            pt_vocab.take(pa.array(pt[rows])),
            ',"user_agent":',
            ua_vocab.take(pa.array(dev_ua[e_dev[rows]])),
            ',"ip_hash":"',
            ip_hash.take(sess),
            '","login_customer_number":',
            pc.if_else(is_login, login_text.take(dev), pa.scalar("null")),
            "}\n",
        ]
        joined = pc.binary_join_element_wise(*parts, "")
        cut = d_truncated[deliveries]
        if cut.any():  # the line breaks off before the event_time value: not JSON any more
            broken = pc.binary_join_element_wise(pc.utf8_slice_codeunits(joined, 0, 60), "\n", "")
            joined = pc.if_else(pa.array(cut), broken, joined)
        offsets = np.frombuffer(
            joined.buffers()[1], dtype=np.int32, count=len(joined) + 1, offset=joined.offset * 4
        )
        data = joined.buffers()[2]
        return data.slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()

    def build(file_index: int) -> tuple[int, bytes]:
        """(row count, gzip bytes) of one file; Arrow kernels and zlib release the GIL."""
        rows = idx[bounds[file_index] : bounds[file_index + 1]]
        return len(rows), gzip_bytes(lines_for(rows))

    with ThreadPoolExecutor(max_workers=2) as pool:
        for d in range(DAYS):
            day = today - np.timedelta64(DAYS - d, "D")
            keys = [(c, d * 24 + h) for c in range(2) for h in range(24)]
            built = list(pool.map(build, [c * HOURS + hh for c, hh in keys]))
            for (c, hh), (count, gz) in zip(keys, built, strict=True):
                rel = f"clickstream/events/dt={day}/hour={hh % 24:02d}/{CHANNELS[c]}-0000.jsonl.gz"
                sink.write_bytes("clickstream_events", rel, gz, count)
            sink.report("clickstream", d + 1, DAYS)

    seen = np.zeros(n_dev, dtype=bool)
    seen[e_dev[first]] = True
    human = seen & ~dev_bot
    rows = np.flatnonzero(human)
    sink.add_truth(
        "clickstream_device", [f"{x:016x}" for x in dev_ids[rows].tolist()], dev_person[rows]
    )
