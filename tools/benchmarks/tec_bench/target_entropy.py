"""How much the attention target says: the entropy of its rows."""
import math
from typing import Dict

import torch
from mmengine.runner import Runner

from tec_mm.datasets import DEBIAN_FASHION_MNIST
from .frozen_encoder import build_pretraining_model
from .sustainability_arms import model_config


def attention_target_entropy(logits: torch.Tensor, tau: float) -> float:
    """Mean row entropy of ``softmax(logits / tau)`` as a fraction of log N.

    1.0 is a uniform target (it says nothing about patch relations); lower
    is sharper.

    Args:
        logits (torch.Tensor): Attention logits of the base,
            B x (K+1) x H x N (``PatchRelationTarget``'s ``attention``).
        tau (float): Temperature of the target softmax.

    Returns:
        float: Mean over images, rows and heads of the entropy in nats,
        divided by log N.
    """
    log_p = torch.log_softmax(logits.float() / tau, dim=-1)
    entropy = -(log_p.exp() * log_p).sum(-1)
    return (entropy.mean() / math.log(logits.shape[-1])).item()


def base_target_entropy(tec_config: str, checkpoint: str,
                        taus=(1.8, 1.0, 0.5, 0.2, 0.1),
                        top_ks=(4, 8)) -> Dict[str, float]:
    """Row entropy / log N of a base's attention target at each tau and K,
    on 512 validation images (training images 50000-50511).

    Args:
        tec_config (str): The TEC config whose base is measured.
        checkpoint (str): The base's checkpoint.
        taus (tuple): Temperatures.
        top_ks (tuple): Numbers of query patches K.

    Returns:
        Dict[str, float]: By ``'tau=T, K=K'``.
    """
    loader = Runner.build_dataloader(dict(
        batch_size=512, sampler=dict(type='DefaultSampler', shuffle=False),
        collate_fn=dict(type='default_collate'),
        dataset=dict(type='LocalFashionMNIST', _scope_='tec_mm',
                     data_root=DEBIAN_FASHION_MNIST,
                     indices=list(range(50000, 50512)),
                     pipeline=[dict(type='PackInputs')])))
    logits = {}  # by K: the base's forward does not depend on tau
    for k in top_ks:
        model = build_pretraining_model(
            model_config(tec_config, [f'model.target_generator.top_k={k}']),
            None, checkpoint)
        images = model.data_preprocessor(next(iter(loader)))['inputs']
        logits[k] = next(iter(model.base_models.values()))(images)['attention']
    return {f'tau={t}, K={k}': attention_target_entropy(logits[k], t)
            for t in taus for k in top_ks}
