from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import MYSQL_TABLE, Timestamps
from ..extensions import db

ORG_TYPES = {
    "committee": "党委",
    "general_branch": "党总支",
    "branch": "党支部",
    "group": "党小组",
}

# Which kinds of org may sit under which. A committee may hold branches directly.
ALLOWED_CHILDREN = {
    None: {"committee"},
    "committee": {"committee", "general_branch", "branch"},
    "general_branch": {"branch"},
    "branch": {"group"},
    "group": set(),
}


class Org(Timestamps, db.Model):
    """A node of the organisation tree. ``path`` is the materialised path of ids
    (``/1/4/9/``) so that "is X inside Y's subtree" is a prefix test and a subtree is one
    indexed range scan."""

    __tablename__ = "orgs"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        Index("ix_orgs_path", "path", mysql_length=191),
        MYSQL_TABLE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    short_name: Mapped[str | None] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    parent: Mapped[Org | None] = relationship(remote_side=[id])

    @property
    def type_label(self) -> str:
        return ORG_TYPES.get(self.type, self.type)

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids on the org's path, the root first and the org itself last."""
        return path_ids(self.path)

    def contains(self, other: Org) -> bool:
        return other.path.startswith(self.path)


def path_ids(path: str) -> list[int]:
    """The org ids of a materialised path (``/1/4/9/`` → [1, 4, 9])."""
    return [int(part) for part in path.strip("/").split("/") if part]
