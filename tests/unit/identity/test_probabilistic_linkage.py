"""Pass 2: Splink links what the rules left apart, without merging different people."""

from __future__ import annotations

from datetime import date

from identity_testkit import link, person, records

# People who are only there so that the small input has non-matches too.
OTHERS = (
    person("core:9001", source_system="core_banking", first_name="Grace", last_name="Okafor",
           birth_date=date(1962, 8, 30), phone="4155550101", postal_code="94110",
           address_line="9 Valencia St", national_id="111-22-3333"),
    person("core:9002", source_system="core_banking", first_name="Pedro", last_name="Alves",
           birth_date=date(1991, 11, 5), phone="3125550142", postal_code="60614",
           address_line="77 Clark St", national_id="222-33-4444"),
    person("core:9003", source_system="core_banking", first_name="Hana", last_name="Sato",
           birth_date=date(1979, 2, 17), phone="2065550123", postal_code="98101",
           address_line="300 Pine St", national_id="333-44-5555"),
)


def test_nickname_and_typo_in_the_surname_still_link(shipped):
    table = records(
        person("core:1", source_system="core_banking", first_name="William",
               last_name="Johnson", birth_date=date(1980, 3, 14), phone="6175550199",
               address_line="12 Main Street", postal_code="02139", national_id="444-55-6666"),
        person("crm:1", source_system="crm", first_name="Bill", last_name="Jonhson",
               birth_date=date(1980, 3, 14), phone="(617) 555-0199", address_line="12 Main St",
               postal_code="02139"),
        *OTHERS,
    )
    linked = link(table, shipped)
    assert linked.together("core:1", "crm:1")
    assert linked.rule["crm:1"] == "probabilistic"


def test_birth_date_with_day_and_month_swapped_still_links(shipped):
    table = records(
        person("core:1", source_system="core_banking", first_name="Maria", last_name="Garcia",
               birth_date=date(1985, 4, 7), address_line="5 Oak Ave", postal_code="73301",
               email="maria.garcia@example.com"),
        person("loyalty:1", source_system="mainframe_loyalty", first_name="MARIA",
               last_name="GARCIA", birth_date=date(1985, 7, 4), postal_code="73301"),
        *OTHERS,
    )
    assert link(table, shipped).together("core:1", "loyalty:1")


def test_namesakes_born_the_same_day_stay_apart_when_contact_details_disagree(shipped):
    table = records(
        person("core:1", source_system="core_banking", first_name="James", last_name="Smith",
               birth_date=date(1975, 6, 1), phone="2125550111", email="jsmith@example.com",
               address_line="1 First Ave", postal_code="10001", national_id="555-66-7777"),
        person("crm:2", source_system="crm", first_name="James", last_name="Smith",
               birth_date=date(1975, 6, 1), phone="3055550222", email="james.smith75@example.org",
               address_line="48 Bay Rd", postal_code="33101"),
        *OTHERS,
    )
    assert not link(table, shipped).together("core:1", "crm:2")


def test_household_partners_sharing_address_landline_and_surname_stay_apart(shipped):
    table = records(
        person("core:1", source_system="core_banking", first_name="Maria", last_name="Hines",
               birth_date=date(1969, 12, 29), phone="8606741988", address_line="251 Fairview Rd",
               postal_code="06114", national_id="551-76-6131"),
        person("crm:2", source_system="crm", first_name="Brenda", last_name="Hines",
               birth_date=date(1971, 2, 3), phone="8606741988", address_line="251 Fairview Rd",
               postal_code="06114"),
        person("call:3", source_system="call_center", first_name="Brenda", last_name="Hines",
               phone="1 860 674 1988"),
        *OTHERS,
    )
    linked = link(table, shipped)
    assert not linked.together("core:1", "crm:2")
    assert not linked.together("core:1", "call:3")


def test_call_with_only_a_phone_number_joins_the_one_customer_with_that_number(shipped):
    table = records(
        person("core:1", source_system="core_banking", first_name="Lisa", last_name="Reid",
               birth_date=date(1999, 12, 4), phone="3035151047", postal_code="80201",
               national_id="665-85-7077"),
        person("cards:1", source_system="mainframe_cards", first_name="LISA", last_name="REID",
               birth_date=date(1999, 12, 4), national_id="665-85-7077"),
        person("call:1", source_system="call_center", phone="+1 303-515-1047"),
        *OTHERS,
    )
    linked = link(table, shipped)
    assert linked.together("core:1", "call:1")
    assert linked.rule["call:1"] == "probabilistic"


def test_call_with_only_a_landline_two_customers_share_stays_alone(shipped):
    table = records(
        person("core:1", source_system="core_banking", first_name="Maria", last_name="Hines",
               birth_date=date(1969, 12, 29), phone="8606741988", postal_code="06114",
               national_id="551-76-6131"),
        person("core:2", source_system="core_banking", first_name="Brenda", last_name="Hines",
               birth_date=date(1971, 2, 3), phone="8606741988", postal_code="06114",
               national_id="551-76-9999"),
        person("call:1", source_system="call_center", phone="860.674.1988"),
        *OTHERS,
    )
    linked = link(table, shipped)
    assert not linked.together("call:1", "core:1")
    assert not linked.together("call:1", "core:2")
    assert linked.rule["call:1"] == "singleton"
