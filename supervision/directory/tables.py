"""Read-model tables of the supervision context (owned by alembic, written only by projections)."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import metadata

entities = sa.Table(
    "entities",
    metadata,
    # entity_no: the notification id of the registration event; stable across rebuilds, a
    # compact int64 key for the drawer's arrays, and in log order (rows append at the end).
    # On SQLite declared INTEGER, so it is the rowid: the table is clustered by it and the
    # uscc / entity_id indexes carry it (a lookup by either ends in the index; 0021_rowid)
    sa.Column("entity_no", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
              primary_key=True, autoincrement=False),
    # unique index: an event's originator -> entity_no (the directory's and pool's projections
    # resolve a batch's annual reports and status changes with one SELECT … IN)
    sa.Column("entity_id", sa.String(32), nullable=False, unique=True),
    # unique index: the lookup and the credit file by USCC (entity_record, public lookup)
    sa.Column("uscc", sa.String(18), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    sa.Column("legal_representative", sa.String(100), nullable=False, server_default=""),
    # 法定代表人: the masked ID number (shown to supervisors) and the person key (HMAC of the
    # number, supervision.directory.persons); the number itself is never stored
    sa.Column("legal_representative_masked", sa.String(18), nullable=False, server_default=""),
    # no index: persons are found through legal_representations.person_key
    sa.Column("legal_representative_key", sa.String(64), nullable=False, server_default=""),
    # index: the dashboard's and the listing's region filter (a prefix range on region_code)
    sa.Column("region_code", sa.String(6), nullable=False, index=True),
    sa.Column("industry_code", sa.String(5), nullable=False),
    sa.Column("registered_on", sa.Date, nullable=False),
    sa.Column("address", sa.String(300), nullable=False, server_default=""),
    sa.Column("registering_authority", sa.String(100), nullable=False, server_default=""),
    sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    sa.Column("status_since", sa.Date, nullable=True),
    sa.Column("last_annual_report_year", sa.Integer, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "entity_directory"},
)
# No index on name: a name is found through its grams (entity_name_grams below; the public
# search, and every listing's name filter via supervision.directory.search.name_contains). The
# pg_trgm GIN and pattern b-tree of migration 0015 are dropped by 0019: they cost a third of a
# PostgreSQL catch-up and no query used them any more.

# 名称检索 The public name search's index: each distinct character bigram of a name, plus the
# name's first character marked "^" (a 1-character query is a name prefix), keyed by the gram
# then the entity number. A bigram, not pg_trgm's trigram: two-character Chinese names and
# queries are common (supervision.directory.search). Keyed in registration order within each
# gram, a batch's registrations append at the end of each gram's range: the pages a catch-up
# writes stay as few as the grams it touches however large the table grows (with the name in
# the key, each row landed on a random page of a 300 MB tree at 550 k entities, and a batch's
# writes slowed 3x as the table grew: issue 23).
entity_name_grams = sa.Table(
    "entity_name_grams",
    metadata,
    sa.Column("gram", sa.String(4), primary_key=True),
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
    # a batch's inserts go out sorted by gram (kernel.units), each gram's in event order
    info={"projection": "entity_directory", "insert_order": ("gram",)},
)

# 法定代表人任职 Who represented which entity when: one row per period, the current one open.
legal_representations = sa.Table(
    "legal_representations",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(100), nullable=False),   # searched by substring: no index
    # index: what one person represents (views.representations, views.represented_on)
    sa.Column("person_key", sa.String(64), nullable=False, server_default="", index=True),
    sa.Column("id_masked", sa.String(18), nullable=False, server_default=""),
    sa.Column("from_on", sa.Date, nullable=False),
    sa.Column("to_on", sa.Date, nullable=True),   # exclusive; None = current
    info={"projection": "entity_directory"},
)

annual_reports = sa.Table(
    "annual_reports",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("filed_on", sa.Date, nullable=False),
    info={"projection": "entity_directory"},
)

# Every status change of an entity (注销、吊销、迁出、恢复), with the China date it was recorded,
# so the entity's status on a past day is answered from the read model (the credit file as of).
entity_statuses = sa.Table(
    "entity_statuses",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("recorded_on", sa.Date, nullable=False),
    info={"projection": "entity_directory"},
)

# The drawer's integer view of the directory: one narrow row per entity, every column the pool
# loader returns is an integer, so a million rows load straight into numpy arrays. Keyed by
# entity_no only (log order): no random key to insert into per registration.
entity_pool = sa.Table(
    "entity_pool",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("region_int", sa.Integer, nullable=False),         # GB/T 2260 code as a number
    sa.Column("type_code", sa.SmallInteger, nullable=False),     # index in registry.ENTITY_TYPES
    sa.Column("industry_section", sa.SmallInteger, nullable=False),  # GB/T 4754 A..T = 0..19
    sa.Column("industry_code", sa.String(5), nullable=False),    # for finer prefix filters
    sa.Column("registered_day", sa.Integer, nullable=False),     # days since 1970-01-01
    sa.Column("status_code", sa.SmallInteger, nullable=False),   # index in registry.STATUSES
    info={"projection": "entity_pool"},
)

# Filled by the inspection-task projection of the same name once tasks exist (cool-off per
# department); the pool loader already reads it.
entity_inspections = sa.Table(
    "entity_inspections",
    metadata,
    sa.Column("entity_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("department", sa.String(50), primary_key=True),
    sa.Column("last_inspected_day", sa.Integer, nullable=False),  # days since 1970-01-01
    info={"projection": "entity_inspections"},
)

inspectors = sa.Table(
    "inspectors",
    metadata,
    # inspector_no: the notification id of the registration event (stable across rebuilds), the
    # int64 key of the drawer's roster and of users.inspector_no.
    sa.Column("inspector_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("inspector_id", sa.String(32), nullable=False, unique=True),
    sa.Column("credential_no", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("department", sa.String(50), nullable=False, index=True),
    sa.Column("region_code", sa.String(6), nullable=False),
    sa.Column("region_int", sa.Integer, nullable=False),
    sa.Column("station", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_since", sa.Date, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "inspector_directory"},
)

inspector_qualifications = sa.Table(
    "inspector_qualifications",
    metadata,
    sa.Column("inspector_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(50), primary_key=True, index=True),
    info={"projection": "inspector_directory"},
)

inspector_conflicts = sa.Table(
    "inspector_conflicts",
    metadata,
    sa.Column("inspector_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("declaration_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("uscc", sa.String(18), nullable=False, index=True),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("from_on", sa.Date, nullable=False),
    sa.Column("to_on", sa.Date, nullable=True),
    sa.Column("declared_on", sa.Date, nullable=False),
    sa.Column("withdrawn_on", sa.Date, nullable=True),
    sa.Column("withdraw_reason", sa.String(500), nullable=False, server_default=""),
    info={"projection": "inspector_directory"},
)

check_items = sa.Table(
    "check_items",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("sub_item", sa.String(200), nullable=False, server_default=""),
    sa.Column("legal_basis", sa.String(500), nullable=False),
    sa.Column("department", sa.String(50), nullable=False, index=True),
    sa.Column("object_scope_types", sa.String(100), nullable=False),       # ';'-joined
    sa.Column("object_scope_industries", sa.String(200), nullable=False),  # ';'-joined, '' = all
    sa.Column("method", sa.String(20), nullable=False),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("default_ratio", sa.Float, nullable=False),
    sa.Column("frequency_per_year", sa.Integer, nullable=False),
    sa.Column("qualification", sa.String(50), nullable=False),
    sa.Column("withdrawn", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_position", sa.BigInteger, nullable=False),
    info={"projection": "check_item_list"},
)

check_lists = sa.Table(
    "check_lists",
    metadata,
    sa.Column("department", sa.String(50), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),            # 0 = never published
    sa.Column("published_on", sa.Date, nullable=True),
    sa.Column("item_count", sa.Integer, nullable=False, server_default="0"),
    info={"projection": "check_item_list"},
)

# The public list: only what each department last published (一公开).
published_check_items = sa.Table(
    "published_check_items",
    metadata,
    sa.Column("department", sa.String(50), primary_key=True),
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("published_on", sa.Date, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("sub_item", sa.String(200), nullable=False, server_default=""),
    sa.Column("legal_basis", sa.String(500), nullable=False),
    sa.Column("object_scope_types", sa.String(100), nullable=False),
    sa.Column("object_scope_industries", sa.String(200), nullable=False),
    sa.Column("method", sa.String(20), nullable=False),
    sa.Column("category", sa.String(20), nullable=False),
    sa.Column("default_ratio", sa.Float, nullable=False),
    sa.Column("frequency_per_year", sa.Integer, nullable=False),
    sa.Column("qualification", sa.String(50), nullable=False),
    info={"projection": "check_item_list"},
)
