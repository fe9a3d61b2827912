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
BATCH_DISCOUNT = 0.5  # a batch's tokens cost half the live price (OpenAI, Azure OpenAI), unless llm.batch_prices says


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
    # The share of the tokens above that came through a batch, billed at the batch rate.
    batch_prompt_tokens: int = 0
    batch_cached_tokens: int = 0
    batch_completion_tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: int) -> None:
        """Add to counters by name, safely from any thread."""
        with self.lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def cost(self, model: str | None, prices: Prices | None, batch_prices: Prices | None = None) -> float | None:
        """Estimated dollars, or None when no price is known for the model: batch tokens at the
        batch rate (`batch_prices`, else half the live prices), the rest at the live rate."""
        price = _price(model, prices)
        if price is None:
            return None
        batch = batch_prices or discounted(price)
        live = _dollars(price, self.prompt_tokens - self.batch_prompt_tokens, self.cached_tokens - self.batch_cached_tokens, self.completion_tokens - self.batch_completion_tokens)
        return live + _dollars(batch, self.batch_prompt_tokens, self.batch_cached_tokens, self.batch_completion_tokens)

    def live_cost(self, model: str | None, prices: Prices | None) -> float | None:
        """What the same tokens would have cost asked live, every one at the live rate."""
        price = _price(model, prices)
        return None if price is None else _dollars(price, self.prompt_tokens, self.cached_tokens, self.completion_tokens)

    def summary(self, model: str | None, prices: Prices | None, local: bool = False, batch_prices: Prices | None = None) -> str:
        """One line for the end of a build; a model on this machine costs nothing unless priced. A
        build through a batch says what the same answers would have cost live."""
        cost = self.cost(model, prices, batch_prices)
        if cost is None and local:
            money = "estimated cost $0 (a server on this machine)"
        else:
            money = f"estimated cost ${cost:.4f}" if cost is not None else "estimated cost unknown (set llm.prices)"
        batched = self.batch_prompt_tokens + self.batch_completion_tokens
        if batched:
            live = self.live_cost(model, prices)
            money = f"{batched} of them through a batch; " + (f"{money} at the batch rate (asked live: ${live:.4f})" if cost is not None and live is not None else money)
        return (
            f"calls {self.calls}, retries {self.retries}, re-asks {self.reasks}, cache hits {self.cache_hits}, failures {self.failures}; "
            f"tokens: prompt {self.prompt_tokens} (cached {self.cached_tokens}), completion {self.completion_tokens}; {money}"
        )


def _price(model: str | None, prices: Prices | None) -> Prices | None:
    """The spec's prices, else the built-in table's for the model, else None."""
    return prices or PRICES.get(model or "")


def discounted(price: Prices) -> Prices:
    """The batch rate when the spec gives none: OpenAI's and Azure OpenAI's batches cost half."""
    half = lambda value: None if value is None else value * BATCH_DISCOUNT  # noqa: E731
    return Prices(input=price.input * BATCH_DISCOUNT, cached_input=half(price.cached_input), output=price.output * BATCH_DISCOUNT)


def _dollars(price: Prices, prompt: int, cached: int, completion: int) -> float:
    cached_price = price.input if price.cached_input is None else price.cached_input
    return ((prompt - cached) * price.input + cached * cached_price + completion * price.output) / 1_000_000
