"""The providers' own batch APIs (Anthropic Message Batches, OpenAI Batch) behind one shape.

Economy batches (engine/economy/) send every request of a batch in one provider batch, at the
provider's batch price (half the list price), and collect the answers when the provider ends it.
Each API here turns the SDK's objects into `BatchStatus` and `ItemResult` and the SDK's
exceptions into ProviderFault, so the engine knows neither SDK.
"""
from __future__ import annotations

from batch_core.config import Settings
from batch_core.errors import BatchError
from batch_core.validation import economy_refusal
from batch_core.pipeline.providers.batches.base import (BATCH_PRICE_FACTOR, BatchAPI, BatchRequest,
                                                        BatchStatus, ItemResult, split_requests)

__all__ = ["BATCH_PRICE_FACTOR", "BatchAPI", "BatchRequest", "BatchStatus", "ItemResult",
           "batch_api", "economy_refusal", "split_requests"]

def batch_api(config: Settings) -> BatchAPI:
    refusal = economy_refusal(config)
    if refusal:
        raise BatchError(refusal)
    if config.llm_provider == "anthropic":
        from batch_core.pipeline.providers.batches.anthropic_batches import AnthropicBatches  # SDK loads here
        return AnthropicBatches(config)
    from batch_core.pipeline.providers.batches.openai_batches import OpenAIBatches  # SDK loads here
    return OpenAIBatches(config)
