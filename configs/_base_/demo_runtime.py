# Runtime of the CPU demo: log every 20 iterations, keep the last checkpoint.
_base_ = './tec_runtime.py'
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(type='tec_mm.SafeCheckpointHook', interval=1, max_keep_ckpts=1))
