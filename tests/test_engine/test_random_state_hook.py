"""RandomStateHook: validation gives the generators back as they were."""
import random

import numpy as np
import torch

from tec_mm import RandomStateHook


def draws():
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_validation_leaves_the_training_draws_unchanged():
    hook = RandomStateHook()
    torch.manual_seed(3), np.random.seed(3), random.seed(3)
    expected = draws()
    torch.manual_seed(3), np.random.seed(3), random.seed(3)
    hook.before_val(None)
    draws(), draws()  # what validation takes
    hook.after_val(None)
    assert draws() == expected
