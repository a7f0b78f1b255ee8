"""How messy the synthetic sources are: one typed, documented knob per kind of mess.

Every field is a probability in [0, 1] unless its comment says otherwise. Setting a
mess rate to 0 switches that kind of mess off completely, so tests (and identity
accuracy experiments) can isolate one effect at a time. The defaults model a
plausible retail bank; `docs/sources.md` carries the same table for readers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Messiness:
    """Rates that shape the population and the noise each source system adds.

    Coverage rates say which persons a source knows (not everyone is everywhere).
    Population rates shape who the persons are (households, namesakes, movers).
    Noise rates say how often a source record deviates from the true person.

    Coverage (fraction of all true persons):
        core_coverage: has a core-banking customer record (is a bank customer).
        crm_coverage: has a CRM record; persons without a core record are always in
            the CRM (they are prospects/leads), so every person is in core or CRM.
        loyalty_coverage: is a member of the mainframe loyalty programme.
        card_coverage: holds a credit card (a core credit_card account and a row in
            the mainframe card statement file); drawn among core customers,
            weighted towards higher incomes.
        caller_coverage: called the call center at least once in the last 30 days.
        login_device_coverage: has at least one web/app device that logs in to online
            banking in the last 7 days (drawn among core customers).
        anonymous_device_rate: among persons without a logged-in device, the share
            that browsed anonymously on a device that never logs in.

    Population shape:
        household_rate: share of persons living with a partner who is also in the
            population; partners share address, landline and home IP, and have
            different first names and birth dates.
        household_same_surname_rate: share of such partners who share a surname.
        landline_rate: share of households with a landline phone.
        namesake_rate: share of persons who have a namesake (a different person with
            the same first and last name) in the population.
        namesake_same_birth_date_rate: share of namesake pairs that also share a
            birth date (the hard case for identity resolution).
        mover_rate: share of persons who moved in the last two years; stale sources
            still hold the previous address.
        email_change_rate: share of persons who changed their email address; stale
            sources still hold the previous one.

    Noise per source record:
        typo_rate: per name field, a keyboard-neighbour substitution, a deletion or
            a transposition of two adjacent letters.
        nickname_rate: per record, the first name is replaced by a nickname
            (William -> Bill) when the name has one.
        case_noise_rate: per name field, written all upper or all lower case.
        whitespace_noise_rate: per name field, leading/trailing/doubled spaces.
        birth_date_transposition_rate: per record, day and month swapped (only
            possible when the day is <= 12 and differs from the month).
        stale_address_rate: per record of a person who moved, the source still
            shows the previous address.
        stale_email_rate: per record of a person who changed email, the source still
            shows the previous email.
        address_format_noise_rate: per address, "Street" written out or abbreviated
            differently ("St" -> "Street", "Apt" -> "#").
        phone_format_noise_rate: per phone number, written in a non-canonical format
            ("(555) 201 3344", "5552013344", ...) instead of "+1 555-201-3344".
        email_typo_rate: per unverified CRM email, one character is mistyped.
        email_case_noise_rate: per email, mixed case ("John.Smith@Gmail.com").
        national_id_typo_rate: per national id outside core banking, one digit wrong.

    Missing values:
        crm_email_missing_rate, crm_phone_missing_rate: CRM contact details absent.
        crm_national_id_missing_rate: CRM has no national id (often not collected).
        income_missing_rate: CRM `annual_income` absent.
        core_email_missing_rate, core_phone_missing_rate: core contact details absent.
        loyalty_national_id_missing_rate: loyalty record has a blank national id.
        caller_name_missing_rate: call-center agent did not note the caller's name.
        caller_number_withheld_rate: caller's number withheld (empty phone_number).

    Duplicates:
        crm_duplicate_rate: share of CRM persons registered twice (a second CRM id,
            a slightly different spelling, often the older email/address).
        core_duplicate_rate: share of core persons with a second customer_number.

    Behaviour:
        call_verification_rate: share of non-abandoned calls by core customers in
            which the agent verified the caller and filled `customer_number`.
        late_event_rate: share of clickstream events received 1-12 hours after they
            happened (they land in the hour of `received_at`).
        bot_event_share: share of clickstream events produced by crawler bots.
        bot_devices: number of bot devices (a count, not a rate).

    Delivery faults (extra raw records that conform must reject; the clean records
    are the same with or without them):
        event_redelivery_rate: share of clickstream events the collector delivers a
            second time (a retried batch), 1 minute to 2 hours after the first, in
            the file of that later hour; conform keeps the first delivery and
            quarantines the repeat as a duplicate.
        truncated_redelivery_rate: share of those repeats cut off mid-line (a write
            interrupted by a crash): invalid JSON, quarantined as such.
    """

    # Coverage: which persons each source knows.
    core_coverage: float = 0.92
    crm_coverage: float = 0.85
    loyalty_coverage: float = 0.40
    card_coverage: float = 0.35
    caller_coverage: float = 0.55
    login_device_coverage: float = 0.60
    anonymous_device_rate: float = 0.25
    # Population shape.
    household_rate: float = 0.30
    household_same_surname_rate: float = 0.70
    landline_rate: float = 0.35
    namesake_rate: float = 0.02
    namesake_same_birth_date_rate: float = 0.25
    mover_rate: float = 0.10
    email_change_rate: float = 0.08
    # Noise per source record.
    typo_rate: float = 0.03
    nickname_rate: float = 0.10
    case_noise_rate: float = 0.05
    whitespace_noise_rate: float = 0.03
    birth_date_transposition_rate: float = 0.02
    stale_address_rate: float = 0.50
    stale_email_rate: float = 0.50
    address_format_noise_rate: float = 0.10
    phone_format_noise_rate: float = 0.60
    email_typo_rate: float = 0.01
    email_case_noise_rate: float = 0.03
    national_id_typo_rate: float = 0.005
    # Missing values.
    crm_email_missing_rate: float = 0.05
    crm_phone_missing_rate: float = 0.10
    crm_national_id_missing_rate: float = 0.60
    income_missing_rate: float = 0.25
    core_email_missing_rate: float = 0.10
    core_phone_missing_rate: float = 0.03
    loyalty_national_id_missing_rate: float = 0.30
    caller_name_missing_rate: float = 0.20
    caller_number_withheld_rate: float = 0.03
    # Duplicates inside one source.
    crm_duplicate_rate: float = 0.03
    core_duplicate_rate: float = 0.01
    # Behaviour.
    call_verification_rate: float = 0.70
    late_event_rate: float = 0.02
    bot_event_share: float = 0.05
    bot_devices: int = 3
    # Delivery faults.
    event_redelivery_rate: float = 0.002
    truncated_redelivery_rate: float = 0.25

    def __post_init__(self) -> None:
        """Reject rates outside [0, 1] early, naming the field, instead of failing later."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "bot_devices":
                if not isinstance(value, int) or value < 0:
                    raise ValueError(f"Messiness.bot_devices must be an int >= 0, got {value!r}")
                continue
            if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"Messiness.{field.name} must be in [0, 1], got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        """Field values by name, sorted, for the manifest (stable across runs)."""
        return {k: v for k, v in sorted(dataclasses.asdict(self).items())}

    @classmethod
    def clean(cls) -> Messiness:
        """A Messiness with every noise, missing-value and duplicate rate set to 0.

        Coverage and population shape keep their defaults, so the population is the
        same size and shape; only the deviations of source records from the truth
        are switched off (late events, bots and delivery faults included).
        """
        zero = {
            name: 0.0
            for name in (
                "typo_rate nickname_rate case_noise_rate whitespace_noise_rate "
                "birth_date_transposition_rate stale_address_rate stale_email_rate "
                "address_format_noise_rate phone_format_noise_rate email_typo_rate "
                "email_case_noise_rate national_id_typo_rate crm_email_missing_rate "
                "crm_phone_missing_rate crm_national_id_missing_rate income_missing_rate "
                "core_email_missing_rate core_phone_missing_rate "
                "loyalty_national_id_missing_rate caller_name_missing_rate "
                "caller_number_withheld_rate crm_duplicate_rate core_duplicate_rate "
                "late_event_rate bot_event_share event_redelivery_rate "
                "truncated_redelivery_rate"
            ).split()
        }
        return cls(**zero, bot_devices=0)
