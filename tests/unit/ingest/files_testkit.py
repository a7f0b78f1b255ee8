"""Small files in the mainframe, clickstream and call-center shapes, as the sources write them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

LOYALTY_MEMBERS = [
    # member_number, last, first, birth, postal, tier, points, enrolled, national_id
    ("1060827924", "JORDAN", "MEI", "19840917", "10028", "GOLD", 44823, "20210926",
     "436-11-1823"),
    ("1061641463", "O'DONNELL", "JAMES", "19780906", "28215", "BRONZE", 742, "20190929",
     "119-11-2913"),
    ("9953952924", "SANDERS", "CLAIRE", "19661127", "75227", "GOLD", 30214, "20241026", ""),
]


def loyalty_text(members=LOYALTY_MEMBERS, count: int | None = None,
                 total: int | None = None, trailer: bool = True) -> str:
    """A loyalty file: H record, one D record per member, T record with count and points."""
    lines = ["H" + "loyalty_20261125.dat".ljust(30) + "20261125" + "009825"]
    for member, last, first, birth, postal, tier, points, enrolled, national in members:
        lines.append("D" + member.rjust(10, "0") + last.ljust(20) + first.ljust(15) + birth
                     + postal.ljust(5) + tier.ljust(8) + str(points).rjust(11, "0") + enrolled
                     + national.ljust(11))
    count = len(members) if count is None else count
    total = sum(m[6] for m in members) if total is None else total
    if trailer:
        lines.append("T" + str(count).rjust(9, "0") + str(total).rjust(15, "0"))
    return "\n".join(line.ljust(97) for line in lines) + "\n"


CARDS_ROWS = [
    ("8980", "SCHROEDER, JAMES", "053-67-0666", "19850703", "7000.00", "3463.95", "69.28",
     "20261027", "0"),
    ("1204", "KHAN, AISHA", "771-20-4410", "19920214", "2500.00", "0.00", "0.00", "20261103", "0"),
    ("5531", "ROSSI, SOFIA", "318-09-7752", "19700530", "12000.00", "8120.40", "162.41",
     "20261111", "30"),
]
CARDS_HEADER = ("card_number_last4,card_holder_name,national_id,birth_date,credit_limit,"
                "statement_balance,minimum_due,statement_date,days_past_due")


def cards_text(rows=CARDS_ROWS, count: int | None = None, total: str | None = None) -> str:
    body = [",".join(f'"{v}"' if "," in v else v for v in row) for row in rows]
    count = len(rows) if count is None else count
    total = f"{sum(float(r[5]) for r in rows):.2f}" if total is None else total
    lines = ["HDR,cards,20261125,9825", CARDS_HEADER, *body, f"TRL,{count},{total}"]
    return "\n".join(lines) + "\n"


def click_event(n: int, event_time: str, received_at: str, user_agent: str = "Mozilla/5.0"
                ) -> dict:
    return {"event_id": f"ev{n:030d}", "event_time": event_time, "received_at": received_at,
            "device_id": f"{n:016x}", "session_id": f"s-{n:016x}", "channel": "web",
            "event_type": "page_view", "page": "/products/savings", "search_term": None,
            "product_type": "savings", "user_agent": user_agent, "ip_hash": f"{n * 7:016x}",
            "login_customer_number": None}


def jsonl_gz(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    return path


def events_file(path: Path, events: list[dict]) -> Path:
    return jsonl_gz(path, [json.dumps(e) for e in events])


CALLS_HEADER = ('"contact_id","started_at","phone_number","caller_name","customer_number",'
                '"reason_code","duration_seconds","outcome","sentiment","agent_id","note"')
CALLS_ROWS = [
    '"CT000000145",2026-11-14 08:54:13,"701.239.2169","Douglas Newman",,"BALANCE",250,'
    '"resolved",0.66,"AG0029","Asked for balance, provided after verification"',
    '"CT000000146",2026-11-14 09:25:07,"+1 520-657-4212","Carol Müller",1000228,'
    '"LOAN_INQUIRY",301,"callback",0.26,"AG0039","Asked about home equity rates"',
]


def calls_text(header: str = CALLS_HEADER, rows=CALLS_ROWS) -> str:
    return "\n".join([header, *rows]) + "\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
