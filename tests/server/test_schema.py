from pathlib import Path

from server.cli import schema_ddl

SCHEMA = Path(__file__).resolve().parents[2] / "schema.sql"


def test_schema_sql_matches_the_models(app):
    with app.app_context():
        generated = schema_ddl()
    assert SCHEMA.read_text(encoding="utf-8") == generated, (
        "schema.sql is out of date: run `make schema` (flask --app server dump-schema)"
    )


def test_tables_are_utf8mb4_innodb(app):
    with app.app_context():
        ddl = schema_ddl()
    tables = ddl.count("CREATE TABLE")
    assert tables >= 8
    assert ddl.count("DEFAULT CHARSET=utf8mb4") == tables
    assert ddl.count("ENGINE=InnoDB") == tables
