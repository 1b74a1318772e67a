"""A ViT block whose attention heads and MLP channel groups are gated per
input: multiplied by the gates while training, skipped at inference."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer

from .block_gates import BlockGates


class GatedEncoderLayer(TransformerEncoderLayer):
    """MMPretrain's ``TransformerEncoderLayer`` with :class:`BlockGates`.

    With gating off the block is the plain one. With gating on, its gates
    (B x H heads, B x G groups) are computed from its input; a closed head
    contributes nothing to the attention output (its slice of the input of
    ``attn.proj``) and a closed group nothing to the MLP output (its hidden
    channels). Training multiplies by the gates (the straight-through
    gradient reaches the gate MLP); inference (``eval()``) runs only the
    heads and groups some input of the batch keeps, slicing the weights,
    and at batch > 1 zeroes, per input, those of them that input closed.
    Layers are made with :func:`add_gates`, so their weights keep their
    names. ``last_gates`` holds the gates and token count of the last gated
    forward.
    """

    gates: BlockGates
    gating: bool
    last_gates: Optional[Tuple[torch.Tensor, torch.Tensor, int]]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args:
            x (torch.Tensor): Tokens, B x N x C.

        Returns:
            torch.Tensor: B x N x C.
        """
        if not self.gating:
            return super().forward(x)
        heads, groups = self.gates(x)
        self.last_gates = (heads, groups, x.shape[1])
        if self.training:
            return self._multiplied(x, heads, groups)
        return self._skipping(x, heads, groups)

    def _multiplied(self, x: torch.Tensor, heads: torch.Tensor,
                    groups: torch.Tensor) -> torch.Tensor:
        """The block with every head and group computed, closed ones
        multiplied by 0."""
        attn, (B, N, C) = self.attn, x.shape
        qkv = attn.qkv(self.ln1(x)).reshape(B, N, 3, attn.num_heads,
                                            attn.head_dims)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        out = attn.scaled_dot_product_attention(
            q, k, v, dropout_p=attn.attn_drop if self.training else 0.)
        out = (out * heads[:, :, None, None]).transpose(1, 2)
        x = x + self._attention_output(attn.proj(out.reshape(B, N, C)))
        hidden = self.ffn.layers[0](self.ln2(x))
        per_group = hidden.shape[-1] // self.gates.num_groups
        hidden = hidden * groups.repeat_interleave(per_group, 1)[:, None]
        return x + self._mlp_output(hidden)

    def _skipping(self, x: torch.Tensor, heads: torch.Tensor,
                  groups: torch.Tensor) -> torch.Tensor:
        """The block with only the heads and groups some input keeps."""
        attn, (B, N, C) = self.attn, x.shape
        d, open_heads = attn.head_dims, heads.any(0)
        w = attn.qkv.weight.view(3, attn.num_heads, d, C)[:, open_heads]
        h = w.shape[1]
        b = attn.qkv.bias
        qkv = F.linear(self.ln1(x), w.reshape(3 * h * d, C), None if b is None
                       else b.view(3, attn.num_heads, d)[:, open_heads]
                       .flatten())
        q, k, v = qkv.reshape(B, N, 3, h, d).permute(2, 0, 3, 1, 4)
        out = attn.scaled_dot_product_attention(q, k, v) if h else q
        if B > 1:  # an input's own closed heads among the batch's open ones
            out = out * heads[:, open_heads, None, None]
        proj = attn.proj.weight.view(C, attn.num_heads, d)[:, open_heads]
        x = x + self._attention_output(F.linear(
            out.transpose(1, 2).reshape(B, N, h * d),
            proj.reshape(C, h * d), attn.proj.bias))
        first, last = self.ffn.layers[0][0], self.ffn.layers[1]
        per_group = first.out_features // self.gates.num_groups
        channels = groups.repeat_interleave(per_group, 1)
        open_channels = channels.any(0)
        hidden = F.linear(self.ln2(x), first.weight[open_channels],
                          first.bias[open_channels])
        hidden = self.ffn.layers[0][2](self.ffn.layers[0][1](hidden))
        if B > 1:
            hidden = hidden * channels[:, None, open_channels]
        out = F.linear(hidden, last.weight[:, open_channels], last.bias)
        return x + self.ffn.dropout_layer(
            self.ffn.gamma2(self.ffn.layers[2](out)))

    def _attention_output(self, out: torch.Tensor) -> torch.Tensor:
        """``attn.proj``'s output through the attention's dropout,
        LayerScale and drop-path."""
        attn = self.attn
        return attn.out_drop(attn.gamma1(attn.proj_drop(out)))

    def _mlp_output(self, hidden: torch.Tensor) -> torch.Tensor:
        """The MLP's hidden activations through its second linear layer,
        dropout, LayerScale and drop-path."""
        ffn = self.ffn
        return ffn.dropout_layer(ffn.gamma2(ffn.layers[2](
            ffn.layers[1](hidden))))


def add_gates(layer: TransformerEncoderLayer, num_groups: int,
              **gate_cfg) -> GatedEncoderLayer:
    """Make ``layer`` a :class:`GatedEncoderLayer` in place (its weights and
    their names unchanged), gating off.

    Args:
        layer (TransformerEncoderLayer): An MMPretrain ViT block (no
            ``v_shortcut``).
        num_groups (int): MLP channel groups; must divide the hidden width.
        **gate_cfg: Further arguments of :class:`BlockGates`.

    Returns:
        GatedEncoderLayer: ``layer``.
    """
    hidden = layer.ffn.layers[0][0].out_features
    if hidden % num_groups:
        raise ValueError(f'gate_groups={num_groups} must divide the MLP '
                         f'hidden width {hidden}')
    if layer.attn.v_shortcut:
        raise ValueError('gated blocks need attention without v_shortcut')
    layer.__class__ = GatedEncoderLayer
    layer.gates = BlockGates(layer.embed_dims, layer.attn.num_heads,
                             num_groups, **gate_cfg)
    layer.gating, layer.last_gates = False, None
    return layer
