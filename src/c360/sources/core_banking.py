"""Core banking: the PostgreSQL system of record, exported as COPY-ready CSV tables.

Writes `core_banking/{customers,products,accounts,transactions}.csv`. Core banking is
the authority for national ids (always present, never mistyped here) but still holds
stale addresses, mistyped names and ~1% duplicate customer numbers from migrations.
Transactions are generated fully vectorised: recurring monthly flows (salary, rent or
mortgage, utilities, premiums, fees) plus discretionary spending whose mix follows age.
Money is kept in integer cents end to end and written as exact decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from c360.sources import reference as ref
from c360.sources import render
from c360.sources.messiness import Messiness
from c360.sources.noise import mask
from c360.sources.population import Population, categorical, zipf_weights
from c360.sources.writing import Sink, cents_to_decimal, date_array, stage_rng, timestamp_array

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
DateArray = npt.NDArray[np.datetime64]

FIRST_CUSTOMER_NUMBER = 1_000_001
FIRST_ACCOUNT_ID = 50_000_001
PRODUCT_CODES = tuple(p[0] for p in ref.PRODUCTS)
CATEGORIES = ref.TRANSACTION_CATEGORIES
CAT = {c: i for i, c in enumerate(CATEGORIES)}
CHANNELS = ("card", "online", "branch", "atm", "direct_debit")
CH = {c: i for i, c in enumerate(CHANNELS)}
MERCHANT_VOCAB: tuple[str, ...] = tuple(
    dict.fromkeys([m for ms in ref.MERCHANTS.values() for m in ms] + list(ref.EMPLOYERS))
)
MERCHANT_INDEX = {m: i for i, m in enumerate(MERCHANT_VOCAB)}
# Discretionary spending categories and their mix per age band (<35, 35-59, 60+).
SPEND = ("groceries", "dining", "travel", "transfer", "atm", "shopping", "entertainment", "health")
SPEND_MIX = np.array(
    [
        [0.24, 0.22, 0.04, 0.12, 0.08, 0.18, 0.09, 0.03],
        [0.30, 0.16, 0.05, 0.10, 0.07, 0.19, 0.06, 0.07],
        [0.33, 0.12, 0.06, 0.08, 0.09, 0.14, 0.04, 0.14],
    ]
)
# (median amount in dollars, log-normal sigma) per discretionary category.
SPEND_AMOUNT = {
    "groceries": (55.0, 0.6),
    "dining": (28.0, 0.6),
    "travel": (220.0, 0.9),
    "transfer": (150.0, 1.0),
    "atm": (0.0, 0.0),
    "shopping": (45.0, 0.9),
    "entertainment": (20.0, 0.7),
    "health": (50.0, 0.8),
}
DISCRETIONARY_PER_YEAR = 30.0


@dataclass(frozen=True)
class CoreBanking:
    """What later sources need from core banking, indexed by person.

    `primary_number`/`duplicate_number`: the person's customer numbers (-1 if none).
    `card_*`: the credit-card account of each card holder (rows of `card_person`).
    """

    primary_number: IntArray
    duplicate_number: IntArray
    card_person: IntArray
    card_account: IntArray
    card_limit_cents: IntArray
    card_owed_cents: IntArray
    card_frozen: BoolArray


@dataclass(frozen=True)
class _Accounts:
    person: IntArray
    product: IntArray
    account_id: IntArray
    opened: DateArray
    closed: DateArray  # NaT when open
    status: npt.NDArray[np.object_]
    balance: IntArray
    limit: IntArray  # -1 when not a card
    owner: IntArray


def generate_core_banking(sink: Sink, pop: Population, seed: int, m: Messiness) -> CoreBanking:
    """Write the four core-banking tables and return the keys later sources reference."""
    rng = stage_rng(seed, "core_banking")
    today = np.datetime64(pop.logical_date, "D")
    persons = np.flatnonzero(pop.in_core).astype(np.int64)
    sink.report("core_banking", 0, 4)

    # Customers: one record per core person plus duplicate registrations.
    dup_persons = persons[mask(rng, len(persons), m.core_duplicate_rate)]
    rec_person = np.concatenate([persons, dup_persons])
    is_dup = np.concatenate([np.zeros(len(persons), bool), np.ones(len(dup_persons), bool)])
    since = pop.customer_since[rec_person].copy()
    since[is_dup] = render.random_times(rng, since[is_dup], np.full(is_dup.sum(), today)).astype(
        "datetime64[D]"
    )
    order = np.lexsort((rng.random(len(rec_person)), since))
    rec_person, is_dup, since = rec_person[order], is_dup[order], since[order]
    number = np.arange(
        FIRST_CUSTOMER_NUMBER, FIRST_CUSTOMER_NUMBER + len(rec_person), dtype=np.int64
    )
    primary = np.full(pop.n, -1, dtype=np.int64)
    duplicate = np.full(pop.n, -1, dtype=np.int64)
    primary[rec_person[~is_dup]] = number[~is_dup]
    duplicate[rec_person[is_dup]] = number[is_dup]

    first, last = render.names(rng, pop, rec_person, m)
    dup_first, dup_last = render.duplicate_names(rng, pop, rec_person[is_dup], m)
    first[is_dup], last[is_dup] = dup_first, dup_last
    addr = render.address(rng, pop, rec_person, m)
    email, _, _ = render.emails(rng, pop, rec_person, m, m.core_email_missing_rate)
    phone = render.phones(rng, pop, rec_person, m, 0.3, m.core_phone_missing_rate)
    # Last change: recent for most customers (address, phone and email updates).
    ago = rng.exponential(365.0 * 86_400.0, len(since)).astype(np.int64).astype("timedelta64[s]")
    updated = np.maximum(
        today.astype("datetime64[s]") - np.timedelta64(1, "s") - ago, since.astype("datetime64[s]")
    )
    customers = pa.table(
        {
            "customer_number": pa.array(number),
            "national_id": pa.array(pop.national_id[rec_person].tolist(), pa.string()),
            "first_name": pa.array(first.tolist(), pa.string()),
            "last_name": pa.array(last.tolist(), pa.string()),
            "birth_date": date_array(render.birth_dates(rng, pop, rec_person, m)),
            "email": pa.array(email.tolist(), pa.string()),
            "phone": pa.array(phone.tolist(), pa.string()),
            "address_line": pa.array(addr.line.tolist(), pa.string()),
            "city": pa.array(addr.city.tolist(), pa.string()),
            "state": pa.array(addr.state.tolist(), pa.string()),
            "postal_code": pa.array(addr.postal_code.tolist(), pa.string()),
            "branch_code": pa.array([f"BR{c:03d}" for c in addr.city_index.tolist()], pa.string()),
            "customer_since": date_array(since),
            "updated_at": timestamp_array(updated),
        }
    )
    sink.write_csv("core_banking_customers", "core_banking/customers.csv", customers)
    sink.add_truth("core_banking", [str(x) for x in number.tolist()], rec_person)
    sink.report("core_banking", 1, 4)

    products = pa.table(
        {
            "product_code": pa.array([p[0] for p in ref.PRODUCTS], pa.string()),
            "product_name": pa.array([p[1] for p in ref.PRODUCTS], pa.string()),
            "product_type": pa.array([p[2] for p in ref.PRODUCTS], pa.string()),
            "interest_rate": pa.array([p[3] for p in ref.PRODUCTS]).cast(pa.decimal128(6, 4)),
        }
    )
    sink.write_csv("core_banking_products", "core_banking/products.csv", products)

    acc = _accounts(rng, pop, persons, primary, duplicate, today)
    accounts = pa.table(
        {
            "account_id": pa.array(acc.account_id),
            "customer_number": pa.array(acc.owner),
            "product_code": pa.array([PRODUCT_CODES[p] for p in acc.product.tolist()], pa.string()),
            "opened_at": date_array(acc.opened),
            "closed_at": date_array(acc.closed, ~np.isnat(acc.closed)),
            "status": pa.array(acc.status.tolist(), pa.string()),
            "balance": cents_to_decimal(acc.balance),
            "credit_limit": cents_to_decimal(np.maximum(acc.limit, 0), acc.limit >= 0),
            "currency": pa.array(["USD"] * len(acc.account_id), pa.string()),
            "updated_at": timestamp_array(
                render.random_times(
                    rng,
                    np.where(np.isnat(acc.closed), acc.opened, acc.closed),
                    np.full(len(acc.opened), today),
                )
            ),
        }
    )
    sink.write_csv("core_banking_accounts", "core_banking/accounts.csv", accounts)
    sink.report("core_banking", 2, 4)

    transactions = _transactions(rng, pop, acc, today)
    sink.write_csv("core_banking_transactions", "core_banking/transactions.csv", transactions)
    sink.report("core_banking", 4, 4)

    is_card = np.array([ref.PRODUCTS[p][2] == "credit_card" for p in acc.product.tolist()], bool)
    card = is_card & (acc.status != "closed")
    return CoreBanking(
        primary_number=primary,
        duplicate_number=duplicate,
        card_person=acc.person[card],
        card_account=acc.account_id[card],
        card_limit_cents=acc.limit[card],
        card_owed_cents=-acc.balance[card],
        card_frozen=acc.status[card] == "frozen",
    )


def _product_index(code: str) -> int:
    return PRODUCT_CODES.index(code)


def _accounts(
    rng: np.random.Generator,
    pop: Population,
    persons: IntArray,
    primary: IntArray,
    duplicate: IntArray,
    today: np.datetime64,
) -> _Accounts:
    """Product holdings correlated with age and income, one row per account.

    Row 0..k-1 of each person's holdings is ordered by product type; the person's first
    checking (else savings) account is the transaction account (see `_transactions`).
    """
    n = len(persons)
    age = pop.age_years()[persons]
    income = pop.income[persons]
    interests = pop.interests[persons]
    parts: list[tuple[IntArray, IntArray]] = []

    def add(holder: BoolArray, product: IntArray) -> None:
        parts.append((persons[holder], product[holder]))

    checking = rng.random(n) < 0.95
    add(
        checking,
        np.where(
            (income > 120_000) & (rng.random(n) < 0.7),
            _product_index("CHK-PREM"),
            _product_index("CHK-BASIC"),
        ),
    )
    savings = (rng.random(n) < 0.55) | ~checking
    add(savings, np.where(income > 90_000, _product_index("SAV-HY"), _product_index("SAV-STD")))
    card = pop.has_card[persons]
    travel = interests[:, ref.INTERESTS.index("travel")]
    add(
        card,
        np.select(
            [income > 150_000, travel],
            [_product_index("CC-PLAT"), _product_index("CC-TRAVEL")],
            _product_index("CC-CASH"),
        ),
    )
    p_mortgage = np.select(
        [(age >= 30) & (age <= 55), (age > 55) & (age <= 65)], [0.35, 0.15], 0.03
    )
    mortgage = rng.random(n) < p_mortgage * np.where(income > 40_000, 1.0, 0.3)
    add(
        mortgage,
        np.where(rng.random(n) < 0.75, _product_index("MTG-30F"), _product_index("MTG-15F")),
    )
    loan = rng.random(n) < 0.12
    cars = interests[:, ref.INTERESTS.index("cars")]
    add(
        loan,
        np.where(
            cars & (rng.random(n) < 0.7), _product_index("LN-AUTO"), _product_index("LN-PERS")
        ),
    )
    p_inv = 0.05 + 0.35 * (income > 100_000) + 0.15 * (income > 60_000) + 0.10 * (age > 50)
    invest = rng.random(n) < p_inv
    add(
        invest,
        np.where(
            (age > 45) & (rng.random(n) < 0.6),
            _product_index("INV-IRA"),
            _product_index("INV-BROK"),
        ),
    )
    insure = rng.random(n) < 0.22
    add(insure, np.where(mortgage, _product_index("INS-HOME"), _product_index("INS-LIFE")))

    person = np.concatenate([p for p, _ in parts])
    product = np.concatenate([q for _, q in parts]).astype(np.int64)
    ptype = np.array([ref.PRODUCTS[q][2] for q in product.tolist()], dtype=object)
    k = len(person)
    since = pop.customer_since[person]
    # The first checking (or savings when no checking) account opens with the relationship.
    order = np.lexsort((product, person))
    person, product, ptype = person[order], product[order], ptype[order]
    since = since[order]
    first_of_person = np.ones(k, dtype=bool)
    first_of_person[1:] = person[1:] != person[:-1]
    opened = render.random_times(rng, since, np.full(k, today)).astype("datetime64[D]")
    opened[first_of_person] = since[first_of_person]

    status = np.full(k, "open", dtype=object)
    u = rng.random(k)
    is_card = ptype == "credit_card"
    closed_p = np.where(first_of_person, 0.02, np.where(is_card, 0.0, 0.08))
    frozen_p = np.where(is_card, 0.02, 0.01)
    status[u < closed_p] = "closed"
    status[(u >= closed_p) & (u < closed_p + frozen_p)] = "frozen"
    closed = np.full(k, np.datetime64("NaT"), dtype="datetime64[D]")
    is_closed = status == "closed"
    closed[is_closed] = render.random_times(
        rng, opened[is_closed] + np.timedelta64(1, "D"), np.full(is_closed.sum(), today)
    ).astype("datetime64[D]")
    closed[is_closed] = np.minimum(closed[is_closed], today - np.timedelta64(1, "D"))
    closed[is_closed] = np.maximum(closed[is_closed], opened[is_closed])

    inc = pop.income[person]
    scale = np.maximum(inc / 60_000.0, 0.1)
    limit = np.full(k, -1, dtype=np.int64)
    card_limit = np.clip(np.round(inc[is_card] * 0.2 / 500.0) * 500.0, 500.0, 50_000.0)
    limit[is_card] = (card_limit * 100).astype(np.int64)
    dollars = np.select(
        [
            ptype == "checking",
            ptype == "savings",
            is_card,
            ptype == "mortgage",
            ptype == "personal_loan",
            ptype == "investment",
        ],
        [
            np.exp(rng.normal(np.log(2_500.0), 1.0, k)) * scale**0.7,
            np.exp(rng.normal(np.log(8_000.0), 1.3, k)) * scale**0.8,
            -np.minimum(np.exp(rng.normal(np.log(1_200.0), 1.0, k)), np.maximum(limit, 0) / 100.0),
            -np.exp(rng.normal(np.log(220_000.0), 0.5, k)),
            -np.exp(rng.normal(np.log(12_000.0), 0.6, k)),
            np.exp(rng.normal(np.log(40_000.0), 1.2, k)) * scale,
        ],
        0.0,
    )
    balance = np.round(dollars * 100.0).astype(np.int64)
    balance[is_closed] = 0

    owner = primary[person].copy()
    dup = (duplicate[person] >= 0) & ~first_of_person & (rng.random(k) < 0.3)
    owner[dup] = duplicate[person[dup]]

    seq = np.lexsort((rng.random(k), opened))
    account_id = np.empty(k, dtype=np.int64)
    account_id[seq] = np.arange(FIRST_ACCOUNT_ID, FIRST_ACCOUNT_ID + k, dtype=np.int64)
    by_id = np.argsort(account_id)
    return _Accounts(
        person=person[by_id],
        product=product[by_id],
        account_id=account_id[by_id],
        opened=opened[by_id],
        closed=closed[by_id],
        status=status[by_id],
        balance=balance[by_id],
        limit=limit[by_id],
        owner=owner[by_id],
    )


def _monthly(month_starts: DateArray, day: IntArray) -> DateArray:
    """Dates of a fixed day of month for each person (rows) and month (columns)."""
    lengths = (month_starts.astype("datetime64[M]") + 1).astype("datetime64[D]") - month_starts
    d = np.minimum(day[:, None], lengths.astype(np.int64)[None, :]) - 1
    return month_starts[None, :] + d.astype("timedelta64[D]")


def _transactions(
    rng: np.random.Generator, pop: Population, acc: _Accounts, today: np.datetime64
) -> pa.Table:
    """Twelve months of ledger entries before the logical date, vectorised."""
    start = today - np.timedelta64(365, "D")
    ptype = np.array([ref.PRODUCTS[q][2] for q in acc.product.tolist()], dtype=object)
    code = np.array([ref.PRODUCTS[q][0] for q in acc.product.tolist()], dtype=object)

    # One transaction account per person: first checking, else first savings.
    rank = np.where(ptype == "checking", 0, np.where(ptype == "savings", 1, 9))
    cand = np.flatnonzero(rank < 9)
    order = cand[np.lexsort((acc.account_id[cand], rank[cand], acc.person[cand]))]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = acc.person[order][1:] != acc.person[order][:-1]
    txn_acc = order[keep]  # row in acc
    persons = acc.person[txn_acc]
    n = len(persons)
    per_person_acc = np.full(pop.n, -1, dtype=np.int64)
    per_person_acc[persons] = txn_acc
    card_rows = np.flatnonzero((ptype == "credit_card") & (acc.status != "closed"))
    card_of = np.full(pop.n, -1, dtype=np.int64)
    card_of[acc.person[card_rows]] = card_rows

    def holders(kind: str) -> tuple[IntArray, IntArray]:
        rows = np.flatnonzero((ptype == kind) & (acc.status != "closed"))
        rows = rows[per_person_acc[acc.person[rows]] >= 0]
        return acc.person[rows], rows

    month_starts = np.arange(
        start.astype("datetime64[M]"), today.astype("datetime64[M]") + 1, dtype="datetime64[M]"
    ).astype("datetime64[D]")
    n_months = len(month_starts)
    income = pop.income
    parts: dict[str, list[npt.NDArray]] = {k: [] for k in ("acc", "t", "cents", "cat", "mer", "ch")}

    def emit(
        acc_rows: IntArray,
        t: npt.NDArray,
        cents: IntArray,
        cat: int | IntArray,
        mer: int | IntArray,
        ch: int | IntArray,
    ) -> None:
        size = len(acc_rows)
        parts["acc"].append(acc_rows.astype(np.int32))
        parts["t"].append(t.astype("datetime64[s]"))
        parts["cents"].append(cents.astype(np.int64))
        parts["cat"].append(np.broadcast_to(np.asarray(cat, dtype=np.int16), (size,)).copy())
        parts["mer"].append(np.broadcast_to(np.asarray(mer, dtype=np.int16), (size,)).copy())
        parts["ch"].append(np.broadcast_to(np.asarray(ch, dtype=np.int16), (size,)).copy())

    def monthly(
        who: IntArray,
        day: IntArray,
        cents: IntArray,
        cat: str,
        mer: IntArray,
        ch: str,
        hour: int,
        account_rows: IntArray | None = None,
    ) -> None:
        """Emit one entry per person per month on a fixed day at a fixed hour."""
        if len(who) == 0:
            return
        dates = _monthly(month_starts, day).ravel()
        k = len(who)
        secs = (hour * 3600 + rng.integers(0, 3600, k * n_months)).astype("timedelta64[s]")
        rows = np.repeat(per_person_acc[who] if account_rows is None else account_rows, n_months)
        emit(
            rows,
            dates.astype("datetime64[s]") + secs,
            np.repeat(cents, n_months),
            CAT[cat],
            np.repeat(mer, n_months),
            CH[ch],
        )

    # Salary: employed persons with an employer, fixed day, fixed net amount.
    salaried = persons[np.array([pop.employer[p] is not None for p in persons.tolist()], bool)]
    net = np.round(income[salaried] * 0.72 / 12.0 * 100.0).astype(np.int64)
    employer_idx = np.array([MERCHANT_INDEX[pop.employer[p]] for p in salaried.tolist()], np.int64)
    monthly(salaried, pop.salary_day[salaried], net, "salary", employer_idx, "online", 6)

    # Housing: mortgage payment from the transaction account, else rent for most renters.
    mort_people, mort_rows = holders("mortgage")
    pay = np.round(-acc.balance[mort_rows] * 0.0065).astype(np.int64)
    mort_people, first_idx = np.unique(mort_people, return_index=True)
    monthly(
        mort_people,
        np.ones(len(mort_people), np.int64),
        -np.maximum(pay[first_idx], 100),
        "mortgage_payment",
        np.full(len(mort_people), MERCHANT_INDEX["C360 BANK MORTGAGE SVC"]),
        "direct_debit",
        3,
    )
    age = pop.age_years()
    renters = persons[~np.isin(persons, mort_people) & (age[persons] < 75)]
    renters = renters[rng.random(len(renters)) < 0.75]
    rent = np.round(
        np.exp(rng.normal(np.log(1_500.0), 0.35, len(renters)))
        * np.maximum(income[renters] / 60_000.0, 0.3) ** 0.3
        * 100
    ).astype(np.int64)
    monthly(
        renters,
        rng.integers(1, 6, len(renters)),
        -rent,
        "rent",
        _merchants(rng, "rent", len(renters)),
        "direct_debit",
        3,
    )

    # Utilities: one bill a month for most households.
    util = persons[rng.random(n) < 0.7]
    monthly(
        util,
        rng.integers(5, 26, len(util)),
        -np.round(np.exp(rng.normal(np.log(110.0), 0.4, len(util))) * 100).astype(np.int64),
        "utilities",
        _merchants(rng, "utilities", len(util)),
        "direct_debit",
        4,
    )

    # Insurance premiums and investment contributions for holders.
    ins_people, _ = holders("insurance")
    ins_people = np.unique(ins_people)
    monthly(
        ins_people,
        rng.integers(1, 29, len(ins_people)),
        -np.round(np.exp(rng.normal(np.log(90.0), 0.5, len(ins_people))) * 100).astype(np.int64),
        "insurance",
        _merchants(rng, "insurance", len(ins_people)),
        "direct_debit",
        4,
    )
    inv_people, _ = holders("investment")
    inv_people = np.unique(inv_people)
    inv_people = inv_people[rng.random(len(inv_people)) < 0.5]
    monthly(
        inv_people,
        np.full(len(inv_people), 15, np.int64),
        -np.maximum(np.round(income[inv_people] * 0.05 / 12.0 * 100).astype(np.int64), 2_500),
        "investment",
        _merchants(rng, "investment", len(inv_people)),
        "online",
        5,
    )

    # Fees: monthly service fee on basic checking for a share of low-balance accounts.
    basic = np.flatnonzero(code[txn_acc] == "CHK-BASIC")
    fee_rows = txn_acc[basic][rng.random(len(basic)) < 0.15]
    monthly(
        acc.person[fee_rows],
        np.full(len(fee_rows), 28, np.int64),
        np.full(len(fee_rows), -1_200, np.int64),
        "fees",
        np.full(len(fee_rows), MERCHANT_INDEX["C360 BANK"]),
        "direct_debit",
        1,
        account_rows=fee_rows,
    )

    # Discretionary spending: Poisson count per person, category mix by age band.
    activity = rng.gamma(2.0, 0.5, n) * np.maximum(income[persons] / 60_000.0, 0.2) ** 0.3
    counts = rng.poisson(DISCRETIONARY_PER_YEAR * activity)
    who = np.repeat(persons, counts)
    k = len(who)
    band = np.select([age[who] < 35, age[who] < 60], [0, 1], 2)
    spend = categorical(rng, band, SPEND_MIX)
    cat = np.array([CAT[s] for s in SPEND], np.int64)[spend]
    cents = np.zeros(k, dtype=np.int64)
    for i, name in enumerate(SPEND):
        sel = spend == i
        size = int(sel.sum())
        if name == "atm":
            cents[sel] = -rng.integers(1, 16, size) * 2_000
            continue
        median, sigma = SPEND_AMOUNT[name]
        dollars = (
            np.exp(rng.normal(np.log(median), sigma, size))
            * np.maximum(income[who[sel]] / 60_000.0, 0.2) ** 0.25
        )
        cents[sel] = -np.maximum(np.round(dollars * 100).astype(np.int64), 50)
    incoming = (spend == SPEND.index("transfer")) & (rng.random(k) < 0.35)
    cents[incoming] = -cents[incoming]
    mer = np.zeros(k, dtype=np.int64)
    for name in SPEND:
        sel = cat == CAT[name]
        mer[sel] = _merchants(rng, name, int(sel.sum()))
    ch = np.full(k, CH["card"], dtype=np.int64)
    online = np.isin(cat, [CAT["travel"], CAT["shopping"]]) & (rng.random(k) < 0.3)
    ch[online] = CH["online"]
    is_transfer = cat == CAT["transfer"]
    ch[is_transfer] = np.where(
        rng.random(int(is_transfer.sum())) < 0.85, CH["online"], CH["branch"]
    )
    ch[cat == CAT["atm"]] = CH["atm"]
    rows = per_person_acc[who]
    card_row = card_of[who]
    on_card = (ch == CH["card"]) | ((ch == CH["online"]) & ~is_transfer)
    on_card &= (card_row >= 0) & (rng.random(k) < 0.65)
    rows[on_card] = card_row[on_card]
    days = rng.integers(0, 365, k).astype("timedelta64[D]")
    hours = rng.choice(24, k, p=_HOUR_WEIGHTS)
    secs = (hours * 3600 + rng.integers(0, 3600, k)).astype("timedelta64[s]")
    emit(rows, (start + days).astype("datetime64[s]") + secs, cents, cat, mer, ch)

    acc_rows = np.concatenate(parts["acc"])
    t = np.concatenate(parts["t"])
    amount = np.concatenate(parts["cents"])
    cats = np.concatenate(parts["cat"])
    mers = np.concatenate(parts["mer"])
    chans = np.concatenate(parts["ch"])

    # Keep what falls in the window and in the account's open period.
    opened = acc.opened[acc_rows].astype("datetime64[s]")
    closed = acc.closed[acc_rows]
    end = np.where(np.isnat(closed), today, closed + np.timedelta64(1, "D")).astype("datetime64[s]")
    ok = (t >= start.astype("datetime64[s]")) & (t < today.astype("datetime64[s]"))
    ok &= (t >= opened) & (t < end)
    acc_rows, t, amount, cats, mers, chans = (
        acc_rows[ok],
        t[ok],
        amount[ok],
        cats[ok],
        mers[ok],
        chans[ok],
    )
    # One composite key (second of the window, account) sorted stably: ties keep
    # generation order, which is itself deterministic.
    seconds = (t - start.astype("datetime64[s]")).astype(np.int64)
    order = np.argsort((seconds << 32) | acc.account_id[acc_rows] - FIRST_ACCOUNT_ID, kind="stable")
    acc_rows, t, amount, cats, mers, chans = (
        acc_rows[order],
        t[order],
        amount[order],
        cats[order],
        mers[order],
        chans[order],
    )
    amount[amount == 0] = -1  # a ledger entry always moves money
    total = len(t)
    n_mer = len(MERCHANT_VOCAB)
    descriptions = pa.array(
        [f"{ref.CATEGORY_DESCRIPTION[c]} {mname}" for c in CATEGORIES for mname in MERCHANT_VOCAB],
        pa.string(),
    )
    return pa.table(
        {
            "transaction_id": pa.array(np.arange(1, total + 1, dtype=np.int64)),
            "account_id": pa.array(acc.account_id[acc_rows]),
            "booked_at": timestamp_array(t),
            "amount": cents_to_decimal(amount),
            "direction": pa.array(["debit", "credit"], pa.string()).take(
                pa.array((amount > 0).astype(np.int64))
            ),
            "category": pa.array(list(CATEGORIES), pa.string()).take(pa.array(cats)),
            "merchant": pa.array(list(MERCHANT_VOCAB), pa.string()).take(pa.array(mers)),
            "channel": pa.array(list(CHANNELS), pa.string()).take(pa.array(chans)),
            "description": descriptions.take(pa.array(cats.astype(np.int32) * n_mer + mers)),
        }
    )


_HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 15, 17, 20, 18, 15, 15, 16, 18, 20, 18, 14, 10, 6, 3],
    dtype=np.float64,
)
_HOUR_WEIGHTS /= _HOUR_WEIGHTS.sum()


def _merchants(rng: np.random.Generator, category: str, size: int) -> IntArray:
    """Global merchant indexes for `size` purchases in `category`, popular ones likelier."""
    names = ref.MERCHANTS[category]
    local = rng.choice(len(names), size, p=zipf_weights(len(names), 2.0))
    lookup = np.array([MERCHANT_INDEX[x] for x in names], dtype=np.int64)
    return lookup[local]
