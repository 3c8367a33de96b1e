"""Reading a Vega-Lite spec (`chart.to_dict()`) in chart tests: views, data, titles, scales."""

from __future__ import annotations


def walk(spec):
    """Every dict inside a Vega-Lite spec (layers, facets, concatenations)."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from walk(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from walk(value)


def marked_views(spec) -> list[dict]:
    """Each view that draws a mark, with its encoding."""
    return [view for view in walk(spec) if "mark" in view]


def dataset_sizes(spec) -> dict[str, int]:
    """Rows in each dataset the spec ships."""
    return {name: len(rows) for name, rows in spec.get("datasets", {}).items()}


def axis_titles(spec) -> set[str]:
    """Every channel title in the spec's views (a title drawn on several lines joined by a space)."""
    return {
        " ".join(channel["title"]) if isinstance(channel["title"], list) else channel["title"]
        for view in marked_views(spec)
        for channel in view.get("encoding", {}).values()
        if isinstance(channel, dict) and "title" in channel
    }


def log_channels(spec) -> set[tuple[str, str | None]]:
    """(channel, field) pairs drawn on a log scale."""
    return {
        (name, channel.get("field"))
        for view in marked_views(spec)
        for name, channel in view.get("encoding", {}).items()
        if isinstance(channel, dict) and channel.get("scale", {}).get("type") == "log"
    }
