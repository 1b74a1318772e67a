# The mini ViT of the knee study's smaller problem: the tiny ViT's 28x28
# grey input, 4x4 patches and 6 blocks with 4 heads, 64 wide instead of 96.
mini_arch = dict(
    embed_dims=64, num_layers=6, num_heads=4, feedforward_channels=256)
