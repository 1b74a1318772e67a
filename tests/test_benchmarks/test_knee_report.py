"""The knee study's report by hand: the base it names, and what was
measured from an earlier base."""
from tec_bench import knee_report


def test_the_report_names_a_base_that_is_not_the_knee():
    assert knee_report.base_name(dict(base=36, e1=36)) == 'E1 = 36'
    assert knee_report.base_name(dict(base=576, e1=None)) == (
        'E = 576, not the knee: `--knee-base 576`, no knee found')
    assert knee_report.base_name(dict(base=24, e1=36)) == (
        'E = 24, not the knee: `--knee-base 24`, E1 = 36')
    assert knee_report.base_name(dict(base=576)) == (
        'E = 576, not the knee: `--knee-base 576`, the knee search not '
        'finished')


def test_an_earlier_base_keeps_its_sweep_and_fine_tuning_length():
    tec = 'tec_tau-0.2_mae576wsd_s0+192'
    results = dict(
        e1=1536, base=1536, sweep={}, chosen=None, finetune_epochs=5,
        finetune_val={'mae576wsd_s0': {'2': [82.26, 85.25]},
                      'mae768wsd_s0': {'2': [83.52, 86.14]},
                      tec: {'2': [80.0, 84.5]}},
        earlier={'576': dict(sweep={'tau=0.2': dict(key=tec, knn=82.34)},
                             chosen='tau=0.2', entropy={'tau=0.2, K=4': 0.22},
                             finetune_epochs=2, finetune_settled=False)})
    rows = knee_report.earlier_rows(results)
    assert rows[:11] == [
        '', '## TEC sweep from an earlier base (E = 576; kNN, validation '
        'split)', '', '| setting | kNN % |', '|---|---|',
        '| tau=0.2 | 82.34 |', '',
        'TEC for E1/3 from the base at E = 576, not the knee: '
        '`--knee-base 576`, E1 = 1536.', '',
        "Chosen: tau=0.2; the base's attention target entropy / log N: "
        'tau=0.2, K=4 0.22', '']
    assert rows[11:] == [
        '## Fine-tuning length (validation split)', '', '| arm | 2 ep |',
        '|---|---|', '| mae576wsd_s0 | 85.25 |', '| mae768wsd_s0 | 86.14 |',
        f'| {tec} | 84.50 |', '',
        # the earlier base's length, not the current one's 5 epochs
        'Chosen: 2 epochs, the longest tried: the ranking had not settled.',
        '']
    # the current base has nothing measured yet
    assert knee_report.sweep_rows(results, '## T') == [
        '', '## T', '', 'Not measured yet.', '',
        'TEC for E1/3 from the base at E1 = 1536.', '']


def test_what_the_base_has_not_measured_yet_is_said():
    results = dict(e1=1536, base=1536, sweep={}, chosen=None, arms={},
                   entropy={'tau=1.0, K=4': 0.7757, 'tau=0.2, K=4': 0.2393})
    assert knee_report.sweep_rows(results, '## T')[-2:] == [
        "The base's attention target entropy / log N: tau=1.0, K=4 0.78, "
        'tau=0.2, K=4 0.24', '']
    assert knee_report.arm_rows(results) == [
        '## Arms (test split)', '', 'Fine-tuning: its length is not chosen '
        'yet (stage `knee-recipe`).', '', 'Not measured yet.', '']
    assert knee_report.verdict_rows(results) == [
        '## Verdicts', '', '- Not measured yet: TEC from the base '
        '(E1 = 1536) has no setting chosen.', '']
    assert knee_report.verdict_rows(dict(results, base=None)) == []


def test_the_verdicts_compare_tec_for_e1_3_and_e1_with_the_longer_mae():
    def arm(top1: float, tflops: float) -> dict:
        return dict(finetune=[50.0, top1], flops=tflops * 1e12)

    tec = 'tec_tau-1.0_mae12wsd_s{s}+4'
    arms = {'mae12wsd_s0': arm(80.0, 12), 'mae12wsd_s1': arm(81.0, 12),
            'mae16wsd_s0': arm(81.0, 16), 'mae16wsd_s1': arm(80.0, 16),
            tec.format(s=0): arm(81.5, 16), tec.format(s=1): arm(80.5, 16),
            'mae24wsd_s0': arm(82.0, 24)}
    results = dict(e1=12, base=12, chosen='tau=1.0', arms=arms)
    assert knee_report.verdict_rows(results) == [
        '## Verdicts', '',
        # +1.5 / -0.5: one seed loses
        '- TEC E1/3 above the base (E1 = 12): **does not hold** (+0.50 '
        'fine-tuning top-1, per seed +1.50 / -0.50; needs >= +0.5 and '
        'every seed above 0).',
        # +0.5 / +0.5: the margin in the mean and every seed gains
        '- TEC E1/3 above MAE E1 + E1/3: **holds** (+0.50 fine-tuning '
        'top-1, per seed +0.50 / +0.50; needs >= +0.5 and every seed '
        'above 0).',
        '- TEC E1/3 against MAE 2 E1 (seed 0): -0.50 fine-tuning top-1 at '
        '0.67x its training FLOPs.',
        '- TEC E1 against the base (seed 0): not measured yet.',
        '- TEC E1 against MAE 2 E1 (seed 0): not measured yet.', '']
    arms['tec_tau-1.0_mae12wsd_s0+12'] = arm(83.25, 30)
    assert knee_report.verdict_rows(results)[-3:-1] == [
        '- TEC E1 against the base (seed 0): +3.25 fine-tuning top-1 at '
        '2.50x its training FLOPs.',
        '- TEC E1 against MAE 2 E1 (seed 0): +1.25 fine-tuning top-1 at '
        '1.25x its training FLOPs.']
