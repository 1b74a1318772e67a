"""The knee study's cost: one epoch of each kind of run measured by stage
``knee-plan``, and the whole study's minutes projected from them for a
knee at E1 (the curve to E1 and 2 E1, the sweep, the fine-tuning length
and the arms)."""
from typing import Dict, List

from .knee_study import candidates, decay_epochs, partner

SWEEP_RUNS = 6  # three taus, then three single changes
RECIPE_EPOCHS = (2, 3, 4, 5)  # assumed tried before the ranking settles


def projected_minutes(e1: int, plan: Dict[str, float],
                      sweep_runs: int = SWEEP_RUNS) -> Dict[str, float]:
    """Single-process minutes of the whole study if the knee is at ``e1``.

    Args:
        e1 (int): The knee.
        plan (Dict[str, float]): Minutes of one epoch: ``mae`` and ``tec``
            (the study's images), ``finetune_50k`` and ``finetune_60k``;
            ``probe``: the features of one kNN + linear evaluation.
        sweep_runs (int): TEC runs of the sweep (3: ``--taus-only``).

    Returns:
        Dict[str, float]: Minutes by part, and ``total``.
    """
    points = {x for e in candidates(12, e1) for x in (e, partner(e))}
    points |= {2 * e1}
    stable = (2 * e1 - decay_epochs(2 * e1)) + \
        (partner(e1) - decay_epochs(partner(e1)))  # seed 0, seed 1
    branches = sum(decay_epochs(p) for p in points) + decay_epochs(e1) + \
        decay_epochs(partner(e1))
    finetuned = {e for e in candidates(12, e1) if (e // 3) & (e // 3 - 1)
                 == 0} | {e1, partner(e1), 2 * e1}
    parts = dict(
        mae=(stable + branches) * plan['mae'],
        tec=(sweep_runs * e1 / 3 + e1 / 3 + e1) * plan['tec'],
        curve_eval=len(points) * plan['probe'] +
        2 * len(finetuned) * plan['finetune_50k'],
        recipe=3 * sum(RECIPE_EPOCHS[1:]) * plan['finetune_50k'],
        arms=8 * (RECIPE_EPOCHS[-2] * plan['finetune_60k'] + plan['probe']))
    parts['total'] = sum(parts.values())
    return parts


def plan_rows(results: dict) -> List[str]:
    """The measured epoch costs and the projection by E1."""
    plan = results.get('plan')
    if not plan:
        return []
    load = f", load average {plan['load']:.1f}" if 'load' in plan else ''
    rows = ['## Plan: measured costs and the projected study', '',
            'Minutes of one epoch, one process with one thread '
            f"({plan['machine']}{load}; `--stages knee-plan`): " +
            ', '.join(f'{k} {v:.2f}' for k, v in plan.items()
                      if isinstance(v, float) and k != 'load') + '.', '',
            'Projected minutes of one process by part, if the knee is at E1 '
            f'(the sweep\'s {SWEEP_RUNS} TEC runs, fine-tuning recipes of '
            f'{RECIPE_EPOCHS[0]}-{RECIPE_EPOCHS[-1]} epochs tried and '
            f'{RECIPE_EPOCHS[-2]} chosen; two such processes side by side '
            'halve the wall-clock at best):', '',
            '| E1 | MAE | TEC | curve evaluation | recipe | arms | total '
            '(h) |', '|---|---|---|---|---|---|---|']
    fits = []
    found = results.get('e1')
    shown = sorted({24, 48, 96, 192, 384} | (
        {found} if isinstance(found, int) else set()))
    for e1 in shown:
        p = projected_minutes(e1, plan)
        rows.append(f'| {e1} | ' + ' | '.join(
            f'{p[k]:.0f}' for k in ('mae', 'tec', 'curve_eval', 'recipe',
                                    'arms')) + f" | {p['total'] / 60:.1f} |")
        if p['total'] / 2 <= 8 * 60:
            fits.append(e1)
    rows += ['', 'With two processes the whole study fits 8 hours if E1 <= '
             f'{max(fits)}.' if fits else 'With two processes the whole '
             'study fits 8 hours for none of these E1.']
    if isinstance(found, int):
        hours = projected_minutes(found, plan, sweep_runs=3)['total'] / 60
        rows += ['', f'At the knee found, E1 = {found}, a sweep of the taus '
                 f'only (`--taus-only`) projects the study to {hours:.1f} '
                 f'hours of one process ({hours / 2:.1f} with two).']
    return rows + ['']
