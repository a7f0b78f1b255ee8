"""Identity resolution: source records → one stable `customer_id` per person."""
