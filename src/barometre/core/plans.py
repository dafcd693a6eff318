"""What the dry run of an import says, whatever it imports: whether it can be written, and
how many of its items each action would create, update or leave unchanged."""


class PlanSummary:
    """For a dataclass with ``items`` (each with an ``action``) and ``problems``."""

    items: list
    problems: list

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.items)

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")
