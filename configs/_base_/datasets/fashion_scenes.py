# Fashion-MNIST scenes (tools/benchmarks/make_standin_datasets.py): 64 x 64
# grey canvases with 1-4 items, loaded in one channel and normalised with
# Fashion-MNIST's statistics, as the demo's pretraining.
grey_mean = [72.94]
grey_std = [90.02]
load_grey = dict(type='LoadImageFromFile', color_type='grayscale')
