"""How the report writes a figure and its verdict."""


def ms(seconds):
    if seconds < 0.001:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def verdict(value, goal, higher_is_better, unit=""):
    """'met' or 'MISSED by ...' (absolute and relative)."""
    met = value >= goal if higher_is_better else value <= goal
    if met:
        return "met"
    gap = abs(value - goal)
    return f"**missed** by {gap:,.2f}{unit} ({gap / goal:.0%} of the goal)"
