# The sustainability benchmark's fine-tuning on a validation split carved
# from the training images: fine-tuned on training images 0-49999, top-1 on
# 50000-59999 after each epoch (the knee study's curve and recipe choice;
# the test split is left for the arms).
_base_ = './vit-tiny-p4_fmnist-60k_finetune.py'
train_dataloader = dict(dataset=dict(indices=50000))
val_dataloader = dict(
    dataset=dict(split='train', indices=list(range(50000, 60000))))
test_dataloader = val_dataloader
