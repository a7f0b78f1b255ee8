"""The kinds of mess a source system adds to the truth, one small function each.

Every function takes the stage's random generator and a rate, draws its Bernoulli
mask vectorised, and touches only the selected rows in Python, so the cost is
proportional to the amount of mess rather than to the number of records. A rate of 0
draws nothing from the generator's *selection* and returns the input unchanged, which
is what lets tests switch one kind of mess off and compare with the ground truth.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import numpy.typing as npt

from c360.sources.reference import KEYBOARD_NEIGHBOURS, NICKNAMES

ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]


def mask(rng: np.random.Generator, n: int, rate: float) -> BoolArray:
    """Bernoulli(rate) selection of n rows; all False when rate is 0."""
    if rate <= 0.0 or n == 0:
        return np.zeros(n, dtype=bool)
    return rng.random(n) < rate


def typo(word: str, rng: np.random.Generator) -> str:
    """One human typing error: keyboard-neighbour substitution, deletion or transposition.

    Only letters are touched (never the apostrophe in O'Brien) and a word keeps at least
    two characters, so a typo yields a *similar* value, as real ones do.
    """
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 3:
        return word
    kind = int(rng.integers(0, 3))
    pos = letters[int(rng.integers(1, len(letters)))]  # keep the first letter: rarer typos
    chars = list(word)
    if kind == 0:
        low = chars[pos].lower()
        options = KEYBOARD_NEIGHBOURS.get(low)
        if not options:  # no neighbours known (e.g. "ñ"): drop the letter instead
            return word[:pos] + word[pos + 1 :]
        repl = options[int(rng.integers(0, len(options)))]
        chars[pos] = repl.upper() if chars[pos].isupper() else repl
    elif kind == 1:
        del chars[pos]
    else:
        prev = pos - 1
        if prev == letters[0] or chars[prev] == chars[pos] or not chars[prev].isalpha():
            # Keep the first letter, and transposing equal letters is invisible: delete.
            return word[:pos] + word[pos + 1 :]
        chars[prev], chars[pos] = chars[pos], chars[prev]
    return "".join(chars)


def nicknames(rng: np.random.Generator, first: ObjArray, rate: float) -> ObjArray:
    """Replace a formal first name by one of its nicknames (William -> Bill) at `rate`."""
    out = first.copy()
    for i in np.flatnonzero(mask(rng, len(first), rate)):
        options = NICKNAMES.get(out[i])
        if options:
            out[i] = options[int(rng.integers(0, len(options)))]
    return out


def typos(rng: np.random.Generator, values: ObjArray, rate: float) -> ObjArray:
    """Apply one `typo` to each non-null value selected at `rate`."""
    out = values.copy()
    for i in np.flatnonzero(mask(rng, len(values), rate)):
        if out[i]:
            out[i] = typo(out[i], rng)
    return out


def case_noise(rng: np.random.Generator, values: ObjArray, rate: float) -> ObjArray:
    """Write selected values all upper or all lower case ("SMITH", "smith")."""
    out = values.copy()
    for i in np.flatnonzero(mask(rng, len(values), rate)):
        if out[i]:
            out[i] = out[i].upper() if rng.random() < 0.5 else out[i].lower()
    return out


def whitespace_noise(rng: np.random.Generator, values: ObjArray, rate: float) -> ObjArray:
    """Add leading, trailing or doubled inner spaces to selected values ("  Smith")."""
    out = values.copy()
    for i in np.flatnonzero(mask(rng, len(values), rate)):
        if not out[i]:
            continue
        kind = int(rng.integers(0, 3))
        if kind == 0:
            out[i] = "  " + out[i]
        elif kind == 1:
            out[i] = out[i] + " "
        else:
            out[i] = " " + out[i] + "  "
    return out


def name_noise(
    rng: np.random.Generator,
    first: ObjArray,
    last: ObjArray,
    *,
    nickname_rate: float,
    typo_rate: float,
    case_rate: float,
    whitespace_rate: float,
) -> tuple[ObjArray, ObjArray]:
    """The full name mess of one source: nicknames, typos, case and whitespace noise.

    Applied in the order a person and a clerk produce it: the person gives a nickname,
    the clerk mistypes, the system upper-cases, an import pads with spaces.
    """
    first = nicknames(rng, first, nickname_rate)
    first = typos(rng, first, typo_rate)
    last = typos(rng, last, typo_rate)
    first = case_noise(rng, first, case_rate)
    last = case_noise(rng, last, case_rate)
    first = whitespace_noise(rng, first, whitespace_rate)
    last = whitespace_noise(rng, last, whitespace_rate)
    return first, last


def transpose_birth_dates(
    rng: np.random.Generator, dates: npt.NDArray[np.datetime64], rate: float
) -> npt.NDArray[np.datetime64]:
    """Swap day and month of selected dates where that yields a different valid date.

    Models a US/European date-format mix-up at data entry: 2001-03-07 becomes 2001-07-03.
    """
    out = dates.copy()
    sel = mask(rng, len(dates), rate)
    if not sel.any():
        return out
    years = dates.astype("datetime64[Y]")
    months = (dates.astype("datetime64[M]") - dates.astype("datetime64[Y]")).astype(int) + 1
    days = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    swap = sel & (days <= 12) & (days != months)
    new_month = years[swap].astype("datetime64[M]") + (days[swap] - 1)
    out[swap] = new_month.astype("datetime64[D]") + (months[swap] - 1)
    return out


def format_phone(digits: str, style: int) -> str:
    """Render a 10-digit US number in one of the formats sources use.

    0 "+1 555-201-3344" (canonical), 1 "(555) 201 3344", 2 "5552013344",
    3 "555.201.3344", 4 "555-201-3344", 5 "+15552013344".
    """
    a, b, c = digits[:3], digits[3:6], digits[6:]
    if style == 1:
        return f"({a}) {b} {c}"
    if style == 2:
        return digits
    if style == 3:
        return f"{a}.{b}.{c}"
    if style == 4:
        return f"{a}-{b}-{c}"
    if style == 5:
        return f"+1{digits}"
    return f"+1 {a}-{b}-{c}"


def format_phones(rng: np.random.Generator, digits: ObjArray, noise_rate: float) -> ObjArray:
    """Format phone numbers; at `noise_rate` a non-canonical format replaces the canonical."""
    n = len(digits)
    styles = np.zeros(n, dtype=np.int64)
    sel = mask(rng, n, noise_rate)
    styles[sel] = rng.integers(1, 6, int(sel.sum()))
    out = np.empty(n, dtype=object)
    for i in range(n):
        d = digits[i]
        out[i] = None if d is None else format_phone(d, int(styles[i]))
    return out


def national_id_typos(rng: np.random.Generator, ids: ObjArray, rate: float) -> ObjArray:
    """Change one digit of selected national ids ("123-45-6789" -> "123-45-6780")."""
    out = ids.copy()
    for i in np.flatnonzero(mask(rng, len(ids), rate)):
        value = out[i]
        if not value:
            continue
        positions = [p for p, ch in enumerate(value) if ch.isdigit()]
        pos = positions[int(rng.integers(0, len(positions)))]
        digit = (int(value[pos]) + int(rng.integers(1, 10))) % 10
        out[i] = value[:pos] + str(digit) + value[pos + 1 :]
    return out


def email_noise(
    rng: np.random.Generator, emails: ObjArray, typo_rate: float, case_rate: float
) -> tuple[ObjArray, BoolArray]:
    """Mistype the local part or mix the case of selected emails.

    Returns the emails and a mask of the ones that were mistyped (a mistyped email can
    never have been verified).
    """
    out = emails.copy()
    typoed = mask(rng, len(emails), typo_rate)
    for i in np.flatnonzero(typoed):
        if out[i]:
            local, _, domain = out[i].partition("@")
            out[i] = typo(local, rng) + "@" + domain
    for i in np.flatnonzero(mask(rng, len(emails), case_rate)):
        if out[i]:
            local, _, domain = out[i].partition("@")
            parts = local.split(".")
            out[i] = ".".join(p[:1].upper() + p[1:] for p in parts) + "@" + domain.capitalize()
    return out, typoed


def ascii_upper(value: str) -> str:
    """Mainframe style: fold accents to ASCII and upper-case ("Muñoz" -> "MUNOZ")."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return folded.upper()
