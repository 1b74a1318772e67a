# MMPretrain's runtime with tec_mm's registries as the default scope.
_base_ = 'mmpretrain::_base_/default_runtime.py'

custom_imports = dict(imports=['tec_mm'], allow_failed_imports=False)
default_scope = 'tec_mm'
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    # MMEngine's CheckpointHook, writing through temporary files and
    # removing an old checkpoint only once the new one is complete (named
    # with its scope: MMPretrain's runtime tags these hooks 'mmpretrain')
    checkpoint=dict(type='tec_mm.SafeCheckpointHook', interval=1, max_keep_ckpts=3))
randomness = dict(seed=0, diff_rank_seed=True)
custom_hooks = [
    dict(type='CompileReadyHook'),
    dict(type='NonFiniteLossHook'),
    dict(type='RandomStateHook'),
    dict(type='LineageHook')
]
