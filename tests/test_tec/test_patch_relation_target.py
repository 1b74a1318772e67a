import copy

import pytest
import torch

from tec_mm import PatchRelationTarget
from tec_test_utils import IMG, PATCH, TINY_ARCH


def build(checkpoint, **kwargs):
    return PatchRelationTarget(
        checkpoint=checkpoint, arch=TINY_ARCH, img_size=IMG,
        patch_size=PATCH, top_k=3, **kwargs)


def test_mae_format_matches_reference_vit(mae_checkpoint):
    path, ref = mae_checkpoint
    target = build(path)
    img = torch.randn(2, 3, IMG, IMG)
    out = target(img)
    ref_outs, ref_logits = ref(img)

    # feature: mean of the last 2 raw block outputs, CLS dropped, no norm
    expected = (ref_outs[-1][:, 1:] + ref_outs[-2][:, 1:]) / 2
    assert out['feature'].shape == (2, 16, TINY_ARCH['embed_dims'])
    torch.testing.assert_close(out['feature'], expected, atol=1e-5, rtol=0)

    # indices: top-3 of the head-averaged CLS -> patch logits
    cls_row = ref_logits[-1][:, :, 0, 1:].mean(1)
    expected_idx = cls_row.topk(3, dim=-1).indices
    assert torch.equal(out['indices'], expected_idx)

    # attention: rows CLS + top-3 patches, columns the 16 patch keys
    rows = torch.cat([torch.zeros(2, 1, dtype=torch.long), expected_idx + 1],
                     1)
    expected_att = torch.stack([
        ref_logits[-1][b][:, rows[b], 1:].transpose(0, 1) for b in range(2)
    ])
    assert out['attention'].shape == (2, 4, TINY_ARCH['num_heads'], 16)
    torch.testing.assert_close(
        out['attention'], expected_att, atol=1e-5, rtol=0)

    # cls_attention: the CLS query's softmax over the 16 patch keys, averaged
    # over the heads
    expected_cls = ref_logits[-1][:, :, 0, 1:].softmax(-1).mean(1)
    torch.testing.assert_close(out['cls_attention'], expected_cls,
                               atol=1e-6, rtol=0)


def test_last_layers_one_is_last_block(mae_checkpoint):
    path, ref = mae_checkpoint
    img = torch.randn(1, 3, IMG, IMG)
    out = build(path, last_layers=1, with_attention=False)(img)
    assert set(out) == {'feature'}
    torch.testing.assert_close(
        out['feature'], ref(img)[0][-1][:, 1:], atol=1e-5, rtol=0)


def test_frozen_and_always_eval(mae_checkpoint):
    target = build(mae_checkpoint[0])
    assert not any(p.requires_grad for p in target.parameters())
    target.train()
    assert not target.training
    assert not any(m.training for m in target.modules())
    out = target(torch.randn(1, 3, IMG, IMG, requires_grad=True))
    assert not out['feature'].requires_grad
    # computed in inference mode, returned as ordinary tensors that a
    # loss's autograd may save for backward
    assert not any(t.is_inference() for t in out.values())
    pred = torch.randn_like(out['attention'], requires_grad=True)
    (pred * out['attention']).sum().backward()
    torch.testing.assert_close(pred.grad, out['attention'])


def test_bfloat16_base_gives_float32_targets_close_to_float32(mae_checkpoint):
    path = mae_checkpoint[0]
    img = torch.randn(2, 3, IMG, IMG)
    ref = build(path)(img)
    low = build(path, autocast_dtype='bfloat16')(img)
    assert low['feature'].dtype == low['attention'].dtype == torch.float32
    # bf16 rounding may rank two near-equal patches the other way: the
    # attention rows compared are the CLS row and the ranks at which both
    # precisions picked the same patch
    same = torch.cat([torch.ones_like(ref['indices'][:, :1], dtype=torch.bool),
                      low['indices'] == ref['indices']], dim=1)
    for key, kept in (('feature', slice(None)), ('attention', same)):
        err = (low[key][kept] - ref[key][kept]).abs().max() / \
            ref[key].abs().max()
        assert 0 < err < 0.05, (key, err)  # bf16 rounding, nothing more
    with pytest.raises(ValueError, match="autocast_dtype='fp8'"):
        build(path, autocast_dtype='fp8')


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='target_generator.checkpoint'):
        build(str(tmp_path / 'nope.pth'))
    with pytest.raises(ValueError, match='target_generator.checkpoint=PATH'):
        build(None)


def test_built_from_a_module_or_a_state_dict_as_from_its_file(
        mae_checkpoint, tmp_path):
    from tec_test_utils import write_mmpretrain_checkpoint
    path = str(tmp_path / 'vit.pth')
    vit = write_mmpretrain_checkpoint(path)
    img = torch.randn(2, 3, IMG, IMG)
    from_file = build(path)(img)
    from_module, from_state = build(vit), build(vit.state_dict())
    assert (from_module.checkpoint, from_state.checkpoint) == (
        '<VisionTransformer>', '<state dict>')
    assert not any(m is vit for m in from_module.modules())  # not kept
    for other in (from_module(img), from_state(img)):
        for key in ('feature', 'attention', 'indices'):
            assert torch.equal(other[key], from_file[key]), key
    mae_path, _ = mae_checkpoint
    mae_state = torch.load(mae_path)
    torch.testing.assert_close(build(mae_state)(img)['feature'],
                               build(mae_path)(img)['feature'])


def test_base_compiled_on_its_own_gives_the_eager_targets(mae_checkpoint):
    path = mae_checkpoint[0]
    img = torch.randn(2, 3, IMG, IMG)
    ref = build(path)(img)
    out = build(path, compile=True)(img)  # inductor, in inference mode
    assert torch.equal(out['indices'], ref['indices'])
    for key in ('feature', 'attention', 'cls_attention'):
        torch.testing.assert_close(out[key], ref[key], atol=1e-5, rtol=0)
    assert not any(t.is_inference() for t in out.values())


def test_compile_options_reach_torch_compile(mae_checkpoint):
    graphs = []

    def backend(gm, example_inputs):
        graphs.append(gm)
        return gm.forward

    target = build(mae_checkpoint[0], compile=dict(backend=backend))
    img = torch.randn(2, 3, IMG, IMG)
    target(img)
    assert len(graphs) == 1
    # a copy's compiled forward runs on the copy's weights
    twin = copy.deepcopy(target)
    twin.patch_embed.projection.weight.data.zero_()
    assert not torch.equal(twin(img)['feature'], target(img)['feature'])
    with pytest.raises(ValueError, match="compile='max-autotune'"):
        build(mae_checkpoint[0], compile='max-autotune')
