import torch

from tec_mm import (AttentionRelationLoss, PatchNormMSELoss,
                    TECReconstructionHead)


def build(attention_loss):
    torch.manual_seed(0)
    head = TECReconstructionHead(
        decoder=dict(
            num_patches=16, embed_dims=8, decoder_embed_dims=8,
            num_heads=2, target_heads=2),
        attention_loss=attention_loss)
    head.init_weights()
    return head


def test_losses_are_the_configured_losses_of_the_decoder_outputs():
    head = build(dict(type='AttentionRelationLoss', tau=1.4))
    x, ids = torch.randn(2, 5, 8), torch.stack(
        [torch.randperm(16) for _ in range(2)])
    mask = (ids >= 4).float()
    targets = dict(
        feature=torch.randn(2, 16, 8),
        attention=torch.randn(2, 3, 2, 16),
        indices=torch.tensor([[0, 7], [3, 15]]))
    losses = head.loss(x, ids, mask, targets, 'mae')
    feature, attention = head.decoder(x, ids, 'mae', targets['indices'])
    torch.testing.assert_close(
        losses['loss_fea'], PatchNormMSELoss()(feature, targets['feature'],
                                               mask))
    torch.testing.assert_close(
        losses['loss_att'],
        AttentionRelationLoss(tau=1.4)(attention, targets['attention']))


def test_no_attention_loss_means_no_attention_decoder():
    head = build(None)
    assert not head.with_attention
    assert not hasattr(head.decoder, 'attention_input')
    losses = head.loss(
        torch.randn(1, 5, 8), torch.randperm(16)[None], torch.ones(1, 16),
        dict(feature=torch.randn(1, 16, 8)), 'mae')
    assert set(losses) == {'loss_fea'}
