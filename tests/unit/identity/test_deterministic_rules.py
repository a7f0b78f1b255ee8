"""Pass 1: deterministic rules link records that share a strong identifier."""

from __future__ import annotations

from datetime import date

from identity_testkit import link, person, records


def test_records_sharing_a_national_id_are_one_customer_even_with_different_names(rules_only):
    table = records(
        person("core:1", source_system="core_banking", first_name="Robert", last_name="Diaz",
               national_id="123-45-6789"),
        person("cards:1", source_system="mainframe_cards", first_name="BOB", last_name="DIAZ",
               national_id="123456789"),
        person("crm:1", source_system="crm", first_name="Robert", last_name="Diaz",
               national_id="987-65-4321"),
    )
    linked = link(table, rules_only)
    assert linked.together("core:1", "cards:1")
    assert not linked.together("core:1", "crm:1")
    assert linked.rule == {"core:1": "national_id", "cards:1": "national_id",
                           "crm:1": "singleton"}


def test_shared_email_links_records_only_when_one_of_them_verified_it(rules_only):
    table = records(
        person("crm:1", source_system="crm", first_name="Ana", last_name="Silva",
               email="ana.silva@example.com", email_verified=True),
        person("core:1", source_system="core_banking", first_name="Ana", last_name="Silva",
               email="Ana.Silva@Example.com", email_verified=False),
        person("crm:2", source_system="crm", first_name="Tom", last_name="Berg",
               email="tberg@example.com", email_verified=False),
        person("core:2", source_system="core_banking", first_name="Tom", last_name="Berg",
               email="tberg@example.com", email_verified=False),
    )
    linked = link(table, rules_only)
    assert linked.together("crm:1", "core:1")
    assert linked.rule["core:1"] == "verified_email"
    assert not linked.together("crm:2", "core:2")


def test_call_that_names_a_customer_number_joins_that_core_customer(rules_only):
    table = records(
        person("core_banking:1000123", source_system="core_banking", first_name="Li",
               last_name="Wei", birth_date=date(1990, 1, 2), customer_number="1000123"),
        person("call_center:CT1", source_system="call_center", phone="555-201-3344",
               customer_number="1000123"),
        person("call_center:CT2", source_system="call_center", phone="555-201-3344"),
    )
    linked = link(table, rules_only)
    assert linked.together("core_banking:1000123", "call_center:CT1")
    assert linked.rule["call_center:CT1"] == "customer_number"
    assert not linked.together("call_center:CT1", "call_center:CT2")


def test_rule_whose_columns_the_input_lacks_is_skipped(rules_only):
    table = records(person("a", national_id="123-45-6789"), person("b", national_id="123456789"))
    linked = link(table.drop_columns(["email_verified", "customer_number"]), rules_only)
    assert linked.stats["deterministic_rules"] == ["national_id"]
    assert linked.together("a", "b")
