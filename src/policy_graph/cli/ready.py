"""``policy-graph query NAME``, answered before click is imported where the answer is
ready (see :mod:`policy_graph.query.ready`): click and the commands' modules take
half of such a command's time. Only a plain request is read here — a saved query's
name (wherever it stands among the options) and ``--param``, ``--lang``,
``--format``, ``--data`` and ``--store``, each ``--option VALUE`` or
``--option=VALUE`` — and only as :mod:`.querying`'s ``query`` reads it; anything
else, and any answer not ready, goes to click as always."""

from __future__ import annotations

# Each option read here → its keyword in ready_answer.
_OPTIONS = {"--param": "params", "--lang": "lang", "--format": "fmt", "--data": "data_dir",
            "--store": "store_dir"}  # fmt: skip


def ready_request(args: list[str]) -> dict | None:
    """``args`` (the command's, without its name) as ``ready_answer``'s keywords where
    they are a plain ``query NAME`` request, else None. Values are not checked: an
    answer is ready only for a request that the command answered before."""
    if not args or args[0] != "query":
        return None
    request: dict = {"params": {}, "fmt": "table"}
    given = set()
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            if "name" in request:
                return None  # a second argument: click's error
            request["name"] = arg
            continue
        option, equals, value = arg.partition("=")
        if not equals:
            value = next(rest, "")
        field = _OPTIONS.get(option)
        if field is None or not value or value.startswith("-") or field in given:
            return None  # not plain (an option given twice: click's reading is left to it)
        if field == "params":
            param = name_and_value(value)
            if param is None:
                return None
            request["params"][param[0]] = param[1]
        else:
            given.add(field)
            request[field] = value
    return request if "name" in request else None


def name_and_value(param: str) -> tuple[str, str] | None:
    """A ``--param NAME=VALUE``'s name (stripped) and value, or None where it is not one
    (as the ``query`` and ``viz`` commands read it: see options.parse_params)."""
    name, sep, value = param.partition("=")
    return (name.strip(), value) if sep and name.strip() else None


def print_ready_answer(args: list[str]):
    """Print the answer to ``args`` when it is ready. Whether it was, and what was
    found of the kept store on the way (a :class:`~policy_graph.query.ready.Looked`,
    or None), for the command to take instead of looking again."""
    import sys

    request = ready_request(args)
    if request is None:
        return False, None
    from ..query.ready import look_for_answer

    data, looked = look_for_answer(**request)
    if data is None:
        return False, looked
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return True, None
