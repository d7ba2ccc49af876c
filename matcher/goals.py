"""How directly a service serves a person's own goal (leave sex work, keep working more safely,
undecided): a weight in the score, never words about the service (`matcher.criteria`)."""

from matcher.listing import Listing

EXIT_NEEDS = frozenset({"exit_programme", "training", "employment", "housing"})
SAFER_NEEDS = frozenset(
    {"health_sexual", "health_general", "harm_reduction", "peer_support", "legal_labour"}
)


def goal_fit(listing: Listing, goal: str) -> float:
    """How directly a service serves a goal, 0..1: it never judges the goal itself."""
    needs, approach = listing.needs, listing.words("approach")
    if goal == "exit":
        return 1.0 if needs & EXIT_NEEDS or "exit_focused" in approach else 0.5
    if goal == "stay_safer":
        if needs & SAFER_NEEDS or "rights_based" in approach:
            return 1.0
        return 0.3 if "exit_focused" in approach else 0.5
    both = bool(needs & EXIT_NEEDS) and bool(needs & SAFER_NEEDS)
    return 0.8 if both or "rights_based" in approach or "neutral" in approach else 0.5
