"""Table Schema patterns run through RE2, whose matching time grows linearly with the text, so no
pattern in a schema (such as ^(a+)+$) can hang the validator."""
import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a bad pattern is reported by the validator, located, not logged by RE2


def compile_pattern(pattern: str):
    """The pattern as RE2, to be matched against the whole value; re2.error if RE2 cannot run it."""
    return re2.compile(f"(?:{pattern})", _OPTIONS)


def fullmatch(values, rx):
    """rx.fullmatch on each value of a pandas Series of text, each distinct value matched once."""
    import pandas as pd
    seen = {}
    out = [seen[v] if v in seen else seen.setdefault(v, rx.fullmatch(v) is not None) for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype=bool)
