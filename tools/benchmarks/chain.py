"""Sustainable chains: TEC generation after generation, each from the last
one's final checkpoint.

Generation g trains CONFIG in ``WORK_DIR/gen<g>`` with
``model.target_generator.checkpoint`` set to generation g-1's last
checkpoint (generation 0 is ``--base``, any base model). A TEC checkpoint
is read as a base as it is (its CLS MLP folded), and every checkpoint
records its lineage in ``meta['lineage']`` (``LineageHook``: generation,
bases with their sha256, config). A generation whose run finished is not
trained again, so a stopped chain continues where it was.

Usage:
    python tools/benchmarks/chain.py CONFIG --base CHECKPOINT --generations N
        [--work-dir DIR] [--cfg-options K=V ...]
"""
import argparse
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction

from tec_bench import last_checkpoint, run_tool
from tec_mm.engine import (ConfigError, MissingInput, load_checkpoint_file,
                           run_main)


def finished(work_dir: str, epochs: int) -> Optional[str]:
    """The last checkpoint of a run in ``work_dir`` that reached ``epochs``
    epochs, else None."""
    if not osp.exists(osp.join(work_dir, 'last_checkpoint')):
        return None
    path = last_checkpoint(work_dir)
    if not osp.isfile(path):
        return None
    meta = load_checkpoint_file(path).get('meta', {})
    return path if meta.get('epoch') == epochs else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--base', required=True,
                        help='the checkpoint of generation 0')
    parser.add_argument('--generations', type=int, required=True)
    parser.add_argument('--work-dir', help='default: work_dirs/chain_<name>')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='KEY=VALUE options of every generation')
    args = parser.parse_args()
    if not osp.isfile(args.base):
        raise MissingInput(f'--base {args.base}: no such file')
    if args.generations < 1:
        raise ConfigError(f'--generations {args.generations}: train at '
                          'least one generation')
    cfg = Config.fromfile(args.config)
    options = argparse.ArgumentParser()
    options.add_argument('--options', nargs='*', action=DictAction)
    cfg.merge_from_dict(options.parse_args(
        ['--options', *args.cfg_options]).options or {})
    if 'type' not in cfg.model.get('target_generator', {}):
        raise ConfigError(f'{args.config}: a chain needs a TEC config with '
                          'one base model (model.target_generator.type)')
    work_dir = args.work_dir or osp.join(
        'work_dirs', 'chain_' + osp.splitext(osp.basename(args.config))[0])
    base, rows = args.base, []
    for generation in range(1, args.generations + 1):
        run_dir = osp.join(work_dir, f'gen{generation}')
        checkpoint = finished(run_dir, cfg.train_cfg.max_epochs)
        if checkpoint is None:
            run_tool('train.py', args.config, '--work-dir', run_dir,
                     '--cfg-options',
                     f'model.target_generator.checkpoint={base}',
                     *args.cfg_options,
                     log=osp.join(run_dir, 'chain.log'),
                     label=f'generation {generation}')
            checkpoint = last_checkpoint(run_dir)
        lineage = load_checkpoint_file(checkpoint)['meta']['lineage']
        rows.append(f"| {lineage['generation']} | {checkpoint} | "
                    f"{lineage['bases'][0]['path']} | "
                    f"{(lineage['bases'][0]['sha256'] or '-')[:12]} |")
        base = checkpoint
    print('| generation | checkpoint | base | base sha256 |\n'
          '|---|---|---|---|\n' + '\n'.join(rows))


if __name__ == '__main__':
    run_main(main)
