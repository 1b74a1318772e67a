# TEC in the knee study (tools/benchmarks/sustainability.py, stage knee):
# the sustainability benchmark's TEC on the knee study's 10k pretraining
# images; the study sets its base, epochs, warm-up and the settings it
# sweeps.
_base_ = './tec_vit-tiny-p4_fmnist-30k.py'
train_dataloader = dict(dataset=dict(indices=10000))
