"""Hard positive mining for masked modelling: of several candidate masks,
train on the one that hides the most of what the base model attends to.

Koçyiğit et al. (WACV 2023) train on the positive pairs whose augmentation
makes them hardest. In masked modelling the "augmentation" is the mask, and
the base model already gives a per-patch importance at no extra cost: its
CLS query's attention over the patches (the same row that ranks TEC's top-K
patches). A mask that hides more of that attention mass leaves the new
model less of what the base found informative: it is the harder positive.
Scoring a candidate costs a sort of B x N numbers, no forward pass.

A config chooses it as TEC's mask sampler:
``model = dict(mask_sampler=dict(type='HardMaskSampler', candidates=4))``.
"""
import torch

from tec_mm.registry import MODELS
from tec_mm.engine.refusal import ConfigError


@MODELS.register_module()
class HardMaskSampler:
    """TEC's masks by hard positive mining: per image, of ``candidates``
    uniform random masks the one hiding the most of the base's CLS
    attention.

    Args:
        candidates (int): Candidate masks drawn per image, C >= 2.

    Raises:
        ValueError: ``candidates`` is not an integer of at least 2.
    """

    def __init__(self, candidates: int) -> None:
        if not isinstance(candidates, int) or candidates < 2:
            raise ConfigError(
                f'model.mask_sampler.candidates={candidates!r}: draw at '
                'least 2 candidate masks (for plain random masks leave '
                'model.mask_sampler out)')
        self.candidates = candidates

    def __call__(self, attention: torch.Tensor,
                 mask_ratio: float) -> torch.Tensor:
        """Noise of the chosen masks.

        Args:
            attention (torch.Tensor): The base's CLS attention, B x N.
            mask_ratio (float): Share of masked patches.

        Returns:
            torch.Tensor: B x N noise (for :meth:`TECViT.random_masking`).
        """
        return hardest_noise(attention, self.candidates, mask_ratio)


def hardest_noise(attention: torch.Tensor, candidates: int,
                  mask_ratio: float) -> torch.Tensor:
    """Draw ``candidates`` uniform noises per image and keep the hardest.

    Args:
        attention (torch.Tensor): The base's CLS attention, B x N.
        candidates (int): Candidate masks per image, C.
        mask_ratio (float): Share of masked patches.

    Returns:
        torch.Tensor: B x N noise of the chosen masks (for
        :meth:`TECViT.random_masking`).
    """
    noise = torch.rand(candidates, *attention.shape, device=attention.device)
    return choose_hardest(noise, attention, mask_ratio)


def choose_hardest(noise: torch.Tensor, attention: torch.Tensor,
                   mask_ratio: float) -> torch.Tensor:
    """The candidate noise of each image whose mask hides the most
    attention.

    Args:
        noise (torch.Tensor): Candidate noises, C x B x N; the patches with
            the largest noise are masked.
        attention (torch.Tensor): B x N.
        mask_ratio (float): Share of masked patches.

    Returns:
        torch.Tensor: B x N, per image the noise of its hardest candidate.
    """
    N = attention.shape[-1]
    masked = N - int(N * (1 - mask_ratio))
    hidden = noise.topk(masked, dim=-1).indices  # C x B x masked
    score = attention.expand_as(noise).gather(-1, hidden).sum(-1)  # C x B
    best = score.argmax(dim=0)  # B
    return noise[best, torch.arange(len(best), device=noise.device)]
