"""What a build's model calls cost: calls, retries, re-asks, tokens, and an estimated price."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from courseware.spec.model import Prices

# US dollars per million tokens (input, cached input, output): list prices when this table was
# written. An estimate only: set llm.prices in the spec for your provider's real prices.
PRICES: dict[str, Prices] = {
    "gpt-4o-mini": Prices(input=0.15, cached_input=0.075, output=0.60),
    "gpt-4o": Prices(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4.1": Prices(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": Prices(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Prices(input=0.10, cached_input=0.025, output=0.40),
}


@dataclass
class Stats:
    """Counters shared by the concurrent calls of one build."""

    calls: int = 0
    retries: int = 0
    reasks: int = 0
    cache_hits: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: int) -> None:
        """Add to counters by name, safely from any thread."""
        with self.lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def cost(self, model: str | None, prices: Prices | None) -> float | None:
        """Estimated dollars, or None when no price is known for the model."""
        price = prices or PRICES.get(model or "")
        if price is None:
            return None
        cached_price = price.input if price.cached_input is None else price.cached_input
        uncached = self.prompt_tokens - self.cached_tokens
        return (uncached * price.input + self.cached_tokens * cached_price + self.completion_tokens * price.output) / 1_000_000

    def summary(self, model: str | None, prices: Prices | None, local: bool = False) -> str:
        """One line for the end of a build; a model on this machine costs nothing unless priced."""
        cost = self.cost(model, prices)
        if cost is None and local:
            money = "estimated cost $0 (a server on this machine)"
        else:
            money = f"estimated cost ${cost:.4f}" if cost is not None else "estimated cost unknown (set llm.prices)"
        return (
            f"calls {self.calls}, retries {self.retries}, re-asks {self.reasks}, cache hits {self.cache_hits}, failures {self.failures}; "
            f"tokens: prompt {self.prompt_tokens} (cached {self.cached_tokens}), completion {self.completion_tokens}; {money}"
        )
