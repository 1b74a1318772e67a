# The tiny ViT of the demo: 28x28 grey input, 4x4 patches (7x7 grid),
# 6 blocks of width 96 with 4 heads (0.7 M parameters).
img_size = 28
patch_size = 4
in_channels = 1
num_patches = (img_size // patch_size)**2
tiny_arch = dict(
    embed_dims=96, num_layers=6, num_heads=4, feedforward_channels=384)
decoder_embed_dims = 64
