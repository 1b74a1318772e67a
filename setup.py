"""Install the ``tec_mm`` OpenMMLab plugin: ``pip install -e .`` for
pretraining, ``.[downstream]`` adds MMSegmentation and MMDetection,
``.[tests]`` what the test suite needs."""
from setuptools import find_packages, setup

INSTALL_REQUIRES = [
    # torch and torchvision are a matching pair; tools/setup_env.sh pins them.
    'torch>=2.0',
    'torchvision>=0.15',
    # mmengine 0.10.x and mmcv 2.1.x import pkg_resources.
    'setuptools<81',
    'mmengine>=0.10.0,<0.11',
    'mmcv>=2.1.0,<2.2',
    'mmpretrain>=1.2.0,<1.3',
    'numpy',
]
# ADE20K and COCO fine-tuning (configs/benchmarks, configs/demo stand-ins)
DOWNSTREAM = [
    'mmsegmentation>=1.2.0,<1.3',
    'mmdet>=3.3.0,<3.4',
    # mmseg imports these but does not declare them.
    'ftfy',
    'regex',
]

setup(
    name='tec_mm',
    version='0.1.0',
    description='TEC (Target-Enhanced Conditional pretraining) for MMPretrain',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(include=['tec_mm', 'tec_mm.*']),
    install_requires=INSTALL_REQUIRES,
    extras_require={
        'downstream': DOWNSTREAM,
        'tests': [*DOWNSTREAM, 'pytest>=7'],
    },
    license='Apache-2.0',
)
